import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import type { Dialect } from '../../lib/sources/sql';
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
