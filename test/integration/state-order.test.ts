import type { Context } from 'aws-lambda';
import { dynamoStateStore } from '../../lib/adapters/aws/dynamo-state';
import { loadConfig } from '../../lib/config/load';
import { setServiceEnv, startDynamo, startEventRecorder } from '../helpers/aws';
import { fakeDateOnly } from '../helpers/clock';
import { pgliteFolder } from '../helpers/databases';
import { compiledConfigFile, PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

type Handler = (event: unknown, context: Context) => Promise<Record<string, unknown>>;
const context = { getRemainingTimeInMillis: () => 60_000, functionName: 'test' } as unknown as Context;
const CHECK_ID = 'placements/updated-recently';

/**
 * The placements table was last updated on Friday 20 November 02:14 (London is on UTC in November):
 * 46 minutes old at 03:00 that night (up to date), more than 50 hours old by Monday 10:00 (failing).
 */
const MONDAY = '2026-11-23T10:00:00.000Z';

describe('a check’s state never moves backwards: on-call checks at other times, late and future runs', () => {
  const saved = { ...process.env };
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let bus: Awaited<ReturnType<typeof startEventRecorder>>;
  let tables = 0;
  let table = '';
  let handlers: { check: Handler; runSource: Handler };

  /** A scheduled run of the source at `now`, with the wall clock at that time, as dispatch makes it. */
  const scheduled = (now: string, runId = now) => {
    jest.setSystemTime(new Date(now));
    return handlers.runSource({ source: 'tis', runId, now }, context);
  };
  /** What the bus received: each transition's type and the run that found it. */
  const published = () => bus.transitions().map((e) => `${e.type} ${e.runId}`);

  beforeAll(async () => {
    fakeDateOnly(MONDAY);
    const folder = await pgliteFolder(
      "CREATE TABLE public.placement (id int, last_modified timestamp); INSERT INTO public.placement VALUES (1, '2026-11-20 02:14:00')",
    );
    const config = await loadConfig({
      dir: writeTree({ 'stalewatch.yml': SETTINGS, 'placements.yml': PLACEMENTS }),
      env: {},
    });
    const configFile = compiledConfigFile(config, [2026, 2027]);
    [dynamo, bus] = await Promise.all([startDynamo(), startEventRecorder()]);
    setServiceEnv({
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
      STALEWATCH_EVENT_BUS: 'stalewatch-test',
      STALEWATCH_CONFIG_FILE: configFile,
      STALEWATCH_SOURCE_TIS: `pglite:${folder}`,
      POWERTOOLS_LOG_LEVEL: 'CRITICAL',
    });
  });

  beforeEach(async () => {
    // Prepare: a fresh state table, and the functions loaded on it as in a new deployment.
    table = `state-order-${++tables}`;
    await dynamo.createTable(table);
    process.env.STALEWATCH_STATE_TABLE = table;
    bus.reset();
    jest.isolateModules(() => {
      handlers = {
        check: require('../../functions/check').handler,
        runSource: require('../../functions/run-source').handler,
      };
    });
  });

  afterAll(async () => {
    jest.useRealTimers();
    process.env = saved;
    await Promise.all([dynamo.stop(), bus.stop()]);
  });

  it('an on-call check at a past time says so, sends nothing, and the next run sends no false "up to date"', async () => {
    // Prepare: Monday 10:00 finds the data stale.
    await scheduled(MONDAY, 'r1');
    // Act: at 10:05 someone looks at how the checks stood on Friday night, without saying dryRun.
    jest.setSystemTime(new Date('2026-11-23T10:05:00Z'));
    const answer = await handlers.check({ now: '2026-11-20T03:00:00Z' }, context);
    await scheduled('2026-11-23T10:15:00.000Z', 'r2');
    // Assess: Friday's data was up to date then; no one is told it is now, or told twice it is stale.
    expect(published()).toEqual(['Dataset Stale r1']);
    expect(answer).toMatchObject({ dryRun: true, results: [expect.objectContaining({ status: 'pass' })] });
    expect(answer.report).toContain('Dry run: a check with "now" is always one. No state was changed');
  });

  it('an on-call check at a future time sends nothing, and the owners are still reminded each day', async () => {
    // Prepare
    await scheduled(MONDAY, 'r1');
    // Act: a look at next June, then the scheduled runs of the next three days.
    jest.setSystemTime(new Date('2026-11-23T10:05:00Z'));
    const answer = await handlers.check({ only: ['placements'], now: '2027-06-01T00:00:00Z' }, context);
    for (const day of ['24', '25', '26']) await scheduled(`2026-11-${day}T10:00:00.000Z`, `day-${day}`);
    // Assess
    expect(published()).toEqual([
      'Dataset Stale r1',
      'Dataset Still Stale day-24',
      'Dataset Still Stale day-25',
      'Dataset Still Stale day-26',
    ]);
    expect(answer).toMatchObject({ dryRun: true, now: '2027-06-01T00:00:00.000Z' });
  });

  it('refuses "now" with "dryRun": false, saying what to write', async () => {
    await expect(handlers.check({ now: '2026-11-20T03:00:00Z', dryRun: false }, context)).rejects.toThrow(
      /Drop "dryRun": false to see the checks at that time, or drop "now" to check and record them now/,
    );
  });

  it('a late run (an older run retried after a newer one) records nothing and sends nothing', async () => {
    // Prepare
    await scheduled(MONDAY, 'r1');
    // Act: Friday night's run, delivered late on Monday at 10:10, then Monday's next run.
    jest.setSystemTime(new Date('2026-11-23T10:10:00Z'));
    await handlers.runSource({ source: 'tis', runId: 'friday', now: '2026-11-20T03:00:00.000Z' }, context);
    await scheduled('2026-11-23T10:15:00.000Z', 'r2');
    // Assess
    expect(published()).toEqual(['Dataset Stale r1']);
    const state = (await dynamoStateStore(dynamo.client, table).load([CHECK_ID])).get(CHECK_ID);
    // Monday's r2 saw nothing new, so r1's state stands (a run that changes nothing writes nothing).
    expect(state).toMatchObject({ runId: 'r1', runAt: new Date(MONDAY) });
  });

  it('refuses a run whose time is ahead of the clock, and the reminders keep their rhythm', async () => {
    // Prepare
    await scheduled(MONDAY, 'r1');
    // Act: runSource invoked by hand at 10:05 with next June's time; then Tuesday's scheduled run.
    jest.setSystemTime(new Date('2026-11-23T10:05:00Z'));
    const refused = await handlers
      .runSource({ source: 'tis', runId: 'june', now: '2027-06-01T00:00:00.000Z' }, context)
      .catch((error: Error) => error);
    await scheduled('2026-11-24T10:00:00.000Z', 'r2');
    // Assess
    expect(refused).toMatchObject({ name: 'RunAheadOfClockError' });
    expect(String(refused)).toContain('invoke check with {"now": "…"} (always a dry run)');
    expect(published()).toEqual(['Dataset Stale r1', 'Dataset Still Stale r2']);
  });

  it('replaces a state written from the future by an older version, and reminds again a day later', async () => {
    // Prepare: the state as an on-call check at next June's time left it before this fix.
    await scheduled(MONDAY, 'r1');
    const store = dynamoStateStore(dynamo.client, table);
    const stored = (await store.load([CHECK_ID])).get(CHECK_ID);
    const june = '2027-06-01T00:00:00.000Z';
    await store.save(
      {
        ...(stored as NonNullable<typeof stored>),
        runId: 'june',
        runAt: june,
        lastNotifiedAt: june,
        version: 2,
      },
      1,
      [],
    );
    // Act: the scheduled runs of Tuesday and Wednesday.
    await scheduled('2026-11-24T10:00:00.000Z', 'r2');
    await scheduled('2026-11-25T10:00:00.000Z', 'r3');
    // Assess: Tuesday's run takes over the state (no reminder yet: when they were last told is
    // unknown, so it counts from Tuesday), and Wednesday reminds.
    expect(published()).toEqual(['Dataset Stale r1', 'Dataset Still Stale r3']);
    expect((await store.load([CHECK_ID])).get(CHECK_ID)).toMatchObject({ runId: 'r3' });
  });
});
