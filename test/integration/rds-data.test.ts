import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { DEFAULT_RETRY, type RetryPolicy, rdsDataConnector } from '../../lib/adapters/aws/rds-data';
import { observeSource } from '../../lib/app/observe';
import { runChecks } from '../../lib/app/run';
import type { Check, Config, SourceConfig } from '../../lib/core/model/config';
import { type Backend, openBackend } from '../../tools/data-api/backends';
import { type DataApiServer, startDataApi } from '../../tools/data-api/server';
import { freshness, rowCount } from '../helpers/checks';
import { ENGINES, monitorRole, type ScratchDatabase } from '../helpers/databases';

const NOW = new Date('2026-11-23T10:00:00Z');
const ARN = 'arn:aws:rds:eu-west-2:123456789012:cluster:tis';
const SECRET = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:tis';

/** A real SDK client pointed at the stand-in, with its own retries off as in production. */
const clientFor = (api: DataApiServer) =>
  new RDSDataClient({
    endpoint: api.url,
    region: 'eu-west-2',
    maxAttempts: 1,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });

/** Fast retries for tests: waits of 10 ms doubling to 40 ms, within `budgetMs`. */
const quickRetry = (budgetMs = 2_000): RetryPolicy => ({
  ...DEFAULT_RETRY,
  budgetMs,
  firstDelayMs: 10,
  maxDelayMs: 40,
  clock: () => performance.now(),
});

