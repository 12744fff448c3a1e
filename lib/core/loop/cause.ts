/**
 * One story per cause (SPEC.md "People and the loop back", docs/semantics.md "One story per cause"):
 * given a dataset's news and the state of the datasets it depends on (and that depend on it), what to
 * tell and whom. Pure: the states are read by the caller; this says whether they are enough yet.
 */

import { isStale } from '../evaluate/status';
import type { Config, Dataset } from '../model/config';
import type { CheckStateInput, TransitionKind } from '../model/state';

/**
 * How long after a tick (a run's `now`) notify may wait for the other datasets of a story to be judged
 * in that tick: the run-source function's timeout (300 s) and a minute for the event to travel. Past it,
 * a run of that tick that has not written its states never will, and what is known is told.
 */
export const CAUSE_WAIT_LIMIT_MS = 6 * 60_000;

/** What a dataset is now, as its checks' states say. */
export type Condition = 'ok' | 'stale' | 'error';

/** One dataset now, from its checks' states: what a story about a cause reads. */
export interface DatasetNow {
  id: string;
  title: string;
  owners: string[];
  subscribers: string[];
  /** Stale when a check is warn or fail; error when none is stale but one cannot be checked. */
  condition: Condition;
  /**
   * The tick (run `now`) up to which every check of it has been judged: the oldest of its checks' last
   * runs; null when one of them has never run.
   */
  judgedAt: string | null;
  /** The run that first saw it in its condition (the earliest `since` of those checks); null when ok. */
  enteredAt: string | null;
  /** When it stopped being fresh (stale), or could no longer be checked (error); null when ok. */
  since: string | null;
  /**
   * The newest `lastUpdatedAt` its checks saw; when stale, of its stale checks only, so that "has not
   * been updated since …" agrees with what its own stale message says (a passing check's fresher time,
   * or a row count's, is not why it is stale).
   */
  lastUpdatedAt: string | null;
}

/**
 * The state of a check as the story reads it: a stored state (times as `Date`s) or a run's view of one
 * (times as ISO-8601 text); read here as ISO-8601 text, which compares in time order.
 */
export type CheckStateView = Pick<
  CheckStateInput,
  'checkId' | 'status' | 'since' | 'staleSince' | 'lastUpdatedAt' | 'runAt'
> &
  Partial<Pick<CheckStateInput, 'lastNotifiedAt'>>;

/** An instant as ISO-8601 text (null stays null). */
const iso = (t: string | Date | null | undefined): string | null =>
  t === null || t === undefined ? null : new Date(t).toISOString();

const earliest = (times: Array<string | null>) =>
  times.filter((t): t is string => t !== null).sort()[0] ?? null;
const latest = (times: Array<string | null>) =>
  times
    .filter((t): t is string => t !== null)
    .sort()
    .at(-1) ?? null;

/** A dataset now, from the states of its checks (those that have one). */
export function datasetNow(
  dataset: Pick<Dataset, 'id' | 'title' | 'owners' | 'subscribers' | 'checks'>,
  states: ReadonlyMap<string, CheckStateView>,
): DatasetNow {
  const known = dataset.checks.flatMap((c) => {
    const s = states.get(c.id);
    return s
      ? [
          {
            status: s.status,
            since: iso(s.since) as string,
            staleSince: iso(s.staleSince),
            lastUpdatedAt: iso(s.lastUpdatedAt),
            runAt: iso(s.runAt) as string,
            lastNotifiedAt: s.lastNotifiedAt === undefined ? undefined : iso(s.lastNotifiedAt),
          },
        ]
      : [];
  });
  const stale = known.filter((s) => isStale(s.status));
  const erroring = known.filter((s) => s.status === 'error');
  const condition: Condition = stale.length > 0 ? 'stale' : erroring.length > 0 ? 'error' : 'ok';
  const inCondition = condition === 'stale' ? stale : condition === 'error' ? erroring : [];
  // A stale check entered staleness at `since` when its owners were told then (a `stale` transition);
  // a move between warn and fail also sets `since` but tells no one: it was stale before that run,
  // since its data stopped being fresh (`staleSince`).
  const entered = (s: (typeof known)[number]) =>
    condition === 'stale' && s.lastNotifiedAt !== undefined && s.lastNotifiedAt !== s.since
      ? (s.staleSince ?? s.since)
      : s.since;
  const enteredAt = earliest(inCondition.map(entered));
  const since = condition === 'stale' ? earliest(stale.map((s) => s.staleSince ?? s.since)) : enteredAt;
  return {
    id: dataset.id,
    title: dataset.title,
    owners: dataset.owners,
    subscribers: dataset.subscribers,
    condition,
    enteredAt,
    judgedAt: known.length < dataset.checks.length ? null : earliest(known.map((s) => s.runAt)),
    since,
    lastUpdatedAt: latest((condition === 'stale' ? stale : known).map((s) => s.lastUpdatedAt)),
  };
}

