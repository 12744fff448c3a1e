import { TZDate } from '@date-fns/tz';
import { Cron } from 'croner';
import { format } from 'date-fns';
import type { HolidayCalendar } from './holidays';

/** True when croner accepts `pattern` as a cron expression. */
export function isCron(pattern: string): boolean {
  try {
    new Cron(pattern, { paused: true });
    return true;
  } catch {
    return false;
  }
}

/** Upper bound on skipped holidays in a row; a calendar never has this many, so reaching it is a bug. */
const MAX_SKIPS = 366;

/**
 * The deadlines of a `dueBy` cron, read in a time zone, with the region's public holidays left out.
 * Croner does the cron and zone arithmetic, so 07:00 stays 07:00 local across clock changes.
 */
export class DeadlineSchedule {
  private readonly cron: Cron;

  constructor(
    readonly pattern: string,
    readonly timezone: string,
    private readonly holidays: HolidayCalendar,
  ) {
    this.cron = new Cron(pattern, { timezone, paused: true });
  }

  /** The first deadline at or after `t`, or null if the cron never fires again. */
  atOrAfter(t: Date): Date | null {
    return this.after(new Date(t.getTime() - 1));
  }

  /** The first deadline strictly after `t`, or null if the cron never fires again. */
  after(t: Date): Date | null {
    let candidate = this.cron.nextRun(t);
    for (let skips = 0; candidate && this.isHoliday(candidate); skips++) {
      if (skips > MAX_SKIPS) throw new Error(`"${this.pattern}" only falls on holidays`);
      candidate = this.cron.nextRun(candidate);
    }
    return candidate;
  }

  private isHoliday(deadline: Date): boolean {
    return this.holidays.isDayOff(format(new TZDate(deadline, this.timezone), 'yyyy-MM-dd'));
  }
}
