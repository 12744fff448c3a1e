import { TZDate } from '@date-fns/tz';
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
