import { didYouMean } from '../config/suggest';
import type { Check, Engine as Dialect } from '../core/model/config';
import { mysqlTableIs, sqlLiteral, tableParts } from '../core/sql-text';
import type { SqlConnection } from './ports';

/** A database error that says a column does not exist: PostgreSQL's 42703, MySQL's 1054. */
const UNKNOWN_COLUMN = /^database error (42703|1054):/;

/**
 * The statement that lists a table's columns, in order, as one comma-separated value. It reads only
 * `information_schema`, which shows a role the columns it may read.
 */
export function columnsStatement(dialect: Dialect, table: string): string {
  if (dialect === 'mysql') {
    return (
      'SELECT /*+ MAX_EXECUTION_TIME(5000) */ GROUP_CONCAT(COLUMN_NAME ORDER BY ORDINAL_POSITION) AS c0 ' +
      `FROM information_schema.COLUMNS WHERE ${mysqlTableIs(table)}`
    );
  }
  const parts = tableParts(table);
  const name = sqlLiteral(parts.name);
  const schema = parts.schema === null ? 'current_schema()' : sqlLiteral(parts.schema);
  return (
    "SELECT string_agg(column_name::text, ',' ORDER BY ordinal_position) AS c0 " +
    `FROM information_schema.columns WHERE table_schema = ${schema} AND table_name = ${name}`
  );
}

/**
 * A check's error, with the columns the table does have when the database said a column does not
 * exist and the check's `column` is not among them ("… the table has last_modified, status, id — did
 * you mean "last_modified"?"). Only a failing check asks: a run with no such error makes no extra call.
 * Whatever goes wrong while asking leaves the error as it was.
 */
export async function withColumnHint(
  connection: SqlConnection,
  check: Check,
  message: string,
  signal?: AbortSignal,
): Promise<string> {
  if (!UNKNOWN_COLUMN.test(message)) return message;
  try {
    const row = await connection.queryRow(columnsStatement(connection.dialect, check.table), signal);
    const columns = String(row?.c0 ?? '')
      .split(',')
      .filter(Boolean);
    if (columns.length === 0) return message;
    const column = check.kind === 'freshness' ? check.freshness.column : null;
    if (column !== null && columns.includes(column)) {
      return `${message}; a column in the check's where does not exist: ${check.table} has ${columns.join(', ')}`;
    }
    const suggestion = column === null ? '' : didYouMean(column, columns);
    const which = column === null ? 'a column in the check' : `column "${column}"`;
    return `${message}; ${which} is not in ${check.table}, which has ${columns.join(', ')}${suggestion}`;
  } catch {
    return message;
  }
}
