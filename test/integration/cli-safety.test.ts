import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stalewatch, stalewatchAsync } from '../helpers/cli';
import {
  MYSQL_URL,
  mysqlScratch,
  POSTGRES_URL,
  postgresScratch,
  type ScratchDatabase,
} from '../helpers/databases';
import { PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

/**
 * `stalewatch run` as a user types it, attacked: secrets in connection URLs, a hung statement, a
 * database error that would quote a secret. Hung and leaking statements hide in views, so that the
 * checks themselves are plain config that any validation accepts.
 */

const NOW = ['--now', '2026-11-23T10:00:00Z'];
const checksTree = (table: string, engine = 'postgres') =>
  writeTree({
    'stalewatch.yml': SETTINGS.replace('engine: postgres', `engine: ${engine}`),
    'placements.yml': PLACEMENTS.replace('public.placement', table),
  });

describe('a connection URL with a password in it', () => {
  const checks = checksTree('public.placement');

  it.each([
    ['a scheme typo in --source', ['--source', 'tis=postgress://u:s3cret@db.example.org/tis'], {}],
    ['no NAME= in --source', ['--source', 'postgres://u:s3cret@db.example.org/tis'], {}],
    ['a scheme typo in STALEWATCH_SOURCE_TIS', [], { STALEWATCH_SOURCE_TIS: 'postgress://u:s3cret@h/tis' }],
  ])('is a usage error that names the setting but never echoes the URL: %s', (_case, args, env) => {
    // Act
    const { code, stderr, stdout } = stalewatch(['run', '--checks', checks, ...NOW, ...args], env);
    // Assess
    expect(code).toBe(2);
    expect(stderr).toMatch(Object.keys(env).length > 0 ? /STALEWATCH_SOURCE_TIS/ : /--source/);
    expect(`${stdout}${stderr}`).not.toContain('s3cret');
    expect(`${stdout}${stderr}`).not.toContain('db.example.org');
  });

  it.each([
    'postgres://u:s3cret@127.0.0.1:1/tis',
    'postgres://u:s3cret@127.0.0.1:notaport/tis',
    'postgres://u:s3c/ret@127.0.0.1:1/tis',
    'mysql://u:s3cret@127.0.0.1:1/tis',
    'mysql://u:s3cret@127.0.0.1:notaport/tis',
  ])('that cannot be reached gives errors without the password: %s', (url) => {
    const { code, stdout, stderr } = stalewatch(
      ['run', '--checks', checks, ...NOW, '--format', 'json', '--source', `tis=${url}`],
      {},
    );
    expect([1, 2]).toContain(code);
    expect(`${stdout}${stderr}`).not.toMatch(/s3c\/?ret/);
  });
});

const SERVERS: Array<[string, () => Promise<ScratchDatabase>]> = [
  ...(POSTGRES_URL
    ? [
        ['PostgreSQL', () => postgresScratch(String(POSTGRES_URL))] as [
          string,
          () => Promise<ScratchDatabase>,
        ],
      ]
    : []),
  ...(MYSQL_URL
    ? [['MariaDB', () => mysqlScratch(String(MYSQL_URL))] as [string, () => Promise<ScratchDatabase>]]
    : []),
];

describe.each(SERVERS)('stalewatch run against %s', (_name, open) => {
  let db: ScratchDatabase;
  let mysql: boolean;
  const secret = `sk_live_${randomBytes(6).toString('hex')}`;
  const marker = `60.${randomBytes(3).readUIntBE(0, 3)}`;

  beforeAll(async () => {
    db = await open();
    mysql = db.dialect === 'mysql';
    const ns = db.namespace;
    await db.exec(`CREATE TABLE ${ns}.secrets (api_key varchar(64))`);
    await db.exec(`INSERT INTO ${ns}.secrets VALUES ('${secret}')`);
    // A table that never answers, and one whose reading makes the database quote the secret.
    await db.exec(
      mysql
        ? `CREATE VIEW ${ns}.hung AS SELECT NOW() AS last_modified FROM (SELECT SLEEP(${marker}) AS s) AS w`
        : `CREATE VIEW ${ns}.hung AS SELECT now() AS last_modified FROM pg_sleep(${marker})`,
    );
    await db.exec(
      mysql
        ? // MySQL's old error-based leak: a GROUP BY on a random key makes it quote the duplicate key.
          `CREATE VIEW ${ns}.leaky AS SELECT count(*) AS n, concat((SELECT api_key FROM ${ns}.secrets LIMIT 1), floor(rand(0) * 2)) AS last_modified FROM information_schema.COLLATIONS GROUP BY last_modified`
        : `CREATE VIEW ${ns}.leaky AS SELECT CAST(api_key AS int) AS last_modified FROM ${ns}.secrets`,
    );
  });

  afterAll(async () => {
    await db.drop();
  });

  const url = () => db.url;

  it('returns at --timeout with exit 1 when a statement hangs, and the statement is cancelled on the database', async () => {
    // Prepare
    const checks = checksTree(`${db.namespace}.hung`, db.dialect);
    // Act
    const { code, stdout } = await stalewatchAsync([
      'run',
      '--checks',
      checks,
      ...NOW,
      '--format',
      'json',
      '--timeout',
      '2s',
      '--source',
      `tis=${url()}`,
    ]);
    // Assess
    expect(code).toBe(1);
    expect(JSON.parse(stdout).results[0].error).toMatch(/did not answer within the run's time limit of 2 s/);
    let left = -1;
    for (let i = 0; i < 100 && left !== 0; i++) {
      const [row] =
        db.dialect === 'mysql'
          ? await db.rows<{ n: number }>(
              `SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE '%${db.namespace}%hung%' AND ID <> CONNECTION_ID()`,
            )
          : await db.rows<{ n: string }>(
              `SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE '%${db.namespace}%hung%' AND pid <> pg_backend_pid()`,
            );
      left = Number(row?.n);
      if (left !== 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(left).toBe(0);
  }, 60_000);

  it('keeps a secret that a database error quotes out of the report and the messages', async () => {
    // Prepare
    const checks = checksTree(`${db.namespace}.leaky`, db.dialect);
    const out = writeTree({});
    // Act
    const run = await stalewatchAsync([
      'run',
      '--checks',
      checks,
      ...NOW,
      '--format',
      'json',
      '--source',
      `tis=${url()}`,
    ]);
    const preview = await stalewatchAsync([
      'preview',
      '--checks',
      checks,
      ...NOW,
      '--out',
      out,
      '--source',
      `tis=${url()}`,
    ]);
    // Assess
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).results[0].error).toMatch(
      mysql ? /^database error 1062: Duplicate entry '…'$/ : /^database error 22P02: .*'…'$/,
    );
    const messages = readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8'));
    expect(messages.join('\n')).toMatch(mysql ? /Duplicate entry/ : /invalid input syntax/);
    for (const text of [run.stdout, run.stderr, preview.stdout, preview.stderr, ...messages]) {
      expect(text).not.toContain(secret.slice(8));
    }
  }, 60_000);
});
