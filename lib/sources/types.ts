import type { Dialect } from './sql';

/**
 * An open connection to a database that runs one SELECT and returns its single row, by column name.
 * It throws `StatementError` when the database refuses the statement (the batch is then split to find
 * the check at fault), `QueryTimeoutError` when the statement ran out of time, and
 * `SourceUnavailableError` when the database cannot be reached.
 */
export interface SqlConnection {
  readonly dialect: Dialect;
  /** `signal` is aborted when the run's time is up; a connection that can, stops waiting then. */
  queryRow(sql: string, signal?: AbortSignal): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** How to reach one source: opens a connection for one run. */
export interface SourceConnector {
  readonly dialect: Dialect;
  /** Shown in reports: `postgres://…@host/db` with no password, `pglite:`, `rds-data:…`. */
  readonly description: string;
  connect(signal?: AbortSignal): Promise<SqlConnection>;
}
