// What the state table costs in writes: 200 checks over 4 sources, one day of 96 runs (every 15
// minutes), counted request by request as DynamoDB bills them (write request units: each item written,
// updated or deleted, 1 unit per KB or part of one; a conditional write that fails costs the same).
// The runs are the service's own (runService over dynalite and an embedded PostgreSQL); the day is a
// usual one: every table loaded at night, five loads missing (those datasets go late, then stale), one
// table whose count falls. `npm run cost:dynamo` prints the counts and the month's arithmetic; the
// figures in docs/operations.md "Costs" come from it.
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PGlite } from '@electric-sql/pglite';
import dynalite from 'dynalite';
import { dynamoStateStore } from '../../lib/adapters/aws/dynamo-state';
import { STATE_TABLE_KEYS } from '../../lib/adapters/aws/table';
import { connectorForUrl } from '../../lib/adapters/sql/connect';
import { runService } from '../../lib/app/run-service';
import { loadConfig } from '../../lib/config/load';
import { writeTree } from '../samples/tree';
import { close, listen, TEST_CREDENTIALS } from '../stand-ins/event-recorder';

const SOURCES = ['tis', 'esr', 'hr', 'finance'];
const DATASETS_PER_SOURCE = 50;
const RUNS_PER_DAY = 96;
/** On-demand write request units, us-east-1 list price (per million). */
const PRICE_PER_MILLION_WRU = 0.625;
const DAY = Date.parse('2026-11-24T00:00:00Z');

type Attribute = Record<string, unknown>;

/** The size DynamoDB bills for an attribute value (names and values in UTF-8; numbers about half their digits). */
function valueSize(value: Attribute): number {
  const [type, inner] = Object.entries(value)[0] ?? ['NULL', true];
  if (type === 'S') return Buffer.byteLength(String(inner));
  if (type === 'N') return Math.ceil(String(inner).replace(/^-|\./g, '').length / 2) + 1;
  if (type === 'BOOL' || type === 'NULL') return 1;
  if (type === 'L') return 3 + (inner as Attribute[]).reduce((n, v) => n + 1 + valueSize(v), 0);
  if (type === 'M')
    return 3 + itemSize(inner as Record<string, Attribute>) + Object.keys(inner as object).length;
  if (type === 'SS') return (inner as string[]).reduce((n, s) => n + Buffer.byteLength(s), 0);
  return Buffer.byteLength(JSON.stringify(inner));
}
function itemSize(item: Record<string, Attribute>): number {
  return Object.entries(item).reduce((n, [name, v]) => n + Buffer.byteLength(name) + valueSize(v), 0);
}
const units = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** The kind of item a key names, for the table of counts. */
function kindOf(pk: string, sk: string): string {
  if (pk.startsWith('SOURCE#')) return 'run mark (per source per run)';
  if (pk.startsWith('OUTBOX#')) return 'outbox (per event: put, remove)';
  if (sk === 'STATE') return 'check state';
  if (sk.startsWith('RUN#')) return 'check history';
  return 'other';
}

