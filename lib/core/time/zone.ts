import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { spanInWords } from './duration';

/** True when the platform's Intl knows `zone` as an IANA time zone. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

/** The zone Intl reads `zone` as (`Europe/London` for `europe/london`, `UTC` for `Etc/UTC`), or null. */
function resolvedZone(zone: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/**
 * How a zone written in config is read: its one canonical name, or why it is refused. Intl reads zone
 * names in any case, but EventBridge Scheduler (the deployed digest) and people do not: a name that
 * differs from a real one only in case (`europe/london`), or whose parts do not start with a capital
 * (`us/eastern`), is refused with the name meant. Other names Intl knows (`Etc/UTC`, `US/Eastern`)
 * are read as the name Intl gives them (`UTC`, `America/New_York`), so that one zone has one spelling
 * in state, events and deployed schedules (docs/config.md "Time zones").
 */
export function readTimeZone(text: string): { zone: string } | { problem: string } {
  const resolved = resolvedZone(text);
  if (!resolved || text.length === 0) return { problem: 'is not an IANA time zone' };
  if (text === resolved || Intl.supportedValuesOf('timeZone').includes(text)) return { zone: text };
  const capitalised = text.split('/').every((part) => /^[A-Z]/.test(part));
  if (text.toLowerCase() === resolved.toLowerCase() || !capitalised) {
    return { problem: `is not written as the IANA time zone is — did you mean ${resolved}?` };
  }
  return { zone: resolved };
}

/** The canonical name of a zone that `readTimeZone` accepts (`UTC` for `Etc/UTC`). */
export function canonicalZone(zone: string): string {
  const reading = readTimeZone(zone);
  return 'zone' in reading ? reading.zone : zone;
}

/** `Saturday 24 October 04:10` in `zone`; the year is added when it is not `now`'s year. */
export function formatLocal(t: Date, zone: string, now: Date): string {
  const local = new TZDate(t, zone);
  const sameYear = local.getFullYear() === new TZDate(now, zone).getFullYear();
  return format(local, sameYear ? 'EEEE d MMMM HH:mm' : 'EEEE d MMMM yyyy HH:mm');
}

/**
 * How long ago (or ahead) `t` is from `now`, in words, rounded down in the unit that fits (`spanInWords`:
 * hours below two days, so 30 hours is `30 hours ago`, never `1 day ago`): `3 days ago`, `in 3 hours`.
 */
export function relative(t: Date, now: Date): string {
  if (Math.abs(t.getTime() - now.getTime()) < 60_000) return 'just now';
  const words = spanInWords(now.getTime() - t.getTime());
  return t.getTime() <= now.getTime() ? `${words} ago` : `in ${words}`;
}

/** `Saturday 24 October 04:10 (2 days ago)`: absolute in the configured zone, and relative. */
export function formatWhen(t: Date, zone: string, now: Date): string {
  return `${formatLocal(t, zone, now)} (${relative(t, now)})`;
}

/** A length of time in words, rounded down as `relative` rounds: `3 days`, `26 hours`. */
export function formatAge(seconds: number): string {
  return seconds < 60 ? 'less than a minute' : spanInWords(seconds * 1000);
}

/** The earliest year a date-time written in config or on the command line may have. */
export const EARLIEST_YEAR = 1000;

const LOCAL_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|([+-])(\d{2}):?(\d{2}))?$/i;

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * Days in a month (1–12) of a year of the proleptic Gregorian calendar, any year (0 and before
 * included, which `Date.UTC` would read as 1900 and on).
 */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * A date-time written by a person (`--now`, `snooze --until`, a dataset's `snooze:`), read: the
 * instant, or what is wrong with it, worded to follow the quoted text (`"2026-02-30" is not a date:
 * February 2026 has 28 days`); the caller adds what to write.
 */
export type LocalDateTimeReading = { at: Date; problem?: never } | { at?: never; problem: string };

/**
 * Reads `2026-11-30T09:00`, `2026-11-30`, `2026-11-30 09:00:00.000` as local time in `zone`, by
 * the rule for local times (docs/semantics.md "Local times at clock changes") (`instantOfLocalTime`): a time that occurs twice is the earlier
 * instant, one in a spring-forward gap takes the offset from before the change. A time with `Z` or an
 * offset (`+01:00`, `-0500`) is taken as written. Nothing rolls over: `2026-02-30`, `24:00` and
 * `10:00:60` are refused, and so is a year before `EARLIEST_YEAR`.
 */
export function readLocalDateTime(text: string, zone: string): LocalDateTimeReading {
  const m = LOCAL_DATE_TIME.exec(text.trim());
  if (!m) return { problem: 'is not a time' };
  const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0', offset, sign, oh = '0', om = '0'] = m;
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  if (year < EARLIEST_YEAR) {
    return {
      problem: `is in the year ${year}: a time to run or snooze at is from the year ${EARLIEST_YEAR} on`,
    };
  }
  if (month < 1 || month > 12) return { problem: `is not a date: there is no month ${mo}` };
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) {
    return { problem: `is not a date: ${MONTHS[month - 1]} ${year} has ${days} days` };
  }
  const [hour, minute, second] = [Number(h), Number(mi), Number(s)];
  if (hour > 23 || minute > 59 || second > 59) {
    return { problem: 'is not a time of day: hours go from 00 to 23, minutes and seconds from 00 to 59' };
  }
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, Number(ms.padEnd(3, '0')));
  if (!offset) return { at: new Date(instantOfLocalTime(wall, zone)) };
  if (Number(oh) > 18 || Number(om) > 59) return { problem: 'has an offset from UTC that no place has' };
  const offsetMinutes = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  return { at: new Date(wall - offsetMinutes * MINUTE_MS) };
}

