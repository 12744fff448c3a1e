import type * as z from 'zod';
import { earliest, isStale, worse } from './evaluate/status';
import type { CheckResult } from './evaluate/types';
import { type DailyRecord, dailyRecord, type HistoryEntry } from './history';
import type { Config, Status } from './model/config';
import { checkStateSchema, instantSchema } from './model/state';

/** How many days the status page's strip shows: the state table keeps history this long. */
export const STATUS_DAYS = 30;

/** What the page needs of one check's current state: a stored state, or a run's result. */
export const checkNowSchema = checkStateSchema
  .pick({ checkId: true, status: true, staleSince: true, lastUpdatedAt: true })
  .extend({
    /** When it entered `status`; null when only one run is known (the CLI without deployed state). */
    since: instantSchema.nullable(),
  });
/** What the page needs of one check's current state, with `Date`s (`checkNowSchema`). */
export type CheckNow = z.output<typeof checkNowSchema>;
/** A check's current state as a caller may hand it to the page: times as `Date`s or ISO-8601 text. */
export type CheckNowInput = z.input<typeof checkNowSchema>;

/** Who said they are on a dataset, and when (acknowledgements, SPEC.md "Who is on it"). */
export interface OnIt {
  name: string;
  since: string;
}

/** One dataset as the status page shows it: words and times, no SQL, no ids. */
export interface DatasetStatus {
  title: string;
  /** The worst status of its checks now; null when none of them has run yet. */
  status: Status | null;
  /** Since when it has been in `status`: for stale data, when it stopped being fresh. */
  since: Date | null;
  /** The newest `lastUpdatedAt` its freshness checks saw. */
  lastUpdatedAt: Date | null;
  /** The owners' names. */
  owners: string[];
  onIt: { name: string; since: Date } | null;
  record: DailyRecord;
}

/** What the status page shows: each dataset's status now and its days, at `now` in the configured zone. */
export interface StatusPageModel {
  now: Date;
  timezone: string;
  datasets: DatasetStatus[];
}

/** A run's result as the page reads it: "since" is only known for stale data (`staleSince`). */
export function checkNowOfResult(result: CheckResult): CheckNow {
  return {
    checkId: result.check.id,
    status: result.status,
    since: result.staleSince,
    staleSince: result.staleSince,
    lastUpdatedAt: result.lastUpdatedAt,
  };
}

/** A run's results as history entries, for a page made from that run alone (or added to stored history). */
export function historyOfResults(results: readonly CheckResult[], now: Date): HistoryEntry[] {
  return results.map((r) => ({ checkId: r.check.id, runAt: now.toISOString(), status: r.status }));
}

const earliestOf = (dates: Array<Date | null>) => dates.reduce<Date | null>(earliest, null);
const latest = (dates: Array<Date | null>) =>
  dates.reduce<Date | null>((a, b) => (b === null ? a : a === null || b > a ? b : a), null);

/**
 * The status page's content from the config, each check's current state, the history of its runs and
 * who is on what: one entry per dataset, in config order. A dataset's status is the worst of its
 * checks'; its "since" is, for stale data, the earliest `staleSince` among its stale checks, otherwise
 * the earliest time one of its checks with that status entered it.
 */
export function statusPageModel(
  config: Config,
  current: ReadonlyMap<string, CheckNowInput>,
  history: readonly HistoryEntry[],
  now: Date,
  onIt: ReadonlyMap<string, OnIt> = new Map(),
): StatusPageModel {
  const timezone = config.settings.timezone;
  const byCheck = new Map<string, HistoryEntry[]>();
  for (const entry of history) byCheck.set(entry.checkId, [...(byCheck.get(entry.checkId) ?? []), entry]);
  const datasets = config.datasets.map((dataset): DatasetStatus => {
    const states = dataset.checks.flatMap((c) => {
      const known = current.get(c.id);
      return known ? [checkNowSchema.parse(known)] : [];
    });
    const status = states.reduce<Status | null>((s, c) => (s === null ? c.status : worse(s, c.status)), null);
    const worst = states.filter((c) => c.status === status);
    const since = isStale(status)
      ? earliestOf(states.filter((c) => isStale(c.status)).map((c) => c.staleSince))
      : earliestOf(worst.map((c) => c.since));
    const acknowledged = onIt.get(dataset.id);
    return {
      title: dataset.title,
      status,
      since,
      lastUpdatedAt: latest(states.map((c) => c.lastUpdatedAt)),
      owners: dataset.owners.map((id) => config.settings.contacts[id]?.name ?? id),
      onIt: acknowledged ? { name: acknowledged.name, since: new Date(acknowledged.since) } : null,
      record: dailyRecord(
        dataset.checks.flatMap((c) => byCheck.get(c.id) ?? []),
        { now, timezone, days: STATUS_DAYS },
      ),
    };
  });
  return { now, timezone, datasets };
}
