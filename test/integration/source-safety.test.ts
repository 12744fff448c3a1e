import { randomBytes } from 'node:crypto';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { DEFAULT_RETRY, rdsDataConnector } from '../../lib/adapters/aws/rds-data';
import { connectorForUrl } from '../../lib/adapters/sql/connect';
import { observeSource } from '../../lib/app/observe';
import type { SourceConnector } from '../../lib/app/ports';
import { alertsByContact, eventsFromEmptyState, previewFiles, previews } from '../../lib/app/preview';
import { runChecks } from '../../lib/app/run';
import { loadConfig } from '../../lib/config/load';
import type { Observation } from '../../lib/core/evaluate/types';
import type { Check, Config, SourceConfig } from '../../lib/core/model/config';
import { toRunJson } from '../../lib/core/report/json';
import { type Backend, openBackend } from '../../tools/data-api/backends';
import { type DataApiServer, startDataApi } from '../../tools/data-api/server';
import { rowCount } from '../helpers/checks';
import {
  MYSQL_URL,
  monitorRole,
  mysqlScratch,
  POSTGRES_URL,
  pgliteScratch,
  postgresScratch,
  type ScratchDatabase,
} from '../helpers/databases';
import { PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

/** The run's time: what the checks' values are compared with. */
const NOW = new Date('2026-11-23T10:00:00Z');

/**
 * SPEC.md "Safety of what runs on a source", attacked on every engine and path: the SQL of a check is
 * handed straight to the source layer, as a `where` that config validation would have let through
 * (defence in depth: these guards must hold whatever validation misses).
 */

/** One way of reaching a database: a driver, or the local Data API with the real SDK client. */
interface Harness {
  db: ScratchDatabase;
  /** A connector for source "tis" with this `statementTimeout`. */
  connector(statementTimeout: string): SourceConnector;
  /** The Data API's calls, when the path goes through it. */
  api?: DataApiServer;
  close(): Promise<void>;
}

interface Path {
  name: string;
  /** PGlite runs in this process: a sleeping statement blocks it, so hung statements are not tried. */
  embedded: boolean;
  /** Through the Data API: the calls of a run's first statement, and of each one after it. */
  calls?: { first: string[]; after: string[] };
  /** Opens a scratch database, runs `setup` in it, and makes the path to it. */
  open(setup: (db: ScratchDatabase) => Promise<void>): Promise<Harness>;
}

const ARN = 'arn:aws:rds:eu-west-2:123456789012:cluster:tis';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:tis';

const direct = (name: string, open: () => Promise<ScratchDatabase>, embedded = false): Path => ({
  name,
  embedded,
  async open(setup) {
    const db = await open();
    await setup(db);
    return {
      db,
      connector: (statementTimeout) =>
        connectorForUrl('tis', db.embedded ?? db.url, {
          statementTimeoutMs: Number.parseInt(statementTimeout, 10) * 1000,
        }),
      close: () => db.drop(),
    };
  },
});

/** Through the local Data API over `open`'s database, logged in as the monitor role of the docs or not. */
const ONE_CALL = { first: ['ExecuteStatement'], after: ['ExecuteStatement'] };
/** PostgreSQL when the role sets no statement timeout: a probe, then a transaction that sets one. */
const IN_TRANSACTION = ['BeginTransaction', 'ExecuteStatement', 'ExecuteStatement', 'RollbackTransaction'];
const PROBE_THEN_TRANSACTION = { first: ['ExecuteStatement', ...IN_TRANSACTION], after: IN_TRANSACTION };

const viaDataApi = (
  name: string,
  open: () => Promise<ScratchDatabase>,
  options: { embedded?: boolean; asMonitorRole?: string; calls: Path['calls'] },
): Path => ({
  name,
  embedded: options.embedded ?? false,
  calls: options.calls,
  async open(setup) {
    const db = await open();
    await setup(db);
    // The monitor watches a table that has a secret column too: it may read it, never leak it.
    const role = options.asMonitorRole
      ? await monitorRole(db, options.asMonitorRole, [`${db.namespace}.secrets`])
      : null;
    const backend: Backend = await openBackend(db.embedded ?? role?.url ?? db.url);
    const api = await startDataApi(backend);
    const client = new RDSDataClient({
      endpoint: api.url,
      region: 'eu-west-2',
      maxAttempts: 1,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const source = (statementTimeout: string): SourceConfig => ({
      name: 'tis',
      engine: db.dialect,
      connection: 'data-api',
      tls: true,
      resourceArn: ARN,
      secretArn: SECRET_ARN,
      database: db.dialect === 'mysql' ? db.namespace : 'test',
      columnTimezone: 'UTC',
      futureTolerance: '1h',
      statementTimeout,
      unsetVariables: [],
    });
    return {
      db,
      api,
      connector: (statementTimeout) =>
        rdsDataConnector(source(statementTimeout), client, {
          ...DEFAULT_RETRY,
          clock: () => performance.now(),
        }),
      close: async () => {
        await api.stop();
        await backend.close();
        await role?.drop();
        await db.drop();
      },
    };
  },
});

const PATHS: Path[] = [
  direct('PGlite (embedded)', pgliteScratch, true),
  viaDataApi('the Data API over PGlite', pgliteScratch, { embedded: true, calls: PROBE_THEN_TRANSACTION }),
  ...(POSTGRES_URL
    ? [
        direct('PostgreSQL (pg)', () => postgresScratch(String(POSTGRES_URL))),
        viaDataApi(
          'the Data API over PostgreSQL, as a superuser',
          () => postgresScratch(String(POSTGRES_URL)),
          {
            calls: PROBE_THEN_TRANSACTION,
          },
        ),
        viaDataApi(
          'the Data API over PostgreSQL, as the documented monitor role',
          () => postgresScratch(String(POSTGRES_URL)),
          { asMonitorRole: '1s', calls: ONE_CALL },
        ),
      ]
    : []),
  ...(MYSQL_URL
    ? [
        direct('MariaDB (mysql2)', () => mysqlScratch(String(MYSQL_URL))),
        viaDataApi('the Data API over MariaDB, as root', () => mysqlScratch(String(MYSQL_URL)), {
          calls: ONE_CALL,
        }),
        viaDataApi(
          'the Data API over MariaDB, as the documented monitor user',
          () => mysqlScratch(String(MYSQL_URL)),
          { asMonitorRole: '1s', calls: ONE_CALL },
        ),
      ]
    : []),
];

/** Waits for `probe` to hold, polling (no timed assertion: it fails only if it never holds). */
async function eventually(probe: () => Promise<boolean>, tries = 100): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await probe()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

const errorOf = (o: Observation | undefined) => (o?.kind === 'error' ? o.message : null);

describe.each(PATHS)('what runs on a source, through $name', (path) => {
  let h: Harness;
  let ns: string;
  let mysql: boolean;
  /** Unique per test file: only our own statements are looked for in the database's activity. */
  const marker = `60.${randomBytes(3).readUIntBE(0, 3)}`;
  const secret = `sk_live_${randomBytes(6).toString('hex')}`;
  const table = (name: string) => `${ns}.${name}`;
  const on = <C extends Check>(check: C, id: string, name = 'placement'): C => ({
    ...check,
    id,
    table: table(name),
  });
  const count = (id: string, where: string | null = null) =>
    on(rowCount({ failBelow: 1, where }), `placements/${id}`);
  const one = async (sql: string) => Object.values((await h.db.rows(sql))[0] ?? {})[0];

  beforeAll(async () => {
    h = await path.open(async (db) => {
      ns = db.namespace;
      mysql = db.dialect === 'mysql';
      await db.exec(
        `CREATE TABLE ${table('placement')} (id int, status varchar(20), last_modified ${mysql ? 'DATETIME' : 'timestamp'})`,
      );
      await db.exec(
        `INSERT INTO ${table('placement')} VALUES (1, 'CURRENT', '2026-11-22 02:14:00'), (2, 'PAST', '2026-11-20 10:00:00')`,
      );
      // A value that must never leave the database, with both quote characters in it.
      await db.exec(`CREATE TABLE ${table('secrets')} (api_key varchar(64))`);
      await db.exec(`INSERT INTO ${table('secrets')} VALUES ('${secret}"x''y')`);
      await db.exec(`CREATE SEQUENCE ${table('ids')}`);
      if (mysql) {
        await db.exec(
          `CREATE FUNCTION ${table('sw_write')}() RETURNS INT MODIFIES SQL DATA BEGIN INSERT INTO ${table('placement')} VALUES (99, 'WRITTEN', NULL); RETURN 1; END`,
        );
      }
    });
  });

  afterAll(async () => {
    await h.close();
  });

  /** What a write would have changed: the sequence, the rows, the large objects. */
  const footprint = async () => ({
    sequence: mysql
      ? await one(`SELECT next_not_cached_value FROM ${table('ids')}`)
      : await one(`SELECT last_value || '/' || is_called FROM ${table('ids')}`),
    rows: Number(await one(`SELECT count(*) FROM ${table('placement')}`)),
    largeObjects: mysql ? 0 : Number(await one('SELECT count(*) FROM pg_largeobject_metadata')),
  });

  it('fails a where that would write as an error, changes nothing, and still gives the other checks their verdicts', async () => {
    // Prepare
    const writers = mysql
      ? {
          nextval: `NEXTVAL(${table('ids')}) > 0`,
          setval: `SETVAL(${table('ids')}, 1000) > 0`,
          'stored-function': `${table('sw_write')}() = 1`,
          'second-statement': `true)) AS c0; DELETE FROM ${table('placement')}; SELECT ((true`,
        }
      : {
          nextval: `nextval('${table('ids')}') > 0`,
          setval: `setval('${table('ids')}', 1000) > 0`,
          'large-object': `lo_from_bytea(0, 'written'::bytea) > 0`,
          'set-config': `set_config('statement_timeout', '0', false) IS NOT NULL`,
          'modifying-cte': `id IN (WITH gone AS (DELETE FROM ${table('placement')} RETURNING id) SELECT id FROM gone)`,
          'second-statement': `true)) AS c0; DELETE FROM ${table('placement')}; SELECT ((true`,
        };
    const before = await footprint();
    const checks = [
      count('before'),
      ...Object.entries(writers).map(([id, where]) => count(id, where)),
      count('after', "status = 'CURRENT'"),
    ];
    // Act
    const observations = await observeSource(h.connector('30s'), checks, NOW);
    // Assess: each writer is an error, the others are answered, and the database is as it was.
    for (const id of Object.keys(writers)) {
      expect([id, observations.get(`placements/${id}`)?.kind]).toEqual([id, 'error']);
    }
    expect(observations.get('placements/before')).toEqual({ kind: 'rowCount', rowCount: 2 });
    expect(observations.get('placements/after')).toEqual({ kind: 'rowCount', rowCount: 1 });
    expect(await footprint()).toEqual(before);
  });

  const throughTheApi = path.calls ? it : it.skip;
  /** PGlite runs in this process and cannot interrupt a statement (docs/sources.md): not tried there. */
  const interruptible = path.embedded ? it.skip : it;

  throughTheApi('costs the calls docs/sources.md says, per statement, through the Data API', async () => {
    if (!h.api || !path.calls) throw new Error('not a Data API path');
    // Prepare: one connector for one run, and a second statement forced by a check the database refuses.
    const connector = h.connector('30s');
    const broken = on(rowCount({ failBelow: 1 }), 'placements/missing', 'no_such_table');
    h.api.resetCounts();
    // Act
    await observeSource(connector, [count('first')], NOW);
    const first = [...h.api.operations];
    h.api.resetCounts();
    await observeSource(connector, [count('second'), broken], NOW);
    // Assess: the refused statement and its two halves, at the cost of each statement after the first.
    expect(first).toEqual(path.calls.first);
    expect(h.api.operations).toEqual([...path.calls.after, ...path.calls.after, ...path.calls.after]);
  });

  it('fails each writer alone too, when it is the only check of its statement', async () => {
    const before = await footprint();
    const where = mysql ? `NEXTVAL(${table('ids')}) > 0` : `nextval('${table('ids')}') > 0`;
    const observations = await observeSource(h.connector('30s'), [count('alone', where)], NOW);
    expect(errorOf(observations.get('placements/alone'))).toMatch(/read-only|READ ONLY|permission|denied/i);
    expect(await footprint()).toEqual(before);
  });

  it('lets no row data out through an error: not in the report, the events or the messages', async () => {
    // Prepare: a where that makes the database quote a secret column in its error message.
    const leak = mysql
      ? `extractvalue(1, concat(0x7e, (SELECT api_key FROM ${table('secrets')} LIMIT 1))) IS NOT NULL`
      : `CAST((SELECT api_key FROM ${table('secrets')} LIMIT 1) AS int) > 0`;
    const checks = [count('leak', leak), count('fine')];
    const config = await configFor(checks, h.db.dialect);
    // Act
    const report = await runChecks({
      config,
      checks,
      connectors: { tis: h.connector('30s') },
      now: new Date('2026-11-23T10:00:00Z'),
      runId: 'run-1',
    });
    const json = JSON.stringify(toRunJson(report, config));
    const events = eventsFromEmptyState(config, report);
    const messages = previews(alertsByContact(config, events, report.now)).map((p) =>
      Object.values(previewFiles(p)).join('\n'),
    );
    // Assess: the error says what the database said, with its code, and the value replaced by '…'.
    const error = report.results[0]?.error ?? '';
    expect(report.results.map((r) => r.status)).toEqual(['error', 'pass']);
    expect(error).toMatch(mysql ? /1105.*XPATH syntax error: '…'/ : /22P02.*invalid input syntax.*'…'/);
    expect(events.some((e) => e.detailType === 'Check Error')).toBe(true);
    expect(messages.join('\n')).toMatch(mysql ? /XPATH syntax error/ : /invalid input syntax/);
    for (const text of [error, json, JSON.stringify(events), ...messages]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.slice(8, 16));
    }
  });

  interruptible(
    'stops a statement that runs past statementTimeout: only its check errors, and it is gone from the database',
    async () => {
      // Prepare: one check that sleeps for a minute, among three that answer at once.
      const sleep = mysql ? `SLEEP(${marker}) = 0` : `pg_sleep(${marker}) IS NOT NULL`;
      const checks = [count('one'), count('slow', sleep), count('two'), count('three', "status = 'PAST'")];
      // Act
      const observations = await observeSource(h.connector('1s'), checks, NOW);
      // Assess
      expect(errorOf(observations.get('placements/slow'))).toMatch(
        /ran longer than its statementTimeout of 1 s and was stopped/,
      );
      expect(observations.get('placements/one')).toEqual({ kind: 'rowCount', rowCount: 2 });
      expect(observations.get('placements/two')).toEqual({ kind: 'rowCount', rowCount: 2 });
      expect(observations.get('placements/three')).toEqual({ kind: 'rowCount', rowCount: 1 });
      expect(await eventually(async () => (await running(h.db, marker)) === 0)).toBe(true);
    },
    60_000,
  );

  interruptible(
    'ends a run at its time limit, and the statement still running is cancelled on the database',
    async () => {
      // Prepare: a statement that would run a minute; the statement timeout is longer than the run's limit
      // on a direct connection (which cancels it), and ends it soon after through the Data API.
      const sleep = mysql ? `SLEEP(${marker}1) = 0` : `pg_sleep(${marker}1) IS NOT NULL`;
      const checks = [count('hung', sleep)];
      // Act
      const report = await runChecks({
        config: await configFor(checks, h.db.dialect),
        checks,
        connectors: { tis: h.connector(h.api ? '3s' : '40s') },
        now: new Date('2026-11-23T10:00:00Z'),
        runId: 'run-2',
        timeLimitMs: 1_000,
      });
      // Assess
      expect(report.results[0]?.error).toMatch(/did not answer within the run's time limit of 1 s/);
      expect(await eventually(async () => (await running(h.db, `${marker}1`)) === 0)).toBe(true);
    },
    60_000,
  );
});

/** How many statements containing `marker` the database is running, other than this one. */
async function running(db: ScratchDatabase, marker: string): Promise<number> {
  const [row] =
    db.dialect === 'mysql'
      ? await db.rows<{ n: number }>(
          `SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE '%(${marker})%' AND ID <> CONNECTION_ID()`,
        )
      : await db.rows<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE '%(${marker})%' AND state = 'active' AND pid <> pg_backend_pid()`,
        );
  return Number(row?.n ?? 0);
}

/** A config with one dataset holding `checks`, its owner and the platform team as contacts. */
async function configFor(checks: Check[], engine: 'postgres' | 'mysql'): Promise<Config> {
  const config = await loadConfig({
    dir: writeTree({
      'stalewatch.yml': SETTINGS.replace('engine: postgres', `engine: ${engine}`),
      'placements.yml': PLACEMENTS,
    }),
    env: {},
  });
  const [dataset] = config.datasets;
  return { ...config, datasets: dataset ? [{ ...dataset, checks }] : [], checks };
}
