import type * as z from 'zod';
import { watchOf } from './alarms/watch';
import { earliest, isStale, worse } from './evaluate/status';
import type { CheckResult } from './evaluate/types';
import { type DailyRecord, dailyRecord, type HistoryEntry } from './history';
import type { Acknowledgement } from './loop/acknowledgement';
import { type Condition, rootCauseOf } from './loop/cause';
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

/** Who said they are on a dataset (or an alarm), and when: the acknowledgement's own shape. */
export type OnIt = Pick<Acknowledgement, 'by' | 'at'>;

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
  /** Who is on it, from the acknowledgements ("I'm on it", `stalewatch ack`). */
  onIt: OnIt | null;
  /** The title of the stale or erroring dataset it waits on (`dependsOn`), when it is stale itself. */
  waitingOn?: string | null;
  /** Who is on the dataset it waits on: shown when no one is on this one itself. */
  causeOnIt?: OnIt | null;
  record: DailyRecord;
}

/** One watched CloudWatch alarm as the status page shows it: no strip (alarms keep no daily history). */
export interface AlarmStatus {
  title: string;
  /** fail: in ALARM; pass: OK; error: INSUFFICIENT_DATA (docs/semantics.md "Alarms"). */
  status: Status;
  since: Date | null;
  owners: string[];
  onIt: OnIt | null;
}

/** What the status page shows: each dataset's status now and its days, at `now` in the configured zone. */
export interface StatusPageModel {
  now: Date;
  timezone: string;
  datasets: DatasetStatus[];
  /** The watched alarms whose state is known (the deployed state), worst first on the page. */
  alarms?: AlarmStatus[];
}

/** What the page shows besides the checks' states and history. */
export interface StatusExtras {
  /** Who is on what, by dataset id (or `alarm/<name>`). */
  acknowledgements?: ReadonlyMap<string, OnIt>;
  /** The states of watched alarms, by their check id `alarm/<name>`. */
  alarms?: ReadonlyMap<string, CheckNowInput>;
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
  extras: StatusExtras = {},
): StatusPageModel {
  const onIt = extras.acknowledgements ?? new Map<string, OnIt>();
  const timezone = config.settings.timezone;
  const byCheck = new Map<string, HistoryEntry[]>();
  for (const entry of history) byCheck.set(entry.checkId, [...(byCheck.get(entry.checkId) ?? []), entry]);
  const conditionOf = (id: string): Condition => {
    const checks = config.datasets.find((d) => d.id === id)?.checks ?? [];
    const statuses = checks.flatMap((c) => current.get(c.id)?.status ?? []);
    if (statuses.some(isStale)) return 'stale';
    return statuses.includes('error') ? 'error' : 'ok';
  };
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
    const cause = isStale(status) ? rootCauseOf(config, dataset.id, conditionOf) : null;
    const causeAck = cause ? onIt.get(cause) : undefined;
    return {
      title: dataset.title,
      status,
      since,
      lastUpdatedAt: latest(states.map((c) => c.lastUpdatedAt)),
      owners: dataset.owners.map((id) => config.settings.contacts[id]?.name ?? id),
      onIt: acknowledged ? { by: acknowledged.by, at: acknowledged.at } : null,
      waitingOn: cause ? (config.datasets.find((d) => d.id === cause)?.title ?? null) : null,
      causeOnIt: causeAck ? { by: causeAck.by, at: causeAck.at } : null,
      record: dailyRecord(
        dataset.checks.flatMap((c) => byCheck.get(c.id) ?? []),
        { now, timezone, days: STATUS_DAYS },
      ),
    };
  });
  return { now, timezone, datasets, alarms: alarmsOf(config, extras.alarms ?? new Map(), onIt) };
}

/** Each watched alarm with a known state, under its file's title (and its name when a file watches several). */
function alarmsOf(
  config: Config,
  states: ReadonlyMap<string, CheckNowInput>,
  onIt: ReadonlyMap<string, OnIt>,
): AlarmStatus[] {
  const known = [...states.values()].flatMap((input) => {
    const state = checkNowSchema.parse(input);
    const name = state.checkId.slice('alarm/'.length);
    const watch = state.checkId.startsWith('alarm/') ? watchOf(config.alarms ?? [], name) : null;
    return watch ? [{ state, name, watch }] : [];
  });
  return known.map(({ state, name, watch }) => {
    const shared = known.filter((k) => k.watch === watch).length > 1;
    const ack = onIt.get(state.checkId);
    return {
      title: shared ? `${watch.title} (${name})` : watch.title,
      status: state.status,
      since: state.staleSince ?? state.since,
      owners: watch.owners.map((id) => config.settings.contacts[id]?.name ?? id),
      onIt: ack ? { by: ack.by, at: ack.at } : null,
    };
  });
}
