import type { RunReport } from '../core/model/run';
import { toPreviousState } from '../core/transition';
import { type RecordPorts, recordRun } from './record';
import { type RunInput, runChecks } from './run';

/**
 * One run of the service: the checks (of one source, or all for `check`), the run's id and time, how
 * long it may take, and whether it is a dry run that records nothing.
 */
export interface ServiceRunInput
  extends Pick<RunInput, 'config' | 'checks' | 'connectors' | 'now' | 'runId' | 'timeLimitMs'> {
  /** The source this run is for (`runSource`), or null for a run across sources (`check`, the demo). */
  source: string | null;
  /** Reads state for the verdicts, but changes none and publishes nothing. */
  dryRun?: boolean;
}

/**
 * A run as the service does it: state read first (for drops and since-when), checks run, then, unless
 * it is a dry run, transitions recorded and events published.
 */
export async function runService(input: ServiceRunInput, ports: RecordPorts): Promise<RunReport> {
  const states = await ports.store.load(input.checks.map((c) => c.id)).catch((error: unknown) => {
    // A dry run (an on-call look from a laptop, `sls invoke local`) goes on without state.
    if (input.dryRun) return new Map();
    throw error;
  });
  const report = await runChecks({
    config: input.config,
    checks: input.checks,
    connectors: input.connectors,
    now: input.now,
    runId: input.runId,
    timeLimitMs: input.timeLimitMs,
    previous: (id) => toPreviousState(states.get(id) ?? null),
  });
  if (!input.dryRun) await recordRun(input.config, report, states, ports, input.source);
  return report;
}
