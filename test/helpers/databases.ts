import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import type { Engine as Dialect } from '../../lib/core/model/config';
import { writeTree } from './tree';

/**
 * A scratch database for one test file: a fresh schema (PostgreSQL) or database (MySQL) with a random
 * name, dropped afterwards. `url` is what `--source` takes; `embedded` is set for PGlite.
 */
export interface ScratchDatabase {
  name: string;
  dialect: Dialect;
  /** Where the tables go: `<namespace>.<table>`. */
  namespace: string;
  url: string;
  embedded?: PGlite;
  exec(sql: string): Promise<void>;
  /** The rows of a query, by column name. */
  rows<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  drop(): Promise<void>;
}

/** Set in CI (`.ci/run`); unset on a laptop with no database server, where these engines are skipped. */
export const POSTGRES_URL = process.env.STALEWATCH_TEST_POSTGRES_URL;
export const MYSQL_URL = process.env.STALEWATCH_TEST_MYSQL_URL;

const scratchName = () => `sw_${randomBytes(4).toString('hex')}`;

export async function pgliteScratch(): Promise<ScratchDatabase> {
  const db = await PGlite.create();
  return {
    name: 'pglite',
    dialect: 'postgres',
    namespace: 'public',
    url: 'pglite:',
    embedded: db,
    exec: async (sql) => {
      await db.exec(sql);
    },
    rows: async <T>(sql: string) => (await db.query<T>(sql)).rows,
    drop: () => db.close(),
  };
}

export async function postgresScratch(url: string): Promise<ScratchDatabase> {
  const namespace = scratchName();
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE SCHEMA ${namespace}`);
  return {
    name: 'postgres',
    dialect: 'postgres',
    namespace,
    url,
    exec: async (sql) => {
      await client.query(sql);
    },
    rows: async <T>(sql: string) => (await client.query(sql)).rows as T[],
    drop: async () => {
      await client.query(`DROP SCHEMA ${namespace} CASCADE`);
      await client.end();
    },
  };
}

export async function mysqlScratch(url: string): Promise<ScratchDatabase> {
  const namespace = scratchName();
  const admin = await createConnection({ uri: url, multipleStatements: true });
  await admin.query(`CREATE DATABASE ${namespace}`);
  await admin.query("SET time_zone = '+00:00'");
  return {
    name: 'mysql',
    dialect: 'mysql',
    namespace,
    url,
    exec: async (sql) => {
      await admin.query(sql);
    },
    rows: async <T>(sql: string) => (await admin.query(sql))[0] as T[],
    drop: async () => {
      await admin.query(`DROP DATABASE ${namespace}`);
      await admin.end();
    },
  };
}

/** The engines to run a suite on here: PGlite always, the servers when their URLs are set. */
export const ENGINES: Array<[string, () => Promise<ScratchDatabase>]> = [
  ['PGlite (embedded)', pgliteScratch],
  ...(POSTGRES_URL
    ? [['PostgreSQL', () => postgresScratch(POSTGRES_URL)] as [string, () => Promise<ScratchDatabase>]]
    : []),
  ...(MYSQL_URL
    ? [['MySQL (MariaDB)', () => mysqlScratch(MYSQL_URL)] as [string, () => Promise<ScratchDatabase>]]
    : []),
];

/** An embedded database kept in a fresh folder with `sql` run in it, closed: for `--source tis=pglite:<folder>`. */
export async function pgliteFolder(sql: string): Promise<string> {
  const folder = join(writeTree({}), 'db');
  const db = await PGlite.create(folder);
  await db.exec(sql);
  await db.close();
  return folder;
}

/**
 * The least-privilege monitor role of docs/sources.md ("The monitor's database role"), created by
 * running the documented SQL as written, with only its names changed: a random role, the scratch
 * database's namespace for `public`/`tis`, and `statementTimeout` for the role's `30s`. Returns the URL
 * that logs in as it.
 */
export async function monitorRole(
  db: ScratchDatabase,
  statementTimeout = '30s',
  moreTables: string[] = [],
): Promise<{ url: string; drop(): Promise<void> }> {
  const docs = readFileSync(join(__dirname, '..', '..', 'docs', 'sources.md'), 'utf8');
  const marker = `<!-- monitor-role:${db.dialect} -->`;
  const block = /```sql\n([\s\S]*?)```/.exec(docs.slice(docs.indexOf(marker)));
  if (!docs.includes(marker) || !block?.[1]) throw new Error(`docs/sources.md has no ${marker} block`);
  const role = `sw_role_${randomBytes(4).toString('hex')}`;
  const sql = block[1]
    .replaceAll('stalewatch_monitor', role)
    .replaceAll("'30s'", `'${statementTimeout}'`)
    .replaceAll('DATABASE tis', `DATABASE ${new URL(db.url).pathname.slice(1)}`)
    .replaceAll('SCHEMA public', `SCHEMA ${db.namespace}`)
    .replaceAll('public.', `${db.namespace}.`)
    .replaceAll('tis.', `${db.namespace}.`);
  const grants = moreTables.map((t) =>
    db.dialect === 'mysql' ? `GRANT SELECT ON ${t} TO '${role}'@'%'` : `GRANT SELECT ON ${t} TO ${role}`,
  );
  for (const statement of [...sql.split(/;\s*\n/).filter((s) => s.trim()), ...grants])
    await db.exec(statement);
  const url = new URL(db.url);
  url.username = role;
  url.password = 'change-me';
  if (db.dialect === 'mysql') url.pathname = `/${db.namespace}`;
  return {
    url: url.toString(),
    drop: () =>
      db.dialect === 'mysql'
        ? db.exec(`DROP USER '${role}'@'%'`)
        : db.exec(`DROP OWNED BY ${role}; DROP ROLE ${role}`),
  };
}
