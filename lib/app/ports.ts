import type { Dialect } from '../core/sql';

/**
 * An open connection to a database that runs one SELECT and returns its first row by column name, or
 * null when it returned none. It throws `StatementError` when the database refuses the statement (the
 * batch is then split to find the check at fault), `QueryTimeoutError` when the database stopped it for
 * running too long, and `SourceUnavailableError` when the database cannot be reached. Every message it
 * throws has had quoted values and passwords taken out (`scrub.ts`).
 */
export interface SqlConnection {
  readonly dialect: Dialect;
  /**
   * `signal` is aborted when the run's time is up: the connection stops waiting at once (rejecting),
   * and cancels the statement on the database where it can (`pg_cancel_backend`, `KILL QUERY`).
   */
  queryRow(sql: string, signal?: AbortSignal): Promise<Record<string, unknown> | null>;
  /** Closes the connection, once any cancellation has been sent; never waits long on a dead server. */
  close(): Promise<void>;
}

/** How to reach one source: opens a connection for one run. */
export interface SourceConnector {
  /** The source's name in config: `tis`. */
  readonly source: string;
  readonly dialect: Dialect;
  /** Shown in reports: `postgres://…@host/db` with no password, `pglite:`, `rds-data:…`. */
  readonly description: string;
  /** The longest one statement may run (the source's `statementTimeout`). */
  readonly statementTimeoutMs: number;
  connect(signal?: AbortSignal): Promise<SqlConnection>;
}

/** A source's statement timeout when nothing says otherwise (SPEC.md: `statementTimeout`, 30s). */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
