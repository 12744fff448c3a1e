import { readActivity } from '../core/activity-sql';
import { messageOf, QueryTimeoutError, StatementError, UnguardedStatementError } from '../core/errors';
import type { Observation } from '../core/evaluate/types';
import type { Check } from '../core/model/config';
import {
  checkExpression,
  guardedStatement,
  planReads,
  readExpression,
  readValues,
  type TableRead,
} from '../core/sql';
import { parseTimestamp, UnreadableTimestampError } from '../core/time/timestamp';
import type { SourceConnector, SqlConnection } from './ports';

/**
 * When one source's checks are split over several statements. The Data API takes at most 64 KiB of
 * SQL and answers at most 1 MiB; PostgreSQL allows 1,664 columns in a SELECT (one per read). A
 * statement also holds at most `maxScans` reads that count rows (an estimate of its cost: each may
 * visit a whole table), so that one statement stays well inside a statement timeout on large tables,
 * and at most `maxReads` reads in all (docs/performance.md).
 */
export const STATEMENT_LIMITS = { maxReads: 400, maxScans: 16, maxSqlChars: 60_000 } as const;

/** Splits the reads into statements that stay within `STATEMENT_LIMITS`, in order. */
export function chunkReads(dialect: SqlConnection['dialect'], reads: readonly TableRead[]): TableRead[][] {
  const chunks: TableRead[][] = [];
  let current: TableRead[] = [];
  let chars = 0;
  let scans = 0;
  for (const read of reads) {
    // 12: the `  … AS cN,\n` around each expression.
    const size = readExpression(dialect, read).length + 12;
    const full =
      current.length >= STATEMENT_LIMITS.maxReads ||
      chars + size > STATEMENT_LIMITS.maxSqlChars ||
      (read.scan && scans >= STATEMENT_LIMITS.maxScans);
    if (current.length > 0 && full) {
      chunks.push(current);
      current = [];
      chars = 0;
      scans = 0;
    }
    current.push(read);
    chars += size;
    if (read.scan) scans += 1;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Splits the checks into the reads of each statement (`planReads`, then `chunkReads`). */
export function chunkChecks(dialect: SqlConnection['dialect'], checks: readonly Check[]): TableRead[][] {
  return chunkReads(dialect, planReads(dialect, checks));
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
 * `STATEMENT_LIMITS`, or to isolate a read at fault), in which each table is read once (`planReads`).
 *
 * A statement that the database refuses, that runs past the statement timeout, or in which a check wrote
 * or changed a setting, is split in two and each half tried again, down to the single reads at fault.
 * A shared read that the database refuses, or that runs past the timeout, is tried again check by
 * check, so one bad column or one slow `where` costs only its own check. Halves wait at the back of
 * the queue, so every read that answers quickly is answered before a slow one is tried again: k reads at
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
        batch.forEach((read, i) => {
          const values = readValues(read, row[`c${i}`]);
          read.checks.forEach((check, j) => {
            into.set(check.id, toObservation(check, values[j], expression(check), now));
          });
        });
      } catch (error) {
        if (signal?.aborted) break;
        if (!(error instanceof StatementError) && !(error instanceof QueryTimeoutError)) throw error;
        const [read] = batch;
        if (batch.length > 1) {
          const middle = Math.ceil(batch.length / 2);
          queue.push(batch.slice(0, middle), batch.slice(middle));
        } else if (read && read.checks.length > 1) {
          const alone = read.checks.map((check) => ({ table: read.table, checks: [check], scan: read.scan }));
          // Refused: one batch, halved down to the checks at fault. Too slow: one statement per check,
          // so that a slow `where` costs only its own check and a slow table one timeout per check.
          if (error instanceof QueryTimeoutError) queue.push(...alone.map((r) => [r]));
          else queue.push(alone);
        } else {
          for (const check of read?.checks ?? []) {
            into.set(check.id, { kind: 'error', message: error.message, sql: expression(check) });
          }
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
