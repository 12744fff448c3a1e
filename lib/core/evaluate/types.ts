import type { Check, Status } from '../model/config';

/** What a source saw for one check. */
export type Observation =
  | { kind: 'freshness'; lastUpdatedAt: Date | null }
  | { kind: 'rowCount'; rowCount: number }
  /** The check could not run: the database's message, and the SQL that was sent (if any). */
  | { kind: 'error'; message: string; sql: string | null };

/** What the service remembers of a check between runs (a subset of its stored state). */
export interface PreviousState {
  status: Status;
  /** When it entered `status`. */
  since: Date;
  /**
   * What the data looked like when last seen: the last status that was not `error`, so that a run
   * that could not look does not restart "since when" (null: never seen).
   */
  dataStatus: Exclude<Status, 'error'> | null;
  /** When it stopped passing, as last reported (kept through errors); null while passing. */
  staleSince: Date | null;
  /** The last freshness observation (kept through errors); null when the data was last seen empty. */
  lastUpdatedAt: Date | null;
  /** Row counts of recent runs, oldest first. */
  rowCounts: number[];
}

/** What was measured, for people and for JSON. */
export type Observed = { ageSeconds: number | null } | { rowCount: number; previousRowCount: number | null };

/** Why a check is not passing, in data; the report and the alerts put it into words. */
export type Breach =
  | { rule: 'noData' }
  | { rule: 'warnAfter' | 'failAfter'; duration: string }
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
