import { TZDate } from '@date-fns/tz';

/** A value in a freshness column that is not a time Stalewatch can read. */
export class UnreadableTimestampError extends Error {
  override readonly name = 'UnreadableTimestampError';
  constructor(readonly text: string) {
    super(`holds "${text}", which is not a date, a date and time, or epoch seconds`);
  }
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Reads the text that the SQL made of `max(column)`:
 * - epoch seconds (`1790000000`, `1790000000.25`) from integer and numeric columns;
 * - a date and time with an offset (`timestamptz`): that exact moment;
 * - a date and time without one (`timestamp`, `datetime`), or a date: in `columnTimezone` (UTC unless the
 *   source says otherwise);
 * - `infinity` (PostgreSQL) as the far future, which the verdict then treats as now.
 */
export function parseTimestamp(text: string | null, columnTimezone: string): Date | null {
  if (text === null) return null;
  const trimmed = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return new Date(Math.round(Number(trimmed) * 1000));
  if (trimmed === 'infinity') return new Date(8.64e15);
  const m = ISO.exec(trimmed);
  if (!m) throw new UnreadableTimestampError(text);
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', offset] = m;
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  const fields = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms] as const;
  if (!offset) return new Date(new TZDate(...fields, columnTimezone).getTime());
  const utc = Date.UTC(...fields);
  if (offset.toUpperCase() === 'Z') return new Date(utc);
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return new Date(utc - sign * minutes * 60_000);
}
