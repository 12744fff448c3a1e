import { PGlite } from '@electric-sql/pglite';
import type { SourceConnector, SqlConnection } from '../../app/ports';
import { messageOf, SourceUnavailableError } from '../../core/errors';
import { statementErrorOf } from './scrub';

/**
 * The embedded PostgreSQL (WASM). `pglite:` is a fresh in-memory database; `pglite:<folder>` opens (or
 * creates) one kept in a folder. An instance can also be handed in (the demo and the tests do).
 *
 * Each statement runs in its own read-only transaction that is rolled back, so nothing a check does
 * outlives it, not even on an instance shared with its owner. PGlite runs in this process and cannot
 * interrupt a statement: the statement timeout is set but not enforced, and a statement that sleeps
 * holds the process until it ends (docs/sources.md). It is for demos and laptops, not for watching.
 */
export function pgliteConnector(
  source: string,
  target: string | PGlite,
  statementTimeoutMs: number,
): SourceConnector {
  const shared = typeof target === 'string' ? null : target;
  const dataDir = typeof target === 'string' ? target.replace(/^pglite:(\/\/)?/, '') : '';
  return {
    source,
    dialect: 'postgres',
    description: shared ? 'pglite (embedded)' : `pglite:${dataDir}`,
    statementTimeoutMs,
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
            // Writes to this very instance report their change counters (activity checks) only when
            // it flushes its statistics, which a single-user PGlite never does by itself: ask for it
            // at the end of this statement, so the check's statement sees them (PostgreSQL 15+).
            await db.query('SELECT pg_catalog.pg_stat_force_next_flush()');
            return await db.transaction(async (tx) => {
              await tx.exec(
                `SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = ${Math.round(statementTimeoutMs)}`,
              );
              const result = await tx.query<Record<string, unknown>>(sql);
              await tx.rollback();
              return result.rows[0] ?? null;
            });
          } catch (error) {
            const code = (error as { code?: string }).code;
            throw statementErrorOf(code, messageOf(error), sql);
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
