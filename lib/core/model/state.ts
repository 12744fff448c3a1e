import type { Observed } from '../evaluate/types';
import type { Status } from './config';

/** What the service remembers of one check between runs (one DynamoDB item). */
export interface CheckState {
  checkId: string;
  status: Status;
  /** When it entered `status`. */
  since: string;
  /** The last status that was not `error`: what the data looked like when last seen. */
  dataStatus: Exclude<Status, 'error'> | null;
  staleSince: string | null;
  lastUpdatedAt: string | null;
  observed: Observed | null;
  /** Recent row counts, oldest first (at most `ROW_COUNTS_KEPT`). */
  rowCounts: number[];
  /** When the owners were last told it is stale; null when they have not been, or it recovered. */
  lastNotifiedAt: string | null;
  /** The run that wrote this state; a retried run finds its own id here and does not count twice. */
  runId: string;
  /** When that run was (its `now`). */
  runAt: string;
  /** Optimistic lock: each write expects the version it read. */
  version: number;
}

/** Row counts kept per check: enough for a drop to be judged against recent runs, small in the item. */
export const ROW_COUNTS_KEPT = 10;

/** What a transition can mean, one per event `detail-type` (the event detail's `transition`). */
export const TRANSITION_KINDS = ['stale', 'still-stale', 'recovered', 'error', 'error-recovered'] as const;

/** What a transition means, one per event `detail-type`. */
export type TransitionKind = (typeof TRANSITION_KINDS)[number];
