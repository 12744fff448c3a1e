import type { Breach, Observed } from '../evaluate/types';
import type { Status } from '../model/config';

/** The `source` of every Stalewatch event. */
export const EVENT_SOURCE = 'stalewatch';

/** One `detail-type` per meaning (SPEC.md "State, transitions and events"). */
export const DETAIL_TYPES = {
  stale: 'Dataset Stale',
  'still-stale': 'Dataset Still Stale',
  recovered: 'Dataset Recovered',
  error: 'Check Error',
  'error-recovered': 'Check Recovered',
} as const;
export const RUN_COMPLETED = 'Check Run Completed';
/** `Check Run Completed` lists at most this many ids of each kind; `counts` has how many there were. */
export const RUN_COMPLETED_MAX_IDS = 100;
export type DetailType = (typeof DETAIL_TYPES)[keyof typeof DETAIL_TYPES] | typeof RUN_COMPLETED;

/** Each member of a union with its `Date` fields as ISO strings, as JSON carries them. */
type WithIsoDates<T> = T extends unknown ? { [K in keyof T]: T[K] extends Date ? string : T[K] } : never;

/** A broken rule as events carry it. */
export type BreachJson = WithIsoDates<Breach>;

/** The `detail` of a check's event. Carries no secret: no webhook, no credentials, no connection string. */
export interface CheckEventDetail {
  /** Stable for one run, check and meaning: a redelivered or republished event has the same id. */
  eventId: string;
  checkId: string;
  dataset: string;
  title: string;
  kind: 'freshness' | 'rowCount';
  source: string;
  table: string;
  owners: string[];
  subscribers: string[];
  status: Status;
  previousStatus: Status | null;
  lastUpdatedAt: string | null;
  staleSince: string | null;
  /** For `Dataset Recovered`: how long it was stale. */
  staleForSeconds: number | null;
  observed: Observed | null;
  breaches: BreachJson[];
  severity: 'warn' | 'fail';
  impact: string | null;
  action: string | null;
  message: string;
  /** For `Check Error`: the database's message. `sql`: the check's SQL (what failed, or what found it stale). */
  error: string | null;
  sql: string | null;
  runId: string;
  now: string;
  /** Only on an event that had to be cut to fit EventBridge: each cut field and its length before. */
  trimmed?: Record<string, number>;
}

/** The `detail` of `Check Run Completed`: one per run (per source, in the service). */
export interface RunCompletedDetail {
  eventId: string;
  runId: string;
  now: string;
  source: string | null;
  checks: number;
  counts: Record<Status, number>;
  /** The first ids of checks that are warn or fail (at most `RUN_COMPLETED_MAX_IDS`). */
  stale: string[];
  /** The first ids of checks that could not run (at most `RUN_COMPLETED_MAX_IDS`). */
  errors: string[];
  /** Lists that were capped, and how many ids they had. */
  trimmed?: Record<string, number>;
}

/** An event to put on the bus. */
export interface EventEntry {
  detailType: DetailType;
  detail: CheckEventDetail | RunCompletedDetail;
  /** The run's time: the event's `time`. */
  time: string;
}
