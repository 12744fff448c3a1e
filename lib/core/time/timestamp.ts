import { inTheFuture } from '../evaluate/freshness';
import type { ColumnUnit } from '../model/config';
import { spanInWords } from './duration';
import { daysInMonth, instantOfLocalTime } from './zone';

/**
 * A freshness column's newest value that is not a time Stalewatch can judge. The message names the
 * column and says what to do; it never repeats the value itself, which is row data.
 */
export class UnreadableTimestampError extends Error {
  override readonly name = 'UnreadableTimestampError';
}

/** How to read one check's column: the zone of local times, the unit of numbers, and the run's time. */
export interface ColumnReading {
  column: string;
  /** The zone that local times (`timestamp without time zone`, `DATETIME`, `date`) are written in. */
  columnTimezone: string;
  /** The unit of a number: epoch seconds, milliseconds or microseconds. */
  columnUnit: ColumnUnit;
  /** Only to say how far off an implausible number is. */
  now: Date;
}

/** A number read in its unit must fall in these years, or the unit (or the column) is wrong. */
const PLAUSIBLE_FROM = Date.UTC(2000, 0, 1);
const PLAUSIBLE_UNTIL = Date.UTC(2100, 0, 1);

const UNITS: Record<ColumnUnit, { ms: number; words: string; plural: string }> = {
  s: { ms: 1000, words: 'epoch seconds', plural: 'seconds' },
  ms: { ms: 1, words: 'epoch milliseconds', plural: 'milliseconds' },
  us: { ms: 0.001, words: 'epoch microseconds', plural: 'microseconds' },
};

const DAY_MS = 86_400_000;
const YEAR_MS = 365.2425 * DAY_MS;
/** JavaScript's `Date` holds ±8.64e15 ms; two days of margin keep every zone's local time inside it. */
const LATEST_MS = 8.64e15 - 2 * DAY_MS;

/**
 * The longest text a time can be: `-123456-12-31T23:59:59.123456789+05:30:15 BC` and some room. A
 * number may be longer (a numeric column far out of range), and is read as one: its pattern is linear.
 */
const MAX_TIME_TEXT = 64;
const NUMBER_CHARACTERS = /^[\d.eE+-]+$/;

/** How the SQL gives a MySQL `TIMESTAMP`: `@` and its epoch seconds, an instant in no time zone. */
const INSTANT_EPOCH = /^@(\d+(?:\.\d+)?)$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
const ISO =
  /^(\d{4,6})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?(\s+BC)?$/i;

/**
 * Reads the text that the SQL made of the newest value of a freshness column (`lib/core/sql.ts`):
 * - a number (integer, decimal or float columns): an epoch time in `columnUnit`, which must fall
 *   between 2000 and 2100, or the check is an error that names the unit to write;
 * - a date and time with an offset or `Z` (`timestamptz`), or `@` and epoch seconds (MySQL `TIMESTAMP`):
 *   that exact instant;
 * - a date and time without one (`timestamp`, `DATETIME`), or a date: local time in `columnTimezone`;
 *   a time that occurs twice there is the earlier instant, one in a spring-forward gap takes the
 *   offset from before the change;
 * - anything else (`infinity`, `NaN`, MySQL's zero date, text) throws `UnreadableTimestampError`.
 */
export function parseTimestamp(text: string | null, reading: ColumnReading): Date | null {
  if (text === null) return null;
  const trimmed = text.trim();
  const newest = `the newest ${reading.column}`;
  // No time is written in more characters than this; a longer value (a column of long text) is not
  // given to the patterns below, whose optional parts could otherwise backtrack over it.
  if (trimmed.length > MAX_TIME_TEXT && !NUMBER_CHARACTERS.test(trimmed)) {
    throw new UnreadableTimestampError(
      `${newest} is ${trimmed.length.toLocaleString('en-GB')} characters long, which no date, time or epoch number is: name a column that holds times`,
    );
  }
  if (NUMBER.test(trimmed)) return fromNumber(Number(trimmed), reading);
  const epoch = INSTANT_EPOCH.exec(trimmed);
  if (epoch) return fromInstantEpoch(Number(epoch[1]), reading.column);
  const special = SPECIAL_VALUES[trimmed.toLowerCase()];
  if (special) throw new UnreadableTimestampError(special(reading.column));
  if (/^0000-00-00/.test(trimmed)) throw new UnreadableTimestampError(zeroDate(reading.column));
  const m = ISO.exec(trimmed);
  const fields = m ? fieldsOf(m) : null;
  if (fields && fields.wall > LATEST_MS) {
    const ahead = fields.wall - reading.now.getTime();
    throw new UnreadableTimestampError(inTheFuture(reading.column, ahead, reading.columnTimezone));
  }
  if (!m || !fields || fields.wall < -LATEST_MS) {
    throw new UnreadableTimestampError(
      `${newest} is not a date, a date and time, or a number, so it cannot say when the data was last updated: name a column that holds times`,
    );
  }
  const offset = m[8];
  return new Date(
    offset ? fields.wall - offsetMs(offset) : instantOfLocalTime(fields.wall, reading.columnTimezone),
  );
}

