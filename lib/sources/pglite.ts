import { PGlite } from '@electric-sql/pglite';
import { messageOf, SourceUnavailableError, StatementError } from '../errors';
import type { SourceConnector, SqlConnection } from './types';

/**
 * The embedded PostgreSQL (WASM). `pglite:` is a fresh in-memory database; `pglite:<folder>` opens (or
 * creates) one kept in a folder. An instance can also be handed in (the demo and the tests do).
 */
export function pgliteConnector(source: string, target: string | PGlite): SourceConnector {
  const shared = typeof target === 'string' ? null : target;
  const dataDir = typeof target === 'string' ? target.replace(/^pglite:(\/\/)?/, '') : '';
  return {
    dialect: 'postgres',
    description: shared ? 'pglite (embedded)' : `pglite:${dataDir}`,
    async connect(): Promise<SqlConnection> {
      let db: PGlite;
      try {
        db = shared ?? (await PGlite.create(dataDir || undefined));
      } catch (error) {
        throw new SourceUnavailableError(source, messageOf(error), { cause: error });
      }
      return {
        dialect: 'postgres',
        async queryRow(sql) {
          try {
            const result = await db.query<Record<string, unknown>>(sql);
            return result.rows[0] ?? {};
          } catch (error) {
            throw new StatementError(messageOf(error), sql, { cause: error });
          }
        },
        // A shared instance belongs to whoever handed it in.
        close: async () => {
          if (!shared) await db.close();
        },
      };
    },
  };
}
