import { EventsNotPublishedError } from '../core/errors';
import { eventsOf, runCompletedEvent } from '../core/events/build';
import type { EventEntry } from '../core/events/types';
import type { Config } from '../core/model/config';
import type { RunReport } from '../core/model/run';
import type { CheckState } from '../core/model/state';
import { nextState, worthHistory, worthWriting } from '../core/transition';
import { forEachConcurrently } from '../core/util/concurrently';
import { type OutboxItem, oldestFirst, outboxItemsOf, type StateStore, type StoredState } from './ports';

/** Where a run's outcome goes: the state table and the event bus. */
export interface RecordPorts {
  store: StateStore;
  /** Puts events on the bus, in order; throws `EventsNotPublishedError` naming those it could not. */
  publish: (events: readonly EventEntry[]) => Promise<void>;
  /**
   * The wall clock: a run whose time is ahead of it is not recorded, and a stored state ahead of it is
   * not trusted (see `recordRun`). The deployed functions give it; the demo, which plays days that have
   * not come yet, does not.
   */
  clock?: () => Date;
}

/** How far a run's time may be ahead of the wall clock (clocks that disagree a little). */
export const CLOCK_SKEW_MS = 60_000;

/** A run whose time has not come yet: recording it would silence reminders until then. */
export class RunAheadOfClockError extends Error {
  override readonly name = 'RunAheadOfClockError';
}

/**
 * How many checks' states are written at once: DynamoDB round trips overlap, so a run of 5,000 checks
 * takes seconds, not minutes (docs/performance.md). Each state write stays conditional.
 */
const RECORD_CONCURRENCY = 32;

/**
 * Checks recorded a chunk at a time: a chunk's events go into the outbox in a few `BatchWriteItem`
 * calls (25 items each) before its states are written, and memory holds one chunk's new states and
 * events, not the whole run's.
 */
const RECORD_CHUNK = 250;

/** History items written at a time while a run is recorded: four BatchWriteItem calls' worth. */
const HISTORY_BATCH = 100;

/**
 * Records a run (docs/events.md "Delivery: nothing lost, nothing counted twice"): per check, the transition from its stored state and the events
 * it causes; then every event its sources' outboxes hold, earlier runs' first, goes on the bus, and each
 * leaves the outbox once EventBridge accepted it. An event refused after retries stays for the next run
 * (or Lambda's retry), and this run fails loudly.
 *
 * A transition and its events are written together without a transaction: the events go to the outbox
 * first (a chunk of checks' events in a few batch writes); then the state, on condition that its
 * version is the one this run read, naming them. The state write is the commit: an event is published
 * only once a state names it. The state keeps naming its earlier runs' events that still wait (and the
 * sources whose outboxes hold them: a check moved to another source reads its old one too), so an
 * event stays named until it is published, whichever runs write the state meanwhile. A run that stops
 * after the state write publishes nothing, and the next run (or the retry) reads that state and
 * publishes what it names; such a waiting event is also marked committed in its item (and so never
 * expires). A run that loses the conditional write (a duplicate, or a concurrent run) leaves events no
 * state names: they are never published, and expire.
 *
 * A check whose state would change in nothing but the run's id and time is not written (nor its
 * history): transitions always change the state, so they are recorded as before, and each check is
 * written at least once a day (lib/core/transition.ts `worthWriting`, `worthHistory`). Each source's run
 * mark (one item per source per run) says when it was last looked at.
 *
 * A retried invocation of the same run finds its own `runId` in the state and does not count the check
 * again (a check it did not write is computed again against the same state, and again changes nothing). Events keep one `eventId` however often they are published, so the notifier sends each once.
 *
 * State never moves backwards: a run older than a check's stored state (or as old, recorded by another
 * run), or than its source's run mark (a late retry, a replayed payload), records nothing for that check, since its transitions would be computed against a later
 * state ("recovered", then "stale" again at the next run). A run from the future (its time more than
 * `CLOCK_SKEW_MS` ahead of `ports.clock`) is refused before anything is written: its state would hold
 * every later run back as "older" and push reminders out to that time. A stored state that is itself
 * ahead of the clock (written before this rule) is not trusted to be newer, and the next run replaces it.
 */
