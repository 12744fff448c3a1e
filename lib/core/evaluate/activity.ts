import type { ActivityRule, Severity, Status } from '../model/config';
import { durationSeconds } from '../time/duration';
import { applySeverity } from './status';
import { type ActivityObserved, type Breach, isActivityObserved, type PreviousState } from './types';

/** What a source saw of a table's changes (an `activity` observation). */
export interface ActivitySeen {
  changeCounter: string | null;
  changedAt: Date | null;
}

/** The verdict of an activity check. */
export interface ActivityVerdict {
  status: Status;
  /** The last change seen: the database's `UPDATE_TIME`, or the run at which the counter moved. */
  lastChangedAt: Date;
  staleSince: Date | null;
  observed: ActivityObserved;
  breaches: Breach[];
}

const bigint = (text: string | null): bigint | null => {
  if (text === null || !/^\d+$/.test(text)) return null;
  return BigInt(text);
};

/** When the last change happened, from this observation and what the previous run saw. */
function lastChange(
  seen: ActivitySeen,
  before: ActivityObserved | null,
  beforeChangedAt: Date | null,
  now: Date,
): Pick<ActivityObserved, 'countersReset' | 'watchingSince'> & { lastChangedAt: Date } {
  // MySQL says when itself: no run to compare with is needed (a time a little ahead counts as now).
  if (seen.changedAt) {
    const at = seen.changedAt.getTime() > now.getTime() ? now : seen.changedAt;
    return { lastChangedAt: at, countersReset: false, watchingSince: null };
  }
  const watching = { lastChangedAt: now, countersReset: false, watchingSince: now.toISOString() };
  if (!before || !beforeChangedAt) return watching;
  const unchanged = {
    lastChangedAt: beforeChangedAt,
    countersReset: false,
    watchingSince: before.watchingSince,
  };
  const reset = { lastChangedAt: now, countersReset: true, watchingSince: null };
  if (seen.changeCounter === null) {
    // MySQL with no UPDATE_TIME: no change since the server started. Had it given one before, the
    // server has restarted since (or the table left its cache): a reset, which counts as a change.
    return before.databaseChangedAt ? reset : unchanged;
  }
  const now_ = bigint(seen.changeCounter);
  const then = bigint(before.changeCounter);
  if (now_ === null || then === null) return watching;
  if (now_ > then) return { lastChangedAt: now, countersReset: false, watchingSince: null };
  if (now_ < then) return reset;
  return unchanged;
}

/**
 * The verdict of an activity check (docs/semantics.md "Activity: tables with no timestamp column"): the table's last change is the
 * database's `UPDATE_TIME` (MySQL) or the run at which its change counter moved (PostgreSQL, kept in
 * state as `lastUpdatedAt`); a counter that went backwards (a restart, a failover, a statistics reset)
 * counts as a change and says so. Before there is a run to compare with, it passes, "watching since"
 * now. Then: `fail` if no change for longer than failAfter, else `warn` past warnAfter, and it stopped
 * passing at lastChangedAt + (warnAfter if set, else failAfter).
 */
export function evaluateActivity(
  rule: ActivityRule,
  severity: Severity,
  seen: ActivitySeen,
  previous: PreviousState | null,
  now: Date,
): ActivityVerdict {
  const before = isActivityObserved(previous?.observed) ? previous.observed : null;
  const change = lastChange(seen, before, previous?.lastUpdatedAt ?? null, now);
  const ageSeconds = Math.max(0, Math.floor((now.getTime() - change.lastChangedAt.getTime()) / 1000));
  const observed: ActivityObserved = {
    ageSeconds,
    changeCounter: seen.changeCounter,
    databaseChangedAt: seen.changedAt?.toISOString() ?? null,
    countersReset: change.countersReset,
    watchingSince: change.watchingSince,
  };
  const firstLimit = rule.warnAfter ?? rule.failAfter;
  const staleSince = firstLimit
    ? new Date(change.lastChangedAt.getTime() + durationSeconds(firstLimit) * 1000)
    : null;
  const broken = (['failAfter', 'warnAfter'] as const).find((limit) => {
    const duration = rule[limit];
    return duration !== null && ageSeconds > durationSeconds(duration);
  });
  if (!broken) {
    return { status: 'pass', lastChangedAt: change.lastChangedAt, staleSince: null, observed, breaches: [] };
  }
  return {
    status: applySeverity(broken === 'failAfter' ? 'fail' : 'warn', severity),
    lastChangedAt: change.lastChangedAt,
    staleSince,
    observed,
    breaches: [{ rule: 'noChange', limit: broken, duration: rule[broken] as string }],
  };
}
