import type { Check, Status } from '../model/config';
import type { CheckState } from '../model/state';

/** What a source saw for one check. */
export type Observation =
  | { kind: 'freshness'; lastUpdatedAt: Date | null }
  | { kind: 'rowCount'; rowCount: number }
  /**
   * What the database's own bookkeeping says of a table's changes (docs/semantics.md "Activity"):
   * PostgreSQL's change counter (inserts + updates + deletes, as a decimal string: it can pass 2^53),
   * or MySQL's `UPDATE_TIME` as `changedAt` (null when the server has seen no change since it started).
   */
  | { kind: 'activity'; changeCounter: string | null; changedAt: Date | null }
  /** The check could not run: the database's message, and the SQL that was sent (if any). */
  | { kind: 'error'; message: string; sql: string | null };

/**
 * What the verdicts read of a check's state (a view of `CheckState`, not another shape): its status and
 * since when, what the data looked like when last seen (`dataStatus`, kept through errors so that a run
 * that could not look does not restart "since when"), the last freshness observation, recent row counts,
 * and what the last run that could look measured (activity compares counters with it).
 */
export type PreviousState = Pick<
  CheckState,
  'status' | 'since' | 'dataStatus' | 'staleSince' | 'lastUpdatedAt' | 'rowCounts'
> &
  Partial<Pick<CheckState, 'observed'>>;

/**
 * What an activity check measured. `ageSeconds` is the time since the last change seen; the
 * result's `lastUpdatedAt` is that change (`lastChangedAt`).
 */
export interface ActivityObserved {
  ageSeconds: number | null;
  /** PostgreSQL: inserts + updates + deletes since the counters were last reset; null on MySQL. */
  changeCounter: string | null;
  /** MySQL: the table's `UPDATE_TIME`, when the database gave one (ISO); null on PostgreSQL. */
  databaseChangedAt: string | null;
  /** The counters went backwards (or `UPDATE_TIME` was forgotten) since the last run: counted as a change. */
  countersReset: boolean;
  /** When Stalewatch began watching, while it has seen no change yet (ISO); null once it has. */
  watchingSince: string | null;
}

/** What was measured, for people and for JSON. */
export type Observed =
  | { ageSeconds: number | null }
  | { rowCount: number; previousRowCount: number | null }
  | ActivityObserved;

/** True when `observed` is an activity check's. */
export function isActivityObserved(observed: Observed | null | undefined): observed is ActivityObserved {
  return !!observed && 'countersReset' in observed;
}

/** Why a check is not passing, in data; the report and the alerts put it into words. */
export type Breach =
  | { rule: 'noData' }
  | { rule: 'warnAfter' | 'failAfter'; duration: string }
  /** An activity check: the table has not changed for longer than `duration` (its warnAfter or failAfter). */
  | { rule: 'noChange'; limit: 'warnAfter' | 'failAfter'; duration: string }
  | { rule: 'dueBy'; deadline: Date; cron: string }
  | { rule: 'failBelow' | 'warnBelow' | 'failAbove' | 'warnAbove'; limit: number }
  | { rule: 'warnDropPercent' | 'failDropPercent'; limit: number; dropPercent: number };

/** The verdict on one check at one moment. */
export interface CheckResult {
  check: Check;
  status: Status;
  lastUpdatedAt: Date | null;
  /** When the check stopped passing; null while it passes, or when it cannot be known. */
  staleSince: Date | null;
  observed: Observed | null;
  /** The rules that are not met, worst first. Empty when passing. */
  breaches: Breach[];
  /** For `error`: the database's (or the connection's) message. */
  error: string | null;
  /** For `error`: the SQL that failed, when there was one. */
  sql: string | null;
}