type Graph = Pick<Config, 'datasets'>;

/** Every dataset `id` depends on, directly or not, nearest first (config has no cycles: `validate`). */
export function causesOf(config: Graph, id: string): string[] {
  const byId = new Map(config.datasets.map((d) => [d.id, d.dependsOn ?? []]));
  return walk(id, (at) => byId.get(at) ?? []);
}

/** Every dataset that depends on `id`, directly or not, nearest first. */
export function dependantsOf(config: Graph, id: string): string[] {
  const direct = (at: string) =>
    config.datasets.filter((d) => (d.dependsOn ?? []).includes(at)).map((d) => d.id);
  return walk(id, direct);
}

function walk(from: string, next: (id: string) => string[]): string[] {
  const seen = new Set<string>([from]);
  const order: string[] = [];
  let layer = [from];
  while (layer.length > 0) {
    const fresh: string[] = [];
    for (const id of layer.flatMap(next)) {
      if (seen.has(id)) continue;
      seen.add(id);
      fresh.push(id);
    }
    order.push(...fresh);
    layer = fresh;
  }
  return order;
}

/**
 * The datasets whose state the answer about news of `kind` on `id` reads: for a stale or error, what it
 * depends on, what depends on it, and what else depends on its causes (a follow-up lists them); for a
 * reminder, what it depends on; for a recovery, nothing.
 */
export function storyMembers(config: Graph, id: string, kind: TransitionKind): string[] {
  if (kind === 'still-stale') return causesOf(config, id);
  if (kind !== 'stale' && kind !== 'error') return [];
  const causes = causesOf(config, id);
  const members = new Set([...causes, ...dependantsOf(config, id)]);
  for (const cause of causes) for (const d of dependantsOf(config, cause)) members.add(d);
  members.delete(id);
  return [...members];
}

/** What the story needs to decide: the news, and the datasets around it now. */
export interface CauseQuestion {
  kind: TransitionKind;
  /** The dataset the news is about. */
  dataset: string;
  /** The tick of the news: its run's `now`. */
  tick: string;
  /** The time now (notify's clock): past `tick` + `CAUSE_WAIT_LIMIT_MS`, nothing is waited for. */
  now: Date;
  config: Graph;
  /** The datasets of `storyMembers` (and the news's own), now. */
  datasets: ReadonlyMap<string, DatasetNow>;
  /** True when the caller can wait no longer (its time is up): decide with what is known. */
  waitedOut?: boolean;
}

/** A follow-up to a cause's people: datasets that went stale in this tick, after they were told. */
export interface FollowUp {
  cause: DatasetNow;
  /** The datasets that went stale in this tick because of it. */
  newlyAffected: DatasetNow[];
  /** Every dataset stale or erroring now because of it. */
  affected: DatasetNow[];
  /** One per cause and tick, whichever dependant's notify sends it: the message key. */
  key: string;
}

/** What to tell about one piece of news, given the datasets around it. */
export type CauseAnswer =
  /** A dataset of the story has not been judged in this tick yet: read the states again shortly. */
  | { decided: false; waitingFor: string[] }
  | {
      decided: true;
      /** Whether the news is told at all: a dependant's reminder is not, while its cause is stale. */
      tell: boolean;
      /**
       * The message key of a dependant's stale news: one per dataset and tick (`story#<dataset>#<tick>`),
       * so that its checks that went stale in one run send its owners one message.
       */
      key?: string;
      /** The root cause the news is told as part of (stale or erroring now), or null. */
      cause: DatasetNow | null;
      /** Datasets stale or erroring now because of this one (it is their cause). */
      affected: DatasetNow[];
      followUp: FollowUp | null;
    };

