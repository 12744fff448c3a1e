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

/** How the stand-in's sessions are set up: Aurora's may differ from the defaults (a parameter group). */
export interface BackendOptions {
  /**
   * The session time zone of every connection (`-05:00`, or a zone name where the server knows it),
   * as an Aurora cluster parameter group may set it: the Data API gives no way to change it per call.
   */
  sessionTimeZone?: string;
}

function postgresBackend(url: string, options: BackendOptions): Backend {
  const pool = new Pool({
    connectionString: url,
    max: 4,
    ...(options.sessionTimeZone ? { options: `-c TimeZone=${options.sessionTimeZone}` } : {}),
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

function mysqlBackend(url: string, options: BackendOptions): Backend {
  const pool = createPool({ uri: url, connectionLimit: 4, timezone: 'Z', dateStrings: true });
  const { sessionTimeZone } = options;
  // Runs before any statement on the new connection: mysql2 queues a connection's commands in order.
  if (sessionTimeZone) pool.on('connection', (c) => c.query('SET time_zone = ?', [sessionTimeZone]));
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

/**
 * A backend for `postgres://…`, `mysql://…`, `pglite:[folder]`, or a PGlite instance. `options` apply
 * to the servers' sessions (an embedded PGlite is shared, and keeps its own).
 */
export async function openBackend(target: string | PGlite, options: BackendOptions = {}): Promise<Backend> {
  if (typeof target !== 'string') return pgliteBackend(target, false);
  if (/^postgres(ql)?:\/\//.test(target)) return postgresBackend(target, options);
  if (target.startsWith('mysql://')) return mysqlBackend(target, options);
  if (target.startsWith('pglite:'))
    return pgliteBackend(await PGlite.create(target.slice(7) || undefined), true);
  throw new Error(`"${target}" is not postgres://…, mysql://… or pglite:[folder]`);
}
