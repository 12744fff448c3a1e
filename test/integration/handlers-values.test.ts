import type { Context } from 'aws-lambda';
import { loadConfig } from '../../lib/config/load';
import { setServiceEnv, startDynamo, startEventRecorder } from '../helpers/aws';
import { pgliteFolder } from '../helpers/databases';
import { compiledConfigFile, writeTree } from '../helpers/tree';
import {
  HEALTHY,
  POISONS,
  poisonCheckId,
  poisonedChecks,
  poisonedTables,
  VALUES_NOW,
} from '../helpers/values';

const context = { getRemainingTimeInMillis: () => 60_000, functionName: 'test' } as unknown as Context;
type Handler = (event: unknown, context: Context) => Promise<Record<string, unknown>>;

/** Every check of the poisoned tree and the status it must report. */
const EXPECTED: Record<string, string> = {
  ...HEALTHY,
  ...Object.fromEntries(POISONS.postgres.map((p) => [poisonCheckId(p), p.status])),
};
const statuses = (answer: Record<string, unknown>) =>
  Object.fromEntries((answer.results as Array<{ id: string; status: string }>).map((r) => [r.id, r.status]));

describe('the deployed functions, when one check’s column holds a value that is not a time', () => {
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let bus: Awaited<ReturnType<typeof startEventRecorder>>;
  const saved = { ...process.env };
  let handlers: { check: Handler; runSource: Handler };

  beforeAll(async () => {
    // Prepare: microseconds, infinity, NaN, a 40-digit number, text, year 1 and 9999… one per table,
    // beside healthy tables, in a PGlite folder the functions reach as the source.
    const folder = await pgliteFolder(`${poisonedTables('postgres', 'public').join(';\n')};`);
    const config = await loadConfig({ dir: writeTree(poisonedChecks('postgres', 'public')), env: {} });
    const configFile = compiledConfigFile(config, [2026, 2027]);
    [dynamo, bus] = await Promise.all([startDynamo(), startEventRecorder()]);
    await dynamo.createTable('stalewatch-test-state');
    setServiceEnv({
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
      STALEWATCH_STATE_TABLE: 'stalewatch-test-state',
      STALEWATCH_EVENT_BUS: 'stalewatch-test',
      STALEWATCH_CONFIG_FILE: configFile,
      STALEWATCH_SOURCE_TIS: `pglite:${folder}`,
      POWERTOOLS_LOG_LEVEL: 'CRITICAL',
    });
    handlers = {
      check: require('../../functions/check').handler,
      runSource: require('../../functions/run-source').handler,
    };
  });

  afterAll(async () => {
    process.env = saved;
    await Promise.all([dynamo.stop(), bus.stop()]);
  });

  it('runSource records every check and publishes each one’s own event', async () => {
    // Act
    const answer = await handlers.runSource(
      { source: 'tis', runId: 'run-1', now: VALUES_NOW.toISOString() },
      context,
    );
    // Assess: every check has its verdict; the stale one and each unreadable one told apart.
    expect(statuses(answer)).toEqual(EXPECTED);
    const events = bus.transitions().map((e) => [e.checkId, e.type]);
    expect(events).toEqual(
      expect.arrayContaining([
        ['values-old/stale', 'Dataset Stale'],
        ['p-micro/newest', 'Check Error'],
        ['p-infinity/newest', 'Check Error'],
        ['p-year-1/newest', 'Dataset Stale'],
      ]),
    );
    expect(events).toHaveLength(Object.values(EXPECTED).filter((s) => s !== 'pass').length);
    const summary = bus.state.events.find((e) => e.DetailType === 'Check Run Completed');
    expect(JSON.parse(summary?.Detail ?? '{}').checks).toBe(Object.keys(EXPECTED).length);
  });

  it('check answers the report with every check in it', async () => {
    // Act
    const answer = await handlers.check({ now: VALUES_NOW.toISOString(), dryRun: true }, context);
    // Assess
    expect(statuses(answer)).toEqual(EXPECTED);
    expect(answer.report).toContain(`${Object.keys(EXPECTED).length} checks`);
    expect(answer.report).toMatch(/could not check p-micro \(newest\): the newest v read as epoch seconds/);
  });
});
