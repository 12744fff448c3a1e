import { createHash } from 'node:crypto';
import type { Breach, CheckResult } from '../evaluate/types';
import { type Config, type Dataset, type Engine, engineOf, type Status } from '../model/config';
import type { RunReport } from '../model/run';
import { type CheckState, type CheckStateInput, checkStateSchema, type TransitionKind } from '../model/state';
import { resultMessage } from '../report/message';
import { checkExpression } from '../sql';
import { transitionsOf } from '../transition';
import { fitEvent } from './fit';
import {
  type BreachJson,
  type CheckEventDetail,
  DETAIL_TYPES,
  type EventEntry,
  RUN_COMPLETED,
  RUN_COMPLETED_MAX_IDS,
} from './types';

/** A stable id from its parts: the same run, check and meaning always give the same id. */
export function eventIdOf(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);
}

function breachJson(b: Breach): BreachJson {
  return b.rule === 'dueBy' ? { ...b, deadline: b.deadline.toISOString() } : b;
}

/** The event of one transition of one check, fitted under EventBridge's size limit (./fit.ts). */
export function checkEvent(
  kind: TransitionKind,
  result: CheckResult,
  given: CheckStateInput | null,
  dataset: Pick<Dataset, 'subscribers' | 'impact' | 'action'>,
  run: RunReport,
  zone: string,
  engine: Engine,
): EventEntry {
  const { check } = result;
  // A preview or a test may hand the state over as stored (ISO text): read as the state type, once.
  const previous = given && checkStateSchema.parse(given);
  const wasStaleSince = previous?.staleSince ? previous.staleSince.getTime() : null;
  const detail: CheckEventDetail = {
    eventId: eventIdOf(run.runId, check.id, kind),
    checkId: check.id,
    dataset: check.dataset,
    title: check.title,
    kind: check.kind,
    transition: kind,
    source: check.source,
    table: check.table,
    owners: check.owners,
    subscribers: dataset.subscribers,
    status: result.status,
    previousStatus: previous?.status ?? null,
    lastUpdatedAt: result.lastUpdatedAt?.toISOString() ?? null,
    staleSince:
      result.staleSince?.toISOString() ??
      (kind === 'recovered' ? (previous?.staleSince?.toISOString() ?? null) : null),
    staleForSeconds:
      kind === 'recovered' && wasStaleSince !== null
        ? Math.max(0, Math.round((run.now.getTime() - wasStaleSince) / 1000))
        : null,
    observed: result.observed,
    breaches: result.breaches.map(breachJson),
    severity: check.severity,
    impact: dataset.impact,
    action: dataset.action,
    message: resultMessage(result, zone, run.now),
    error: result.error,
    // The check's own SQL, for the platform team: what failed, or what shows the data is stale.
    sql: result.sql ?? checkExpression(engine, check),
    runId: run.runId,
    now: run.now.toISOString(),
  };
  return fitEvent({ detailType: DETAIL_TYPES[kind], detail, time: run.now.toISOString() });
}

const NO_DATASET = { subscribers: [], impact: null, action: null };
const datasetsByConfig = new WeakMap<Config, Map<string, Dataset>>();

/** The config's datasets by id, worked out once per config. */
function datasetsOf(config: Config): Map<string, Dataset> {
  let datasets = datasetsByConfig.get(config);
  if (!datasets) {
    datasets = new Map(config.datasets.map((d) => [d.id, d]));
    datasetsByConfig.set(config, datasets);
  }
  return datasets;
}

/**
 * What one check's result means given its previous state: the transitions, and the event of each, in
 * order. The one place a result becomes events, for the service (lib/app/record.ts) and for previews
 * from an empty state (lib/app/preview.ts).
 */
export function eventsOf(
  config: Config,
  report: RunReport,
  result: CheckResult,
  previous: CheckState | null,
): { kinds: TransitionKind[]; events: EventEntry[] } {
  const kinds = transitionsOf(previous, result, report.now, config.settings.notify.remindEvery);
  const dataset = datasetsOf(config).get(result.check.dataset) ?? NO_DATASET;
  const engine = engineOf(config, result.check);
  const zone = config.settings.timezone;
  return {
    kinds,
    events: kinds.map((kind) => checkEvent(kind, result, previous, dataset, report, zone, engine)),
  };
}

/**
 * `Check Run Completed`: what one run found, for dashboards and the monitor's own health. It stays small
 * whatever the number of checks: `stale` and `errors` list the first `RUN_COMPLETED_MAX_IDS` ids each,
 * `counts` says how many there were, and `trimmed` how long a capped list was.
 */
export function runCompletedEvent(run: RunReport, source: string | null): EventEntry {
  const counts: Record<Status, number> = { pass: 0, warn: 0, fail: 0, error: 0 };
  for (const r of run.results) counts[r.status]++;
  const trimmed: Record<string, number> = {};
  const ids = (field: 'stale' | 'errors', ...statuses: Status[]) => {
    const all = run.results.filter((r) => statuses.includes(r.status)).map((r) => r.check.id);
    if (all.length > RUN_COMPLETED_MAX_IDS) trimmed[field] = all.length;
    return all.slice(0, RUN_COMPLETED_MAX_IDS);
  };
  const stale = ids('stale', 'warn', 'fail');
  const errors = ids('errors', 'error');
  return fitEvent({
    detailType: RUN_COMPLETED,
    time: run.now.toISOString(),
    detail: {
      eventId: eventIdOf(run.runId, source ?? '*', RUN_COMPLETED),
      runId: run.runId,
      now: run.now.toISOString(),
      source,
      checks: run.results.length,
      counts,
      stale,
      errors,
      ...(Object.keys(trimmed).length > 0 ? { trimmed } : {}),
    },
  });
}
