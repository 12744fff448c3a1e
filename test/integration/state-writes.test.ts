import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PGlite } from '@electric-sql/pglite';
import { dynamoStateStore } from '../../lib/adapters/aws/dynamo-state';
import { publishEvents } from '../../lib/adapters/aws/eventbridge';
import { dynamoStatusState } from '../../lib/adapters/aws/status-state';
import { connectorForUrl } from '../../lib/adapters/sql/connect';
import type { RecordPorts } from '../../lib/app/record';
import { runService } from '../../lib/app/run-service';
import { loadConfig } from '../../lib/config/load';
import { dailyRecord, type HistoryEntry } from '../../lib/core/history';
import { digestChecks, onTimeRates } from '../../lib/core/messages/digest';
import type { Config } from '../../lib/core/model/config';
import { historyOfResults } from '../../lib/core/status';
import {
  type DynamoRequest,
  startDynamo,
  startEventRecorder,
  startThrottlingProxy,
  TEST_CREDENTIALS,
} from '../helpers/aws';
import { pgliteScratch, type ScratchDatabase } from '../helpers/databases';
import { PLACEMENTS, PROGRAMMES, SETTINGS, writeTree } from '../helpers/tree';

const PLACEMENTS_ID = 'placements/updated-recently';
const PROGRAMMES_ID = 'programmes/any-programmes';

/** Monday 23 November 2026, 10:00 UTC; runs every 15 minutes from then. */
const START = Date.parse('2026-11-23T10:00:00Z');
const at = (run: number) => new Date(START + run * 15 * 60_000);

/** The items one DynamoDB write request puts, updates or deletes: `pk sk` of each. */
function writtenKeys(request: DynamoRequest): string[] {
  const { body, operation } = request;
  const key = (k: Record<string, { S?: string }>) => `${k.pk?.S} ${k.sk?.S}`;
  if (operation === 'PutItem') return [key(body.Item as never)];
  if (operation === 'UpdateItem' || operation === 'DeleteItem') return [key(body.Key as never)];
  if (operation === 'BatchWriteItem')
    return Object.values(
      body.RequestItems as Record<string, Array<Record<string, { Item?: never; Key?: never }>>>,
    )
      .flat()
      .map((r) => key((r.PutRequest?.Item ?? r.DeleteRequest?.Key) as never));
  return [];
}

