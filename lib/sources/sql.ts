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
 * cannot run longer than `statementTimeoutMs`, whatever a `where` holds (SPEC.md "Safety of what runs
 * on a source"; docs/sources.md says what each engine and path relies on).
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