/** Values that a column can hold and that are not a time: what each means, and what to write. */
const SPECIAL_VALUES: Record<string, (column: string) => string> = {
  infinity: (c) =>
    `the newest ${c} is 'infinity', which is not a time (rows use it for "never" or "no end"): leave them out with where: "${c} <> 'infinity'"`,
  '-infinity': (c) =>
    `the newest ${c} is '-infinity', which is not a time: every row that has a value holds it, so there is no update to judge`,
  nan: (c) => `the newest ${c} is NaN (not a number): leave such rows out with where: "${c} <> 'NaN'"`,
};

/** A MySQL `TIMESTAMP` as the SQL gives it; 0 is MySQL's zero date (a TIMESTAMP cannot hold 1970-01-01 00:00:00 UTC). */
function fromInstantEpoch(seconds: number, column: string): Date {
  if (seconds === 0) throw new UnreadableTimestampError(zeroDate(column));
  return new Date(Math.round(seconds * 1000));
}

const zeroDate = (column: string) =>
  `the newest ${column} is MySQL's zero date (0000-00-00), which is not a time: leave such rows out with where: "${column} > '0000-00-00'"`;

/** An epoch number in the check's unit, refused outside 2000–2100 with the unit that would fit. */
function fromNumber(value: number, reading: ColumnReading): Date {
  const unit = UNITS[reading.columnUnit];
  const ms = value * unit.ms;
  if (ms >= PLAUSIBLE_FROM && ms <= PLAUSIBLE_UNTIL) return new Date(Math.round(ms));
  const now = reading.now.getTime();
  const when =
    ms > now ? `${spanInWords(ms - now)} ahead (after 2100)` : `${spanInWords(now - ms)} ago (before 2000)`;
  throw new UnreadableTimestampError(
    `the newest ${reading.column} read as ${unit.words} is ${when}: ${unitAdvice(value, reading)}`,
  );
}

/** What to write when a number does not fit its unit: the unit it fits, or that it is no time at all. */
function unitAdvice(value: number, reading: ColumnReading): string {
  const fits = (Object.keys(UNITS) as ColumnUnit[]).find((u) => {
    const ms = value * UNITS[u].ms;
    return u !== reading.columnUnit && ms >= PLAUSIBLE_FROM && ms <= PLAUSIBLE_UNTIL;
  });
  if (fits === 's') return 'if the column holds epoch seconds, remove columnUnit (or write columnUnit: s)';
  if (fits) return `if the column holds ${UNITS[fits].plural}, add columnUnit: ${fits}`;
  return (
    `in no unit Stalewatch reads (columnUnit: s, ms or us) is it a time between 2000 and 2100, ` +
    `so ${reading.column} does not look like a time: name the column that says when a row was written`
  );
}

/** The fields of an ISO match as a UTC wall-clock time in ms, or null when they are not a real date. */
function fieldsOf(m: RegExpExecArray): { wall: number } | null {
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', , bc] = m;
  // 1 BC is year 0 in the proleptic Gregorian calendar that PostgreSQL and JavaScript share.
  const year = bc ? 1 - Number(y) : Number(y);
  const [month, day, hour, minute, second] = [Number(mo), Number(d), Number(h), Number(mi), Number(s)];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  const wall = utc(year, month - 1, day, hour, minute, second, ms);
  // Beyond what a JavaScript date holds (PostgreSQL goes up to the year 294276), years are near enough.
  return { wall: Number.isNaN(wall) ? (year - 1970) * YEAR_MS : wall };
}

/** `Date.UTC` for every year: it reads years 0–99 as 1900–1999, so those go 400 years (same calendar) up. */
function utc(...[year, ...rest]: [number, number, number, number, number, number, number]): number {
  if (year < 0 || year > 99) return Date.UTC(year, ...rest);
  return Date.UTC(year + 400, ...rest) - 146_097 * DAY_MS;
}

/** `+05:30`, `-0800`, `+01`, `-00:01:15` (PostgreSQL writes local mean time with seconds) or `Z`. */
function offsetMs(offset: string): number {
  if (offset.toUpperCase() === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replaceAll(':', '');
  const [h, m, s] = [digits.slice(0, 2), digits.slice(2, 4), digits.slice(4, 6)].map((p) => Number(p || '0'));
  return sign * ((h ?? 0) * 3_600_000 + (m ?? 0) * 60_000 + (s ?? 0) * 1000);
}
