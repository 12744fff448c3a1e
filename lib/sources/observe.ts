import type { Check } from '../config/types';
import { messageOf, SourceUnavailableError, StatementError } from '../errors';
import type { Observation } from '../evaluate/types';
import { batchStatement, checkExpression } from './sql';
import { parseTimestamp } from './timestamp';
import type { SourceConnector, SqlConnection } from './types';

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
 * Runs the checks in one statement. When the database refuses it, splits the batch in two and tries
 * each half, down to the single checks at fault, so that only they get `error` and every other check
 * still gets its verdict: k broken checks among n cost about 2·k·log2(n) extra statements.
 */
async function observeBatch(
  connection: SqlConnection,
  checks: readonly Check[],
  columnTimezone: string,
  into: Map<string, Observation>,
): Promise<void> {
  const sql = batchStatement(connection.dialect, checks);
  try {
    const row = await connection.queryRow(sql);
    checks.forEach((check, i) => {
      into.set(
        check.id,
        toObservation(check, row[`c${i}`], columnTimezone, checkExpression(connection.dialect, check)),
      );
    });
  } catch (error) {
    if (!(error instanceof StatementError)) throw error;
    if (checks.length === 1) {
      const [check] = checks as [Check];
      into.set(check.id, {
        kind: 'error',
        message: error.message,
        sql: checkExpression(connection.dialect, check),
      });
      return;
    }
    const middle = Math.ceil(checks.length / 2);
    await observeBatch(connection, checks.slice(0, middle), columnTimezone, into);
    await observeBatch(connection, checks.slice(middle), columnTimezone, into);
  }
}

/**
 * Observes every check of one source: one connection, one statement (more only to isolate a broken
 * check). A source that cannot be reached gives every one of its checks an `error` observation.
 */
export async function observeSource(
  connector: SourceConnector,
  checks: readonly Check[],
  columnTimezone: string,
): Promise<Map<string, Observation>> {
  const observations = new Map<string, Observation>();
  if (checks.length === 0) return observations;
  let connection: SqlConnection | null = null;
  try {
    connection = await connector.connect();
    await observeBatch(connection, checks, columnTimezone, observations);
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
