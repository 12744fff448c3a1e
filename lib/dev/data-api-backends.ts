import { PGlite } from '@electric-sql/pglite';
import { createPool } from 'mysql2/promise';
import { Pool, types } from 'pg';

/** What the local Data API runs SQL on: a result as column names and rows of values. */
export interface Backend {
  readonly engine: 'postgres' | 'mysql';
  query(sql: string): Promise<{ columns: string[]; rows: unknown[][] }>;
  close(): Promise<void>;
}

/** A database error, as the backend's driver words it, with its SQL state when it has one. */
export class BackendError extends Error {
  constructor(
    message: string,
    readonly sqlState: string | null,
  ) {
    super(message);
  }
}

const asBackendError = (error: unknown) => {
  const e = error as { message?: string; code?: string; sqlState?: string };
  return new BackendError(e.message ?? String(error), e.sqlState ?? e.code ?? null);
};

// The Data API returns timestamps as text without an offset; keep PostgreSQL's text as it is.
const TEXT_TYPES = [1082, 1114, 1184] as const;

function postgresBackend(url: string): Backend {
  const pool = new Pool({
    connectionString: url,
    max: 4,
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        TEXT_TYPES.includes(oid as 1114) ? (v: string) => v : types.getTypeParser(oid, format),
    },
  });
  return {
    engine: 'postgres',
    async query(sql) {
      try {
        const result = await pool.query({ text: sql, rowMode: 'array' });
        return { columns: result.fields.map((f) => f.name), rows: result.rows as unknown[][] };
      } catch (error) {
        throw asBackendError(error);
      }
    },
    close: () => pool.end(),
  };
}

function mysqlBackend(url: string): Backend {
  const pool = createPool({ uri: url, connectionLimit: 4, timezone: 'Z', dateStrings: true });
  return {
    engine: 'mysql',
    async query(sql) {
      try {
        const [rows, fields] = await pool.query({ sql, rowsAsArray: true });
        return { columns: (fields ?? []).map((f) => f.name), rows: rows as unknown[][] };
      } catch (error) {
        throw asBackendError(error);
      }
    },
    close: () => pool.end(),
  };
}

function pgliteBackend(db: PGlite, owned: boolean): Backend {
  return {
    engine: 'postgres',
    async query(sql) {
      try {
        const result = await db.query<unknown[]>(sql, [], { rowMode: 'array' });
        return { columns: result.fields.map((f) => f.name), rows: result.rows };
      } catch (error) {
        throw asBackendError(error);
      }
    },
    close: async () => {
      if (owned) await db.close();
    },
  };
}

/** A backend for `postgres://…`, `mysql://…`, `pglite:[folder]`, or a PGlite instance. */
export async function openBackend(target: string | PGlite): Promise<Backend> {
  if (typeof target !== 'string') return pgliteBackend(target, false);
  if (/^postgres(ql)?:\/\//.test(target)) return postgresBackend(target);
  if (target.startsWith('mysql://')) return mysqlBackend(target);
  if (target.startsWith('pglite:'))
    return pgliteBackend(await PGlite.create(target.slice(7) || undefined), true);
  throw new Error(`"${target}" is not postgres://…, mysql://… or pglite:[folder]`);
}
