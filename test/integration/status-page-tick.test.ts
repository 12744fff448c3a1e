import type { Context } from 'aws-lambda';
import { loadConfig } from '../../lib/config/load';
import { setServiceEnv, startDynamo, startEventRecorder } from '../helpers/aws';
import { fakeDateOnly } from '../helpers/clock';
import { pgliteFolder } from '../helpers/databases';
import { startS3StandIn } from '../helpers/s3';
import { compiledConfigFile, PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

const context = { getRemainingTimeInMillis: () => 60_000, functionName: 'test' } as unknown as Context;
type Handler = (event: unknown, context: Context) => Promise<Record<string, unknown>>;

/** A second source, `esr`, beside the helpers' `tis`. */
const TWO_SOURCES = SETTINGS.replace(
  'contacts:',
  `  esr:
    engine: postgres
    resourceArn: arn:aws:rds:eu-west-2:123456789012:cluster:esr
    secretArn: arn:aws:secretsmanager:eu-west-2:123456789012:secret:esr
    database: esr
contacts:`,
);
const SYNC = PLACEMENTS.replace('dataset: placements', 'dataset: nightly-sync')
  .replace('title: Trainee placements', 'title: Nightly ESR sync')
  .replace('source: tis', 'source: esr');

describe('the status page is written once a tick, by the last of its sources’ runs to finish', () => {
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let bus: Awaited<ReturnType<typeof startEventRecorder>>;
  let s3: Awaited<ReturnType<typeof startS3StandIn>>;
  const saved = { ...process.env };
  let runSource: Handler;
  const runOf = (source: string, runId: string, now: string) => {
    jest.setSystemTime(new Date(now));
    return runSource({ source, runId, now }, context);
  };

  beforeAll(async () => {
    fakeDateOnly('2026-11-23T10:00:00Z');
    const table =
      "CREATE TABLE public.placement (id int, last_modified timestamp); INSERT INTO public.placement VALUES (1, '2026-11-23 02:14:00')";
    const [tis, esr] = await Promise.all([pgliteFolder(table), pgliteFolder(table)]);
    const config = await loadConfig({
      dir: writeTree({
        'stalewatch.yml': TWO_SOURCES,
        'placements.yml': PLACEMENTS,
        'nightly-sync.yml': SYNC,
      }),
      env: {},
    });
    const configFile = compiledConfigFile(config, [2026, 2027]);
    [dynamo, bus, s3] = await Promise.all([startDynamo(), startEventRecorder(), startS3StandIn()]);
    await dynamo.createTable('stalewatch-test-state');
    setServiceEnv({
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      STALEWATCH_STATE_TABLE: 'stalewatch-test-state',
      STALEWATCH_EVENT_BUS: 'stalewatch-test',
      STALEWATCH_STATUS_BUCKET: 'stalewatch-test-statusbucket-abc123',
      STALEWATCH_CONFIG_FILE: configFile,
      STALEWATCH_SOURCE_TIS: `pglite:${tis}`,
      STALEWATCH_SOURCE_ESR: `pglite:${esr}`,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    jest.isolateModules(() => {
      runSource = require('../../functions/run-source').handler;
    });
  });

  afterAll(async () => {
    jest.useRealTimers();
    process.env = saved;
    await Promise.all([dynamo.stop(), bus.stop(), s3.stop()]);
  });

  it('the first source’s run writes no page; the second’s writes one showing both; a retried run adds no tick', async () => {
    // Act 1: the tis source's run of the 10:00 tick finishes first.
    await runOf('tis', 'tick-1000', '2026-11-23T10:00:00.000Z');
    // Assess 1: no page yet (the esr source's run is still going).
    expect(s3.state.puts).toHaveLength(0);

    // Act 2: the esr source's run of the same tick finishes.
    await runOf('esr', 'tick-1000', '2026-11-23T10:00:00.000Z');
    // Assess 2: one page, with both sources' datasets.
    expect(s3.state.puts).toHaveLength(1);
    expect(s3.state.puts[0]?.body).toContain('Trainee placements');
    expect(s3.state.puts[0]?.body).toContain('Nightly ESR sync');

    // Act 3: the next tick's tis run, then a retry of it (Lambda's async retry).
    await runOf('tis', 'tick-1015', '2026-11-23T10:15:00.000Z');
    await runOf('tis', 'tick-1015', '2026-11-23T10:15:00.000Z');
    // Assess 3: still one page: the tick has one of its two sources done, however often it ran.
    expect(s3.state.puts).toHaveLength(1);
  });
});
