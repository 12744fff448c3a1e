import { Client, type DatabaseError } from 'pg';
import { messageOf, SourceUnavailableError, StatementError } from '../errors';
import type { SourceConnector, SqlConnection } from './types';
import { redactUrl } from './url';

/** A PostgreSQL error with an SQLSTATE is the statement's fault; anything else is the connection's. */
const isStatementError = (e: unknown): e is DatabaseError =>
  typeof e === 'object' &&
  e !== null &&
  typeof (e as { code?: unknown }).code === 'string' &&
  /^[0-9A-Z]{5}$/.test((e as { code: string }).code);

/** A source reached over the network with `pg`: `postgres://user:pass@host:5432/db`. */
export function postgresConnector(source: string, url: string): SourceConnector {
  return {
    dialect: 'postgres',
    description: redactUrl(url),
    async connect(): Promise<SqlConnection> {
      const client = new Client({
        connectionString: url,
        application_name: 'stalewatch',
        connectionTimeoutMillis: 10_000,
      });
      try {
        await client.connect();
      } catch (error) {
        await client.end().catch(() => undefined);
        throw new SourceUnavailableError(source, messageOf(error), { cause: error });
      }
      return {
        dialect: 'postgres',
        async queryRow(sql) {
          try {
            const result = await client.query<Record<string, unknown>>(sql);
            return result.rows[0] ?? {};
          } catch (error) {
            if (isStatementError(error)) throw new StatementError(error.message, sql, { cause: error });
            throw new SourceUnavailableError(source, messageOf(error), { cause: error });
          }
        },
        close: () => client.end(),
      };
    },
  };
}
