import { activityExpression } from './activity-sql';
import type { Check, Engine as Dialect } from './model/config';

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
  if (check.kind === 'activity') {
    return activityExpression(dialect, check.table, quoteTable(dialect, check.table));
  }
  const where = check.kind === 'freshness' ? check.freshness.where : check.rowCount.where;
  const filter = where ? ` WHERE (${where})` : '';
  if (check.kind === 'freshness') return newestAsText(dialect, check.table, check.freshness.column, filter);
  return `(SELECT ${countAsText(dialect)} FROM ${quoteTable(dialect, check.table)}${filter})`;
}

/** The columns of a batch, one per check: `c0`, `c1`, … */
function columnsOf(dialect: Dialect, checks: readonly Check[]): string[] {
  return checks.map((c, i) => `  ${checkExpression(dialect, c)} AS c${i}`);
}

/** One SELECT that observes every check given, one column per check (what `explain` shows). */
export function batchStatement(dialect: Dialect, checks: readonly Check[]): string {
  return `SELECT\n${columnsOf(dialect, checks).join(',\n')}`;
}

/** One settings snapshot of the session: every setting and its value, compared before and after. */
const SETTINGS_SNAPSHOT =
  "(SELECT string_agg(name || '=' || setting, ',' ORDER BY name) FROM pg_catalog.pg_settings)";

/**
 * The words of the error the guard raises when a check wrote or changed a setting. It reaches the
 * connection quoted inside PostgreSQL's own message, and is recognised there (`statementErrorOf`).
 */
export const GUARD_TRIPPED = 'stalewatch_guard: a check wrote or changed a setting';

/**
 * The statement a source runs: the batch of `batchStatement`, guarded so that it cannot write and
 * cannot run longer than `statementTimeoutMs`, whatever a `where` holds (docs/sources.md "Nothing
 * written, nothing waited on for ever, nothing leaked" says what each engine and path relies on).
 *
 * PostgreSQL: the FROM clause is read before any column, so it goes first: it makes the transaction
 * read-only (`set_config('transaction_read_only', 'on', true)`: `nextval`, `setval` and writes inside
 * functions fail from then on) and notes every setting. The WHERE lets the checks run only when a
 * statement timeout of at most `statementTimeoutMs` is in force (else no row comes back, and no
 * check has run). The last column is read after every check: when the transaction has written anything
 * (it has a transaction id: PostgreSQL 15 lets `lo_from_bytea` write in a read-only transaction) or a
 * setting has changed (`set_config`), it fails the statement, which undoes both.
 *
 * MySQL: MariaDB runs what is inside the executable comment that opens with `/*M!100300`
 * (`SET STATEMENT max_statement_time=…, tx_read_only=1 FOR`), which MySQL reads as a comment; MySQL
 * takes the `MAX_EXECUTION_TIME` hint, which MariaDB reads as a comment. So one text serves both, in
 * one statement. Read-only on MySQL rests on the session (direct) or on the monitor's grants (Data API).
 */
export function guardedStatement(
  dialect: Dialect,
  checks: readonly Check[],
  statementTimeoutMs: number,
): string {
  const columns = columnsOf(dialect, checks);
  const ms = Math.max(1, Math.round(statementTimeoutMs));
  if (dialect === 'mysql') {
    return (
      `/*M!100300 SET STATEMENT max_statement_time=${ms / 1000}, tx_read_only=1 FOR */ ` +
      `SELECT /*+ MAX_EXECUTION_TIME(${ms}) */\n${columns.join(',\n')}`
    );
  }
  return [
    'SELECT',
    ...columns.map((c) => `${c},`),
    '  CAST(CASE WHEN pg_catalog.pg_current_xact_id_if_assigned() IS NULL',
    `    AND ${SETTINGS_SNAPSHOT} = stalewatch_guard.settings`,
    `    THEN '0' ELSE '${GUARD_TRIPPED}' END AS int) AS stalewatch_guard_untouched`,
    'FROM (',
    "  SELECT pg_catalog.set_config('transaction_read_only', 'on', true) AS read_only,",
    `    ${SETTINGS_SNAPSHOT} AS settings`,
    '  OFFSET 0',
    ') AS stalewatch_guard',
    "WHERE (SELECT setting::bigint FROM pg_catalog.pg_settings WHERE name = 'statement_timeout')",
    `  BETWEEN 1 AND ${ms}`,
  ].join('\n');
}
