import { Console } from 'node:console';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { connectorsFor, sourceOverrides } from '../../adapters/sql/connect';
import type { ServicePorts } from '../../app/handlers';
import type { SourceConnector, StateStore } from '../../app/ports';
import { readCompiledConfig } from '../../config/compiled';
import type { Config, SourceConfig } from '../../core/model/config';
import type { RunReport } from '../../core/model/run';
import { type SourceOutcome, unreachableSources } from '../../core/report/unreachable';
import { serviceEnvironment } from './environment';

// The AWS SDK clients, the state store and the Data API source load on first use, not at module init:
// each function pays only for the clients it calls (dispatch never loads DynamoDB), and Lambda's init
// phase stays short (docs/performance.md "Bundles").
type Sdk = {
  dynamodb: typeof import('@aws-sdk/client-dynamodb');
  s3: typeof import('@aws-sdk/client-s3');
  eventbridge: typeof import('@aws-sdk/client-eventbridge');
  lambda: typeof import('@aws-sdk/client-lambda');
};
const sdk = <K extends keyof Sdk>(name: K): Sdk[K] => require(`@aws-sdk/client-${name}`);

function once<T>(make: () => T): () => T {
  let made: { value: T } | null = null;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

/**
 * Powertools writes log lines and metrics (EMF) to stdout. `sls invoke local` prints the function's
 * answer on stdout, which must be that answer alone (README.md "The command line"); in Lambda both streams go to the
 * function's CloudWatch log stream, where EMF is read from either. So both write to stderr.
 */
const toStderr = <T extends Logger | Metrics>(tool: T): T =>
  Object.assign(tool, { console: new Console({ stdout: process.stderr, stderr: process.stderr }) });

const LOG_LEVELS: readonly string[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'];

/**
 * The log level: `LOG_LEVEL` (or Powertools' own `POWERTOOLS_LOG_LEVEL`), warnings and errors only
 * otherwise (README.md "The command line"). Lambda's log-level setting (`AWS_LAMBDA_LOG_LEVEL`) still wins, as Powertools
 * gives it precedence.
 */
function logLevelOf(env: Readonly<Record<string, string | undefined>>): LogLevel {
  const asked = [env.LOG_LEVEL, env.POWERTOOLS_LOG_LEVEL].map((level) => level?.trim().toUpperCase());
  return (asked.find((level) => level && LOG_LEVELS.includes(level)) ?? 'WARN') as LogLevel;
}

/** CheckStatus values: one number per status, so one metric per check carries it. */
const STATUS_VALUE = { pass: 0, warn: 1, fail: 2, error: 3 } as const;

/**
 * A run's metrics (docs/operations.md "Costs"). Always, whatever the number of checks, one EMF line with
 * two metrics, `ChecksStale` (warn or fail) and `ChecksErrored`, and the number of checks run as a
 * property of that line (`checksRun`: searchable in Logs Insights, not a metric). Per check (dimension
 * `check`), only for datasets with `metrics: perCheck` (or every dataset, with `metrics: perCheck` in the
 * settings): `CheckStatus` (0 pass, 1 warn, 2 fail, 3 error) and, for freshness checks, `CheckAgeSeconds`.
 * CloudWatch bills each metric (name and dimensions) at $0.30 a month whatever it is sent, so a metric has
 * to be worth that: the stale and errored counts are what a dashboard or an alarm watches; how many checks
 * ran is the config's size, which Lambda's free `Invocations` and the `Check Run Completed` event show.
 */
export function emitRunMetrics(metrics: Metrics, report: RunReport, config: Config): void {
  const perCheck = new Set(config.datasets.filter((d) => d.metrics === 'perCheck').map((d) => d.id));
  const counts = { pass: 0, warn: 0, fail: 0, error: 0 };
  for (const result of report.results) {
    counts[result.status]++;
    if (!perCheck.has(result.check.dataset)) continue;
    const single = toStderr(metrics.singleMetric());
    single.addDimension('check', result.check.id);
    single.addMetric('CheckStatus', MetricUnit.NoUnit, STATUS_VALUE[result.status]);
    const observed = result.observed;
    if (observed && 'ageSeconds' in observed && observed.ageSeconds !== null) {
      // A single metric publishes at its first addMetric: the age needs one of its own.
      const age = toStderr(metrics.singleMetric());
      age.addDimension('check', result.check.id);
      age.addMetric('CheckAgeSeconds', MetricUnit.Seconds, observed.ageSeconds);
    }
  }
  metrics.addMetadata('checksRun', String(report.results.length));
  metrics.addMetric('ChecksStale', MetricUnit.Count, counts.warn + counts.fail);
  metrics.addMetric('ChecksErrored', MetricUnit.Count, counts.error);
}

/**
 * The real ports of a deployed function, made once per Lambda container: clients, logger, metrics,
 * and the compiled config read on first use. `handle` runs one invocation with them.
 */
export function lambdaPorts(
  env: Readonly<Record<string, string | undefined>>,
  needs: Parameters<typeof serviceEnvironment>[1],
) {
  const environment = serviceEnvironment(env, needs);
  const logger = toStderr(new Logger({ serviceName: 'stalewatch', logLevel: logLevelOf(env) }));
  const metrics = toStderr(new Metrics({ namespace: 'Stalewatch', serviceName: 'stalewatch', logger }));
  const config = once(() => readCompiledConfig(readFileSync(environment.configFile, 'utf8'), env));
  const dynamodb = once(() => new (sdk('dynamodb').DynamoDBClient)({}));
  const store = once<StateStore>(() => {
    const { dynamoStateStore } =
      require('../../adapters/aws/dynamo-state') as typeof import('../../adapters/aws/dynamo-state');
    return dynamoStateStore(dynamodb(), environment.stateTable);
  });
  const events = once(() => new (sdk('eventbridge').EventBridgeClient)({}));
  const lambda = once(() => new (sdk('lambda').LambdaClient)({}));
  const production = once(() => {
    const { productionClients } =
      require('../../adapters/aws/production') as typeof import('../../adapters/aws/production');
    return productionClients(env, () => performance.now());
  });

  const ports: ServicePorts = {
    config,
    // Called once per invocation: a direct source's secret is read once per run, and again the next.
    connectors: (c: Config): Record<string, SourceConnector> => {
      let run: ((source: SourceConfig) => SourceConnector) | null = null;
      return connectorsFor(c.settings.sources, sourceOverrides(c, env, {}), (source) => {
        run ??= production().forRun();
        return run(source);
      });
    },
    store: {
      load: (ids) => store().load(ids),
      prepare: (items) => store().prepare(items),
      save: (state, version, eventIds, sources) => store().save(state, version, eventIds, sources),
      commit: (items) => store().commit(items),
      outbox: (sources) => store().outbox(sources),
      remove: (items) => store().remove(items),
      recordHistory: (states) => store().recordHistory(states),
      lastRuns: (sources) => store().lastRuns(sources),
      markRun: (sources, at, runId, clock) => store().markRun(sources, at, runId, clock),
      states: () => store().states(),
    },
    publish: (entries) => {
      const { publishEvents } =
        require('../../adapters/aws/eventbridge') as typeof import('../../adapters/aws/eventbridge');
      return publishEvents(events(), environment.eventBus, entries);
    },
    clock: () => new Date(),
    newRunId: randomUUID,
    invokeRunSource: async (payload) => {
      await lambda().send(
        new (sdk('lambda').InvokeCommand)({
          FunctionName: environment.runSourceFunction ?? '',
          InvocationType: 'Event',
          Payload: Buffer.from(JSON.stringify(payload)),
        }),
      );
    },
    metrics: (report, config) => emitRunMetrics(metrics, report, config),
  };
  const bucket = env.STALEWATCH_STATUS_BUCKET;
  if (bucket) {
    const s3 = once(() => new (sdk('s3').S3Client)({}));
    ports.writeStatusPage = async (config, now) => {
      const { writeStatusPage } = require('./status-page') as typeof import('./status-page');
      // The run is recorded and its events are out: a page not written is a warning, and the next run's
      // page replaces it, rather than a failed (and retried) run.
      await writeStatusPage(config, now, dynamodb(), environment.stateTable, s3(), bucket).catch(
        (error: unknown) => logger.warn('status page not written', error as Error),
      );
    };
    ports.tickDone = async (runId, source, now) => {
      const { dynamoTickDone } =
        require('../../adapters/aws/tick') as typeof import('../../adapters/aws/tick');
      // Not known: this run writes the page, as if it were the tick's last (a page too many, not none).
      return dynamoTickDone(dynamodb(), environment.stateTable)(runId, source, now).catch(
        (error: unknown) => {
          logger.warn('tick not noted', error as Error);
          return Number.POSITIVE_INFINITY;
        },
      );
    };
  }

  return {
    ports,
    environment,
    /** Runs one invocation: logs its outcome, and flushes metrics whatever happens. */
    async handle<T>(context: Context | undefined, work: (remainingMs: number) => Promise<T>): Promise<T> {
      if (context) logger.addContext(context);
      try {
        const result = await work(context?.getRemainingTimeInMillis?.() ?? 60_000);
        // Messages sent but not recorded could be sent again: worth a warning, which is logged by default.
        const unrecorded = (result as { notRecorded?: unknown[] } | undefined)?.notRecorded?.length ?? 0;
        (unrecorded > 0 ? logger.warn : logger.info).call(logger, 'done', { result: summaryOf(result) });
        return result;
      } catch (error) {
        logger.error('failed', error as Error);
        throw error;
      } finally {
        if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      }
    },
  };
}

/** What to log of a handler's answer: counts, not the whole report. */
function summaryOf(result: unknown): unknown {
  if (result && typeof result === 'object' && 'results' in result && Array.isArray(result.results)) {
    const counts: Record<string, number> = {};
    for (const r of result.results as Array<{ status: string }>)
      counts[r.status] = (counts[r.status] ?? 0) + 1;
    // A source that did not answer: one entry, with how many checks it held, not one per check.
    const unreachable = unreachableSources(result.results as SourceOutcome[]).map((u) => ({
      source: u.source,
      error: u.error,
      checks: u.checkIds.length,
    }));
    return {
      runId: (result as { runId?: string }).runId,
      counts,
      ...(unreachable.length ? { unreachable } : {}),
    };
  }
  return result;
}
