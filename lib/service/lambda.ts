import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { readCompiledConfig } from '../config/compiled';
import type { Config } from '../config/types';
import { publishEvents } from '../events/publish';
import type { RunReport } from '../run/run';
import { connectorsFor, sourceOverrides } from '../sources/connect';
import { productionConnectors } from '../sources/production';
import { dynamoStateStore } from '../state/store';
import { serviceEnvironment } from './environment';
import type { ServicePorts } from './handlers';

/** Per check: its age in seconds, and whether it is stale or could not run (EMF, one line per check). */
function emitRunMetrics(metrics: Metrics, report: RunReport): void {
  for (const result of report.results) {
    const single = metrics.singleMetric();
    single.addDimension('check', result.check.id);
    single.addMetadata('status', result.status);
    single.addMetric(
      'CheckStale',
      MetricUnit.Count,
      result.status === 'warn' || result.status === 'fail' ? 1 : 0,
    );
    single.addMetric('CheckError', MetricUnit.Count, result.status === 'error' ? 1 : 0);
    const observed = result.observed;
    if (observed && 'ageSeconds' in observed && observed.ageSeconds !== null) {
      single.addMetric('CheckAgeSeconds', MetricUnit.Seconds, observed.ageSeconds);
    }
  }
  metrics.addMetric('ChecksRun', MetricUnit.Count, report.results.length);
}

/**
 * The real ports of a deployed function, made once per Lambda container: clients, logger, metrics,
 * and the bundled `checks/` loaded on first use. `handle` runs one invocation with them.
 */
export function lambdaPorts(
  env: Readonly<Record<string, string | undefined>>,
  needs: Parameters<typeof serviceEnvironment>[1],
) {
  const environment = serviceEnvironment(env, needs);
  const logger = new Logger({ serviceName: 'stalewatch' });
  const metrics = new Metrics({ namespace: 'Stalewatch', serviceName: 'stalewatch' });
  const dynamo = new DynamoDBClient({});
  const events = new EventBridgeClient({});
  // Only dispatch invokes; the others need not make the client.
  let lambda: LambdaClient | null = null;
  const production = productionConnectors(env, () => performance.now());
  let config: Config | null = null;

  const ports: ServicePorts = {
    config: () => {
      config ??= readCompiledConfig(readFileSync(environment.configFile, 'utf8'), env);
      return config;
    },
    connectors: (c) => connectorsFor(c.settings.sources, sourceOverrides(c, env, {}), production),
    store: dynamoStateStore(dynamo, environment.stateTable),
    publish: (entries) => publishEvents(events, environment.eventBus, entries),
    clock: () => new Date(),
    newRunId: randomUUID,
    invokeRunSource: async (payload) => {
      lambda ??= new LambdaClient({});
      await lambda.send(
        new InvokeCommand({
          FunctionName: environment.runSourceFunction ?? '',
          InvocationType: 'Event',
          Payload: Buffer.from(JSON.stringify(payload)),
        }),
      );
    },
    metrics: (report) => emitRunMetrics(metrics, report),
  };

  return {
    ports,
    /** Runs one invocation: logs its outcome, and flushes metrics whatever happens. */
    async handle<T>(context: Context | undefined, work: (remainingMs: number) => Promise<T>): Promise<T> {
      if (context) logger.addContext(context);
      try {
        const result = await work(context?.getRemainingTimeInMillis?.() ?? 60_000);
        logger.info('done', { result: summaryOf(result) });
        return result;
      } catch (error) {
        logger.error('failed', error as Error);
        throw error;
      } finally {
        metrics.publishStoredMetrics();
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
    return { runId: (result as { runId?: string }).runId, counts };
  }
  return result;
}
