import { quote } from '../util/quote';
import { dayClock, daysInMonth, instantsOf, type ResolvedWallTime } from './zone';

/**
 * Crons as docs/semantics.md "Crons" reads them: five fields (minute hour day-of-month month day-of-week) with
 * numbers, names, `*`, ranges, lists and steps, plus `L` (the last day of the month) and `MON#1` (the
 * first Monday). Day of month and day of week combine as Vixie cron combines them, and the times are
 * computed per local day, so that every cron, whatever its shape, meets the clock changes the same way
 * (docs/semantics.md "Crons").
 *
 * Croner, which Stalewatch used before, cannot be set to these rules: its day rule is one switch for
 * every cron (`*\/10` counts as restricted), and it treats times with a wildcard or a step as intervals
 * that skip a spring-forward gap and run twice in a repeated hour.
 */

/** A cron that cannot be read, with what to write instead. */
export class CronSyntaxError extends Error {
  override readonly name = 'CronSyntaxError';
}

/** One field's name, its range, and the names it takes. */
interface FieldSpec {
  name: string;
  plural: string;
  min: number;
  max: number;
  names?: readonly string[];
  example: string;
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
/** Sunday is 0 (and 7, as in Vixie cron). */
export const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', plural: 'minutes', min: 0, max: 59, example: '0, 30, */15 or 0-30/10' },
  { name: 'hour', plural: 'hours', min: 0, max: 23, example: '8, 8-18 or */2' },
  {
    name: 'day of month',
    plural: 'days of the month',
    min: 1,
    max: 31,
    example: '1, 1-15, */10 or L (the last day)',
  },
  { name: 'month', plural: 'months', min: 1, max: 12, names: MONTH_NAMES, example: '1-12 or JAN-DEC' },
  {
    name: 'day of week',
    plural: 'days of the week',
    min: 0,
    max: 7,
    names: DAY_NAMES,
    example: '1-5, MON-FRI or MON#1',
  },
];

/** Every nth weekday of the month (`MON#2`): bit n-1. A plain weekday matches every occurrence. */
const EVERY_OCCURRENCE = 0b11111;

/** A cron, read. */
export interface Cron {
  /** As written. */
  text: string;
  /** Sorted, without repeats. */
  minutes: readonly number[];
  hours: readonly number[];
  /** Days 1-31. */
  daysOfMonth: ReadonlySet<number>;
  /** `L` in day of month. */
  lastDayOfMonth: boolean;
  /** Months 1-12. */
  months: ReadonlySet<number>;
  /** Weekday (0 = Sunday) → which occurrences in the month match (bit n-1 for the nth). */
  daysOfWeek: ReadonlyMap<number, number>;
  /** Vixie's rule: a day field that starts with `*` is not a restriction on its own. */
  dayOfMonthStar: boolean;
  dayOfWeekStar: boolean;
}

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** The example given when nothing better can be said. */
const EXAMPLE = '0 8 * * 1-5';

function readValue(token: string, field: FieldSpec, cron: string): number {
  const upper = token.toUpperCase();
  const named = field.names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + (field.name === 'month' ? 1 : 0);
  if (!/^\d+$/.test(token)) {
    const names = field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : '';
    throw new CronSyntaxError(
      `${quote(cron)}: ${field.name} ${quote(token)} is not a number${field.names ? ' or a name' : ''} — write ${field.min}-${field.max}${names}, e.g. ${field.example}`,
    );
  }
  const value = Number(token);
  if (value < field.min || value > field.max) {
    throw new CronSyntaxError(
      `${quote(cron)}: ${field.name} ${value} is out of range — ${field.plural} are ${field.min}-${field.max}, e.g. ${field.example}`,
    );
  }
  return value;
}

