import type { Config } from '../config/types';
import { toRunJson } from '../report/json';
import { formatTextReport } from '../report/text';
import { parseOnly, selectChecks } from '../run/select';
import type { SourceConnector } from '../sources/types';
import { checkPayload, parsePayload, runSourcePayload } from './payloads';
import type { RecordPorts } from './record';
import { runService } from './run-service';

/** What the functions need, given by `functions/*` (real defaults in `deps.ts`) or by a test. */
export interface ServicePorts extends RecordPorts {
  config: () => Config;
  connectors: (config: Config) => Record<string, SourceConnector>;
  clock: () => Date;
  newRunId: () => string;
  /** Starts runSource for one source, asynchronously (Lambda `Event` invocation). */
  invokeRunSource?: (payload: { source: string; runId: string; now: string }) => Promise<void>;
  /** Records per-check metrics (age, status) of a run. */
  metrics?: (report: Awaited<ReturnType<typeof runService>>) => void;
}

/** Leaves time for recording state and events after the checks, before Lambda's own timeout. */
export const TIME_MARGIN_MS = 10_000;

/**
 * `dispatch`: on the schedule, one runSource invocation per source that has checks, so that a slow
 * source cannot starve the others. The scheduled event's id is the run id: a redelivered schedule
 * event makes the same run, which the state then counts once.
 */
export async function dispatch(event: { id?: string; time?: string } | undefined, ports: ServicePorts) {
  const config = ports.config();
  const runId = event?.id ?? ports.newRunId();
  const now = (event?.time ? new Date(event.time) : ports.clock()).toISOString();
  const sources = [...new Set(config.checks.map((c) => c.source))];
  if (!ports.invokeRunSource) throw new Error('dispatch needs invokeRunSource');
  await Promise.all(sources.map((source) => ports.invokeRunSource?.({ source, runId, now })));
  return { runId, now, sources };
}

/** `runSource`: runs one source's checks, records transitions, publishes events. */
export async function runSource(payload: unknown, ports: ServicePorts, remainingMs: number) {
  const { source, runId, now } = parsePayload(runSourcePayload, payload, 'runSource');
  const config = ports.config();
  const report = await runService(
    {
      config,
      checks: config.checks.filter((c) => c.source === source),
      connectors: ports.connectors(config),
      now: new Date(now),
      runId,
      source,
      timeLimitMs: Math.max(1_000, remainingMs - TIME_MARGIN_MS),
    },
    ports,
  );
  ports.metrics?.(report);
  return toRunJson(report, config);
}

/**
 * `check`: the on-call entry point. Runs the checks `only` names (all when absent) and answers the text
 * report with SPEC.md's JSON; `dryRun` changes no state and publishes nothing.
 */
export async function check(payload: unknown, ports: ServicePorts, remainingMs: number) {
  const { only, now, dryRun } = parsePayload(checkPayload, payload, 'check');
  const config = ports.config();
  const report = await runService(
    {
      config,
      checks: selectChecks(config, parseOnly(typeof only === 'string' ? [only] : only)),
      connectors: ports.connectors(config),
      now: now ? new Date(now) : ports.clock(),
      runId: ports.newRunId(),
      source: null,
      timeLimitMs: Math.max(1_000, remainingMs - TIME_MARGIN_MS),
      dryRun: dryRun ?? false,
    },
    ports,
  );
  if (!dryRun) ports.metrics?.(report);
  return { report: formatTextReport(report, config), ...toRunJson(report, config) };
}
