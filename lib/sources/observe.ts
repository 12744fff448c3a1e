import type { Check } from '../config/types';
import { messageOf, QueryTimeoutError, SourceUnavailableError, StatementError } from '../errors';
import type { Observation } from '../evaluate/types';
import { chunkWithin } from '../util/chunk';
import { batchStatement, checkExpression } from './sql';
import { parseTimestamp, UnreadableTimestampError } from './timestamp';
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

/**
 * Turns one column of the batch row into the check's observation. Whatever the column holds, this
 * returns: a value that cannot be read is that check's `error`, never a throw that would cost the
 * other checks of the batch their verdicts.
 */
function toObservation(check: Check, value: unknown, sql: string, now: Date): Observation {
  try {
    const text = value === null || value === undefined ? null : String(value);
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
 * Runs the checks in one statement. When the database refuses it, splits the batch in two and tries
 * each half, down to the single checks at fault, so that only they get `error` and every other check
 * still gets its verdict: k broken checks among n cost about 2·k·log2(n) extra statements.
 */
async function observeBatch(
  connection: SqlConnection,
  checks: readonly Check[],
  now: Date,
  into: Map<string, Observation>,
  signal?: AbortSignal,
): Promise<void> {
  const sql = batchStatement(connection.dialect, checks);
  const expression = (check: Check) => checkExpression(connection.dialect, check);
  try {
    const row = await connection.queryRow(sql, signal);
    checks.forEach((check, i) => {
      into.set(check.id, toObservation(check, row[`c${i}`], expression(check), now));
    });
  } catch (error) {
    if (error instanceof QueryTimeoutError) {
      for (const check of checks)
        into.set(check.id, { kind: 'error', message: error.message, sql: expression(check) });
      return;
    }
    if (!(error instanceof StatementError)) throw error;
    if (checks.length === 1) {
      const [check] = checks as [Check];
      into.set(check.id, { kind: 'error', message: error.message, sql: expression(check) });
      return;
    }
    const middle = Math.ceil(checks.length / 2);
    await observeBatch(connection, checks.slice(0, middle), now, into, signal);
    await observeBatch(connection, checks.slice(middle), now, into, signal);
  }
}

/**
 * Observes every check of one source: one connection, one statement (more only past
 * `STATEMENT_LIMITS`, or to isolate a broken check). A source that cannot be reached gives every one
 * of its checks an `error` observation. `now` is the run's time, for saying how far off a value is.
 */
export async function observeSource(
  connector: SourceConnector,
  checks: readonly Check[],
  now: Date,
  signal?: AbortSignal,
): Promise<Map<string, Observation>> {
  const observations = new Map<string, Observation>();
  if (checks.length === 0) return observations;
  let connection: SqlConnection | null = null;
  try {
    connection = await connector.connect(signal);
    for (const chunk of chunkChecks(connector.dialect, checks)) {
      await observeBatch(connection, chunk, now, observations, signal);
    }
  } catch (error) {
    const message = error instanceof SourceUnavailableError ? error.message : messageOf(error);
    for (const check of checks) {
      if (!observations.has(check.id)) observations.set(check.id, { kind: 'error', message, sql: null });
    }
  } finally {
    await connection?.close().catch(() => undefined);
  }
  return observations;
}