/** The values of one list item of a field: `*`, `5`, `1-5`, `*\/15`, `1-30/5`, `5/15`. */
function readItem(item: string, field: FieldSpec, cron: string): number[] {
  const [range = '', step, extra] = item.split('/');
  if (extra !== undefined || range === '' || step === '') {
    throw new CronSyntaxError(
      `${quote(cron)}: ${field.name} ${quote(item)} is not a step — write */15 or 0-30/10`,
    );
  }
  let from: number;
  let to: number;
  if (range === '*') {
    [from, to] = [field.min, field.name === 'day of week' ? 6 : field.max];
  } else if (range.includes('-')) {
    const [a = '', b = '', more] = range.split('-');
    if (more !== undefined) {
      throw new CronSyntaxError(
        `${quote(cron)}: ${field.name} ${quote(item)} is not a range — write it as 1-5`,
      );
    }
    // MON-SUN: Sunday is 7 at the top of a range, as in Vixie cron.
    const top = field.name === 'day of week' && b.toUpperCase() === 'SUN' ? '7' : b;
    [from, to] = [readValue(a, field, cron), readValue(top, field, cron)];
    if (from > to) {
      throw new CronSyntaxError(
        `${quote(cron)}: ${field.name} range ${quote(range)} runs backwards — write the lower end first, or a list such as ${a},${b}`,
      );
    }
  } else {
    from = readValue(range, field, cron);
    // `5/15` counts from 5 to the end of the field, as EventBridge and most crons read it.
    to = step === undefined ? from : field.max;
  }
  const by = step === undefined ? 1 : Number(step);
  if (!/^\d+$/.test(step ?? '1') || by < 1 || by > field.max) {
    throw new CronSyntaxError(
      `${quote(cron)}: ${field.name} step ${quote(`/${step}`)} must be a whole number from 1 to ${field.max}, e.g. */15`,
    );
  }
  const values: number[] = [];
  for (let v = from; v <= to; v += by) values.push(v);
  return values;
}

