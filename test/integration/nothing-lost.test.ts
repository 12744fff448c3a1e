import { BatchWriteCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PGlite } from '@electric-sql/pglite';
import { dynamoStateStore } from '../../lib/adapters/aws/dynamo-state';
import { EventsNotPublishedError, publishEvents } from '../../lib/adapters/aws/eventbridge';
import { connectorForUrl } from '../../lib/adapters/sql/connect';
import type { OutboxItem } from '../../lib/app/ports';
import type { RecordPorts } from '../../lib/app/record';
import { runService } from '../../lib/app/run-service';
import { loadConfig } from '../../lib/config/load';
import { EVENT_BUDGET, entrySize } from '../../lib/core/events/fit';
import type { Config } from '../../lib/core/model/config';
import type { CheckStateInput as CheckState } from '../../lib/core/model/state';
import { type RecordedEvent, startDynamo, startEventRecorder } from '../helpers/aws';
import { pgliteScratch, type ScratchDatabase } from '../helpers/databases';
import { PLACEMENTS, PROGRAMMES, SETTINGS, writeTree } from '../helpers/tree';

/** What a run left of a check that could not run. */
const errorState = (checkId: string, runId: string): CheckState => ({
  checkId,
  status: 'error',
  since: '2026-11-23T10:00:00.000Z',
  dataStatus: null,
  staleSince: null,
  lastUpdatedAt: null,
  observed: null,
  rowCounts: [],
  lastNotifiedAt: null,
  runId,
  runAt: '2026-11-23T10:15:00.000Z',
  version: 1,
});

const START = Date.parse('2026-11-23T10:00:00Z');
const at = (run: number) => new Date(START + run * 15 * 60_000).toISOString();

