import { messageOf } from '../core/errors';
import type { Check } from '../core/model/config';
import { explainStatement, indexStatement } from '../core/sql';
import type { SourceConnector } from './ports';

/** From this many rows (the database's estimate) a freshness column without an index earns a warning. */
export const LARGE_TABLE_ROWS = 100_000;

/** What the database says about one check's read: its plan, one line a step, and any warning. */
export interface CheckPlan {
  readonly plan: readonly string[];
  readonly warnings: readonly string[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The steps of a JSON plan, indented by depth. PostgreSQL's nodes have `Node Type` (and `Relation
 * Name`, `Index Name`, `Plan Rows`); MySQL's and MariaDB's tables have `table_name` (and `access_type`,
 * `key`, `rows` or `rows_examined_per_scan`), and a `message` when no table is read at all.
 */
export function planLines(plan: Json, depth = 0, lines: string[] = []): string[] {
  if (Array.isArray(plan)) {
    for (const item of plan) planLines(item, depth, lines);
    return lines;
  }
  if (plan === null || typeof plan !== 'object') return lines;
  const pad = '  '.repeat(depth);
  let deeper = depth;
  if (typeof plan['Node Type'] === 'string') {
    const on = plan['Relation Name'] ? ` on ${plan['Relation Name']}` : '';
    const using = plan['Index Name'] ? ` using ${plan['Index Name']}` : '';
    const rows = typeof plan['Plan Rows'] === 'number' ? ` (about ${plan['Plan Rows']} rows)` : '';
    lines.push(`${pad}${plan['Node Type']}${on}${using}${rows}`);
    deeper = depth + 1;
  } else if (typeof plan.table_name === 'string') {
    const rows = plan.rows ?? plan.rows_examined_per_scan;
    const key = plan.key ? ` using ${plan.key}` : '';
    lines.push(
      `${pad}${plan.access_type ?? 'read'} ${plan.table_name}${key}${rows ? ` (about ${rows} rows)` : ''}`,
    );
    deeper = depth + 1;
  } else if (typeof plan.message === 'string') {
    lines.push(`${pad}${plan.message}`);
  }
  for (const value of Object.values(plan)) {
    if (value !== null && typeof value === 'object') planLines(value, deeper, lines);
  }
  return lines;
}

const parsed = (value: unknown): Json => (typeof value === 'string' ? JSON.parse(value) : (value as Json));

/**
 * Asks the source for the plan of `check`'s read (`EXPLAIN`, which runs nothing) and, for a freshness
 * check, whether its column has an index on a large table. The connection is the run's own: read-only,
 * with the source's statement timeout.
 */
export async function explainCheck(connector: SourceConnector, check: Check): Promise<CheckPlan> {
  const connection = await connector.connect();
  try {
    const row = await connection.queryRow(explainStatement(connector.dialect, check));
    const plan = planLines(parsed(row ? Object.values(row)[0] : null));
    const warnings: string[] = [];
    if (check.kind === 'freshness') {
      try {
        const stats = await connection.queryRow(
          indexStatement(connector.dialect, check.table, check.freshness.column),
        );
        const rows = Number(stats?.row_estimate ?? 0);
        const indexed = stats?.indexed === true || Number(stats?.indexed) === 1;
        if (rows >= LARGE_TABLE_ROWS && !indexed) {
          warnings.push(
            `${check.table} has about ${rows.toLocaleString('en-GB')} rows and no index starts with ` +
              `${check.freshness.column}: each run reads the whole table to find the newest value. ` +
              `An index on (${check.freshness.column}) makes it one lookup.`,
          );
        }
      } catch (error) {
        warnings.push(`could not read the table's statistics: ${messageOf(error)}`);
      }
    }
    return { plan, warnings };
  } finally {
    await connection.close().catch(() => undefined);
  }
}
