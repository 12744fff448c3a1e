import { activityExpression } from './activity-sql';
import type { Check, Engine as Dialect } from './model/config';
import { mysqlTableIs, sqlLiteral } from './sql-text';

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
/** `(SELECT DATA_TYPE …)`: the column's type on MySQL, asked in the statement and evaluated once. */
function mysqlColumnType(table: string, column: string): string {
  return `(SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE ${mysqlTableIs(table)} AND COLUMN_NAME = ${sqlLiteral(column)})`;
}

function newestAsText(dialect: Dialect, table: string, column: string, filter: string): string {
  const col = quoteIdentifier(dialect, column);
  const from = `FROM ${quoteTable(dialect, table)}${filter}`;
  if (dialect === 'postgres') return `(SELECT to_json(max(${col})) #>> '{}' ${from})`;
  const type = mysqlColumnType(table, column);
  const value = `IF(${type} = 'timestamp', CONCAT('@', UNIX_TIMESTAMP(${col})), CAST(${col} AS CHAR))`;
  return `(SELECT ${value} ${from} ORDER BY ${col} DESC LIMIT 1)`;
}

function countAsText(dialect: Dialect): string {
  return dialect === 'mysql' ? 'CAST(count(*) AS CHAR)' : 'CAST(count(*) AS text)';
}

/** A check's `where`, or null. */
export function whereOf(check: Check): string | null {
  if (check.kind === 'activity') return null;
  return check.kind === 'freshness' ? check.freshness.where : check.rowCount.where;
}

/**
 * The scalar expression that observes one check on its own: what `explain` shows for it, what its
 * events and errors carry, and what a statement runs when the check reads its table alone.
 */
export function checkExpression(dialect: Dialect, check: Check): string {
  if (check.kind === 'activity') {
    return activityExpression(dialect, check.table, quoteTable(dialect, check.table));
  }
  const where = whereOf(check);
  const filter = where ? ` WHERE (${where})` : '';
  if (check.kind === 'freshness') return newestAsText(dialect, check.table, check.freshness.column, filter);
  return `(SELECT ${countAsText(dialect)} FROM ${quoteTable(dialect, check.table)}${filter})`;
}

/**
 * One read of one table in a statement: one scalar subquery that observes `checks` (one value each).
 * `scan` is true when the read counts rows, so the database visits every row its `where` selects; a
 * read without a count is a newest-value lookup, one index seek where the column has an index.
 */
export interface TableRead {
  readonly table: string;
  readonly checks: readonly Check[];
  readonly scan: boolean;
}

/**
 * The most checks one shared read observes: PostgreSQL's `ARRAY[…]` has no limit, but one read's
 * SQL stays readable and one bad column costs at most this many checks a retry.
 */
export const MAX_CHECKS_PER_READ = 64;

function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Groups `items` by `key`, in order of first appearance (linear). */
function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}

/**
 * How a source's checks read their tables: the fewest reads that never make the database do more than
 * the checks asked for (docs/sources.md, "One read per table").
 *
 * - A table with row-count checks is scanned once: every row count of the table (whatever its `where`)
 *   is one aggregate of that scan, and so is every freshness check whose rows the scan visits anyway
 *   (the scan has no `where`, or one of the counts has the same `where`).
 * - The other freshness checks stay newest-value lookups, which an index answers with one seek. On
 *   PostgreSQL those with the same `where` share one subquery (`max(a), max(b)` keeps the planner's
 *   index path for each); on MySQL each keeps `ORDER BY col DESC LIMIT 1`, the form MySQL and MariaDB
 *   answer from an index when there is a `where`, where `max` reads every selected row.
 */
export function planReads(dialect: Dialect, checks: readonly Check[]): TableRead[] {
  const reads: TableRead[] = [];
  // Activity reads the database's statistics about a table, never the table: each is its own read.
  for (const check of checks) {
    if (check.kind === 'activity') reads.push({ table: check.table, checks: [check], scan: false });
  }
  const tableChecks = checks.filter((c) => c.kind !== 'activity');
  for (const onTable of groupBy(tableChecks, (c) => c.table)) {
    const table = onTable[0]?.table ?? '';
    const counts = onTable.filter((c) => c.kind === 'rowCount');
    const scanned = new Set(counts.map((c) => whereOf(c) ?? ''));
    const inScan = (c: Check) => c.kind === 'rowCount' || scanned.has('') || scanned.has(whereOf(c) ?? '');
    const scan = counts.length > 0 ? onTable.filter(inScan) : [];
    const lookups = counts.length > 0 ? onTable.filter((c) => !inScan(c)) : onTable;
    for (const part of chunked(scan, MAX_CHECKS_PER_READ)) reads.push({ table, checks: part, scan: true });
    const lookupGroups =
      dialect === 'postgres' ? groupBy(lookups, (c) => whereOf(c) ?? '') : lookups.map((c) => [c]);
    for (const group of lookupGroups) {
      for (const part of chunked(group, MAX_CHECKS_PER_READ))
        reads.push({ table, checks: part, scan: false });
    }
  }
  return reads;
}

