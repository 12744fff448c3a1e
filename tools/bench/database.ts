// The database section of `npm run bench`: what the statements Stalewatch emits cost the database, on a
// table of a million rows (100,000 with --quick; --rows N), on PostgreSQL and on MariaDB/MySQL, without and with an
// index on the freshness column; then (not with --quick) the statements it emits on a table of ten million
// rows without an index, the 45 s target's table. Each engine works in a uniquely named scratch database (and, on
// PostgreSQL, role) that is dropped afterwards. Statements run on the engine's own driver, one at a time
// on one connection: the figures are the database's time, without the Data API's.
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { loadConfig } from '../../lib/config/load';
import type { Check } from '../../lib/core/model/config';
import { batchStatement, checkExpression, quoteIdentifier } from '../../lib/core/sql';
import { writeTree } from '../samples/tree';
import {
  type BenchOptions,
  judge,
  millis,
  progress,
  scratchName,
  scratchPostgres,
  spread,
  table,
  timed,
} from './util';

type Dialect = 'postgres' | 'mysql';

/** The rows of the target's table: no statement Stalewatch emits may take over 45 s on it. */
const TARGET_ROWS = 10_000_000;

/** Runs one statement on a scratch table `events`. */
type Run = (sql: string) => Promise<unknown>;

/** The four checks of one table, as config loads them: the product builds every statement from these. */
async function checksOf(dialect: Dialect): Promise<Check[]> {
  const dir = writeTree({
    'stalewatch.yml': [
      'sources:',
      '  db:',
      `    engine: ${dialect}`,
      '    resourceArn: arn:aws:rds:eu-west-2:123456789012:cluster:db',
      '    secretArn: arn:aws:secretsmanager:eu-west-2:123456789012:secret:db',
      '    database: bench',
      'contacts:\n  lead: {name: Lead, audience: data-lead}',
    ].join('\n'),
    'events.yml': [
      'dataset: events',
      'title: Events',
      'source: db',
      'table: events',
      'owner: lead',
      'checks:',
      '  - name: newest',
      '    freshness: {column: updated_at, warnAfter: 1d}',
      '  - name: newest-kind-3',
      "    freshness: {column: updated_at, warnAfter: 1d, where: 'kind = 3'}",
      '  - name: rows',
      '    rowCount: {failBelow: 1}',
      '  - name: rows-kind-3',
      "    rowCount: {failBelow: 1, where: 'kind = 3'}",
    ].join('\n'),
  });
  const config = await loadConfig({ dir, env: {} });
  return config.checks;
}

/** `SELECT <expression>`: one check's statement, as when it is the only check on its table. */
const alone = (dialect: Dialect, check: Check) => `SELECT ${checkExpression(dialect, check)}`;

/** The rows of the section for one engine, with `run(sql)` running one statement. */
async function measure(
  dialect: Dialect,
  engine: string,
  run: (sql: string) => Promise<unknown>,
  options: BenchOptions,
): Promise<Array<Array<string | number>>> {
  const [newest, newestWhere, rows, rowsWhere] = (await checksOf(dialect)) as [Check, Check, Check, Check];
  const col = quoteIdentifier(dialect, 'updated_at');
  const figure = async (sql: string) => {
    await run(sql); // warm: the table's pages in the buffer pool
    return millis(await timed(options.runs, () => run(sql)));
  };
  const out: Array<Array<string | number>> = [];
  for (const indexed of [false, true]) {
    if (indexed) {
      progress(`database: ${engine}, indexing updated_at…`);
      await run('CREATE INDEX events_updated_at ON events (updated_at)');
      await run(dialect === 'postgres' ? 'ANALYZE events' : 'ANALYZE TABLE events');
    }
    const index = indexed ? 'yes' : 'no';
    progress(`database: ${engine}, index ${index}…`);
    out.push([engine, index, 'freshness, no `where` (as emitted)', await figure(alone(dialect, newest))]);
    out.push([
      engine,
      index,
      'freshness with `where kind = 3` (as emitted)',
      await figure(alone(dialect, newestWhere)),
    ]);
    if (dialect === 'mysql') {
      // The form Stalewatch does not emit on MySQL: `max` with a `where` reads every selected row.
      out.push([
        engine,
        index,
        'freshness with `where kind = 3` as `max(col)` (not emitted)',
        await figure(`SELECT max(${col}) FROM events WHERE (kind = 3)`),
      ]);
    }
    const four = [newest, newestWhere, rows, rowsWhere];
    out.push([
      engine,
      index,
      'the four checks, one statement (as emitted: one scan, `FILTER`/`CASE` aggregates)',
      await figure(batchStatement(dialect, four)),
    ]);
    out.push([
      engine,
      index,
      'the four checks, one query each (one after another)',
      millis(
        await timed(options.runs, async () => {
          for (const check of four) await run(alone(dialect, check));
        }),
      ),
    ]);
  }
  return out;
}

/**
 * The statements Stalewatch emits for the four checks (each alone on its table, and the four as one
 * statement), on a table without an index: each one's median of 3 runs after a warm-up.
 */
async function measureEmitted(dialect: Dialect, engine: string, run: Run): Promise<Array<[string, number]>> {
  const [newest, newestWhere, rows, rowsWhere] = (await checksOf(dialect)) as [Check, Check, Check, Check];
  const out: Array<[string, number]> = [];
  for (const [what, sql] of [
    ['freshness, no `where`', alone(dialect, newest)],
    ['freshness with `where kind = 3`', alone(dialect, newestWhere)],
    ['the four checks, one statement', batchStatement(dialect, [newest, newestWhere, rows, rowsWhere])],
  ] as const) {
    progress(`database: ${engine}, ${TARGET_ROWS.toLocaleString('en-GB')} rows, ${what}…`);
    await run(sql);
    out.push([what, spread(await timed(3, () => run(sql))).median]);
  }
  return out;
}