async function main(): Promise<void> {
  // Prepare: the data, the config, the table, and a counter on the client's requests.
  const db = await PGlite.create();
  const datasets: Record<string, string> = {};
  for (const [s, source] of SOURCES.entries()) {
    for (let d = 0; d < DATASETS_PER_SOURCE; d++) {
      const n = s * DATASETS_PER_SOURCE + d;
      const rowCount = n % 2 === 1;
      await db.exec(`CREATE TABLE public.t${n} (id int, loaded_at timestamp)`);
      datasets[`d${n}.yml`] = [
        `dataset: d${n}`,
        `title: Dataset ${n}`,
        `source: ${source}`,
        `table: public.t${n}`,
        'owner: lead',
        'checks:',
        rowCount
          ? '  - name: rows\n    rowCount:\n      failBelow: 1\n      failDropPercent: 50'
          : '  - name: fresh\n    freshness:\n      column: loaded_at\n      warnAfter: 26h\n      failAfter: 50h',
        '',
      ].join('\n');
    }
  }
  const sourcesYaml = SOURCES.map(
    (s) =>
      `  ${s}:\n    engine: postgres\n    resourceArn: arn:aws:rds:eu-west-2:123456789012:cluster:${s}\n` +
      `    secretArn: arn:aws:secretsmanager:eu-west-2:123456789012:secret:${s}\n    database: ${s}`,
  ).join('\n');
  const config = await loadConfig({
    dir: writeTree({
      'stalewatch.yml': `timezone: Europe/London\nsources:\n${sourcesYaml}\ncontacts:\n  lead:\n    name: Data lead\n    audience: data-lead\n    email: lead@example.org\nnotify:\n  errorsTo: lead\n`,
      ...datasets,
    }),
    env: {},
  });
  const server = dynalite({ createTableMs: 0 });
  const endpoint = await listen(server);
  const client = new DynamoDBClient({ endpoint, region: 'eu-west-2', credentials: TEST_CREDENTIALS });
  await client.send(
    new CreateTableCommand({ TableName: 'state', BillingMode: 'PAY_PER_REQUEST', ...STATE_TABLE_KEYS }),
  );
  const sizes = new Map<string, number>();
  const counted = { on: false, byKind: new Map<string, { items: number; units: number }>() };
  const count = (pk: string, sk: string, bytes: number) => {
    if (!counted.on) return;
    const kind = kindOf(pk, sk);
    const sofar = counted.byKind.get(kind) ?? { items: 0, units: 0 };
    counted.byKind.set(kind, { items: sofar.items + 1, units: sofar.units + units(bytes) });
  };
  const keyOf = (key: Record<string, Attribute>) => [String(key.pk?.S), String(key.sk?.S)] as const;
  const put = (item: Record<string, Attribute>) => {
    const [pk, sk] = keyOf(item);
    const bytes = itemSize(item);
    count(pk, sk, Math.max(bytes, sizes.get(`${pk}\n${sk}`) ?? 0));
    sizes.set(`${pk}\n${sk}`, bytes);
  };
  const touch = (key: Record<string, Attribute>, remove: boolean) => {
    const [pk, sk] = keyOf(key);
    count(pk, sk, sizes.get(`${pk}\n${sk}`) ?? 1);
    if (remove) sizes.delete(`${pk}\n${sk}`);
  };
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers: Record<string, string>; body?: string | Uint8Array };
      const operation = (request.headers['x-amz-target'] ?? '').split('.')[1];
      const text =
        typeof request.body === 'string' ? request.body : Buffer.from(request.body ?? []).toString();
      const body = JSON.parse(text || '{}');
      if (operation === 'PutItem') put(body.Item);
      if (operation === 'UpdateItem') touch(body.Key, false);
      if (operation === 'DeleteItem') touch(body.Key, true);
      if (operation === 'BatchWriteItem')
        for (const r of Object.values(body.RequestItems).flat() as Array<Record<string, Attribute>>) {
          if (r.PutRequest) put((r.PutRequest as { Item: Record<string, Attribute> }).Item);
          if (r.DeleteRequest) touch((r.DeleteRequest as { Key: Record<string, Attribute> }).Key, true);
        }
      return next(args);
    },
    { step: 'finalizeRequest', name: 'countWrites' },
  );
  const store = dynamoStateStore(client, 'state');
  const connectors = Object.fromEntries(SOURCES.map((s) => [s, connectorForUrl(s, db)]));
  const stamp = (at: number) => new Date(at).toISOString().slice(0, 19).replace('T', ' ');
  /** Every table loaded at `at`: one row more each night. */
  const load = async (at: number, skip: (n: number) => boolean) => {
    for (let n = 0; n < SOURCES.length * DATASETS_PER_SOURCE; n++)
      if (!skip(n)) await db.exec(`INSERT INTO public.t${n} VALUES (${n}, '${stamp(at)}')`);
  };
  const runAll = async (at: number, runId: string) => {
    for (const source of SOURCES)
      await runService(
        {
          config,
          checks: config.checks.filter((c) => c.source === source),
          connectors,
          now: new Date(at),
          runId: `${runId}-${source}`,
          source,
        },
        { store, publish: async () => undefined },
      );
  };

  // The day before: loaded at 02:00, and the evening's runs (each check's state exists).
  await load(DAY - 22 * 3_600_000, () => false);
  await load(DAY - 22 * 3_600_000, () => false);
  for (const minutes of [-45, -30, -15]) await runAll(DAY + minutes * 60_000, `eve${minutes}`);

  // Act: the day's 96 runs. Tonight's load at 02:00 misses five tables (0, 2, 4, 6, 8: freshness
  // checks, late from 04:00 the day after their last load) and table 1 loses most of its rows.
  counted.on = true;
  for (let run = 0; run < RUNS_PER_DAY; run++) {
    const at = DAY + run * 15 * 60_000;
    if (run === 8) {
      await load(at, (n) => n < 10 && n % 2 === 0);
      await db.exec('DELETE FROM public.t1 WHERE ctid IN (SELECT ctid FROM public.t1 LIMIT 1)');
    }
    await runAll(at, `run${run}`);
  }
  counted.on = false;

  // Assess: the counts, and the month.
  const rows = [...counted.byKind].sort(([a], [b]) => a.localeCompare(b));
  const total = rows.reduce((n, [, c]) => n + c.units, 0);
  const checks = config.checks.length;
  console.log(`${checks} checks, ${SOURCES.length} sources, ${RUNS_PER_DAY} runs in one day`);
  console.log('| items | written in the day | write request units |');
  console.log('| --- | --- | --- |');
  for (const [kind, c] of rows) console.log(`| ${kind} | ${c.items} | ${c.units} |`);
  console.log(`| total | | ${total} |`);
  const month = total * 30;
  console.log(
    `a month: ${total} × 30 = ${month.toLocaleString('en-GB')} WRU × $${PRICE_PER_MILLION_WRU} per million = $${((month / 1e6) * PRICE_PER_MILLION_WRU).toFixed(3)}`,
  );
  const before = checks * RUNS_PER_DAY * 2 * 30;
  console.log(
    `an item per check per run (state and history) would be ${checks} × ${RUNS_PER_DAY} × 2 × 30 = ${before.toLocaleString('en-GB')} WRU = $${((before / 1e6) * PRICE_PER_MILLION_WRU).toFixed(3)}`,
  );
  client.destroy();
  await db.close();
  await close(server);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