/** `MON#1`: the first Monday. */
function readNth(item: string, field: FieldSpec, cron: string): { day: number; bit: number } {
  const [day = '', nth = ''] = item.split('#');
  if (!/^[1-5]$/.test(nth)) {
    throw new CronSyntaxError(
      `${quote(cron)}: ${quote(item)} — after # comes which one of the month, 1 to 5, e.g. MON#1 (the first Monday)`,
    );
  }
  if (/[-/*,]/.test(day)) {
    throw new CronSyntaxError(
      `${quote(cron)}: ${quote(item)} — # takes one day, e.g. MON#1; list several as MON#1,FRI#3`,
    );
  }
  return { day: readValue(day, field, cron) % 7, bit: 1 << (Number(nth) - 1) };
}

function refuseUnsupported(text: string, fields: string[]): void {
  const [, , dom = '', , dow = ''] = fields;
  if (text.includes('?')) {
    throw new CronSyntaxError(`${quote(text)}: ? is not used here — write * for "any"`);
  }
  if (/W/i.test(dom)) {
    throw new CronSyntaxError(
      `${quote(text)}: W (the nearest weekday) is not supported — name the days instead, e.g. "0 8 1-3 * 1-5"`,
    );
  }
  if (dom.split(',').some((item) => /L/i.test(item) && item.toUpperCase() !== 'L')) {
    throw new CronSyntaxError(
      `${quote(text)}: day of month takes L on its own (the last day of the month), e.g. "0 18 L * *"`,
    );
  }
  if (/L/i.test(dow)) {
    throw new CronSyntaxError(
      `${quote(text)}: L in day of week (the last such weekday) is not supported — use L in day of month for the last day of the month, or MON#1 for the first Monday`,
    );
  }
}

/**
 * The five fields meant by an EventBridge expression (`cron(0 8 ? * 2-6 *)`: six fields, `?` in a day
 * field, Sunday 1), or null when `text` is not one.
 */
function awsForm(text: string): string | null {
  const inner = /^cron\((.*)\)$/i.exec(text)?.[1] ?? text;
  const fields = inner.trim().split(/\s+/);
  if (fields.length !== 6 || (fields[2] !== '?' && fields[4] !== '?')) return null;
  const [minute, hour, dom, month, dow] = fields.map((f) => (f === '?' ? '*' : f));
  // EventBridge numbers Sunday 1: name the days (2-6 is MON-FRI, 2#1 is MON#1).
  const days = dow?.replace(
    /(^|[,-])([1-7])/g,
    (_, before: string, d: string) => `${before}${DAY_NAMES[Number(d) - 1]}`,
  );
  return `${minute} ${hour} ${dom} ${month} ${days}`;
}

/** Reads a five-field cron, or throws a `CronSyntaxError` that says what to write instead. */
export function parseCron(text: string): Cron {
  const trimmed = text.trim();
  if (trimmed.startsWith('@')) {
    const same = MACROS[trimmed.toLowerCase()];
    throw new CronSyntaxError(
      same
        ? `${quote(trimmed)} is a shorthand — write the five fields instead: ${quote(same)}`
        : `${quote(trimmed)} is not a cron — write five fields, minute hour day-of-month month day-of-week, e.g. "${EXAMPLE}"`,
    );
  }
  const fields = trimmed.split(/\s+/).filter(Boolean);
  const aws = awsForm(trimmed);
  if (aws) {
    throw new CronSyntaxError(
      `${quote(trimmed)} is EventBridge's six-field form; crons here have five fields, as cron writes them (Sunday is 0) — write ${quote(aws)}`,
    );
  }
  if (fields.length === 6 || fields.length === 7) {
    const five = fields.slice(1, 6).join(' ');
    const what = fields.length === 6 ? 'a seconds field' : 'seconds and year fields';
    throw new CronSyntaxError(
      `${quote(trimmed)} has ${fields.length} fields (${what}); crons here have five, minute hour day-of-month month day-of-week, and run on the minute — write ${quote(five)}`,
    );
  }
  if (fields.length !== 5) {
    throw new CronSyntaxError(
      `${quote(trimmed)} has ${fields.length} field${fields.length === 1 ? '' : 's'} — write five: minute hour day-of-month month day-of-week, e.g. "${EXAMPLE}"`,
    );
  }
  refuseUnsupported(trimmed, fields);
  const [minuteText, hourText, domText, monthText, dowText] = fields as [
    string,
    string,
    string,
    string,
    string,
  ];
  const [minuteSpec, hourSpec, domSpec, monthSpec, dowSpec] = FIELDS as [
    FieldSpec,
    FieldSpec,
    FieldSpec,
    FieldSpec,
    FieldSpec,
  ];
  const values = (field: string, spec: FieldSpec, skip?: (item: string) => boolean) =>
    new Set(
      field
        .split(',')
        .filter((item) => !skip?.(item))
        .flatMap((item) => {
          if (item === '') {
            throw new CronSyntaxError(`${quote(trimmed)}: ${spec.name} has an empty list item — write 1,15`);
          }
          return readItem(item, spec, trimmed);
        }),
    );
  const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);
  const isL = (item: string) => item.toUpperCase() === 'L';
  const [minutes, hours] = [sorted(values(minuteText, minuteSpec)), sorted(values(hourText, hourSpec))];
  const [daysOfMonth, months] = [values(domText, domSpec, isL), values(monthText, monthSpec)];
  const daysOfWeek = new Map<number, number>();
  for (const item of dowText.split(',')) {
    if (item.includes('#')) {
      const { day, bit } = readNth(item, dowSpec, trimmed);
      daysOfWeek.set(day, (daysOfWeek.get(day) ?? 0) | bit);
    } else {
      for (const day of values(item, dowSpec)) daysOfWeek.set(day % 7, EVERY_OCCURRENCE);
    }
  }
  return {
    text: trimmed,
    minutes,
    hours,
    daysOfMonth,
    lastDayOfMonth: domText.split(',').some(isL),
    months,
    daysOfWeek,
    dayOfMonthStar: domText.startsWith('*'),
    dayOfWeekStar: dowText.startsWith('*'),
  };
}

/** True when the cron's day fields accept the date, by Vixie's rule. */
export function matchesDay(cron: Cron, year: number, month: number, day: number): boolean {
  if (!cron.months.has(month)) return false;
  const byMonth = cron.daysOfMonth.has(day) || (cron.lastDayOfMonth && day === daysInMonth(year, month));
  const occurrences = cron.daysOfWeek.get(new Date(Date.UTC(year, month - 1, day)).getUTCDay()) ?? 0;
  const byWeek = (occurrences & (1 << Math.floor((day - 1) / 7))) !== 0;
  // Vixie cron: when either field starts with *, a day must match both; when both are restricted,
  // either will do.
  return cron.dayOfMonthStar || cron.dayOfWeekStar ? byMonth && byWeek : byMonth || byWeek;
}

/** The Gregorian calendar repeats every 400 years: a cron with no day in one cycle has none ever. */
const CYCLE_MONTHS = 400 * 12;

/** The first date at or after `from` (a local date) that the cron's day fields accept, within a cycle. */
function* matchingDays(cron: Cron, from: { year: number; month: number; day: number }) {
  let { year, month } = from;
  for (let i = 0; i <= CYCLE_MONTHS; i++) {
    if (cron.months.has(month)) {
      const first = i === 0 ? from.day : 1;
      for (let day = first, last = daysInMonth(year, month); day <= last; day++) {
        if (matchesDay(cron, year, month, day)) yield { year, month, day };
      }
    }
    month = month === 12 ? 1 : month + 1;
    if (month === 1) year++;
  }
}

/** A cron's time: the instant and the local date it belongs to (`YYYY-MM-DD`, for holidays). */
export interface CronTime {
  at: Date;
  date: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A cron's times in a time zone, per local day: a time the clocks jump over falls at the moment they
 * jump; a time that occurs twice counts once, at its first occurrence. Several times of one day that
 * fall at the same moment count once.
 */
export class CronSchedule {
  readonly cron: Cron;

  constructor(
    cron: Cron | string,
    readonly timezone: string,
  ) {
    this.cron = typeof cron === 'string' ? parseCron(cron) : cron;
  }

  /** The first time strictly after `t`, or null if the cron never fires. */
  next(t: Date): CronTime | null {
    const after = t.getTime();
    // The local date of `t` is at most a day before its UTC date (no zone is 24 hours behind UTC).
    const start = new Date(after - 86_400_000);
    return this.firstFrom(start, after);
  }

  /**
   * The first time on a local day after the local date `date` (`YYYY-MM-DD`), or null if the cron never
   * fires again: how a deadline schedule steps over a day off, whatever the number of times in it.
   */
  firstAfterDay(date: string): CronTime | null {
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    return this.firstFrom(new Date(Date.UTC(year, month - 1, day + 1)), Number.NEGATIVE_INFINITY);
  }

  /** The first time after `after` on a local day from the date of `day` (read in UTC) on. */
  private firstFrom(day: Date, after: number): CronTime | null {
    const from = { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() };
    for (const d of matchingDays(this.cron, from)) {
      const found = this.firstOnDayAfter(d.year, d.month, d.day, after);
      if (found !== null) return { at: new Date(found), date: `${d.year}-${pad(d.month)}-${pad(d.day)}` };
    }
    return null;
  }

  /**
   * The cron's first time on a local day that is after `after`, or null. Wall times map to instants
   * in order (a skipped one to the jump, a repeated one to its first occurrence), so the first one
   * after `after` in the cron's order is the earliest.
   */
  private firstOnDayAfter(year: number, month: number, day: number, after: number): number | null {
    const midnight = Date.UTC(year, month - 1, day);
    // No zone is more than 14 hours ahead of or 12 behind UTC: skip a day that ended before `after`.
    if (midnight + 86_400_000 + 12 * 3_600_000 <= after) return null;
    const clock = dayClock(year, month, day, this.timezone);
    for (const hour of this.cron.hours) {
      for (const minute of this.cron.minutes) {
        const ms = instantOf(instantsOf(clock, midnight + (hour * 60 + minute) * 60_000));
        if (ms > after) return ms;
      }
    }
    return null;
  }
}

/** SPEC's reading of a wall time: the jump for a skipped one, the first occurrence of a repeated one. */
function instantOf(resolved: ResolvedWallTime): number {
  if (resolved.kind === 'single') return resolved.at.getTime();
  if (resolved.kind === 'repeated') return resolved.first.getTime();
  return resolved.jump.getTime();
}

/** True when some day in the 400-year Gregorian cycle has a time of the cron. */
export function firesEver(cron: Cron): boolean {
  return !matchingDays(cron, { year: 2000, month: 1, day: 1 }).next().done;
}

/**
 * What is wrong with a cron as a config value, with what to write instead; null when it is fine.
 * A cron that never fires (`0 0 30 2 *`) is wrong: no deadline would ever come.
 */
export function cronProblem(text: string): string | null {
  let cron: Cron;
  try {
    cron = parseCron(text);
  } catch (error) {
    if (error instanceof CronSyntaxError) return error.message;
    throw error;
  }
  if (!firesEver(cron)) {
    return `${quote(cron.text)} never fires: no month it names has such a day — check the day and month, e.g. "0 0 L 2 *" for the last day of February`;
  }
  return null;
}