/**
 * A table `events` of `size` rows (`id`, `kind` 0–9, `updated_at` one second apart) in a scratch
 * PostgreSQL database, dropped afterwards; `work` runs statements on it.
 */
async function onPostgres<T>(
  options: BenchOptions,
  size: number,
  work: (run: Run, engine: string) => Promise<T>,
): Promise<T> {
  const scratch = await scratchPostgres(options.postgres);
  const pg = new Client({ connectionString: scratch.url });
  try {
    await pg.connect();
    await pg.query('CREATE TABLE events (id int, kind int, updated_at timestamptz)');
    await pg.query(
      `INSERT INTO events SELECT g, g % 10, now() - g * interval '1 second' FROM generate_series(1, ${size}) g`,
    );
    await pg.query('VACUUM ANALYZE events');
    const version = (await pg.query('SHOW server_version')).rows[0].server_version as string;
    return await work((sql) => pg.query(sql), `PostgreSQL ${version.split(' ')[0]}`);
  } finally {
    await pg.end();
    await scratch.drop();
  }
}

/** The same table in a scratch MySQL or MariaDB database, dropped afterwards. */
async function onMysql<T>(
  options: BenchOptions,
  size: number,
  work: (run: Run, engine: string) => Promise<T>,
): Promise<T> {
  const name = scratchName('my');
  const admin = await createConnection(options.mysql);
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const my = await createConnection({ uri: options.mysql, database: name });
    try {
      const [[{ version }]] = (await my.query('SELECT version() AS version')) as unknown as [
        [{ version: string }],
      ];
      await my.query('CREATE TABLE events (id int, kind int, updated_at datetime) ENGINE=InnoDB');
      // Rows from a recursive sequence, in chunks (MySQL has no generate_series; MariaDB's
      // seq_1_to_N engine is not MySQL's): each chunk one INSERT … SELECT.
      await my.query('SET SESSION cte_max_recursion_depth = 100000').catch(() => undefined);
      await my.query('SET SESSION max_recursive_iterations = 100000').catch(() => undefined);
      for (let from = 0; from < size; from += 100_000) {
        await my.query(
          `INSERT INTO events WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < ${Math.min(100_000, size - from)}) ` +
            `SELECT g + ${from}, (g + ${from}) % 10, NOW() - INTERVAL (g + ${from}) SECOND FROM s`,
        );
      }
      await my.query('ANALYZE TABLE events');
      const engine = version.includes('MariaDB') ? `MariaDB ${version.split('-')[0]}` : `MySQL ${version}`;
      return await work((sql) => my.query(sql), engine);
    } finally {
      await my.end();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.end();
  }
}

/** Runs the section on both engines (an engine whose server does not answer is noted, not fatal). */
export async function benchDatabase(options: BenchOptions): Promise<string> {
  const size = options.rows;
  const rows: Array<Array<string | number>> = [];
  const target: Array<{ engine: string; what: string; ms: number }> = [];
  const notes: string[] = [];
  const engines = [
    ['postgres', 'PostgreSQL', onPostgres, options.postgres],
    ['mysql', 'MySQL/MariaDB', onMysql, options.mysql],
  ] as const;
  for (const [dialect, label, on, url] of engines) {
    progress(`database: ${label}, ${size.toLocaleString('en-GB')} rows…`);
    try {
      rows.push(...(await on(options, size, (run, engine) => measure(dialect, engine, run, options))));
      if (options.quick) continue;
      progress(`database: ${label}, ${TARGET_ROWS.toLocaleString('en-GB')} rows…`);
      const emitted = await on(options, TARGET_ROWS, async (run, engine) =>
        (await measureEmitted(dialect, engine, run)).map(([what, ms]) => ({ engine, what, ms })),
      );
      target.push(...emitted);
    } catch (error) {
      notes.push(`${label} at ${new URL(url).host} was not measured: ${(error as Error).message}`);
    }
  }

  const slowest = Math.max(0, ...target.map((t) => t.ms));
  if (!options.quick)
    judge(
      `Database: no statement Stalewatch emits over 45 s (${TARGET_ROWS.toLocaleString('en-GB')}-row table, no index)`,
      `slowest median ${(slowest / 1000).toFixed(2)} s`,
      target.length > 0 && slowest < 45_000,
    );
  const stamp = new Date().toISOString().slice(0, 10);
  return [
    `### Database cost (generated by \`tools/bench/database.ts\`, ${stamp})`,
    '',
    `One table of ${size.toLocaleString('en-GB')} rows (\`id\`, \`kind\` 0–9, \`updated_at\` one second apart), in a`,
    'scratch database. The statements are the ones Stalewatch builds from checks (`lib/core/sql.ts`),',
    "run on the engine's driver, one at a time: the database's time, without the Data API's. Min / median",
    `of ${options.runs} runs after a warm-up run.`,
    '',
    table(['engine', 'index on updated_at', 'statement', 'time (min / median)'], rows),
    ...(target.length > 0
      ? [
          '',
          `The 45 s target's table: ${TARGET_ROWS.toLocaleString('en-GB')} rows, no index, the statements as emitted;`,
          'median of 3 runs after a warm-up run.',
          '',
          table(
            ['engine', 'statement', 'time (median)'],
            target.map((t) => [t.engine, t.what, `${(t.ms / 1000).toFixed(2)} s`]),
          ),
        ]
      : []),
    ...(notes.length > 0 ? ['', ...notes.map((n) => `- ${n}`)] : []),
  ].join('\n');
}
