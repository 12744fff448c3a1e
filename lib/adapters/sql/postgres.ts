import { Client, type DatabaseError, type QueryConfig } from 'pg';
import type { SourceConnector, SqlConnection } from '../../app/ports';
import { messageOf, QueryTimeoutError, SourceUnavailableError, secondsText } from '../../core/errors';
import { boundedWait, untilAborted } from './cancel';
import { redactUrl, redactUrlsIn, statementErrorOf } from './scrub';

/** A PostgreSQL error with an SQLSTATE is the statement's fault; anything else is the connection's. */
const isStatementError = (e: unknown): e is DatabaseError =>
  typeof e === 'object' &&
  e !== null &&
  typeof (e as { code?: unknown }).code === 'string' &&
  /^[0-9A-Z]{5}$/.test((e as { code: string }).code);

/** How a driver connects, beyond its URL. */
export interface DriverOptions {
  /** TLS, with the server's certificate verified (`tls:` of a direct source); off for local URLs. */
  tls?: boolean;
}

/** How long to try to reach the server to cancel a statement, or to close, before letting go. */
const LET_GO_MS = 3_000;

/**
 * A source reached over the network with `pg`: `postgres://user:pass@host:5432/db`.
 *
 * The session is made read-only with a statement timeout as soon as it is open (one round trip per
 * run), and each statement goes by the extended protocol, which refuses a second statement that a
 * `where` might smuggle in. When the run's time is up, the statement still running is cancelled from
 * a second connection (`pg_cancel_backend`).
 */
export function postgresConnector(
  source: string,
  url: string,
  statementTimeoutMs: number,
  { tls = false }: DriverOptions = {},
): SourceConnector {
  const unavailable = (error: unknown) =>
    // The driver's error is not attached: its text can carry the connection string.
    new SourceUnavailableError(source, redactUrlsIn(messageOf(error), url));
  const newClient = () =>
    new Client({
      connectionString: url,
      application_name: 'stalewatch',
      connectionTimeoutMillis: 10_000,
      // The server's certificate is checked against Node's CAs and NODE_EXTRA_CA_CERTS (RDS's, in Lambda).
      ...(tls ? { ssl: { rejectUnauthorized: true } } : {}),
    });

  /** Cancels what `pid` is running, from a second connection; never throws. */
  const cancel = async (pid: number): Promise<void> => {
    const canceller = newClient();
    canceller.on('error', () => undefined);
    try {
      await boundedWait(canceller.connect(), LET_GO_MS);
      await boundedWait(canceller.query('SELECT pg_cancel_backend($1)', [pid]), LET_GO_MS);
    } catch {
      // The server is unreachable: its own statement timeout ends the statement.
    } finally {
      await boundedWait(canceller.end(), LET_GO_MS).catch(() => undefined);
    }
  };

  return {
    source,
    dialect: 'postgres',
    description: redactUrl(url),
    statementTimeoutMs,
    async connect(): Promise<SqlConnection> {
      const client = newClient();
      client.on('error', () => undefined);
      try {
        await client.connect();
        // Our own text, one round trip: every later transaction of this session is read-only and timed.
        await client.query(
          `SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY; SET statement_timeout = ${Math.round(statementTimeoutMs)}`,
        );
      } catch (error) {
        await boundedWait(client.end(), LET_GO_MS).catch(() => undefined);
        throw unavailable(error);
      }
      let cancelling: Promise<void> = Promise.resolve();
      return {
        dialect: 'postgres',
        async queryRow(sql, signal) {
          // `queryMode: 'extended'` (not in @types/pg): one statement only, even without parameters.
          const extended = { text: sql, queryMode: 'extended' } as QueryConfig;
          const running = client.query<Record<string, unknown>>(extended);
          try {
            const result = await untilAborted(running, signal, () => {
              cancelling = cancel((client as unknown as { processID: number }).processID);
            });
            return result.rows[0] ?? null;
          } catch (error) {
            if (signal?.aborted) throw new SourceUnavailableError(source, 'the run ran out of time');
            if (!isStatementError(error)) throw unavailable(error);
            if (error.code === '57014' && /statement timeout/.test(error.message)) {
              throw new QueryTimeoutError(
                source,
                `its statementTimeout of ${secondsText(statementTimeoutMs)}`,
              );
            }
            throw statementErrorOf(error.code, error.message, sql);
          }
        },
        async close() {
          await cancelling;
          const ended = await boundedWait(client.end(), LET_GO_MS).then(
            () => true,
            () => false,
          );
          // A server that does not answer would keep the process alive: let go of the socket.
          if (!ended)
            (
              client as unknown as { connection?: { stream?: { destroy(): void } } }
            ).connection?.stream?.destroy();
        },
      };
    },
  };
}
