import { TZDate, tzOffset } from '@date-fns/tz';
import { format, formatDistanceStrict } from 'date-fns';

/** True when the platform's Intl knows `zone` as an IANA time zone. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

/** `Saturday 24 October 04:10` in `zone`; the year is added when it is not `now`'s year. */
export function formatLocal(t: Date, zone: string, now: Date): string {
  const local = new TZDate(t, zone);
  const sameYear = local.getFullYear() === new TZDate(now, zone).getFullYear();
  return format(local, sameYear ? 'EEEE d MMMM HH:mm' : 'EEEE d MMMM yyyy HH:mm');
}

/** How long ago (or ahead) `t` is from `now`, in words: `2 days ago`, `in 3 hours`. */
export function relative(t: Date, now: Date): string {
  if (Math.abs(t.getTime() - now.getTime()) < 60_000) return 'just now';
  const words = formatDistanceStrict(t, now, { roundingMethod: 'floor' });
  return t.getTime() <= now.getTime() ? `${words} ago` : `in ${words}`;
}

/** `Saturday 24 October 04:10 (2 days ago)`: absolute in the configured zone, and relative. */
export function formatWhen(t: Date, zone: string, now: Date): string {
  return `${formatLocal(t, zone, now)} (${relative(t, now)})`;
}

/** A length of time in words, rounded down: `3 days`, `26 hours`. */
export function formatAge(seconds: number): string {
  return formatDistanceStrict(0, seconds * 1000, { roundingMethod: 'floor' });
}

/**
 * Parses a local date-time (`2026-11-30T09:00`, `2026-11-30`, `2026-11-30T09:00:00.000`) as a time in `zone`;
 * a value with an explicit offset or `Z` is taken as written. Null when the text is not such a time.
 */
export function parseLocalDateTime(text: string, zone: string): Date | null {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(
      text,
    );
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0', offset] = m;
  if (offset) {
    const parsed = new Date(text);
    return Number.isNaN(parsed.getTime()) ? null : parsed;
  }
  const fields = [
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    Number(ms.padEnd(3, '0')),
  ] as const;
  const local = new TZDate(...fields, zone);
  // Reject 2026-02-30 and friends rather than rolling them over into March.
  if (local.getDate() !== Number(d) || local.getMonth() !== Number(mo) - 1) return null;
  return new Date(local.getTime());
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

/** The zone's offset from UTC at `ms`, in milliseconds. */
function offsetMs(zone: string, ms: number): number {
  return tzOffset(zone, new Date(ms)) * MINUTE_MS;
}

/**
 * The clock of the local date `year-month-day` in `zone`. Every instant of a local day lies within a
 * day either side of its midnight read as UTC (offsets are under 15 hours), so the offsets there
 * bracket the day; a clock that changes and changes back within those three days is not seen.
 */
export function dayClock(year: number, month: number, day: number, zone: string): DayClock {
  const midnight = Date.UTC(year, month - 1, day);
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

/** A wall-clock time in `zone`: one instant, two (clocks going back) or none (clocks going forward). */
export function resolveWallTime(t: WallTime, zone: string): ResolvedWallTime {
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute);
  return instantsOf(dayClock(t.year, t.month, t.day, zone), wall);
}
