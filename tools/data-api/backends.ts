import { PGlite, type Transaction } from '@electric-sql/pglite';
import { createPool, type PoolConnection } from 'mysql2/promise';
import { Pool, type PoolClient, types } from 'pg';

/** A result as column names and rows of values. */
export interface BackendResult {
  columns: string[];
  rows: unknown[][];
}

/** A transaction of the local Data API (`BeginTransaction`): statements on one session, then its end. */
export interface BackendTransaction {
  query(sql: string): Promise<BackendResult>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/**
 * What the local Data API runs SQL on. As the real Data API does, a statement outside a transaction
 * runs on a pooled session whose state is reset before the session is used again (`DISCARD ALL` on
 * PostgreSQL, a connection reset on MySQL), so nothing a statement sets outlives its call.
 */
export interface Backend {
  readonly engine: 'postgres' | 'mysql';
  query(sql: string): Promise<BackendResult>;
  begin(): Promise<BackendTransaction>;
  close(): Promise<void>;
}

/** A database error, as the backend's driver words it, with its SQL state and MySQL's error number. */
export class BackendError extends Error {
  constructor(
    message: string,
    readonly sqlState: string | null,
    readonly errno: number | null = null,
  ) {
    super(message);
  }
}

const asBackendError = (error: unknown) => {
  const e = error as { message?: string; code?: string; sqlState?: string; errno?: number };
  return new BackendError(e.message ?? String(error), e.sqlState ?? e.code ?? null, e.errno ?? null);
};

/** Runs `work`, turning a driver's error into a `BackendError`. */
async function wrapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asBackendError(error);
  }
}

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
  pool.on('error', () => undefined);
  const run = async (client: PoolClient, sql: string) => {
    const result = await client.query({ text: sql, rowMode: 'array' });
    return { columns: result.fields.map((f) => f.name), rows: result.rows as unknown[][] };
  };
  /** Back to the pool with the session as it started, or closed when it cannot be reset. */
  const release = async (client: PoolClient) => {
    try {
      await client.query('DISCARD ALL');
      client.release();
    } catch (error) {
      client.release(error as Error);
    }
  };
  return {
    engine: 'postgres',
    async query(sql) {
      const client = await pool.connect();
      try {
        return await wrapped(() => run(client, sql));
      } finally {
        await release(client);
      }
    },
    async begin() {
      const client = await pool.connect();
      await client.query('BEGIN');
      const end = async (how: 'COMMIT' | 'ROLLBACK') => {
        try {
          await wrapped(() => client.query(how));
        } finally {
          await release(client);
        }
      };
      return {
        query: (sql) => wrapped(() => run(client, sql)),
        commit: () => end('COMMIT'),
        rollback: () => end('ROLLBACK'),
      };
    },
    close: () => pool.end(),
  };
}

function mysqlBackend(url: string, options: BackendOptions): Backend {
  const pool = createPool({ uri: url, connectionLimit: 4, timezone: 'Z', dateStrings: true });
  const { sessionTimeZone } = options;
  // As an Aurora parameter group would: every session starts in this zone, also after a reset.
  const startSession = async (connection: PoolConnection) => {
    if (sessionTimeZone) await connection.query('SET time_zone = ?', [sessionTimeZone]);
  };
  // Runs before any statement on the new connection: mysql2 queues a connection's commands in order.
  if (sessionTimeZone) pool.on('connection', (c) => c.query('SET time_zone = ?', [sessionTimeZone]));
  const run = async (connection: PoolConnection, sql: string) => {
    const [rows, fields] = await connection.query({ sql, rowsAsArray: true });
    return { columns: (fields ?? []).map((f) => f.name), rows: rows as unknown[][] };
  };
  /** Back to the pool with the session as it started (as the Data API's are), or closed. */
  const release = async (connection: PoolConnection) => {
    try {
      await connection.reset();
      await startSession(connection);
      connection.release();
    } catch {
      connection.destroy();
    }
  };
  return {
    engine: 'mysql',
    async query(sql) {
      const connection = await pool.getConnection();
      try {
        return await wrapped(() => run(connection, sql));
      } finally {
        await release(connection);
      }
    },
    async begin() {
      const connection = await pool.getConnection();
      await connection.query('START TRANSACTION');
      const end = async (how: 'COMMIT' | 'ROLLBACK') => {
        try {
          await wrapped(() => connection.query(how));
        } finally {
          await release(connection);
        }
      };
      return {
        query: (sql) => wrapped(() => run(connection, sql)),
        commit: () => end('COMMIT'),
        rollback: () => end('ROLLBACK'),
      };
    },
    close: () => pool.end(),
  };
}

/**
 * The settings a PostgreSQL session starts with from `ALTER ROLE … SET` and `ALTER DATABASE … SET`, in
 * the order PostgreSQL applies them (database, then role, then role in database).
 */
const ROLE_SETTINGS = `SELECT split_part(s, '=', 1) AS name, substr(s, strpos(s, '=') + 1) AS value
  FROM pg_catalog.pg_db_role_setting r, unnest(r.setconfig) AS s
  WHERE r.setrole IN (0, (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user))
    AND r.setdatabase IN (0, (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()))
  ORDER BY r.setrole <> 0, r.setdatabase <> 0`;

/**
 * PGlite has one session: statements are serialised, and a transaction holds it until it ends. PGlite
 * does not apply the role's and database's settings when it starts, as a server does at login, so the
 * backend does, after every reset: a role's `statement_timeout` then counts as it would on Aurora.
 */
function pgliteBackend(db: PGlite, owned: boolean): Backend {
  const run = async (on: PGlite | Transaction, sql: string) => {
    const result = await on.query<unknown[]>(sql, [], { rowMode: 'array' });
    return { columns: result.fields.map((f) => f.name), rows: result.rows };
  };
  const reset = async () => {
    await db.exec('DISCARD ALL').catch(() => undefined);
    const { rows } = await db.query<{ name: string; value: string }>(ROLE_SETTINGS);
    for (const { name, value } of rows) await db.query('SELECT set_config($1, $2, false)', [name, value]);
  };
  const ready = reset();
  return {
    engine: 'postgres',
    async query(sql) {
      await ready;
      try {
        return await wrapped(() => run(db, sql));
      } finally {
        await reset();
      }
    },
    async begin() {
      await ready;
      let started: (tx: Transaction) => void = () => undefined;
      let finish: (how: 'commit' | 'rollback') => void = () => undefined;
      const open = new Promise<Transaction>((resolve) => {
        started = resolve;
      });
      const ending = new Promise<'commit' | 'rollback'>((resolve) => {
        finish = resolve;
      });
      const done = db
        .transaction(async (tx) => {
          started(tx);
          if ((await ending) === 'rollback') await tx.rollback();
        })
        .finally(reset);
      const tx = await open;
      const end = async (how: 'commit' | 'rollback') => {
        finish(how);
        await wrapped(() => done);
      };
      return {
        query: (sql) => wrapped(() => run(tx, sql)),
        commit: () => end('commit'),
        rollback: () => end('rollback'),
      };
    },
    close: async () => {
      await ready.catch(() => undefined);
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
  throw new Error('the backend is not postgres://…, mysql://… or pglite:[folder]');
}
