import { createServer } from 'node:net';
import type { Context } from 'aws-lambda';
import { loadConfig } from '../../lib/config/load';
import { setServiceEnv, startDynamo, startEventRecorder, startSecretsManager } from '../helpers/aws';
import { fakeDateOnly } from '../helpers/clock';
import {
  MYSQL_URL,
  monitorRole,
  mysqlScratch,
  POSTGRES_URL,
  postgresScratch,
  type ScratchDatabase,
} from '../helpers/databases';
import { compiledConfigFile, writeTree } from '../helpers/tree';

// SPEC.md "Sources that are not Aurora": `connection: direct` sources reached with their driver, from
// the RDS-style secret that Secrets Manager (here a stand-in, through the real SDK client) hands over.

const context = { getRemainingTimeInMillis: () => 60_000, functionName: 'test' } as unknown as Context;
type Handler = (event: unknown, context: Context) => Promise<Record<string, unknown>>;
const arn = (name: string) => `arn:aws:secretsmanager:eu-west-2:111122223333:secret:${name}-AbCdEf`;
const WRONG_PASSWORD = 'N0t-the-Pa55word/@';

/** A port on this machine that nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const settings = (vpc = true) => `timezone: Europe/London
${vpc ? 'vpc:\n  subnetIds: [subnet-0a1b2c3d4e5f60718]\n  securityGroupIds: [sg-0a1b2c3d4e5f60718]\n' : ''}sources:
${['pg', 'maria', 'maria-wrong', 'gone', 'nosecret']
  .map(
    (name) =>
      `  ${name}:\n    engine: ${name.startsWith('maria') ? 'mysql' : 'postgres'}\n    connection: direct\n    secretArn: ${arn(name)}\n    tls: false\n`,
  )
  .join('')}contacts:
  platform:
    name: Platform team
    audience: platform
notify:
  errorsTo: platform
`;

const dataset = (source: string, table: string) => `dataset: ${source}-placements
title: Placements on ${source}
source: ${source}
table: ${table}
owner: platform
impact: Trainees see out-of-date placement details.
action: Re-run the nightly sync.
checks:
  - name: updated recently
    freshness: {column: last_modified, warnAfter: 26h}
  - name: some rows
    rowCount: {failBelow: 1}
`;

const servers = POSTGRES_URL && MYSQL_URL ? describe : describe.skip;

servers('direct sources, with their RDS secret from Secrets Manager, through the deployed handlers', () => {
  let pg: ScratchDatabase;
  let maria: ScratchDatabase;
  const roles: Array<{ url: string; drop(): Promise<void> }> = [];
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let bus: Awaited<ReturnType<typeof startEventRecorder>>;
  let secrets: Awaited<ReturnType<typeof startSecretsManager>>;
  const saved = { ...process.env };
  let handlers: { check: Handler; runSource: Handler };

  beforeAll(async () => {
    fakeDateOnly('2026-11-23T10:00:00Z');
    // Prepare: a table on each server, read by the least-privilege role of docs/sources.md.
    [pg, maria] = await Promise.all([
      postgresScratch(POSTGRES_URL as string),
      mysqlScratch(MYSQL_URL as string),
    ]);
    for (const db of [pg, maria]) {
      await db.exec(`CREATE TABLE ${db.namespace}.placement (id int, last_modified timestamp NULL)`);
      await db.exec(`INSERT INTO ${db.namespace}.placement VALUES (1, '2026-11-23 08:00:00')`);
      roles.push(await monitorRole(db));
    }
    const secretOf = (url: string, engine: string) => {
      const u = new URL(url);
      return {
        engine,
        host: u.hostname,
        port: u.port,
        username: decodeURIComponent(u.username),
        password: decodeURIComponent(u.password),
        dbname: u.pathname.slice(1),
      };
    };
    const pgSecret = secretOf(roles[0]?.url as string, 'postgres');
    const mariaSecret = secretOf(roles[1]?.url as string, 'mariadb');
    secrets = await startSecretsManager({
      [arn('pg')]: pgSecret,
      [arn('maria')]: { ...mariaSecret, port: Number(mariaSecret.port) },
      [arn('maria-wrong')]: { ...mariaSecret, password: WRONG_PASSWORD },
      [arn('gone')]: { ...pgSecret, host: '127.0.0.1', port: await closedPort(), password: WRONG_PASSWORD },
    });
    const config = await loadConfig({
      dir: writeTree({
        'stalewatch.yml': settings(),
        'pg.yml': dataset('pg', `${pg.namespace}.placement`),
        'maria.yml': dataset('maria', `${maria.namespace}.placement`),
        'maria-wrong.yml': dataset('maria-wrong', `${maria.namespace}.placement`),
        'gone.yml': dataset('gone', 'public.placement'),
        'nosecret.yml': dataset('nosecret', 'public.placement'),
      }),
      env: {},
    });
    const configFile = compiledConfigFile(config, [2026, 2027]);
    [dynamo, bus] = await Promise.all([startDynamo(), startEventRecorder()]);
    await dynamo.createTable('stalewatch-test-state');
    setServiceEnv({
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      STALEWATCH_STATE_TABLE: 'stalewatch-test-state',
      STALEWATCH_EVENT_BUS: 'stalewatch-test',
      STALEWATCH_CONFIG_FILE: configFile,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    handlers = {
      check: require('../../functions/check').handler,
      runSource: require('../../functions/run-source').handler,
    };
  });

  afterAll(async () => {
    jest.useRealTimers();
    process.env = saved;
    for (const role of roles) await role.drop();
    await Promise.all([pg?.drop(), maria?.drop(), dynamo?.stop(), bus?.stop(), secrets?.stop()]);
  });

  const byId = (answer: Record<string, unknown>) =>
    Object.fromEntries(
      (answer.results as Array<{ id: string; status: string; error: string | null }>).map((r) => [
        r.id,
        { status: r.status, error: r.error },
      ]),
    );

  it('check reads PostgreSQL and MariaDB with the secret’s login; a bad source costs only its own checks', async () => {
    // Act
    const answer = await handlers.check({ dryRun: true }, context);
    // Assess: the two reachable sources pass, each other source's two checks are errors of their own.
    const results = byId(answer);
    for (const source of ['pg', 'maria']) {
      expect(results[`${source}-placements/updated-recently`]).toEqual({ status: 'pass', error: null });
      expect(results[`${source}-placements/some-rows`]).toEqual({ status: 'pass', error: null });
    }
    expect(results['maria-wrong-placements/updated-recently']?.status).toBe('error');
    expect(results['maria-wrong-placements/updated-recently']?.error).toMatch(
      /^Source "maria-wrong" could not be reached: .*Access denied/,
    );
    expect(results['gone-placements/some-rows']?.error).toMatch(
      /^Source "gone" could not be reached: .*ECONNREFUSED/,
    );
    expect(results['nosecret-placements/some-rows']?.error).toBe(
      'Source "nosecret" could not be reached: the secret at sources.nosecret.secretArn could not be read: ' +
        "Secrets Manager can't find the specified secret.",
    );
    // No password, right or wrong, in what the on-call engineer reads.
    const shown = JSON.stringify(answer);
    expect(shown).not.toContain(WRONG_PASSWORD);
    expect(shown).not.toContain(encodeURIComponent(WRONG_PASSWORD));
    expect(shown).not.toContain('change-me');
  });

  it('reads each secret once per invocation, and again in the next (a rotated password is picked up)', async () => {
    // Prepare
    secrets.state.reads = [];
    // Act
    await handlers.check({ only: ['pg-placements', 'maria-placements'], dryRun: true }, context);
    await handlers.check({ only: ['pg-placements'], dryRun: true }, context);
    // Assess
    expect(secrets.state.reads.sort()).toEqual([arn('maria'), arn('pg'), arn('pg')].sort());
  });

  it('runSource runs a direct source’s checks read-only, records them and publishes nothing while they pass', async () => {
    // Act
    const answer = await handlers.runSource(
      { source: 'maria', runId: 'r-1', now: '2026-11-23T10:00:00.000Z' },
      context,
    );
    // Assess
    expect(Object.values(byId(answer)).map((r) => r.status)).toEqual(['pass', 'pass']);
    expect(bus.transitions()).toEqual([]);
    // The session was read-only: the role could not have written even had a where tried to.
    const [row] = await maria.rows<{ n: number }>(`SELECT COUNT(*) AS n FROM ${maria.namespace}.placement`);
    expect(Number(row?.n)).toBe(1);
  });

  it('runSource on an unreachable direct source reports its checks as errors, scrubbed, and publishes Check Error', async () => {
    const answer = await handlers.runSource(
      { source: 'gone', runId: 'r-2', now: '2026-11-23T10:00:00.000Z' },
      context,
    );
    expect(Object.values(byId(answer)).map((r) => r.status)).toEqual(['error', 'error']);
    expect(bus.state.events.filter((e) => e.DetailType === 'Check Error')).toHaveLength(2);
    expect(JSON.stringify(bus.state.events)).not.toContain(WRONG_PASSWORD);
  });
});
