import { dynamoStateStore } from '../../lib/adapters/aws/dynamo-state';
import { publishEvents } from '../../lib/adapters/aws/eventbridge';
import { connectorForUrl } from '../../lib/adapters/sql/connect';
import type { RecordPorts } from '../../lib/app/record';
import { runService } from '../../lib/app/run-service';
import { loadConfig } from '../../lib/config/load';
import type { Config } from '../../lib/core/model/config';
import { startDynamo, startEventRecorder } from '../helpers/aws';
import { pgliteScratch, type ScratchDatabase } from '../helpers/databases';
import { PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

/**
 * SPEC.md "No data": an empty table gives `staleSince` = when the service first saw it so (from its
 * state), else null. The deployed service keeps state, so on its first run it sees the table empty
 * now, and says so in the run's result, its event and its state alike; later runs keep that moment.
 * `stalewatch run`, which keeps no state, says null (docs/semantics.md).
 */
describe('the service on an empty table, from its first run', () => {
  let db: ScratchDatabase;
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let bus: Awaited<ReturnType<typeof startEventRecorder>>;
  let config: Config;
  let ports: RecordPorts;

  beforeAll(async () => {
    db = await pgliteScratch();
    await db.exec('CREATE TABLE public.placement (id int, last_modified timestamp)');
    [dynamo, bus] = await Promise.all([startDynamo(), startEventRecorder()]);
    await dynamo.createTable('state-no-data');
    ports = {
      store: dynamoStateStore(dynamo.client, 'state-no-data'),
      publish: (events) =>
        publishEvents(bus.client, 'stalewatch-test', events, { sleep: async () => undefined }),
    };
    config = await loadConfig({
      dir: writeTree({ 'stalewatch.yml': SETTINGS, 'placements.yml': PLACEMENTS }),
      env: {},
    });
  });

  afterAll(async () => {
    await Promise.all([db.drop(), dynamo.stop(), bus.stop()]);
  });

  const run = (now: string) =>
    runService(
      {
        config,
        checks: config.checks,
        connectors: { tis: connectorForUrl('tis', db.embedded as never) },
        now: new Date(now),
        runId: now,
        source: 'tis',
      },
      ports,
    );

  it('reports stale since its first run in the result, the event and the state, and keeps that moment', async () => {
    // Act: the first run ever, then one 15 minutes later
    const first = await run('2026-11-23T10:00:00Z');
    const second = await run('2026-11-23T10:15:00Z');
    // Assess
    expect(first.results[0]).toMatchObject({ status: 'fail', lastUpdatedAt: null });
    expect(first.results[0]?.staleSince?.toISOString()).toBe('2026-11-23T10:00:00.000Z');
    expect(bus.transitions()).toEqual([
      expect.objectContaining({ type: 'Dataset Stale', staleSince: '2026-11-23T10:00:00.000Z' }),
    ]);
    const state = (await ports.store.load(['placements/updated-recently'])).get(
      'placements/updated-recently',
    );
    expect(state?.staleSince?.toISOString()).toBe('2026-11-23T10:00:00.000Z');
    expect(second.results[0]?.staleSince?.toISOString()).toBe('2026-11-23T10:00:00.000Z');
  });
});
