import type { Check } from '../config/types';
import { messageOf, QueryTimeoutError, StatementError, UnguardedStatementError } from '../errors';
import type { Observation } from '../evaluate/types';
import { chunkWithin } from '../util/chunk';
import { checkExpression, guardedStatement } from './sql';
import { parseTimestamp } from './timestamp';
import type { SourceConnector, SqlConnection } from './types';

/**
 * When one source's checks are split over several statements. The Data API takes at most 64 KiB of
 * SQL and answers at most 1 MiB; PostgreSQL allows 1,664 columns in a SELECT. 400 checks make about
 * 50 KiB of SQL and an answer of about 20 KiB, well inside all three (docs/performance.md).
 */
export const STATEMENT_LIMITS = { maxChecks: 400, maxSqlChars: 60_000 } as const;

/** Splits the checks into statements that stay within `STATEMENT_LIMITS`, in order. */
export function chunkChecks(dialect: SqlConnection['dialect'], checks: readonly Check[]): Check[][] {
  // 12: the `  … AS cN,\n` around each expression.
  return chunkWithin(checks, (check) => checkExpression(dialect, check).length + 12, {
    maxItems: STATEMENT_LIMITS.maxChecks,
    maxSize: STATEMENT_LIMITS.maxSqlChars,
  });
}

/** Turns one column of the batch row into the check's observation. */
function toObservation(check: Check, value: unknown, columnTimezone: string, sql: string): Observation {
  const text = value === null || value === undefined ? null : String(value);
  if (check.kind === 'rowCount') {
    const rowCount = Number(text ?? 0);
    return Number.isFinite(rowCount)
      ? { kind: 'rowCount', rowCount }
      : { kind: 'error', message: `the count came back as "${text}", which is not a number`, sql };
  }
  try {
    return { kind: 'freshness', lastUpdatedAt: parseTimestamp(text, columnTimezone) };
  } catch (error) {
    return { kind: 'error', message: `column ${check.freshness.column} ${messageOf(error)}`, sql };
  }
}

/**
 * Observes every check of one source, into `into`: one connection, one statement (more only past
 * `STATEMENT_LIMITS`, or to isolate a check at fault). A statement that the database refuses, that runs
 * past the statement timeout, or in which a check wrote or changed a setting, is split in two and each half
 * tried again, down to the single checks at fault: only they get `error`. Halves wait at the back of the
 * queue, so every check that answers quickly is answered before a slow one is tried again: k checks at
 * fault among n cost about 2·k·log2(n) extra statements, and none when nothing is at fault.
 *
 * When `signal` is aborted (the run's time is up) it stops at once, leaving the checks it has not
 * answered out of `into` for the caller to give the time-limit error. A source that cannot be reached
 * gives every check it has not answered an `error` observation.
 */
export async function observeSource(
  connector: SourceConnector,
  checks: readonly Check[],
  columnTimezone: string,
  signal?: AbortSignal,
  into: Map<string, Observation> = new Map(),
): Promise<Map<string, Observation>> {
  if (checks.length === 0) return into;
  const { dialect } = connector;
  const expression = (check: Check) => checkExpression(dialect, check);
  const queue = chunkChecks(dialect, checks);
  let connection: SqlConnection | null = null;
  try {
    connection = await connector.connect(signal);
    for (let batch = queue.shift(); batch && !signal?.aborted; batch = queue.shift()) {
      try {
        const row = await connection.queryRow(
          guardedStatement(dialect, batch, connector.statementTimeoutMs),
          signal,
        );
        // No row: the guard found no statement timeout small enough in force, and no check ran.
        if (row === null) throw new UnguardedStatementError(connector.source, connector.statementTimeoutMs);
        batch.forEach((check, i) => {
          into.set(check.id, toObservation(check, row[`c${i}`], columnTimezone, expression(check)));
        });
      } catch (error) {
        if (signal?.aborted) break;
        if (!(error instanceof StatementError) && !(error instanceof QueryTimeoutError)) throw error;
        if (batch.length > 1) {
          const middle = Math.ceil(batch.length / 2);
          queue.push(batch.slice(0, middle), batch.slice(middle));
        } else {
          const [check] = batch as [Check];
          into.set(check.id, { kind: 'error', message: error.message, sql: expression(check) });
        }
      }
    }
  } catch (error) {
    if (!signal?.aborted) {
      const message = messageOf(error);
      for (const check of checks) {
        if (!into.has(check.id)) into.set(check.id, { kind: 'error', message, sql: null });
      }
    }
  } finally {
    await connection?.close().catch(() => undefined);
  }
  return into;
}
