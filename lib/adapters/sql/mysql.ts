import { type Connection, createConnection } from 'mysql2/promise';
import type { SourceConnector, SqlConnection } from '../../app/ports';
import { messageOf, QueryTimeoutError, SourceUnavailableError, secondsText } from '../../core/errors';
import { boundedWait, untilAborted } from './cancel';
import type { DriverOptions } from './postgres';
import { redactUrl, redactUrlsIn, statementErrorOf } from './scrub';

/** MySQL reports statement faults with a SQL state; network faults have none. */
const isStatementError = (e: unknown): e is Error & { sqlState: string; errno?: number } =>
  typeof e === 'object' && e !== null && typeof (e as { sqlState?: unknown }).sqlState === 'string';

/** The statement ran past its time: MariaDB's `max_statement_time`, MySQL's `MAX_EXECUTION_TIME`. */
const TIMED_OUT = new Set([1969, 3024]);

/** How long to try to reach the server to cancel a statement, or to close, before letting go. */
const LET_GO_MS = 3_000;

/**
 * A source reached over the network with `mysql2`: `mysql://user:pass@host:3306/db`. The session runs
 * in UTC so that `TIMESTAMP` columns come back in UTC, as they do through the Data API on Aurora, and
 * read-only (`SET SESSION TRANSACTION READ ONLY`), which no SELECT can undo; each statement carries its
 * own time limit (`guardedStatement`). Multiple statements in one query stay off, as `mysql2` has them.
 * When the run's time is up, the statement still running is stopped from a second connection
 * (`KILL QUERY`).
 */
export function mysqlConnector(
  source: string,
  url: string,
  statementTimeoutMs: number,
  { tls = false }: DriverOptions = {},
): SourceConnector {
  const unavailable = (error: unknown) =>
    // The driver's error is not attached: its text can carry the connection string.
    new SourceUnavailableError(source, redactUrlsIn(messageOf(error), url));
  const open = () =>
    createConnection({
      uri: url,
      timezone: 'Z',
      connectTimeout: 10_000,
      dateStrings: true,
      // The server's certificate is checked against Node's CAs and NODE_EXTRA_CA_CERTS (RDS's, in Lambda).
      ...(tls ? { ssl: { rejectUnauthorized: true } } : {}),
    });

  /** Stops what connection `threadId` is running, from a second connection; never throws. */
  const kill = async (threadId: number): Promise<void> => {
    let killer: Connection | null = null;
    try {
      killer = await boundedWait(open(), LET_GO_MS);
      await boundedWait(killer.query(`KILL QUERY ${Number(threadId)}`), LET_GO_MS);
    } catch {
      // The server is unreachable: the statement's own time limit ends it.
    } finally {
      killer?.destroy();
    }
  };

  return {
    source,
    dialect: 'mysql',
    description: redactUrl(url),
    statementTimeoutMs,
    async connect(): Promise<SqlConnection> {
      let connection: Connection;
      try {
        connection = await open();
      } catch (error) {
        throw unavailable(error);
      }
      connection.on('error', () => undefined);
      try {
        await connection.query("SET time_zone = '+00:00'");
        await connection.query('SET SESSION TRANSACTION READ ONLY');
        // MySQL 8 shows information_schema.TABLES statistics (UPDATE_TIME, which activity checks read)
        // from a cache kept for a day by default; 0 reads them live. MariaDB has no such cache, nor the
        // setting: MariaDB skips the executable comment, and sets a harmless variable of its own.
        await connection.query(
          'SET /*!80000 SESSION information_schema_stats_expiry = 0, */ @stalewatch = 1',
        );
      } catch (error) {
        connection.destroy();
        throw unavailable(error);
      }
      let killing: Promise<void> = Promise.resolve();
      return {
        dialect: 'mysql',
        async queryRow(sql, signal) {
          try {
            const [rows] = await untilAborted(connection.query(sql), signal, () => {
              killing = kill(connection.threadId);
            });
            return (rows as Array<Record<string, unknown>>)[0] ?? null;
          } catch (error) {
            if (signal?.aborted) throw new SourceUnavailableError(source, 'the run ran out of time');
            if (!isStatementError(error)) throw unavailable(error);
            if (TIMED_OUT.has(error.errno ?? 0)) {
              throw new QueryTimeoutError(
                source,
                `its statementTimeout of ${secondsText(statementTimeoutMs)}`,
              );
            }
            throw statementErrorOf(error.errno ?? error.sqlState, error.message, sql);
          }
        },
        async close() {
          await killing;
          await boundedWait(connection.end(), LET_GO_MS).catch(() => connection.destroy());
        },
      };
    },
  };
}