describe.each(ENGINES)('the RDS Data API source over %s', (_engine, open) => {
  let db: ScratchDatabase;
  let backend: Backend;
  let api: DataApiServer;
  let source: SourceConfig;
  let role: Awaited<ReturnType<typeof monitorRole>> | null = null;
  /**
   * ExecuteStatements per statement of checks: one, except on PostgreSQL without the monitor role's
   * statement timeout (PGlite here), where a probe finds it missing and the statement then runs in a
   * transaction that sets it (docs/sources.md "What each path costs").
   */
  const perStatement = () => (db.embedded ? 3 : 1);
  const table = (name: string) => `${db.namespace}.${name}`;
  const on = <C extends Check>(check: C, id: string, name = 'placement'): C => ({
    ...check,
    id,
    table: table(name),
  });

  beforeAll(async () => {
    db = await open();
    await db.exec(
      `CREATE TABLE ${table('placement')} (id int, status varchar(20), last_modified ${db.dialect === 'mysql' ? 'DATETIME(3)' : 'timestamp(3)'}, zoned ${db.dialect === 'mysql' ? 'TIMESTAMP(3) NULL' : 'timestamptz(3)'})`,
    );
    await db.exec(`INSERT INTO ${table('placement')} VALUES
      (1, 'CURRENT', '2026-11-22 02:14:00.250', '2026-11-22 02:14:00.250'), (2, 'PAST', '2026-11-20 10:00:00', NULL)`);
    // On the servers, the Data API logs in as the documented least-privilege role.
    if (!db.embedded) role = await monitorRole(db);
    backend = await openBackend(db.embedded ?? role?.url ?? db.url);
    api = await startDataApi(backend);
    source = {
      name: 'tis',
      engine: db.dialect,
      connection: 'data-api',
      tls: true,
      resourceArn: ARN,
      secretArn: SECRET,
      database: db.dialect === 'mysql' ? db.namespace : 'test',
      columnTimezone: 'UTC',
      futureTolerance: '1h',
      statementTimeout: '30s',
      unsetVariables: [],
    };
  });

  beforeEach(() => {
    api.faults = {};
    api.resetCounts();
  });

  afterAll(async () => {
    await api.stop();
    await backend.close();
    await role?.drop();
    await db.drop();
  });

  const checks = () => [
    on(freshness({ column: 'last_modified', warnAfter: '1h' }), 'p/naive'),
    on(freshness({ column: 'zoned', warnAfter: '1h' }), 'p/zoned'),
    on(freshness({ column: 'last_modified', warnAfter: '1h', where: "status = 'NONE'" }), 'p/none'),
    on(rowCount({ failBelow: 1 }), 'p/count'),
  ];
  const expected = new Map([
    ['p/naive', { kind: 'freshness', lastUpdatedAt: new Date('2026-11-22T02:14:00.250Z') }],
    ['p/zoned', { kind: 'freshness', lastUpdatedAt: new Date('2026-11-22T02:14:00.250Z') }],
    ['p/none', { kind: 'freshness', lastUpdatedAt: null }],
    ['p/count', { kind: 'rowCount', rowCount: 2 }],
  ]);

  it('reads timestamps, nulls and counts from formattedRecords, in one ExecuteStatement as the monitor role', async () => {
    const observations = await observeSource(
      rdsDataConnector(source, clientFor(api), quickRetry()),
      checks(),
      NOW,
    );
    expect(observations).toEqual(expected);
    expect(api.calls).toBe(perStatement());
  });

  it('reads the same values from typed records when the API answers with records', async () => {
    api.faults = { recordsOnly: true };
    const observations = await observeSource(
      rdsDataConnector(source, clientFor(api), quickRetry()),
      checks(),
      NOW,
    );
    expect(observations).toEqual(expected);
  });

  it('waits for a paused database to resume, then answers', async () => {
    // Prepare: the first 3 calls are refused as Aurora refuses them while it wakes up.
    api.faults = { resumingCalls: 3 };
    // Act
    const observations = await observeSource(
      rdsDataConnector(source, clientFor(api), quickRetry()),
      checks(),
      NOW,
    );
    // Assess
    expect(observations).toEqual(expected);
    expect(api.calls).toBe(3 + perStatement());
  });

  it('gives up on a database still resuming when the retry budget is spent, saying so plainly', async () => {
    api.faults = { resumingCalls: 1000 };
    const observations = await observeSource(
      rdsDataConnector(source, clientFor(api), quickRetry(200)),
      checks(),
      NOW,
    );
    const first = observations.get('p/naive');
    expect(first?.kind === 'error' && first.message).toMatch(
      /^Source "tis" could not be reached: DatabaseResumingException: .*resuming.*\(still failing after \d+ s of retries\)$/,
    );
    expect([...observations.values()].every((o) => o.kind === 'error')).toBe(true);
  });

  it('gives only a broken check inside a batch an error with the database’s code and message', async () => {
    const broken = on(rowCount({ failBelow: 1 }), 'p/missing', 'no_such_table');
    const observations = await observeSource(
      rdsDataConnector(source, clientFor(api), quickRetry()),
      [...checks(), broken],
      NOW,
    );
    const error = observations.get('p/missing');
    expect(error?.kind === 'error' && error.message).toMatch(
      db.dialect === 'mysql'
        ? // The monitor user may not even know whether a table it has no grant on exists.
          /^database error 1142: SELECT command denied to user '…' for table '…'$/
        : /^database error 42P01: relation '…' does not exist$/,
    );
    expect(error?.kind === 'error' && error.sql).toContain('no_such_table');
    for (const [id, value] of expected) expect(observations.get(id)).toEqual(value);
  });

  it("gives only the check whose statement ran into the Data API's 45 s limit an error, in plain words", async () => {
    // Prepare: the API stops any statement with the 'NONE' filter in it, as it does at 45 s.
    api.faults = { timeoutWhen: /'NONE'/ };
    // Act
    const observations = await observeSource(
      rdsDataConnector(source, clientFor(api), quickRetry()),
      checks(),
      NOW,
    );
    // Assess
    expect(observations.get('p/none')).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/ran longer than the Data API's limit of 45 s and was stopped/),
    });
    for (const id of ['p/naive', 'p/zoned', 'p/count'])
      expect(observations.get(id)).toEqual(expected.get(id));
  });

  it('finishes the run at its time limit with the sources it has, rather than being killed', async () => {
    // Prepare: a slow API, and a run with half a second.
    api.faults = { latencyMs: 3_000 };
    const config = { settings: { sources: { tis: source } } } as unknown as Config;
    const started = performance.now();
    // Act
    const report = await runChecks({
      config,
      checks: checks(),
      connectors: { tis: rdsDataConnector(source, clientFor(api), quickRetry()) },
      now: new Date('2026-11-23T10:00:00Z'),
      runId: 'r',
      timeLimitMs: 500,
    });
    // Assess
    expect(report.results.map((r) => r.status)).toEqual(['error', 'error', 'error', 'error']);
    expect(report.results[0]?.error).toBe(
      'Source "tis" did not answer within the run\'s time limit of 0.5 s; the run finished without it',
    );
    expect(performance.now() - started).toBeLessThan(2_900);
  });
});

describe('a source whose ARNs come from unset environment variables', () => {
  it('gives its checks an error naming the variable, without calling the API', async () => {
    const source: SourceConfig = {
      name: 'tis',
      engine: 'postgres',
      connection: 'data-api',
      tls: true,
      resourceArn: '${env:TIS_CLUSTER_ARN}',
      secretArn: SECRET,
      database: 'tis',
      columnTimezone: 'UTC',
      futureTolerance: '1h',
      statementTimeout: '30s',
      unsetVariables: ['TIS_CLUSTER_ARN'],
    };
    const client = new RDSDataClient({ region: 'eu-west-2', endpoint: 'http://127.0.0.1:1', maxAttempts: 1 });
    const observations = await observeSource(
      rdsDataConnector(source, client, quickRetry()),
      [rowCount({ failBelow: 1 })],
      NOW,
    );
    const [o] = observations.values();
    expect(o?.kind === 'error' && o.message).toBe(
      'Source "tis" could not be reached: Its cluster or secret ARN comes from the environment variable TIS_CLUSTER_ARN, which is not set.',
    );
  });
});