/** `readLocalDateTime`'s instant, or null when the text is not such a time. */
export function parseLocalDateTime(text: string, zone: string): Date | null {
  return readLocalDateTime(text, zone).at ?? null;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** A local date and time of day, as a wall clock in some zone shows it. */
export interface WallTime {
  year: number;
  /** 1-12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/**
 * What a wall-clock time is in a zone: one instant; two, when the clocks go back and it occurs twice;
 * or none, when the clocks jump over it (then `jump` is the moment they jumped).
 */
export type ResolvedWallTime =
  | { kind: 'single'; at: Date }
  | { kind: 'repeated'; first: Date; second: Date }
  | { kind: 'skipped'; jump: Date };

/**
 * The clock of one local day in a zone: the offset from UTC (ms) before and after the day, and the
 * moment it changed between them (null on the days the clocks do not change).
 */
export interface DayClock {
  before: number;
  after: number;
  change: number | null;
}

const offsetFormats = new Map<string, Intl.DateTimeFormat['format']>();

/**
 * The zone's offset from UTC at `ms`, in milliseconds, from `Intl` (`GMT-05:00`; `GMT-00:01:15` for
 * London's local mean time before 1847, to the second).
 */
function offsetMs(zone: string, ms: number): number {
  let format = offsetFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).format;
    offsetFormats.set(zone, format);
  }
  const m = /GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(format(new Date(ms)));
  if (!m) return 0;
  const [, sign, h = '0', min = '0', sec = '0'] = m;
  return (sign === '-' ? -1 : 1) * ((Number(h) * 60 + Number(min)) * 60 + Number(sec)) * 1000;
}

/**
 * The clock of the local date `year-month-day` in `zone`. Every instant of a local day lies within a
 * day either side of its midnight read as UTC (offsets are under 15 hours), so the offsets there
 * bracket the day; a clock that changes and changes back within those three days is not seen.
 */
export function dayClock(year: number, month: number, day: number, zone: string): DayClock {
  return clockOfDay(Date.UTC(year, month - 1, day), zone);
}

/** `dayClock` of the local day whose midnight, read as UTC, is `midnight` (ms). */
function clockOfDay(midnight: number, zone: string): DayClock {
  let lo = midnight - DAY_MS;
  let hi = midnight + 2 * DAY_MS;
  const before = offsetMs(zone, lo);
  const after = offsetMs(zone, hi);
  if (before === after) return { before, after, change: null };
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetMs(zone, mid) === before) lo = mid;
    else hi = mid;
  }
  return { before, after, change: hi };
}

/** The instants of a wall time (ms, read as UTC) on a day with the given clock. */
export function instantsOf(clock: DayClock, wall: number): ResolvedWallTime {
  const { before, after, change } = clock;
  if (change === null) return { kind: 'single', at: new Date(wall - before) };
  const early = wall - before;
  const late = wall - after;
  const valid = [...new Set([early < change ? early : null, late >= change ? late : null])]
    .filter((ms): ms is number => ms !== null)
    .sort((a, b) => a - b);
  const [first, second] = valid;
  if (first !== undefined && second !== undefined) {
    return { kind: 'repeated', first: new Date(first), second: new Date(second) };
  }
  if (first !== undefined) return { kind: 'single', at: new Date(first) };
  return { kind: 'skipped', jump: new Date(change) };
}

/**
 * The reading of a local time (a `timestamp without time zone` value, `--now`, `snooze:`), as
 * docs/semantics.md "Local times at clock changes" says: a time that occurs twice is the earlier instant; one that does not exist (a spring-forward gap) takes the
 * offset from before the change, as if the clocks had not moved yet. `wall` is the local time in ms,
 * read as if it were UTC; the instant is in ms. (Crons read a skipped time differently: at the jump.)
 */
export function instantOfLocalTime(wall: number, zone: string): number {
  if (!Number.isFinite(wall)) return wall;
  const clock = clockOfDay(Math.floor(wall / DAY_MS) * DAY_MS, zone);
  const resolved = instantsOf(clock, wall);
  if (resolved.kind === 'single') return resolved.at.getTime();
  if (resolved.kind === 'repeated') return resolved.first.getTime();
  return wall - clock.before;
}

/** A wall-clock time in `zone`: one instant, two (clocks going back) or none (clocks going forward). */

export function resolveWallTime(t: WallTime, zone: string): ResolvedWallTime {
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute);
  return instantsOf(dayClock(t.year, t.month, t.day, zone), wall);
}
