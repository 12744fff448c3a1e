import { connectorForUrl } from '../../lib/adapters/sql/connect';
import { observeSource } from '../../lib/app/observe';
import type { SourceConnector, SqlConnection } from '../../lib/app/ports';
import type { Check } from '../../lib/core/model/config';
import { batchStatement } from '../../lib/core/sql';
import { freshness, rowCount } from '../helpers/checks';
import { ENGINES, type ScratchDatabase } from '../helpers/databases';

/** The run's time: after every row below. */
const NOW = new Date('2026-11-23T10:00:00Z');

const TYPES = {
  postgres: { naive: 'timestamp(3)', zoned: 'timestamptz(3)', epoch: 'bigint' },
  mysql: { naive: 'DATETIME(3)', zoned: 'TIMESTAMP(3) NULL', epoch: 'BIGINT' },
} as const;

/** A connector that keeps the text of every statement it runs. */
function recording(connector: SourceConnector, statements: string[]): SourceConnector {
  return {
    ...connector,
    connect: async (signal): Promise<SqlConnection> => {
      const inner = await connector.connect(signal);
      return {
        dialect: inner.dialect,
        queryRow: (sql, s) => {
          statements.push(sql);
          return inner.queryRow(sql, s);
        },
        close: () => inner.close(),
      };
    },
  };
}

