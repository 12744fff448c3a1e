import { MissingPortError } from '../core/errors';
import type { Config } from '../core/model/config';
import { toRunJson } from '../core/report/json';
import { formatTextReport } from '../core/report/text';
import { checkPayload, InvalidPayloadError, parsePayload, runSourcePayload } from './payloads';
import type { SourceConnector } from './ports';
import type { RecordPorts } from './record';
import { runService } from './run-service';
import { parseOnly, selectChecks } from './select';

/** What the functions need, given by `functions/*` (the real ones composed in `lib/runtime/lambda/service.ts`) or by a test. */
export interface ServicePorts extends RecordPorts {
  config: () => Config;
  connectors: (config: Config) => Record<string, SourceConnector>;
  clock: () => Date;
  newRunId: () => string;
  /** Starts runSource for one source, asynchronously (Lambda `Event` invocation). */
  invokeRunSource?: (payload: { source: string; runId: string; now: string }) => Promise<void>;
  /** Rewrites the status page from the state after a run; absent where the stack has no page bucket. */
  writeStatusPage?: (config: Config, now: Date) => Promise<void>;
  /**
   * Notes that `source`'s run of the tick `runId` has finished: how many of the tick's sources have
   * (this one included). Absent: every run counts as the tick's last.
   */
  tickDone?: (runId: string, source: string, now: Date) => Promise<number>;
  /** Records a run's metrics: a few per run, and per check where the config asks (`emitRunMetrics`). */
  metrics?: (report: Awaited<ReturnType<typeof runService>>, config: Config) => void;
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
  if (!ports.invokeRunSource) throw new MissingPortError('dispatch', 'invokeRunSource');
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
  ports.metrics?.(report, config);
  if (ports.writeStatusPage) {
    // The page shows every source, and reading the whole state costs a read per check: the last of a
    // tick's runs to finish writes it, once a tick (docs/status-page.md "When it is written").
    const sources = new Set(config.checks.map((c) => c.source)).size;
    const done = ports.tickDone ? await ports.tickDone(runId, source, new Date(now)) : sources;
    if (done >= sources) await ports.writeStatusPage(config, new Date(now));
  }
  return toRunJson(report, config);
}

/**
 * `check`: the on-call entry point. Runs the checks `only` names (all when absent) and answers the text
 * report with the JSON of README.md "The command line" and `dryRun`; a dry run changes no state and publishes nothing.
 *
 * A check with `now` is always a dry run: it answers what the checks would say at that time, but a
 * state recorded at a time other than the present would send false news (a past time: "recovered",
 * then "stale" again at the next scheduled run; a future one: a reminder now, then none until then).
 * `{"now": …, "dryRun": false}` asks for exactly that, and is refused saying what to write.
 */
export async function check(payload: unknown, ports: ServicePorts, remainingMs: number) {
  const { only, now, dryRun } = parsePayload(checkPayload, payload, 'check');
  if (now !== undefined && dryRun === false) {
    throw new InvalidPayloadError(
      'Bad check payload: "now" with "dryRun": false cannot be recorded — a check at another time than ' +
        'the present is always a dry run (it changes no state and sends nothing). Drop "dryRun": false ' +
        'to see the checks at that time, or drop "now" to check and record them now.',
    );
  }
  const dry = dryRun === true || now !== undefined;
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
      dryRun: dry,
    },
    ports,
  );
  if (!dry) ports.metrics?.(report, config);
  const text = formatTextReport(report, config);
  return {
    report: dry ? `${text}\n${dryRunNote(now !== undefined && dryRun !== true)}\n` : text,
    dryRun: dry,
    ...toRunJson(report, config),
  };
}

/** The last line of a dry run's report: nothing was recorded, and why when the caller did not ask. */
function dryRunNote(becauseOfNow: boolean): string {
  return becauseOfNow
    ? 'Dry run: a check with "now" is always one. No state was changed and nothing was sent.'
    : 'Dry run: no state was changed and nothing was sent.';
}
