import { TZDate } from '@date-fns/tz';

/** Minutes since local midnight of `HH:MM`. */
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const isWeekend = (local: TZDate) => local.getDay() === 0 || local.getDay() === 6;

/**
 * When the quiet hours that contain `now` end; null when `now` is not in them. `quietHours` is
 * `19:00-08:00` (read in `zone`; a range past midnight ends the next morning), optionally with
 * `, weekends`: then Saturday and Sunday are quiet all day, and what is held waits until Monday at the
 * range's end.
 */
export function quietUntil(now: Date, quietHours: string | null, zone: string): Date | null {
  if (!quietHours) return null;
  const [range = '', ...flags] = quietHours.split(',').map((part) => part.trim());
  const weekends = flags.includes('weekends');
  const [from = '00:00', to = '00:00'] = range.split('-');
  const [start, end] = [minutesOf(from), minutesOf(to)];
  const local = new TZDate(now, zone);
  const minute = local.getHours() * 60 + local.getMinutes();
  const nightly = start <= end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!nightly && !(weekends && isWeekend(local))) return null;
  // The first end of the range after now, moved past the weekend when weekends are quiet too.
  // Tonight's range ends tomorrow; this morning's ends today; a quiet weekend day ends tomorrow at the earliest.
  const day = nightly && !(start > end && minute >= start) ? 0 : 1;
  let release = new TZDate(
    local.getFullYear(),
    local.getMonth(),
    local.getDate() + day,
    Math.floor(end / 60),
    end % 60,
    0,
    zone,
  );
  while (weekends && isWeekend(release)) {
    release = new TZDate(
      release.getFullYear(),
      release.getMonth(),
      release.getDate() + 1,
      Math.floor(end / 60),
      end % 60,
      0,
      zone,
    );
  }
  return new Date(release.getTime());
}
