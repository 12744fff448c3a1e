import { CronSchedule } from './cron';
import type { HolidayCalendar } from './holidays';

/** Upper bound on skipped holidays in a row; a calendar never has this many, so reaching it is a bug. */
const MAX_SKIPS = 366;

/**
 * The deadlines of a `dueBy` cron, read in a time zone, with the region's public holidays left out.
 * `CronSchedule` reads the cron per local day, so 07:00 stays 07:00 local across clock changes; a
 * deadline is on a holiday when its local date is one.
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

  /** The first deadline strictly after `t`, or null if the cron never fires again. */
  after(t: Date): Date | null {
    let candidate = this.schedule.next(t);
    for (let skips = 0; candidate && this.holidays.isDayOff(candidate.date); skips++) {
      if (skips > MAX_SKIPS) throw new Error(`"${this.pattern}" only falls on holidays`);
      candidate = this.schedule.next(candidate.at);
    }
    return candidate?.at ?? null;
  }
}