describe('nothing lost: every transition reaches the bus, whatever the bus does', () => {
  let db: ScratchDatabase;
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let bus: Awaited<ReturnType<typeof startEventRecorder>>;
  let config: Config;
  let table = 0;
  let tableName = '';
  let ports: RecordPorts;

  beforeAll(async () => {
    db = await pgliteScratch();
    await db.exec(`CREATE TABLE public.placement (id int, last_modified timestamp);
      CREATE TABLE public.programme (id int)`);
    [dynamo, bus] = await Promise.all([startDynamo(), startEventRecorder()]);
    config = await loadConfig({
      dir: writeTree({
        'stalewatch.yml': SETTINGS,
        'placements.yml': PLACEMENTS,
        'programmes.yml': PROGRAMMES,
      }),
      env: {},
    });
  });

  beforeEach(async () => {
    // Prepare: a fresh state table, a bus that accepts everything, placements stale, programmes there.
    tableName = `lost-${++table}`;
    await dynamo.createTable(tableName);
    bus.reset();
    ports = {
      store: dynamoStateStore(dynamo.client, tableName),
      publish: (events) =>
        publishEvents(bus.client, 'stalewatch-test', events, { sleep: async () => undefined }),
    };
    await db.exec(`DELETE FROM public.placement; DELETE FROM public.programme;
      INSERT INTO public.placement VALUES (1, '2026-11-22 02:14:00'); INSERT INTO public.programme VALUES (1)`);
  });

  afterAll(async () => {
    await Promise.all([db.drop(), dynamo.stop(), bus.stop()]);
  });

  const run = (now: string, runId: string, cfg = config) =>
    runService(
      {
        config: cfg,
        checks: cfg.checks,
        connectors: { tis: connectorForUrl('tis', db.embedded as PGlite) },
        now: new Date(now),
        runId,
        source: 'tis',
      },
      ports,
    );
  const published = () => bus.transitions().map((e) => `${e.type} ${e.checkId} ${e.runId}`);
  const placementsFresh = (fresh: boolean) =>
    db.exec(
      fresh
        ? "INSERT INTO public.placement VALUES (2, '2026-11-23 09:00:00')"
        : 'DELETE FROM public.placement WHERE id = 2',
    );
  const programmesThere = (there: boolean) =>
    db.exec(there ? 'INSERT INTO public.programme VALUES (1)' : 'DELETE FROM public.programme');

  it('publishes Dataset Stale from a run the bus was down for, before the next run’s own events', async () => {
    // Act 1: the bus is down for run 1 and for both of Lambda's retries of it.
    bus.state.down = true;
    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(run(at(0), 'run-1')).rejects.toThrow(EventsNotPublishedError);
    }
    expect(published()).toEqual([]);
    // Act 2: the bus is back; by run 2 the placements are fresh again.
    bus.state.down = false;
    await placementsFresh(true);
    await run(at(1), 'run-2');
    // Assess: the owners hear the whole story, in order.
    expect(published()).toEqual([
      'Dataset Stale placements/updated-recently run-1',
      'Dataset Recovered placements/updated-recently run-2',
    ]);
  });

  it('publishes what a scheduled run left when the on-call check runs next', async () => {
    // Prepare: the scheduled run for source tis could not publish.
    bus.state.down = true;
    await expect(run(at(0), 'run-1')).rejects.toThrow(EventsNotPublishedError);
    bus.state.down = false;
    // Act: `sls invoke -f check --data '{"only":["programmes"]}'`: a run across sources (source null).
    await runService(
      {
        config,
        checks: config.checks.filter((c) => c.dataset === 'programmes'),
        connectors: { tis: connectorForUrl('tis', db.embedded as PGlite) },
        now: new Date(at(1)),
        runId: 'on-call',
        source: null,
      },
      ports,
    );
    // Assess
    expect(published()).toEqual(['Dataset Stale placements/updated-recently run-1']);
  });

  it('publishes every transition exactly once and in order per check, with 70% of entries refused over 50 runs', async () => {
    // Prepare: placements flips between fresh and stale every run, programmes every third run.
    bus.state.refuse = 0.7;
    const PLACEMENTS_ID = 'placements/updated-recently';
    const PROGRAMMES_ID = 'programmes/any-programmes';
    // What the owners must hear: each change of a check's state, in order (it starts fresh).
    const expected: Record<string, string[]> = { [PLACEMENTS_ID]: [], [PROGRAMMES_ID]: [] };
    const wasStale: Record<string, boolean> = { [PLACEMENTS_ID]: false, [PROGRAMMES_ID]: false };
    const expect_ = (checkId: string, stale: boolean, runId: string) => {
      if (wasStale[checkId] !== stale)
        expected[checkId]?.push(`${stale ? 'Dataset Stale' : 'Dataset Recovered'} ${checkId} ${runId}`);
      wasStale[checkId] = stale;
    };
    // Act: 50 runs; a run that could not publish everything fails, as it does in Lambda.
    let failedRuns = 0;
    for (let i = 0; i < 50; i++) {
      const placementsStale = i % 2 === 1;
      const programmesStale = Math.floor(i / 3) % 2 === 1;
      await placementsFresh(!placementsStale);
      await programmesThere(!programmesStale);
      const runId = `run-${String(i).padStart(2, '0')}`;
      expect_(PLACEMENTS_ID, placementsStale, runId);
      expect_(PROGRAMMES_ID, programmesStale, runId);
      await run(at(i), runId).catch((error) => {
        expect(error).toBeInstanceOf(EventsNotPublishedError);
        failedRuns++;
      });
    }
    // Act: the bus recovers; the next run (nothing new to say) publishes what is left.
    bus.state.refuse = 0;
    await run(at(50), 'run-50');
    // Assess: the bus really refused a lot, and still every transition arrived once, in order.
    expect(failedRuns).toBeGreaterThan(10);
    const events = bus.transitions();
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    for (const checkId of [PLACEMENTS_ID, PROGRAMMES_ID]) {
      expect(published().filter((line) => line.includes(` ${checkId} `))).toEqual(expected[checkId]);
    }
    expect(expected[PLACEMENTS_ID]).toHaveLength(49);
    expect(expected[PROGRAMMES_ID]).toHaveLength(16);
    expect(events).toHaveLength(49 + 16);
  });

  it('alerts once when the same run is retried after the bus refused it', async () => {
    bus.state.down = true;
    await expect(run(at(0), 'run-1')).rejects.toThrow(EventsNotPublishedError);
    bus.state.down = false;
    await run(at(0), 'run-1');
    await run(at(0), 'run-1');
    await run(at(1), 'run-2');
    expect(published()).toEqual(['Dataset Stale placements/updated-recently run-1']);
  });

  it('alerts once when five copies of one run arrive at the same time', async () => {
    await Promise.all(Array.from({ length: 5 }, () => run(at(0), 'run-1')));
    expect(published()).toEqual(['Dataset Stale placements/updated-recently run-1']);
  });

  it('tells each transition once when two copies of a run publish what an earlier run left', async () => {
    // Prepare: run 1's Dataset Stale is still in the outbox; then the placements are fresh again.
    bus.state.down = true;
    await expect(run(at(0), 'run-1')).rejects.toThrow(EventsNotPublishedError);
    bus.state.down = false;
    await placementsFresh(true);
    // Act: two copies of run 2 at once.
    await Promise.all([run(at(1), 'run-2'), run(at(1), 'run-2')]);
    // Assess: run 2's own event once; run 1's perhaps twice, with one eventId (notify sends it once).
    const distinct = [...new Map(bus.transitions().map((e) => [e.eventId, e])).values()];
    expect(distinct.map((e) => `${e.type} ${e.runId}`)).toEqual([
      'Dataset Stale run-1',
      'Dataset Recovered run-2',
    ]);
    expect(published().filter((line) => line.startsWith('Dataset Recovered'))).toHaveLength(1);
  });

  it('publishes what a run that stopped after writing its state left, at the next run', async () => {
    // Prepare: run 1 writes its state and its Dataset Stale, then stops before publishing (as a
    // Lambda timed out, or the container died, would).
    const stopping: RecordPorts = {
      ...ports,
      publish: async () => {
        throw new Error('Task timed out after 300.00 seconds');
      },
    };
    await expect(
      runService(
        {
          config,
          checks: config.checks,
          connectors: { tis: connectorForUrl('tis', db.embedded as PGlite) },
          now: new Date(at(0)),
          runId: 'run-1',
          source: 'tis',
        },
        stopping,
      ),
    ).rejects.toThrow('Task timed out');
    // Act
    await run(at(1), 'run-2');
    // Assess
    expect(published()).toEqual(['Dataset Stale placements/updated-recently run-1']);
  });

  it('keeps an event a late copy of its run wrote again, while a later run still could not publish it', async () => {
    // Prepare: the bus is down for run 1 (placements go stale) and for run 2 (they recover), which
    // writes the state again; then a late copy of run 1 writes run 1's outbox item again, as it found it.
    bus.state.down = true;
    await expect(run(at(0), 'run-1')).rejects.toThrow(EventsNotPublishedError);
    const [leftByRun1] = await ports.store.outbox(['tis']);
    await placementsFresh(true);
    await expect(run(at(1), 'run-2')).rejects.toThrow(EventsNotPublishedError);
    await ports.store.prepare([{ ...(leftByRun1 as OutboxItem), committed: false }]);
    bus.state.down = false;
    // Act
    await run(at(2), 'run-3');
    // Assess: the whole story, in order, once each.
    expect(published()).toEqual([
      'Dataset Stale placements/updated-recently run-1',
      'Dataset Recovered placements/updated-recently run-2',
    ]);
  });

  it('publishes the events an older version kept inside the state item, after upgrading', async () => {
    // Prepare: the state as the previous version wrote it, its Dataset Stale never published.
    await run(at(0), 'run-1');
    const [kept] = bus.state.events.filter((e) => e.DetailType === 'Dataset Stale');
    bus.reset();
    const doc = DynamoDBDocumentClient.from(dynamo.client);
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: 'CHECK#placements/updated-recently', sk: 'STATE' },
        UpdateExpression: 'SET outbox = :outbox REMOVE outboxEventIds',
        ExpressionAttributeValues: {
          ':outbox': [{ detailType: 'Dataset Stale', detail: JSON.parse(kept?.Detail ?? '{}'), time: at(0) }],
        },
      }),
    );
    // Act
    await run(at(1), 'run-2');
    await run(at(2), 'run-3');
    // Assess: published by the first run after the upgrade, and only once.
    expect(published()).toEqual(['Dataset Stale placements/updated-recently run-1']);
  });

  it('trims a 300 KB impact so its event is published, and leaves the run’s other events whole', async () => {
    // Prepare: a config written before validate bounded impact (or compiled by hand).
    const big = `Trainees cannot see their placements. ${'x'.repeat(300_000)}`;
    const cfg: Config = {
      ...config,
      datasets: config.datasets.map((d) => (d.id === 'placements' ? { ...d, impact: big } : d)),
    };
    await programmesThere(false);
    // Act
    await run(at(0), 'run-1', cfg);
    // Assess
    const byDataset = new Map(bus.transitions().map((e) => [e.dataset, e]));
    const placements = byDataset.get('placements');
    expect(placements.impact).toMatch(/^Trainees cannot see their placements\. x+…$/);
    expect(placements.trimmed).toEqual({ impact: big.length });
    expect(byDataset.get('programmes')).toMatchObject({ impact: 'Trainees see the wrong programme.' });
    expect(byDataset.get('programmes')).not.toHaveProperty('trimmed');
    for (const event of bus.state.events) expect(entrySize(event)).toBeLessThanOrEqual(EVENT_BUDGET);
  });

  it('sums up 20,000 checks that could not run in a Check Run Completed under 256 KB, and the run succeeds', async () => {
    // Prepare: 20,000 checks on a source that is down. Each state says this run recorded it already:
    // a retry of the run, which before this summary was bounded failed on every retry.
    const template = config.checks[0] as Config['checks'][number];
    const checks = Array.from({ length: 20_000 }, (_, i) => ({
      ...template,
      id: `dataset-${i}/updated-recently`,
      dataset: `dataset-${i}`,
    }));
    const doc = DynamoDBDocumentClient.from(dynamo.client);
    const writes = checks.map((c) => ({
      PutRequest: { Item: { pk: `CHECK#${c.id}`, sk: 'STATE', ...errorState(c.id, 'run-2') } },
    }));
    for (let i = 0; i < writes.length; i += 25 * 8) {
      await Promise.all(
        Array.from({ length: 8 }, (_, j) => writes.slice(i + j * 25, i + (j + 1) * 25))
          .filter((chunk) => chunk.length > 0)
          .map((chunk) => doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: chunk } }))),
      );
    }
    // Act
    const report = await runService(
      {
        config: { ...config, checks },
        checks,
        connectors: { tis: connectorForUrl('tis', 'postgres://nobody@127.0.0.1:1/none') },
        now: new Date(at(1)),
        runId: 'run-2',
        source: 'tis',
      },
      ports,
    );
    // Assess
    expect(report.results.filter((r) => r.status === 'error')).toHaveLength(20_000);
    const [summary, ...others] = bus.state.events;
    expect(others).toEqual([]);
    expect(summary?.DetailType).toBe('Check Run Completed');
    expect(entrySize(summary as RecordedEvent)).toBeLessThan(256 * 1024);
    const detail = JSON.parse(summary?.Detail ?? '{}');
    expect(detail).toMatchObject({
      checks: 20_000,
      counts: { pass: 0, warn: 0, fail: 0, error: 20_000 },
      trimmed: { errors: 20_000 },
    });
    expect(detail.errors).toEqual(checks.slice(0, 100).map((c) => c.id));
  }, 120_000);
});
