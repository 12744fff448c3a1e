import type { Config } from '../config/types';
import { checkEvent, runCompletedEvent } from '../events/build';
import type { EventEntry } from '../events/types';
import type { RunReport } from '../run/run';
import type { StateStore, StoredState } from '../state/store';
import { nextState, transitionsOf } from '../state/transition';
import type { CheckState } from '../state/types';

/** Where a run's outcome goes: the state table and the event bus. */
export interface RecordPorts {
  store: StateStore;
  publish: (events: readonly EventEntry[]) => Promise<void>;
}

/**
 * Records a run: per check, the transition from its stored state, written conditionally together with
 * the events it causes (an outbox); then every pending event goes on the bus, and the outboxes are
 * emptied. A retried invocation of the same run finds its own `runId` in the state and publishes that
 * outbox again instead of counting twice; a duplicate running at the same time loses the conditional
 * write and publishes nothing for that check. Events keep one id however often they are published, so
 * the notifier sends each once.
 */
export async function recordRun(
  config: Config,
  report: RunReport,
  states: ReadonlyMap<string, StoredState>,
  ports: RecordPorts,
  source: string | null,
): Promise<EventEntry[]> {
  const datasets = new Map(config.datasets.map((d) => [d.id, d]));
  const zone = config.settings.timezone;
  const pending: Array<{ checkId: string; events: EventEntry[] }> = [];
  const written: CheckState[] = [];

  for (const result of report.results) {
    const previous = states.get(result.check.id) ?? null;
    if (previous?.runId === report.runId) {
      if (previous.outbox.length > 0) pending.push({ checkId: previous.checkId, events: previous.outbox });
      continue;
    }
    const kinds = transitionsOf(previous, result, report.now, config.settings.notify.remindEvery);
    const dataset = datasets.get(result.check.dataset) ?? { subscribers: [], impact: null, action: null };
    const events = kinds.map((kind) =>
      checkEvent(
        kind,
        result,
        previous,
        dataset,
        report,
        zone,
        config.settings.sources[result.check.source]?.engine ?? 'postgres',
      ),
    );
    const state = nextState(previous, result, kinds, report.now, report.runId);
    if (await ports.store.save(state, previous?.version ?? 0, events)) {
      written.push(state);
      if (events.length > 0) pending.push({ checkId: state.checkId, events });
    }
  }

  const events = [...pending.flatMap((p) => p.events), runCompletedEvent(report, source)];
  await ports.publish(events);
  await Promise.all(pending.map((p) => ports.store.clearOutbox(p.checkId, report.runId)));
  await ports.store.recordHistory(written);
  return events;
}