describe('a run writes what changed: no state for a check that stayed as it was', () => {
  let db: ScratchDatabase;
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let proxy: Awaited<ReturnType<typeof startThrottlingProxy>>;
  let bus: Awaited<ReturnType<typeof startEventRecorder>>;
  let client: DynamoDBClient;
  let config: Config;
  let tables = 0;
  let table = '';
  let ports: RecordPorts;
  let requests: DynamoRequest[] = [];

  beforeAll(async () => {
    db = await pgliteScratch();
    await db.exec(`CREATE TABLE public.placement (id int, last_modified timestamp);
      CREATE TABLE public.programme (id int)`);
    [dynamo, bus] = await Promise.all([startDynamo(), startEventRecorder()]);
    proxy = await startThrottlingProxy(dynamo.endpoint);
    // Every request is seen, none refused: the proxy is a counter here.
    proxy.state.throttle = (request) => {
      requests.push(request);
      return false;
    };
    client = new DynamoDBClient({
      endpoint: proxy.endpoint,
      region: 'eu-west-2',
      credentials: TEST_CREDENTIALS,
    });
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
    // Prepare: a fresh table; placements last updated Sunday 02:14 (late on Monday), one programme.
    table = `writes-${++tables}`;
    await dynamo.createTable(table);
    bus.reset();
    ports = {
      store: dynamoStateStore(client, table),
      publish: (events) =>
        publishEvents(bus.client, 'stalewatch-test', events, { sleep: async () => undefined }),
    };
    await db.exec(`DELETE FROM public.placement; DELETE FROM public.programme;
      INSERT INTO public.placement VALUES (1, '2026-11-22 02:14:00'); INSERT INTO public.programme VALUES (1)`);
  });

  afterAll(async () => {
    client.destroy();
    await Promise.all([db.drop(), proxy.stop(), bus.stop()]);
    await dynamo.stop();
  });

  const run = (now: Date, runId: string, cfg = config) =>
    runService(
      {
        config: cfg,
        checks: cfg.checks,
        connectors: { tis: connectorForUrl('tis', db.embedded as PGlite) },
        now,
        runId,
        source: 'tis',
      },
      ports,
    );
  /** The items the run `act` wrote, `pk sk`, in order. */
  const writesOf = async (act: () => Promise<unknown>) => {
    requests = [];
    await act();
    return requests.flatMap(writtenKeys);
  };
  const published = () => bus.transitions().map((e) => `${e.type} ${e.checkId} ${e.runId}`);

  it('writes no check’s state or history when a run finds nothing new, only its source’s run mark', async () => {
    // Prepare: the first runs write what they saw (the second, the row count it compares with).
    await run(at(0), 'r0');
    await run(at(1), 'r1');
    // Act
    const writes = await writesOf(() => run(at(2), 'r2'));
    // Assess
    expect(writes).toEqual(['SOURCE#tis LAST_RUN']);
    expect(published()).toEqual([`Dataset Stale ${PLACEMENTS_ID} r0`]);
  });

  it('an on-call run of a few of a source’s checks leaves no run mark: the others were not judged', async () => {
    // Prepare
    await run(at(0), 'r0');
    await run(at(1), 'r1');
    // Act: `check --only placements`, recorded.
    const writes = await writesOf(() =>
      runService(
        {
          config,
          checks: config.checks.filter((c) => c.id === PLACEMENTS_ID),
          connectors: { tis: connectorForUrl('tis', db.embedded as PGlite) },
          now: at(2),
          runId: 'on-call',
          source: null,
        },
        ports,
      ),
    );
    // Assess: no write at all (nothing changed), and the mark is still the last whole run's.
    expect(writes).toEqual([]);
    expect((await ports.store.lastRuns(['tis'])).get('tis')).toEqual(at(1));
  });

  it('writes exactly the check that changed, with its history and its events', async () => {
    // Prepare
    await run(at(0), 'r0');
    await run(at(1), 'r1');
    await db.exec("INSERT INTO public.placement VALUES (2, '2026-11-23 10:20:00')");
    // Act
    const writes = await writesOf(() => run(at(2), 'r2'));
    // Assess: placements' state, its history item (its status changed), its event's outbox item
    // (put, committed, removed once published), and the run mark; nothing of programmes.
    expect(writes.filter((w) => w.startsWith('CHECK#'))).toEqual([
      `CHECK#${PLACEMENTS_ID} STATE`,
      `CHECK#${PLACEMENTS_ID} RUN#${at(2).toISOString()}`,
    ]);
    expect(writes.filter((w) => w.includes(PROGRAMMES_ID))).toEqual([]);
    expect(writes).toContain('SOURCE#tis LAST_RUN');
    expect(published()).toEqual([
      `Dataset Stale ${PLACEMENTS_ID} r0`,
      `Dataset Recovered ${PLACEMENTS_ID} r2`,
    ]);
  });

  it('writes each check once on the first run of a new day, so the daily strip knows the day had runs', async () => {
    // Prepare
    await run(at(0), 'r0');
    await run(at(1), 'r1');
    // Act: Tuesday 00:00 in London.
    const writes = await writesOf(() => run(new Date('2026-11-24T00:00:00Z'), 'tuesday'));
    // Assess: each check's state and one history item (the day's mark); Tuesday's next run writes none.
    const tuesday = 'RUN#2026-11-24T00:00:00.000Z';
    expect(writes.filter((w) => w.startsWith('CHECK#')).sort()).toEqual([
      `CHECK#${PLACEMENTS_ID} ${tuesday}`,
      `CHECK#${PLACEMENTS_ID} STATE`,
      `CHECK#${PROGRAMMES_ID} ${tuesday}`,
      `CHECK#${PROGRAMMES_ID} STATE`,
    ]);
    expect(await writesOf(() => run(new Date('2026-11-24T00:15:00Z'), 'tuesday-2'))).toEqual([
      'SOURCE#tis LAST_RUN',
    ]);
  });

  it('tells a recovery once when five copies of a run arrive at once and the run is retried', async () => {
    // Prepare
    await run(at(0), 'r0');
    await run(at(1), 'r1');
    await db.exec("INSERT INTO public.placement VALUES (2, '2026-11-23 10:20:00')");
    // Act
    await Promise.all(Array.from({ length: 5 }, () => run(at(2), 'r2')));
    await run(at(2), 'r2');
    await run(at(3), 'r3');
    // Assess
    expect(published()).toEqual([
      `Dataset Stale ${PLACEMENTS_ID} r0`,
      `Dataset Recovered ${PLACEMENTS_ID} r2`,
    ]);
  });

  it('records nothing of a late run older than a newer run that changed nothing', async () => {
    // Prepare: r0 finds placements late; r2 (10:30) finds nothing new and writes no state; then new data.
    await run(at(0), 'r0');
    await run(at(2), 'r2');
    await db.exec("INSERT INTO public.placement VALUES (2, '2026-11-23 10:05:00')");
    // Act: r1 (10:15), retried late, would see the new data; r3 is the next scheduled run.
    await run(at(1), 'r1');
    await run(at(3), 'r3');
    // Assess: the recovery is r3's, not the late run's.
    expect(published()).toEqual([
      `Dataset Stale ${PLACEMENTS_ID} r0`,
      `Dataset Recovered ${PLACEMENTS_ID} r3`,
    ]);
  });

  it('gives the status page’s strip and the digest’s on-time rate what an item per run gave', async () => {
    // Prepare: three days of hourly runs in Tokyo's days (UTC+9), the data on time, late, stale and
    // unreadable in turns; every run's results kept as an item per run would have kept them.
    const tokyo = await loadConfig({
      dir: writeTree({
        'stalewatch.yml': SETTINGS.replace('Europe/London', 'Asia/Tokyo'),
        'placements.yml': PLACEMENTS,
        'programmes.yml': PROGRAMMES,
      }),
      env: {},
    });
    const everyRun: HistoryEntry[] = [];
    const first = Date.parse('2026-11-20T00:30:00Z');
    let missing = false;
    for (let hour = 0; hour < 72; hour++) {
      const now = new Date(first + hour * 3_600_000);
      const ageHours = [1, 1, 30, 1, 60, 60, 1][Math.floor(hour / 5) % 7] ?? 1;
      const updated = new Date(now.getTime() - ageHours * 3_600_000)
        .toISOString()
        .slice(0, 19)
        .replace('T', ' ');
      await db.exec(`DELETE FROM public.placement; INSERT INTO public.placement VALUES (1, '${updated}')`);
      const unreadable = hour % 13 === 5;
      if (unreadable !== missing) {
        await db.exec(
          unreadable
            ? 'ALTER TABLE public.programme RENAME TO programme_gone'
            : 'ALTER TABLE public.programme_gone RENAME TO programme',
        );
        missing = unreadable;
      }
      const rows = hour % 11 < 3 ? 0 : 4;
      if (!missing)
        await db.exec(
          `DELETE FROM public.programme; INSERT INTO public.programme SELECT generate_series(1, ${rows})`,
        );
      if (hour === 40) continue; // a run that never happened
      const report = await run(now, `h${hour}`, tokyo);
      everyRun.push(...historyOfResults(report.results, now));
    }
    if (missing) await db.exec('ALTER TABLE public.programme_gone RENAME TO programme');
    const now = new Date(first + 72 * 3_600_000);
    const ids = [PLACEMENTS_ID, PROGRAMMES_ID];
    const options = { now, timezone: 'Asia/Tokyo', days: 5 };

    // Act
    const stored = await dynamoStatusState(client, table).history(ids, new Date(first - 86_400_000));
    const states = await ports.store.states();

    // Assess: fewer items, the same days and rates, and the same start of each stale streak.
    expect(stored.length).toBeLessThan(everyRun.length / 2);
    for (const id of ids) {
      const strip = (h: HistoryEntry[]) =>
        dailyRecord(
          h.filter((e) => e.checkId === id),
          options,
        );
      expect(strip(stored)).toEqual(strip(everyRun));
    }
    const rates = (h: HistoryEntry[]) =>
      ['placements', 'programmes'].map(onTimeRates(tokyo, h, now, 'Asia/Tokyo', 5));
    expect(rates(stored)).toEqual(rates(everyRun));
    expect(rates(stored)).not.toEqual([null, null]);
    const since = new Date(first + 24 * 3_600_000);
    expect(digestChecks(states, stored, since)).toEqual(digestChecks(states, everyRun, since));
  });
});
