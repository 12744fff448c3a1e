import { TZDate } from '@date-fns/tz';
import { addDays, format } from 'date-fns';
import type { HolidayCalendar } from '../time/holidays';
import { instantOfLocalTime } from '../time/zone';

/** The hour of the morning that "Snooze until tomorrow 09:00" means, in `timezone`. */
export const SNOOZE_MORNING_HOUR = 9;

/**
 * "Tomorrow 09:00" as a person means it: 09:00 in `zone` on the next working day after today —
 * Friday's snooze ends on Monday, and the day before a bank holiday's ends on the day after it.
 * Weekends are Saturday and Sunday; holidays are those of `calendar` (the settings' `holidays`).
 */
export function nextWorkingMorning(
  now: Date,
  zone: string,
  calendar: Pick<HolidayCalendar, 'isDayOff'>,
  hour = SNOOZE_MORNING_HOUR,
): Date {
  let day = new TZDate(now, zone);
  for (let i = 0; i < 31; i++) {
    day = addDays(day, 1);
    const weekday = day.getDay();
    if (weekday === 0 || weekday === 6 || calendar.isDayOff(format(day, 'yyyy-MM-dd'))) continue;
    break;
  }
  return new Date(instantOfLocalTime(Date.UTC(day.getFullYear(), day.getMonth(), day.getDate(), hour), zone));
}
