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

/**
 * The newest value of a column, as text the driver cannot reinterpret. PostgreSQL's JSON form is ISO
 * 8601 whatever the server's DateStyle, with an offset for `timestamptz`; MySQL's CHAR form of a
 * DATETIME is always `YYYY-MM-DD hh:mm:ss`. Numbers come out as digits (epoch seconds).
 */
function newestAsText(dialect: Dialect, column: string): string {
  const max = `max(${quoteIdentifier(dialect, column)})`;
  return dialect === 'mysql' ? `CAST(${max} AS CHAR)` : `to_json(${max}) #>> '{}'`;
}

function countAsText(dialect: Dialect): string {
  return dialect === 'mysql' ? 'CAST(count(*) AS CHAR)' : 'CAST(count(*) AS text)';
}

/** The scalar subquery that observes one check. */
export function checkExpression(dialect: Dialect, check: Check): string {
  const value =
    check.kind === 'freshness' ? newestAsText(dialect, check.freshness.column) : countAsText(dialect);
  const where = check.kind === 'freshness' ? check.freshness.where : check.rowCount.where;
  const filter = where ? ` WHERE (${where})` : '';
  return `(SELECT ${value} FROM ${quoteTable(dialect, check.table)}${filter})`;
}

/** One SELECT that observes every check given, one column per check: `c0`, `c1`, … */
export function batchStatement(dialect: Dialect, checks: readonly Check[]): string {
  return `SELECT\n${checks.map((c, i) => `  ${checkExpression(dialect, c)} AS c${i}`).join(',\n')}`;
}
