import { connectorForUrl } from '../../lib/adapters/sql/connect';
import { observeSource } from '../../lib/app/observe';
import type { SourceConnector, SqlConnection } from '../../lib/app/ports';
import type { Check } from '../../lib/core/model/config';
import { freshness, rowCount } from '../helpers/checks';
import { ENGINES, type ScratchDatabase } from '../helpers/databases';

/** The run's time: after every row below. */
const NOW = new Date('2026-11-23T10:00:00Z');

/** Column types per dialect for the same meaning. */
const TYPES = {
  postgres: { naive: 'timestamp(3)', zoned: 'timestamptz(3)', epoch: 'bigint' },
  mysql: { naive: 'DATETIME(3)', zoned: 'TIMESTAMP(3) NULL', epoch: 'BIGINT' },
} as const;

describe.each(ENGINES)('sources on %s', (_engine, open) => {
  let db: ScratchDatabase;
  let connector: SourceConnector;
  const table = (name: string) => `${db.namespace}.${name}`;
  const check = (id: string, c: Check): Check => ({ ...c, id, table: c.table.replace('NS', db.namespace) });

  beforeAll(async () => {
    db = await open();
    const t = TYPES[db.dialect];
    // Prepare: one table with every kind of timestamp column; an empty one; statuses to filter on.
    await db.exec(
      `CREATE TABLE ${table('placement')} (id int, status varchar(20), naive_at ${t.naive}, zoned_at ${t.zoned}, epoch_at ${t.epoch})`,
    );
    await db.exec(`CREATE TABLE ${table('empty_table')} (id int, updated_at ${t.naive})`);
    await db.exec(`INSERT INTO ${table('placement')} VALUES
      (1, 'CURRENT', '2026-11-22 02:14:00.250', '2026-11-22 02:14:00.250', 1795400040),
      (2, 'CURRENT', '2026-11-21 09:00:00', '2026-11-21 09:00:00', 1795300000),
      (3, 'PAST',    '2026-11-23 08:00:00', '2026-11-23 08:00:00', 1795420800)`);
    connector = connectorForUrl('tis', db.embedded ?? db.url);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('reads the newest timestamp of every column type as the same UTC instant', async () => {
    // Prepare
    const checks = ['naive_at', 'zoned_at', 'epoch_at']
      .map((column) =>
        check(`placements/${column}`, freshness({ column, warnAfter: '1h', where: "status = 'CURRENT'" })),
      )
      .map((c) => ({ ...c, table: table('placement') }));
    // Act
    const observations = await observeSource(connector, checks, NOW);
    // Assess
    expect(observations.get('placements/naive_at')).toEqual({
      kind: 'freshness',
      lastUpdatedAt: new Date('2026-11-22T02:14:00.250Z'),
    });
    expect(observations.get('placements/zoned_at')).toEqual({
      kind: 'freshness',
      lastUpdatedAt: new Date('2026-11-22T02:14:00.250Z'),
    });
    expect(observations.get('placements/epoch_at')).toEqual({
      kind: 'freshness',
      lastUpdatedAt: new Date(1795400040 * 1000),
    });
  });

  it('reads a timestamp without time zone in the check’s columnTimezone', async () => {
    const naive = {
      ...freshness({ column: 'naive_at', warnAfter: '1h', columnTimezone: 'Europe/London' }),
      table: table('placement'),
    };
    const observations = await observeSource(connector, [naive], NOW);
    // 2026-11-23 08:00 in London (GMT in November) is 08:00Z; the same reading in summer would differ.
    expect(observations.get(naive.id)).toEqual({
      kind: 'freshness',
      lastUpdatedAt: new Date('2026-11-23T08:00:00.000Z'),
    });
  });

  it('counts rows, with and without a where', async () => {
    const all = { ...rowCount({ failBelow: 1 }), id: 'placements/all', table: table('placement') };
    const current = {
      ...rowCount({ failBelow: 1, where: "status = 'CURRENT'" }),
      id: 'placements/current',
      table: table('placement'),
    };
    const observations = await observeSource(connector, [all, current], NOW);
    expect(observations.get('placements/all')).toEqual({ kind: 'rowCount', rowCount: 3 });
    expect(observations.get('placements/current')).toEqual({ kind: 'rowCount', rowCount: 2 });
  });

  it('sees no data in an empty table (or no row matching where)', async () => {
    const empty = {
      ...freshness({ column: 'updated_at', warnAfter: '1h' }),
      id: 'x/empty',
      table: table('empty_table'),
    };
    const none = {
      ...freshness({ column: 'naive_at', warnAfter: '1h', where: "status = 'NONE'" }),
      id: 'x/none',
      table: table('placement'),
    };
    const observations = await observeSource(connector, [empty, none], NOW);
    expect(observations.get('x/empty')).toEqual({ kind: 'freshness', lastUpdatedAt: null });
    expect(observations.get('x/none')).toEqual({ kind: 'freshness', lastUpdatedAt: null });
  });

  it('gives only the broken checks an error, with the database’s code and words, and every other check its value', async () => {
    // Prepare: 6 checks, of which a missing table and a missing column.
    const good = (i: number) => ({ ...rowCount({ failBelow: 1 }), id: `ok/${i}`, table: table('placement') });
    const missingTable = { ...rowCount({ failBelow: 1 }), id: 'bad/table', table: table('no_such_table') };
    const missingColumn = {
      ...freshness({ column: 'no_such_column', warnAfter: '1h' }),
      id: 'bad/column',
      table: table('placement'),
    };
    const checks = [good(1), missingTable, good(2), good(3), missingColumn, good(4)];
    // Act
    const observations = await observeSource(connector, checks, NOW);
    // Assess
    for (const i of [1, 2, 3, 4])
      expect(observations.get(`ok/${i}`)).toEqual({ kind: 'rowCount', rowCount: 3 });
    const table404 = observations.get('bad/table');
    const column404 = observations.get('bad/column');
    // The names are quoted in the database's words, so they go with every other quoted value; the
    // check's SQL says which table and column they were.
    expect(table404?.kind === 'error' && table404.message).toMatch(
      db.dialect === 'mysql'
        ? /^database error 1146: Table '…' doesn't exist$/
        : /^database error 42P01: relation '…' does not exist$/,
    );
    expect(table404?.kind === 'error' && table404.sql).toContain('no_such_table');
    expect(column404?.kind === 'error' && column404.message).toMatch(
      db.dialect === 'mysql'
        ? /^database error 1054: Unknown column '…'/
        : /^database error 42703: column '…' does not exist$/,
    );
    expect(column404?.kind === 'error' && column404.sql).toContain('no_such_column');
  });

  it('sends one statement for all the checks of a source when none is broken', async () => {
    // Prepare: count the statements the connection runs.
    let statements = 0;
    const counting: SourceConnector = {
      ...connector,
      connect: async (): Promise<SqlConnection> => {
        const inner = await connector.connect();
        return {
          ...inner,
          dialect: inner.dialect,
          queryRow: (sql) => {
            statements++;
            return inner.queryRow(sql);
          },
          close: () => inner.close(),
        };
      },
    };
    const checks = Array.from({ length: 20 }, (_, i) => ({
      ...rowCount({ failBelow: 1 }),
      id: `c/${i}`,
      table: table('placement'),
    }));
    // Act
    const observations = await observeSource(counting, checks, NOW);
    // Assess
    expect(observations.size).toBe(20);
    expect(statements).toBe(1);
  });

  it('quotes identifiers, so a reserved word works as a column name', async () => {
    await db.exec(
      `CREATE TABLE ${table('orders')} (id int, ${db.dialect === 'mysql' ? '`order`' : '"order"'} ${TYPES[db.dialect].naive})`,
    );
    await db.exec(`INSERT INTO ${table('orders')} VALUES (1, '2026-11-20 10:00:00')`);
    const c = { ...freshness({ column: 'order', warnAfter: '1h' }), table: table('orders') };
    const observations = await observeSource(connector, [c], NOW);
    expect(observations.get(c.id)).toEqual({
      kind: 'freshness',
      lastUpdatedAt: new Date('2026-11-20T10:00:00Z'),
    });
  });
});

describe('a source that cannot be reached', () => {
  it.each([
    ['postgres', 'postgres://nobody@127.0.0.1:1/none'],
    ['mysql', 'mysql://nobody@127.0.0.1:1/none'],
  ])('gives every %s check an error naming the source', async (_dialect, url) => {
    const checks = [rowCount({ failBelow: 1 }), freshness({ warnAfter: '1h' })];
    const observations = await observeSource(connectorForUrl('tis', url), checks, NOW);
    for (const c of checks) {
      const o = observations.get(c.id);
      expect(o?.kind).toBe('error');
      expect(o?.kind === 'error' && o.message).toMatch(/^Source "tis" could not be reached: .*ECONNREFUSED/);
    }
  });
});