describe.each(ENGINES)('one read per table on %s', (_engine, open) => {
  let db: ScratchDatabase;
  let connector: SourceConnector;
  const table = (name: string) => `${db.namespace}.${name}`;
  const on = (name: string, id: string, c: Check): Check => ({ ...c, id, table: table(name) });
  /** Every kind of check on `placement`, with and without a where, and one on another table. */
  const checks = (): Check[] => [
    on('placement', 'p/all', rowCount({ failBelow: 1 })),
    on('placement', 'p/current', rowCount({ failBelow: 5, where: "status = 'CURRENT'" })),
    on('placement', 'p/none', rowCount({ failBelow: 1, where: "status = 'NONE'" })),
    on('placement', 'p/naive', freshness({ column: 'naive_at', warnAfter: '1h' })),
    on('placement', 'p/zoned', freshness({ column: 'zoned_at', warnAfter: '1h' })),
    on('placement', 'p/epoch', freshness({ column: 'epoch_at', warnAfter: '1h' })),
    on('placement', 'p/zoned-current', freshness({ column: 'zoned_at', where: "status = 'CURRENT'" })),
    on('placement', 'p/naive-none', freshness({ column: 'naive_at', where: "status = 'NONE'" })),
    on('trainee', 't/updated', freshness({ column: 'updated_at', warnAfter: '1h' })),
  ];

  beforeAll(async () => {
    db = await open();
    const t = TYPES[db.dialect];
    await db.exec(
      `CREATE TABLE ${table('placement')} (id int, status varchar(20), naive_at ${t.naive}, zoned_at ${t.zoned}, epoch_at ${t.epoch})`,
    );
    await db.exec(`CREATE TABLE ${table('trainee')} (id int, updated_at ${t.naive})`);
    await db.exec(`INSERT INTO ${table('placement')} VALUES
      (1, 'CURRENT', '2026-11-22 02:14:00.250', '2026-11-22 02:14:00.250', 1795400040),
      (2, 'CURRENT', '2026-11-21 09:00:00', '2026-11-21 09:00:00', 1795300000),
      (3, 'PAST',    '2026-11-23 08:00:00', '2026-11-23 08:00:00', 1795420800)`);
    await db.exec(`INSERT INTO ${table('trainee')} VALUES (1, '2026-11-23 09:30:00')`);
    connector = connectorForUrl('tis', db.embedded ?? db.url);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('gives every check the value it gets when it runs alone, in one statement that reads each table once', async () => {
    // Prepare
    const statements: string[] = [];
    const alone = new Map();
    for (const check of checks()) {
      const [observation] = (await observeSource(connector, [check], NOW)).values();
      alone.set(check.id, observation);
    }
    // Act
    const together = await observeSource(recording(connector, statements), checks(), NOW);
    // Assess
    expect(together).toEqual(alone);
    expect(together.get('p/current')).toEqual({ kind: 'rowCount', rowCount: 2 });
    expect(together.get('p/zoned')).toEqual({
      kind: 'freshness',
      lastUpdatedAt: new Date('2026-11-23T08:00:00.000Z'),
    });
    expect(together.get('p/naive-none')).toEqual({ kind: 'freshness', lastUpdatedAt: null });
    expect(statements).toHaveLength(1);
    const q = db.dialect === 'mysql' ? '`' : '"';
    const from = (name: string) => `FROM ${q}${db.namespace}${q}.${q}${name}${q}`;
    expect(statements[0]?.split(from('placement'))).toHaveLength(2);
    expect(statements[0]?.split(from('trainee'))).toHaveLength(2);
  });

  it('makes the database read the table once (its plan names the table once)', async () => {
    // Act
    const sql = batchStatement(db.dialect, checks());
    // Assess
    if (db.dialect === 'mysql') {
      const plan = await db.rows<{ table: string | null }>(`EXPLAIN ${sql}`);
      expect(plan.filter((row) => row.table === 'placement')).toHaveLength(1);
    } else {
      const [row] = await db.rows<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`);
      const text = JSON.stringify(row?.['QUERY PLAN']);
      expect(text.match(/"Relation Name":"placement"/g)).toHaveLength(1);
    }
  });

  it('tries a shared read again check by check when one column is missing, so only that check errors', async () => {
    // Prepare
    const broken = on('placement', 'p/missing', freshness({ column: 'no_such_column', warnAfter: '1h' }));
    // Act
    const observations = await observeSource(connector, [...checks(), broken], NOW);
    // Assess
    expect(observations.get('p/missing')).toMatchObject({ kind: 'error' });
    expect(observations.get('p/all')).toEqual({ kind: 'rowCount', rowCount: 3 });
    expect(observations.get('p/naive')).toMatchObject({ kind: 'freshness' });
  });
});

describe.each(ENGINES.filter(([name]) => !name.startsWith('PGlite')))(
  'a table slower than the statement timeout on %s',
  (_engine, open) => {
    let db: ScratchDatabase;

    beforeAll(async () => {
      db = await open();
      const ns = db.namespace;
      await db.exec(`CREATE TABLE ${ns}.placement (id int, updated_at ${TYPES[db.dialect].naive})`);
      await db.exec(`INSERT INTO ${ns}.placement VALUES (1, '2026-11-23 09:30:00')`);
      await db.exec(
        db.dialect === 'mysql'
          ? `CREATE VIEW ${ns}.slow AS SELECT NOW() AS updated_at FROM (SELECT SLEEP(5) AS s) AS w`
          : `CREATE VIEW ${ns}.slow AS SELECT now() AS updated_at FROM pg_sleep(5)`,
      );
    });

    afterAll(async () => {
      await db.drop();
    });

    it('errors only the slow table’s checks, with the timeout, and answers the rest', async () => {
      // Prepare
      const connector = connectorForUrl('tis', db.url, { statementTimeoutMs: 500 });
      const at = (name: string, id: string, c: Check): Check => ({
        ...c,
        id,
        table: `${db.namespace}.${name}`,
      });
      const checks = [
        at('placement', 'p/count', rowCount({ failBelow: 1 })),
        at('slow', 's/count', rowCount({ failBelow: 1 })),
        at('slow', 's/fresh', freshness({ column: 'updated_at', warnAfter: '1h' })),
        at('placement', 'p/fresh', freshness({ column: 'updated_at', warnAfter: '1h' })),
      ];
      // Act
      const observations = await observeSource(connector, checks, NOW);
      // Assess
      expect(observations.get('p/count')).toEqual({ kind: 'rowCount', rowCount: 1 });
      expect(observations.get('p/fresh')).toMatchObject({ kind: 'freshness' });
      expect(observations.get('s/count')).toMatchObject({ kind: 'error', message: /statementTimeout/ });
      expect(observations.get('s/fresh')).toMatchObject({ kind: 'error', message: /statementTimeout/ });
    });
  },
);
