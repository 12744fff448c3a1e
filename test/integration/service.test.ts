import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { dynamoStateStore } from '../../lib/adapters/aws/dynamo-state';
import { EventsNotPublishedError, publishEvents } from '../../lib/adapters/aws/eventbridge';
import { connectorForUrl } from '../../lib/adapters/sql/connect';
import type { RecordPorts } from '../../lib/app/record';
import { runService } from '../../lib/app/run-service';
import { loadConfig } from '../../lib/config/load';
import {
  checkEventDetailSchema,
  eventJsonSchemas,
  runCompletedDetailSchema,
} from '../../lib/core/events/schema';
import type { Config } from '../../lib/core/model/config';
import { startDynamo, startEventRecorder } from '../helpers/aws';
import { pgliteScratch, type ScratchDatabase } from '../helpers/databases';
import { PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

describe('the service: state in DynamoDB, events on EventBridge', () => {
  let db: ScratchDatabase;
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let bus: Awaited<ReturnType<typeof startEventRecorder>>;
  let config: Config;
  let table = 0;
  let ports: RecordPorts;

  beforeAll(async () => {
    db = await pgliteScratch();
    await db.exec(`CREATE TABLE public.placement (id int, last_modified timestamp);
      INSERT INTO public.placement VALUES (1, '2026-11-22 02:14:00')`);
    [dynamo, bus] = await Promise.all([startDynamo(), startEventRecorder()]);
    config = await loadConfig({
      dir: writeTree({ 'stalewatch.yml': SETTINGS, 'placements.yml': PLACEMENTS }),
      env: {},
    });
  });

  beforeEach(async () => {
    // Prepare: a fresh state table and bus recording for each story.
    const name = `state-${++table}`;
    await dynamo.createTable(name);
    bus.reset();
    ports = {
      store: dynamoStateStore(dynamo.client, name),
      publish: (events) =>
        publishEvents(bus.client, 'stalewatch-test', events, { sleep: async () => undefined }),
    };
  });

  afterAll(async () => {
    await Promise.all([db.drop(), dynamo.stop(), bus.stop()]);
  });

  const run = (now: string, runId = now, source: string | PGlite = db.embedded as PGlite) =>
    runService(
      {
        config,
        checks: config.checks,
        connectors: { tis: connectorForUrl('tis', source) },
        now: new Date(now),
        runId,
        source: 'tis',
      },
      ports,
    );
  const types = () => bus.transitions().map((e) => e.type);

  it('emits Dataset Stale on the first stale run, with the detail SPEC.md lists', async () => {
    await run('2026-11-23T10:00:00Z', 'run-1');
    const [event, ...others] = bus.transitions();
    expect(others).toEqual([]);
    expect(event).toMatchObject({
      type: 'Dataset Stale',
      checkId: 'placements/updated-recently',
      dataset: 'placements',
      title: 'Trainee placements',
      owners: ['placements-lead'],
      status: 'warn',
      previousStatus: null,
      lastUpdatedAt: '2026-11-22T02:14:00.000Z',
      staleSince: '2026-11-23T04:14:00.000Z',
      observed: { ageSeconds: 114360 },
      impact: 'Trainees see out-of-date placement details.',
      action: 'Re-run the nightly sync.',
      runId: 'run-1',
    });
    expect(bus.state.events.map((e) => [e.Source, e.EventBusName])).toContainEqual([
      'stalewatch',
      'stalewatch-test',
    ]);
    expect(bus.state.events.map((e) => e.DetailType)).toContain('Check Run Completed');
  });

  it('emits nothing more when the same run is retried, or a later run finds it still stale', async () => {
    await run('2026-11-23T10:00:00Z', 'run-1');
    await run('2026-11-23T10:00:00Z', 'run-1');
    await run('2026-11-23T10:15:00Z', 'run-2');
    expect(types()).toEqual(['Dataset Stale']);
  });

  it('reminds with Dataset Still Stale once remindEvery has passed', async () => {
    await run('2026-11-23T10:00:00Z');
    await run('2026-11-24T09:59:00Z');
    await run('2026-11-24T10:00:00Z');
    expect(types()).toEqual(['Dataset Stale', 'Dataset Still Stale']);
  });

  it('emits Dataset Recovered with how long it was stale when fresh data arrives', async () => {
    await run('2026-11-23T10:00:00Z');
    await db.exec("INSERT INTO public.placement VALUES (2, '2026-11-23T10:05:00')");
    await run('2026-11-23T10:15:00Z');
    await db.exec('DELETE FROM public.placement WHERE id = 2');
    const recovered = bus.transitions()[1];
    expect(recovered).toMatchObject({
      type: 'Dataset Recovered',
      status: 'pass',
      previousStatus: 'warn',
      staleForSeconds: 21660,
    });
  });

  it('emits once when the same invocation is delivered twice at the same time', async () => {
    await Promise.all([run('2026-11-23T10:00:00Z', 'run-1'), run('2026-11-23T10:00:00Z', 'run-1')]);
    expect(types()).toEqual(['Dataset Stale']);
  });

  it('retries entries that PutEvents refused, and delivers each once', async () => {
    bus.state.failNext = 1;
    await run('2026-11-23T10:00:00Z');
    expect(types()).toEqual(['Dataset Stale']);
    expect(bus.state.calls).toBeGreaterThanOrEqual(2);
  });

  it('fails the run loudly when events still cannot be put, and a retry of the run delivers them', async () => {
    // Act 1: EventBridge refuses everything.
    bus.state.failNext = 1000;
    await expect(run('2026-11-23T10:00:00Z', 'run-1')).rejects.toThrow(EventsNotPublishedError);
    expect(types()).toEqual([]);
    // Act 2: Lambda retries the same invocation, and EventBridge is back.
    bus.state.failNext = 0;
    await run('2026-11-23T10:00:00Z', 'run-1');
    expect(types()).toEqual(['Dataset Stale']);
  });

  it('emits Check Error when the source is down, and Check Recovered when it is back', async () => {
    await run('2026-11-23T10:00:00Z', 'r1', 'postgres://nobody@127.0.0.1:1/none');
    await run('2026-11-23T10:15:00Z', 'r2');
    const [error, recovered, stale] = bus.transitions();
    expect(error).toMatchObject({
      type: 'Check Error',
      status: 'error',
      checkId: 'placements/updated-recently',
    });
    expect(error.error).toMatch(/Source "tis" could not be reached/);
    expect(recovered).toMatchObject({ type: 'Check Recovered', status: 'warn', previousStatus: 'error' });
    expect(stale).toMatchObject({ type: 'Dataset Stale' });
  });

  it('changes no state and publishes nothing on a dry run', async () => {
    await runService(
      {
        config,
        checks: config.checks,
        connectors: { tis: connectorForUrl('tis', db.embedded as PGlite) },
        now: new Date('2026-11-23T10:00:00Z'),
        runId: 'dry',
        source: null,
        dryRun: true,
      },
      ports,
    );
    expect(bus.state.calls).toBe(0);
    expect((await ports.store.load(['placements/updated-recently'])).size).toBe(0);
  });

  it('emits only events whose detail matches the JSON Schemas published in docs/events/', async () => {
    // Prepare: a story with every kind of event.
    await run('2026-11-23T10:00:00Z', 'a', 'postgres://nobody@127.0.0.1:1/none');
    await run('2026-11-23T10:15:00Z', 'b');
    await run('2026-11-24T10:15:00Z', 'c');
    await db.exec("INSERT INTO public.placement VALUES (3, '2026-11-24T10:20:00')");
    await run('2026-11-24T10:30:00Z', 'd');
    await db.exec('DELETE FROM public.placement WHERE id = 3');
    // Assess
    const types = new Set(bus.state.events.map((e) => e.DetailType));
    expect([...types].sort()).toEqual([
      'Check Error',
      'Check Recovered',
      'Check Run Completed',
      'Dataset Recovered',
      'Dataset Stale',
      'Dataset Still Stale',
    ]);
    for (const event of bus.state.events) {
      const schema =
        event.DetailType === 'Check Run Completed' ? runCompletedDetailSchema : checkEventDetailSchema;
      expect(schema.safeParse(JSON.parse(event.Detail)).error).toBeUndefined();
    }
    for (const [file, schema] of Object.entries(eventJsonSchemas())) {
      const published = JSON.parse(readFileSync(join(__dirname, '..', '..', 'docs', 'events', file), 'utf8'));
      expect(published).toEqual(schema);
    }
  });
});
