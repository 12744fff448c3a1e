import type { FreshnessRule, Severity, Status } from '../model/config';
import { durationSeconds, spanInWords } from '../time/duration';
import { HolidayCalendar } from '../time/holidays';
import { DeadlineSchedule } from '../time/schedule';
import { applySeverity, earliest, isStale, worse } from './status';
import type { Breach, PreviousState } from './types';

/** One part of a freshness verdict: what one rule says. */
interface Part {
  status: Status;
  staleSince: Date | null;
  breach: Breach | null;
}

const PASS: Part = { status: 'pass', staleSince: null, breach: null };

/**
 * By age: `fail` if age > failAfter, else `warn` if age > warnAfter. It stopped passing at
 * lastUpdatedAt + (warnAfter if set, else failAfter).
 */
export function byAge(rule: FreshnessRule, lastUpdatedAt: Date, now: Date): Part {
  const ageSeconds = (now.getTime() - lastUpdatedAt.getTime()) / 1000;
  const firstLimit = rule.warnAfter ?? rule.failAfter;
  if (!firstLimit) return PASS;
  const staleSince = new Date(lastUpdatedAt.getTime() + durationSeconds(firstLimit) * 1000);
  if (rule.failAfter && ageSeconds > durationSeconds(rule.failAfter)) {
    return { status: 'fail', staleSince, breach: { rule: 'failAfter', duration: rule.failAfter } };
  }
  if (rule.warnAfter && ageSeconds > durationSeconds(rule.warnAfter)) {
    return { status: 'warn', staleSince, breach: { rule: 'warnAfter', duration: rule.warnAfter } };
  }
  return PASS;
}

/**
 * By schedule: the update at lastUpdatedAt counts for D1, the first deadline at or after it; the next
 * deadline D2 is the first one missed, so the check fails from D2 on, and has been stale since D2.
 */
export function bySchedule(rule: FreshnessRule, lastUpdatedAt: Date, now: Date): Part {
  if (!rule.dueBy) return PASS;
  const { cron, timezone, holidays, daysOff } = rule.dueBy;
  const schedule = new DeadlineSchedule(cron, timezone, new HolidayCalendar(holidays, daysOff));
  const d1 = schedule.atOrAfter(lastUpdatedAt);
  const d2 = d1 ? schedule.after(d1) : null;
  if (!d2 || now.getTime() < d2.getTime()) return PASS;
  return { status: 'fail', staleSince: d2, breach: { rule: 'dueBy', deadline: d2, cron } };
}

/**
 * Why a newest value far in the future cannot be believed, in the product's words: "the newest updated_at
 * is 29 hours in the future: a writer's clock is wrong, …".
 */
export function inTheFuture(column: string, aheadMs: number, columnTimezone: string): string {
  return (
    `the newest ${column} is ${spanInWords(aheadMs)} in the future: a writer's clock is wrong, ` +
    `the column holds planned dates, or it is local time read as ${columnTimezone}`
  );
}

/**
 * A newest value at most `futureTolerance` ahead of now counts as now (a writer's clock a little
 * fast); further ahead it says nothing about freshness, and the check is an error: the message, or
 * null when the value can be judged.
 */
export function beyondFutureTolerance(
  rule: FreshnessRule,
  lastUpdatedAt: Date | null,
  now: Date,
): string | null {
  if (!lastUpdatedAt) return null;
  const aheadMs = lastUpdatedAt.getTime() - now.getTime();
  if (aheadMs <= durationSeconds(rule.futureTolerance) * 1000) return null;
  return inTheFuture(rule.column, aheadMs, rule.columnTimezone);
}

/**
 * When a check that sees no data first saw it so: carried in state when the data was last seen empty
 * (an error between two empty runs changes nothing), now when it was last seen with rows.
 */
function noDataSince(previous: PreviousState | null, now: Date): Date | null {
  if (!previous) return null;
  const seenEmpty = isStale(previous.dataStatus) && previous.lastUpdatedAt === null;
  return seenEmpty ? (previous.staleSince ?? now) : now;
}

/** The verdict of a freshness check on its newest timestamp (null: no rows). */
export function evaluateFreshness(
  rule: FreshnessRule,
  severity: Severity,
  lastUpdatedAt: Date | null,
  previous: PreviousState | null,
  now: Date,
): { status: Status; staleSince: Date | null; ageSeconds: number | null; breaches: Breach[] } {
  if (!lastUpdatedAt) {
    return {
      status: applySeverity('fail', severity),
      staleSince: noDataSince(previous, now),
      ageSeconds: null,
      breaches: [{ rule: 'noData' }],
    };
  }
  // A stamp a little in the future (within futureTolerance: a writer's clock) counts as now.
  const effective = lastUpdatedAt.getTime() > now.getTime() ? now : lastUpdatedAt;
  const parts = [byAge(rule, effective, now), bySchedule(rule, effective, now)].filter(
    (p) => p.status !== 'pass',
  );
  const status = parts.reduce<Status>((s, p) => worse(s, p.status), 'pass');
  return {
    status: applySeverity(status, severity),
    staleSince: parts.reduce<Date | null>((s, p) => earliest(s, p.staleSince), null),
    ageSeconds: Math.floor((now.getTime() - effective.getTime()) / 1000),
    breaches: parts
      .sort((a, b) => (a.status === b.status ? 0 : a.status === 'fail' ? -1 : 1))
      .flatMap((p) => (p.breach ? [p.breach] : [])),
  };
}
