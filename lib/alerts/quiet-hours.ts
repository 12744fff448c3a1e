import { TZDate } from '@date-fns/tz';

/** Minutes since local midnight of `HH:MM`. */
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * When quiet hours (`19:00-08:00`, read in `zone`) that contain `now` end; null when `now` is not in
 * them. A range that passes midnight is quiet from its start to its end the next morning.
 */
export function quietUntil(now: Date, quietHours: string | null, zone: string): Date | null {
  if (!quietHours) return null;
  const [from, to] = quietHours.split('-') as [string, string];
  const local = new TZDate(now, zone);
  const minute = local.getHours() * 60 + local.getMinutes();
  const [start, end] = [minutesOf(from), minutesOf(to)];
  const quiet = start <= end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!quiet) return null;
  const endsTomorrow = start > end && minute >= start;
  const release = new TZDate(
    local.getFullYear(),
    local.getMonth(),
    local.getDate() + (endsTomorrow ? 1 : 0),
    Math.floor(end / 60),
    end % 60,
    0,
    zone,
  );
  return new Date(release.getTime());
}
