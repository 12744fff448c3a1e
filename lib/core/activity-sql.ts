import type { Observation } from './evaluate/types';
import type { Engine as Dialect } from './model/config';
import { mysqlTableIs, sqlLiteral } from './sql-text';

/**
 * The scalar expression (`table` as config gives it, `quotedTable` as `quoteTable` quotes it) that reads what the database itself keeps of a table's changes, for an
 * `activity` check: no row of the table is read, so it costs the same on a table of any size
 * (docs/semantics.md "Activity" says what each engine can and cannot see).
 *
 * PostgreSQL: inserts + updates + deletes from `pg_stat_user_tables`, summed over the table and, for a
 * partitioned table, its partitions (`pg_partition_tree`). The table is named by value — its
 * quoted name as a string cast to `regclass`, which resolves it as the other checks' FROM does (the
 * search path) and fails the check when there is no such table — never pasted into the SQL. A view
 * has no counters: the sum is null.
 *
 * MySQL: `information_schema.TABLES.UPDATE_TIME` of the base table, as `@` and epoch seconds
 * (`UNIX_TIMESTAMP` reads it in the session's zone, the zone it is shown in), or `@` alone when the
 * server has seen no change since it started; null when there is no such base table in sight.
 */
export function activityExpression(dialect: Dialect, table: string, quotedTable: string): string {
  if (dialect === 'postgres') {
    const relation = `CAST(${sqlLiteral(quotedTable)} AS pg_catalog.regclass)`;
    return (
      '(SELECT CAST(sum(s.n_tup_ins + s.n_tup_upd + s.n_tup_del) AS text)' +
      ' FROM pg_catalog.pg_stat_user_tables AS s' +
      ` WHERE s.relid = ${relation}` +
      ` OR s.relid IN (SELECT t.relid FROM pg_catalog.pg_partition_tree(${relation}) AS t))`
    );
  }
  return (
    "(SELECT CONCAT('@', IFNULL(UNIX_TIMESTAMP(UPDATE_TIME), '')) FROM information_schema.TABLES" +
    ` WHERE ${mysqlTableIs(table)}` +
    " AND TABLE_TYPE = 'BASE TABLE')"
  );
}

/**
 * The observation of an activity check from the text its expression gave: a counter (PostgreSQL),
 * `@<epoch seconds>` or `@` (MySQL). Anything else is the check's error, never a throw.
 */
export function readActivity(table: string, text: string | null, sql: string): Observation {
  if (text === null) {
    return {
      kind: 'error',
      message:
        `the database keeps no change information for ${table}: it is not a table (a view?), ` +
        'or the monitor cannot see it — an activity check watches a table',
      sql,
    };
  }
  if (/^\d+$/.test(text)) return { kind: 'activity', changeCounter: text, changedAt: null };
  const mysql = /^@(\d+(\.\d+)?)?$/.exec(text);
  if (mysql) {
    const changedAt = mysql[1] === undefined ? null : new Date(Math.round(Number(mysql[1]) * 1000));
    if (!changedAt || Number.isFinite(changedAt.getTime())) {
      return { kind: 'activity', changeCounter: null, changedAt };
    }
  }
  return {
    kind: 'error',
    message: 'the change information the database gave for this check could not be read',
    sql,
  };
}
