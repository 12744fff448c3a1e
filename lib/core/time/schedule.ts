import { quote } from '../util/quote';
import { CronSchedule, type CronTime } from './cron';
import { HolidayCalendar } from './holidays';

/**
 * How far ahead a deadline on a working day is looked for. Holidays on fixed dates repeat with the
 * weekdays they fall on (substitute days follow the weekday), and a date meets every weekday within 12
 * years, so a cron with no working day in this span
 * (`0 7 25 12 *` with England's bank holidays) has none ever; `validate` refuses it
 * (`holidaysOnlyProblem`), and a run that meets one anyway gives up after the same span.
 */
export const WORKING_DAY_SEARCH_YEARS = 12;
const SEARCH_MS = WORKING_DAY_SEARCH_YEARS * 366 * 86_400_000;

/** A `dueBy` whose times all fall on holidays: no deadline would ever come. */
export class HolidaysOnlyError extends Error {
  override readonly name = 'HolidaysOnlyError';
}

/**
 * The deadlines of a `dueBy` cron, read in a time zone, with the region's public holidays left out.
 * `CronSchedule` reads the cron per local day, so 07:00 stays 07:00 local across clock changes; a
 * deadline is on a holiday when its local date is one, and a day off is stepped over whole.
 */
export class DeadlineSchedule {
  private readonly schedule: CronSchedule;

  constructor(
    readonly pattern: string,
    readonly timezone: string,
    private readonly holidays: HolidayCalendar,
  ) {
    this.schedule = new CronSchedule(pattern, timezone);
  }

  /** The first deadline at or after `t`, or null if the cron never fires again. */
  atOrAfter(t: Date): Date | null {
    return this.after(new Date(t.getTime() - 1));
  }

  /**
   * The first deadline strictly after `t`, or null if the cron never fires again. Throws
   * `HolidaysOnlyError` when every time of the cron for `WORKING_DAY_SEARCH_YEARS` falls on a holiday.
   */
  after(t: Date): Date | null {
    const found = this.search(t);
    if (found === 'holidays only') {
      throw new HolidaysOnlyError(
        `${quote(this.pattern)} only falls on holidays of ${this.holidays.region} in the ` +
          `${WORKING_DAY_SEARCH_YEARS} years after ${t.toISOString().slice(0, 10)}: change dueBy, or set holidays: none`,
      );
    }
    return found?.at ?? null;
  }

  /** True when every time of the cron in the span after `t` falls on a holiday. */
  fallsOnlyOnHolidaysAfter(t: Date): boolean {
    return this.search(t) === 'holidays only';
  }

  private search(t: Date): CronTime | null | 'holidays only' {
    let candidate = this.schedule.next(t);
    while (candidate && this.holidays.isDayOff(candidate.date)) {
      if (candidate.at.getTime() - t.getTime() > SEARCH_MS) return 'holidays only';
      candidate = this.schedule.firstAfterDay(candidate.date);
    }
    return candidate;
  }
}

/**
 * What `validate` says of a `dueBy` whose every time, from `from` for `WORKING_DAY_SEARCH_YEARS`,
 * falls on a public holiday of `region` (a cron that never fires once holidays are taken out), or null.
 */
export function holidaysOnlyProblem(
  cron: string,
  timezone: string,
  region: string,
  from: Date,
): string | null {
  const schedule = new DeadlineSchedule(cron, timezone, new HolidayCalendar(region));
  if (!schedule.fallsOnlyOnHolidaysAfter(from)) return null;
  return (
    `${quote(cron)} only ever falls on public holidays of ${region} (checked ${WORKING_DAY_SEARCH_YEARS} years ahead), ` +
    'where no deadline falls, so none would ever come — write times on working days, e.g. "0 7 * * 1-5" ' +
    '(weekdays, holidays skipped), or add holidays: none to this check if its deadline really is on the holiday'
  );
}
