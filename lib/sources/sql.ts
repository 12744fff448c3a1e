import type { Check } from '../config/types';

/** The SQL dialect of a source. */
export type Dialect = 'postgres' | 'mysql';

/**
 * Quotes an identifier for the dialect. Config has already refused anything but letters, digits and
 * `_`, so quoting is belt and braces; it also keeps reserved words (`order`, `user`) working.
 */
export function quoteIdentifier(dialect: Dialect, name: string): string {
  return dialect === 'mysql' ? `\`${name.replaceAll('`', '``')}\`` : `"${name.replaceAll('"', '""')}"`;
}

/** `public.placement` → `"public"."placement"`. */
export function quoteTable(dialect: Dialect, table: string): string {
  return table
    .split('.')
    .map((part) => quoteIdentifier(dialect, part))
    .join('.');
}

/** A string literal; config has already refused anything but letters, digits and `_` in names. */
const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/**
 * The newest value of a column, as text that no driver or session setting can reinterpret.
 *
 * PostgreSQL: the JSON form is ISO 8601 whatever the server's DateStyle, with an offset for
 * `timestamptz` (an instant) and none for `timestamp` (local time); numbers come out as digits.
 *
 * MySQL: `CAST(col AS CHAR)` of a `DATETIME` is always `YYYY-MM-DD hh:mm:ss` (local time), but a
 * `TIMESTAMP` is an instant that MySQL shows in the session's time zone, which the Data API does not
 * let us set and an Aurora parameter group may change. So the expression asks the column's type
 * (`information_schema.COLUMNS`, in the same statement, evaluated once) and, for a `TIMESTAMP`, gives
 * `@` and `UNIX_TIMESTAMP` of the column itself, which MySQL and MariaDB read from the stored UTC value
 * with no time zone involved. `ORDER BY … DESC LIMIT 1` finds the newest row as `max` does (one index
 * lookup where there is an index; NULLs sort last) and lets the one expression read either type.
 */
function newestAsText(dialect: Dialect, table: string, column: string, filter: string): string {
  const col = quoteIdentifier(dialect, column);
  const from = `FROM ${quoteTable(dialect, table)}${filter}`;
  if (dialect === 'postgres') return `(SELECT to_json(max(${col})) #>> '{}' ${from})`;
  const [schema, name] = table.includes('.') ? table.split('.') : [null, table];
  const type =
    `(SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ${schema ? literal(schema) : 'DATABASE()'}` +
    ` AND TABLE_NAME = ${literal(name ?? table)} AND COLUMN_NAME = ${literal(column)})`;
  const value = `IF(${type} = 'timestamp', CONCAT('@', UNIX_TIMESTAMP(${col})), CAST(${col} AS CHAR))`;
  return `(SELECT ${value} ${from} ORDER BY ${col} DESC LIMIT 1)`;
}

function countAsText(dialect: Dialect): string {
  return dialect === 'mysql' ? 'CAST(count(*) AS CHAR)' : 'CAST(count(*) AS text)';
}

/** The scalar expression that observes one check. */
export function checkExpression(dialect: Dialect, check: Check): string {
  const where = check.kind === 'freshness' ? check.freshness.where : check.rowCount.where;
  const filter = where ? ` WHERE (${where})` : '';
  if (check.kind === 'freshness') return newestAsText(dialect, check.table, check.freshness.column, filter);
  return `(SELECT ${countAsText(dialect)} FROM ${quoteTable(dialect, check.table)}${filter})`;
}

/** One SELECT that observes every check given, one column per check: `c0`, `c1`, … */
export function batchStatement(dialect: Dialect, checks: readonly Check[]): string {
  return `SELECT\n${checks.map((c, i) => `  ${checkExpression(dialect, c)} AS c${i}`).join(',\n')}`;
}