/** One check's value inside a shared read: an aggregate, filtered to its own `where` when it differs. */
function aggregateOf(dialect: Dialect, check: Check, sharedWhere: string | null): string {
  // Never in a shared read (planReads): its own expression, should it ever be.
  if (check.kind === 'activity') return checkExpression(dialect, check);
  const where = whereOf(check);
  const own = where !== null && where !== sharedWhere ? where : null;
  if (dialect === 'postgres') {
    const filter = own ? ` FILTER (WHERE (${own}))` : '';
    if (check.kind === 'rowCount') return `CAST(count(*)${filter} AS text)`;
    return `to_json(max(${quoteIdentifier(dialect, check.freshness.column)})${filter}) #>> '{}'`;
  }
  const when = (condition: string | null, value: string) =>
    condition ? `CASE WHEN ${condition} THEN ${value} END` : value;
  if (check.kind === 'rowCount') return `CAST(count(${when(own && `(${own})`, '1')}) AS CHAR)`;
  // The column's type is asked once; only the branch for that type reads the column, so
  // `UNIX_TIMESTAMP` reads a TIMESTAMP's stored UTC value and never sees another type.
  const col = quoteIdentifier(dialect, check.freshness.column);
  const isTimestamp = `${mysqlColumnType(check.table, check.freshness.column)} = 'timestamp'`;
  const both = (first: string) => (own ? `${first} AND (${own})` : first);
  return (
    `IF(${isTimestamp}, CONCAT('@', max(${when(both(isTimestamp), `UNIX_TIMESTAMP(${col})`)})), ` +
    `CAST(max(${when(both(`NOT ${isTimestamp}`), col)}) AS CHAR))`
  );
}

/**
 * The scalar subquery of one read. A read of one check is that check's own expression; a shared read
 * gives its checks' values as one JSON array of text (`["2026-01-05T10:00:00+00:00", "1200"]`), which
 * every driver returns as text.
 */
export function readExpression(dialect: Dialect, read: TableRead): string {
  const [first] = read.checks;
  if (read.checks.length === 1 && first) return checkExpression(dialect, first);
  const wheres = new Set(read.checks.map((c) => whereOf(c)));
  const sharedWhere = wheres.size === 1 ? ([...wheres][0] ?? null) : null;
  const filter = wheres.has(null) ? '' : ` WHERE ${[...wheres].map((w) => `(${w})`).join(' OR ')}`;
  const values = read.checks.map((c) => aggregateOf(dialect, c, sharedWhere));
  const from = `FROM ${quoteTable(dialect, read.table)}${filter}`;
  if (dialect === 'postgres') return `(SELECT array_to_json(ARRAY[${values.join(', ')}])::text ${from})`;
  return `(SELECT CAST(JSON_ARRAY(${values.join(', ')}) AS CHAR) ${from})`;
}

/**
 * The values of a read's checks from its column of the statement's row, in the read's order. A shared
 * read whose value is not the array it asked for gives `undefined` for each (the caller's error).
 */
export function readValues(read: TableRead, value: unknown): unknown[] {
  if (read.checks.length === 1) return [value];
  try {
    const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
    if (Array.isArray(parsed) && parsed.length === read.checks.length) return parsed;
  } catch {
    // Not JSON: handled below, as every other shape that is not the array.
  }
  return read.checks.map(() => undefined);
}

/** The columns of a statement, one per read: `c0`, `c1`, … */
function columnsOf(dialect: Dialect, reads: readonly TableRead[]): string[] {
  return reads.map((r, i) => `  ${readExpression(dialect, r)} AS c${i}`);
}

/** One SELECT that observes every check given, one column per read of a table (what `explain` shows). */
export function batchStatement(dialect: Dialect, checks: readonly Check[]): string {
  return readsStatement(dialect, planReads(dialect, checks));
}

/** One SELECT of the reads given, unguarded. */
export function readsStatement(dialect: Dialect, reads: readonly TableRead[]): string {
  return `SELECT\n${columnsOf(dialect, reads).join(',\n')}`;
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
 * The statement a source runs: the reads of `planReads`, guarded so that it cannot write and
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
  reads: readonly TableRead[],
  statementTimeoutMs: number,
): string {
  const columns = columnsOf(dialect, reads);
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

/**
 * The statement that asks the database for its plan of one check's read, as one row of JSON
 * (PostgreSQL's `EXPLAIN (FORMAT JSON)`, MySQL's and MariaDB's `EXPLAIN FORMAT=JSON`). `EXPLAIN`
 * without `ANALYZE` plans the statement and runs none of it.
 */
export function explainStatement(dialect: Dialect, check: Check): string {
  const select = `SELECT ${checkExpression(dialect, check)} AS c0`;
  return dialect === 'mysql' ? `EXPLAIN FORMAT=JSON ${select}` : `EXPLAIN (FORMAT JSON) ${select}`;
}

/**
 * One row: the table's estimated number of rows (`row_estimate`, from the statistics the database
 * keeps: `pg_class.reltuples`, `information_schema.TABLES.TABLE_ROWS`) and whether some index starts
 * with `column` (`indexed`: `pg_index`, `information_schema.STATISTICS`).
 */
export function indexStatement(dialect: Dialect, table: string, column: string): string {
  if (dialect === 'postgres') {
    return [
      'SELECT c.reltuples::bigint AS row_estimate, EXISTS (',
      '  SELECT 1 FROM pg_catalog.pg_index i',
      '  JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]',
      `  WHERE i.indrelid = c.oid AND a.attname = ${sqlLiteral(column)}`,
      ') AS indexed',
      `FROM pg_catalog.pg_class c WHERE c.oid = to_regclass(${sqlLiteral(quoteTable(dialect, table))})`,
    ].join('\n');
  }
  const at = mysqlTableIs(table);
  return [
    `SELECT (SELECT TABLE_ROWS FROM information_schema.TABLES WHERE ${at}) AS row_estimate,`,
    `  EXISTS (SELECT 1 FROM information_schema.STATISTICS WHERE ${at}`,
    `    AND COLUMN_NAME = ${sqlLiteral(column)} AND SEQ_IN_INDEX = 1) AS indexed`,
  ].join('\n');
}