export async function recordRun(
  config: Config,
  report: RunReport,
  states: ReadonlyMap<string, StoredState>,
  ports: RecordPorts,
  source: string | null,
): Promise<EventEntry[]> {
  const { store } = ports;
  const clock = ports.clock?.().getTime() ?? Number.POSITIVE_INFINITY;
  if (report.now.getTime() > clock + CLOCK_SKEW_MS) {
    throw new RunAheadOfClockError(
      `This run is at ${report.now.toISOString()}, ahead of the clock (${new Date(clock).toISOString()}): ` +
        'it records nothing and sends nothing, since a state from the future would hold back every run ' +
        'and reminder until then. To see what the checks would say at another time, invoke check with ' +
        '{"now": "…"} (always a dry run).',
    );
  }
  const sources = source ? [source] : [...new Set(report.results.map((r) => r.check.source))];
  // A run that changes nothing writes no state, so a check's `runAt` may be older than the latest run
  // that looked at it: its source's run mark says when that was.
  const lastRuns = await store.lastRuns(sources);
  const isLater = (at: Date | undefined) =>
    at !== undefined && at.getTime() > report.now.getTime() && at.getTime() <= clock + CLOCK_SKEW_MS;
  // A state another run recorded at this very time (a check moved to another source between two sources'
  // runs of one tick, and one of them retried) counts as newer: two transitions at one instant would
  // have no order, in the outbox (sorted by time) or for notify.
  const isNewer = (stored: StoredState, checkSource: string) =>
    isLater(stored.runAt) ||
    isLater(lastRuns.get(checkSource)) ||
    (stored.runAt.getTime() === report.now.getTime() && stored.runId !== report.runId);
  const timezone = config.settings.timezone;

  // What earlier runs left. Events a loaded state names are published; those still waiting (a publish
  // failed, or their run stopped) are marked committed in their items, so that they never expire while
  // they wait.
  const { waiting, named } = await leftovers(store, states, sources);
  const isNamed = (item: OutboxItem) => named.has(item.event.detail.eventId);
  /** Where each waiting event waits: the source a state keeps naming it in. */
  const stillWaiting = new Map(waiting.map((item) => [item.event.detail.eventId, item.source]));
  await store.commit(waiting.filter((item) => !item.committed && isNamed(item)));
  const legacy = outboxItemsOf([...states.values()].flatMap((s) => s.legacyOutbox));
  await store.prepare(legacy);
  await store.commit(legacy);

  // History goes out as it comes, a few batches' worth at a time, rather than held for the whole run.
  let history: CheckState[] = [];
  const flushHistory = async () => {
    const batch = history;
    history = [];
    await store.recordHistory(batch);
  };
  const own: OutboxItem[] = [];
  const lost = new Set<string>();
  type Write = { previous: StoredState | null; state: CheckState; items: OutboxItem[] };
  /** What recording a check writes: nothing (null), or its next state and its events' outbox items. */
  const planOf = (result: RunReport['results'][number]): Write | null => {
    const previous = states.get(result.check.id) ?? null;
    if (previous?.runId === report.runId || (previous && isNewer(previous, result.check.source))) return null;
    const { kinds, events } = eventsOf(config, report, result, previous);
    const state = nextState(previous, result, kinds, report.now, report.runId);
    // Nothing but the run's time changed: no write (docs/operations.md "What a run writes"). Events
    // an older version kept inside the item are moved out by a write, so such an item is written.
    const keptInside = (previous?.legacyOutbox.length ?? 0) > 0;
    if (!keptInside && !worthWriting(previous, state, kinds, timezone)) return null;
    return { previous, state, items: outboxItemsOf(events) };
  };
  const write = async ({ previous, state, items }: Write) => {
    // The state names its events, and keeps naming those of earlier runs that still wait.
    const carried = previous?.outboxEventIds.filter((id) => stillWaiting.has(id)) ?? [];
    const eventIds = [...carried, ...items.map((item) => item.event.detail.eventId)];
    const outboxSources = [
      ...new Set([
        ...carried.map((id) => stillWaiting.get(id) as string),
        ...items.map((item) => item.source),
      ]),
    ];
    if (!(await store.save(state, previous?.version ?? 0, eventIds, outboxSources))) {
      lost.add(state.checkId);
      return;
    }
    // This run's state names these items: marking them committed in place copies nothing.
    for (const item of items) {
      item.committed = true;
      own.push(item);
    }
    if (worthHistory(previous, state, timezone)) {
      history.push(state);
      if (history.length >= HISTORY_BATCH) await flushHistory();
    }
  };
  for (let start = 0; start < report.results.length; start += RECORD_CHUNK) {
    const writes: Write[] = [];
    for (const result of report.results.slice(start, start + RECORD_CHUNK)) {
      const planned = planOf(result);
      if (planned) writes.push(planned);
    }
    await store.prepare(writes.flatMap((w) => w.items));
    await forEachConcurrently(writes, RECORD_CONCURRENCY, write);
  }
  await flushHistory();
  // A source's mark says every one of its checks was judged in this run: not so for an on-call run of
  // a few of them (`check --only`), which marks nothing.
  const judged = new Set(report.results.map((r) => r.check.id));
  const whole = sources.filter((s) => config.checks.every((c) => c.source !== s || judged.has(c.id)));
  await store.markRun(
    whole,
    report.now,
    report.runId,
    Number.isFinite(clock) ? new Date(clock + CLOCK_SKEW_MS) : null,
  );

  // Oldest first. A duplicate of this run that won a check's write publishes that check's events.
  const queue = new Map<string, OutboxItem>();
  for (const item of [...waiting, ...legacy.map((i) => ({ ...i, committed: true })), ...own]) {
    if (!(item.committed || isNamed(item))) continue;
    if (item.runId === report.runId && lost.has(item.checkId)) continue;
    queue.set(`${item.source}\n${item.sk}`, item);
  }
  const pending = [...queue.values()].sort(oldestFirst);
  const events = [...pending.map((item) => item.event), runCompletedEvent(report, source)];
  try {
    await ports.publish(events);
  } catch (error) {
    if (error instanceof EventsNotPublishedError) {
      const refused = new Set(error.eventIds);
      await store.remove(pending.filter((item) => !refused.has(item.event.detail.eventId)));
    }
    throw error;
  }
  await store.remove(pending);
  return events;
}

