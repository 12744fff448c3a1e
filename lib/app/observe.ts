import { readActivity } from '../core/activity-sql';
import { messageOf, QueryTimeoutError, StatementError, UnguardedStatementError } from '../core/errors';
import type { Observation } from '../core/evaluate/types';
import type { Check } from '../core/model/config';
import { checkExpression, guardedStatement } from '../core/sql';
import { parseTimestamp, UnreadableTimestampError } from '../core/time/timestamp';
import { chunkWithin } from '../core/util/chunk';
import { withColumnHint } from './column-hint';
import type { SourceConnector, SqlConnection } from './ports';

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

/**
 * Turns one column of the batch row into the check's observation. Whatever the column holds, this
 * returns: a value that cannot be read is that check's `error`, never a throw that would cost the
 * other checks of the batch their verdicts.
 */
function toObservation(check: Check, value: unknown, sql: string, now: Date): Observation {
  try {
    const text = value === null || value === undefined ? null : String(value);
    if (check.kind === 'activity') return readActivity(check.table, text, sql);
    if (check.kind === 'rowCount') {
      const rowCount = Number(text ?? 0);
      return Number.isSafeInteger(rowCount) && rowCount >= 0
        ? { kind: 'rowCount', rowCount }
        : { kind: 'error', message: 'the count came back as something that is not a whole number', sql };
    }
    const { column, columnTimezone, columnUnit } = check.freshness;
    return {
      kind: 'freshness',
      lastUpdatedAt: parseTimestamp(text, { column, columnTimezone, columnUnit, now }),
    };
  } catch (error) {
    const message =
      error instanceof UnreadableTimestampError
        ? error.message
        : `the value the database gave for this check could not be read: ${messageOf(error)}`;
    return { kind: 'error', message, sql };
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
 * gives every check it has not answered an `error` observation. `now` is the run's time, for saying how
 * far off a value is.
 */
export async function observeSource(
  connector: SourceConnector,
  checks: readonly Check[],
  now: Date,
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
          into.set(check.id, toObservation(check, row[`c${i}`], expression(check), now));
        });
      } catch (error) {
        if (signal?.aborted) break;
        if (!(error instanceof StatementError) && !(error instanceof QueryTimeoutError)) throw error;
        if (batch.length > 1) {
          const middle = Math.ceil(batch.length / 2);
          queue.push(batch.slice(0, middle), batch.slice(middle));
        } else {
          const [check] = batch as [Check];
          const message = await withColumnHint(connection, check, error.message, signal);
          into.set(check.id, { kind: 'error', message, sql: expression(check) });
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