const bad = (d: DatasetNow) => d.condition !== 'ok';
const judgedIn = (d: DatasetNow | undefined, tick: string) =>
  d !== undefined && d.judgedAt !== null && d.judgedAt >= tick;

/**
 * Decides what one piece of news about a dataset becomes (docs/semantics.md "One story per cause"):
 * - stale: told as its cause's when a dataset it depends on is stale or erroring ("… because …"); when
 *   it is itself a cause, listing the datasets affected; and when its cause was already stale before
 *   this tick, the cause's people get one follow-up per tick listing what went stale in it;
 * - a reminder (still-stale) is not told while a cause is stale or erroring;
 * - an error lists the datasets affected; recoveries are told as they are.
 * Before deciding, every dataset whose state changes the answer must have been judged in the news's
 * tick (sources run in parallel), unless the tick is older than `CAUSE_WAIT_LIMIT_MS`.
 */
export function answerCause(q: CauseQuestion): CauseAnswer {
  const { kind, tick, config } = q;
  const members = storyMembers(config, q.dataset, kind);
  const waitedOut = q.waitedOut === true || q.now.getTime() - new Date(tick).getTime() >= CAUSE_WAIT_LIMIT_MS;
  const waitingFor = members.filter((id) => !judgedIn(q.datasets.get(id), tick));
  if (waitingFor.length > 0 && !waitedOut) return { decided: false, waitingFor };

  const known = (ids: string[]) => ids.flatMap((id) => q.datasets.get(id) ?? []);
  const cause =
    kind === 'stale' || kind === 'still-stale' ? rootCause(q, known(causesOf(config, q.dataset))) : null;
  const affected =
    kind === 'stale' || kind === 'error' ? known(dependantsOf(config, q.dataset)).filter(bad) : [];
  if (kind === 'still-stale') return { decided: true, tell: cause === null, cause, affected, followUp: null };
  const followUp =
    kind === 'stale' && cause ? followUpFor(cause, known(dependantsOf(config, cause.id)), tick) : null;
  // A dependant's owners get one message naming the cause, also when several of its checks went stale
  // in this run: each check's event builds it under one key, and the sent-record claim sends it once.
  const key = kind === 'stale' && cause ? `story#${q.dataset}#${tick}` : undefined;
  return { decided: true, tell: true, cause, affected, followUp, ...(key ? { key } : {}) };
}

/** The stale or erroring cause that is not itself waiting on another (the root of the story). */
function rootCause(q: CauseQuestion, causes: DatasetNow[]): DatasetNow | null {
  const id = rootCauseOf(q.config, q.dataset, (at) => causes.find((d) => d.id === at)?.condition ?? 'ok');
  return causes.find((d) => d.id === id) ?? null;
}

/**
 * The id of the root cause of `id`: of the datasets it depends on (nearest first) that are stale or
 * erroring, the first that does not itself depend on one that is; null when none is. What messages
 * name ("because …") and the status page shows ("Waiting on …").
 */
export function rootCauseOf(
  config: Graph,
  id: string,
  conditionOf: (id: string) => Condition,
): string | null {
  const badCauses = causesOf(config, id).filter((at) => conditionOf(at) !== 'ok');
  const isBad = new Set(badCauses);
  return badCauses.find((at) => !causesOf(config, at).some((c) => isBad.has(c))) ?? badCauses[0] ?? null;
}

/**
 * The follow-up to a cause's people for one tick: every dataset depending on it that went stale in that
 * tick; null when none did, or when the cause itself became stale or erroring in it (its own message
 * lists them). Its key makes the notify of each such dependant build the same one, sent once.
 */
export function followUpFor(
  cause: DatasetNow,
  dependants: readonly DatasetNow[],
  tick: string,
): FollowUp | null {
  if (cause.condition === 'ok' || cause.enteredAt === null || cause.enteredAt >= tick) return null;
  const affected = dependants.filter(bad);
  const newlyAffected = affected.filter(
    (d) => d.condition === 'stale' && d.enteredAt !== null && d.enteredAt >= tick,
  );
  if (newlyAffected.length === 0) return null;
  return { cause, newlyAffected, affected, key: `affected#${cause.id}#${tick}` };
}
