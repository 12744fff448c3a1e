import { createConnection } from 'mysql2/promise';
import { messageOf, SourceUnavailableError, StatementError } from '../errors';
import type { SourceConnector, SqlConnection } from './types';
import { redactUrl } from './url';

/** MySQL reports statement faults with a SQL state; network faults have none. */
const isStatementError = (e: unknown): e is Error & { sqlState: string } =>
  typeof e === 'object' && e !== null && typeof (e as { sqlState?: unknown }).sqlState === 'string';

/**
 * A source reached over the network with `mysql2`: `mysql://user:pass@host:3306/db`. The session runs
 * in UTC so that `TIMESTAMP` columns come back in UTC, as they do through the Data API on Aurora.
 */
export function mysqlConnector(source: string, url: string): SourceConnector {
  return {
    dialect: 'mysql',
    description: redactUrl(url),
    async connect(): Promise<SqlConnection> {
      let connection: Awaited<ReturnType<typeof createConnection>>;
      try {
        connection = await createConnection({
          uri: url,
          timezone: 'Z',
          connectTimeout: 10_000,
          dateStrings: true,
        });
        await connection.query("SET time_zone = '+00:00'");
      } catch (error) {
        throw new SourceUnavailableError(source, messageOf(error), { cause: error });
      }
      return {
        dialect: 'mysql',
        async queryRow(sql) {
          try {
            const [rows] = await connection.query(sql);
            return (rows as Array<Record<string, unknown>>)[0] ?? {};
          } catch (error) {
            if (isStatementError(error)) throw new StatementError(error.message, sql, { cause: error });
            throw new SourceUnavailableError(source, messageOf(error), { cause: error });
          }
        },
        close: () => connection.end(),
      };
    },
  };
}