/**
 * The events earlier runs left that this run may publish, oldest first, and the `eventId`s the states it
 * read name. It reads its sources' outboxes whole (an on-call run of a few checks too), and the states
 * of the other checks whose events wait there (only after a failure), so that what goes out of a check
 * is what its state names. A state names events in the outbox of its check's source when they were
 * written (`outboxSources`): a check moved to another source since (a config change) may still have
 * some there, so that outbox is read too, and they go out in order with its new ones; otherwise no
 * other outbox is read. Events of checks whose state this run did not read are left for their runs.
 */
async function leftovers(
  store: StateStore,
  states: ReadonlyMap<string, StoredState>,
  sources: readonly string[],
): Promise<{ waiting: OutboxItem[]; named: Set<string> }> {
  const waiting = await store.outbox(sources);
  const others = new Set(waiting.filter((item) => !states.has(item.checkId)).map((item) => item.checkId));
  const theirs = others.size ? await store.load([...others]) : new Map<string, StoredState>();
  const read = [...states.values(), ...theirs.values()];
  const elsewhere = [...new Set(read.flatMap((s) => s.outboxSources))].filter((s) => !sources.includes(s));
  if (elsewhere.length > 0) waiting.push(...(await store.outbox(elsewhere)));
  // A check that has no state counts as read (its state was looked for).
  const isRead = (item: OutboxItem) => states.has(item.checkId) || others.has(item.checkId);
  return {
    waiting: waiting.filter(isRead).sort(oldestFirst),
    named: new Set(read.flatMap((s) => s.outboxEventIds)),
  };
}
