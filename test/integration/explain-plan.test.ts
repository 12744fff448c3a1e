import { stalewatchAsync } from '../helpers/cli';
import {
  MYSQL_URL,
  mysqlScratch,
  POSTGRES_URL,
  postgresScratch,
  type ScratchDatabase,
} from '../helpers/databases';
import { CURRENT_PLACEMENTS_CHECK, placementsOver, SETTINGS, writeTree } from '../helpers/tree';

/** Enough rows that the database's estimate counts the table as large (`LARGE_TABLE_ROWS`). */
const ROWS = 150_000;

const SERVERS: Array<[string, () => Promise<ScratchDatabase>]> = [
  ...(POSTGRES_URL
    ? [
        ['PostgreSQL', () => postgresScratch(POSTGRES_URL as string)] as [
          string,
          () => Promise<ScratchDatabase>,
        ],
      ]
    : []),
  ...(MYSQL_URL
    ? [['MariaDB', () => mysqlScratch(MYSQL_URL as string)] as [string, () => Promise<ScratchDatabase>]]
    : []),
];

describe.each(SERVERS)('stalewatch explain --source on %s', (_name, open) => {
  let db: ScratchDatabase;
  let checks: string;

  beforeAll(async () => {
    db = await open();
    const ns = db.namespace;
    const mysql = db.dialect === 'mysql';
    await db.exec(
      `CREATE TABLE ${ns}.placement (id int, status varchar(20), last_modified ${mysql ? 'DATETIME' : 'timestamp'})`,
    );
    await db.exec(
      mysql
        ? // MariaDB stops a recursive CTE at 1,000 rounds: 1,000 × ROWS/1,000.
          `INSERT INTO ${ns}.placement WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) SELECT a.i * 1000 + b.i, 'CURRENT', '2026-11-22 00:00:00' FROM n AS a, n AS b WHERE a.i <= ${ROWS / 1000}`
        : `INSERT INTO ${ns}.placement SELECT i, 'CURRENT', '2026-11-22 00:00:00' FROM generate_series(1, ${ROWS}) AS i`,
    );
    await db.exec(mysql ? `ANALYZE TABLE ${ns}.placement` : `ANALYZE ${ns}.placement`);
    checks = writeTree({
      'stalewatch.yml': SETTINGS.replace('engine: postgres', `engine: ${db.dialect}`),
      'placements.yml': placementsOver(ns, CURRENT_PLACEMENTS_CHECK),
    });
  }, 120_000);

  afterAll(async () => {
    await db.drop();
  });

  const explain = () =>
    stalewatchAsync(['explain', 'placements', '--checks', checks, '--source', `tis=${db.url}`]);

  it('shows the database’s plan and warns that the freshness column has no index on a large table', async () => {
    // Act
    const { code, stdout } = await explain();
    // Assess
    expect(code).toBe(0);
    expect(stdout).toContain("-- The database's plan:");
    expect(stdout).toMatch(db.dialect === 'mysql' ? /ALL placement/ : /Seq Scan on placement/);
    expect(stdout).toMatch(
      /Warning: .*placement has about [\d,]+ rows and no index starts with last_modified/,
    );
    expect(stdout).toMatch(/Together, the checks above on source tis read each table once/);
  });

  it('stops warning once the column has an index, and the plan uses it', async () => {
    // Prepare
    await db.exec(`CREATE INDEX placement_last_modified ON ${db.namespace}.placement (last_modified)`);
    // Act
    const { code, stdout } = await explain();
    // Assess
    expect(code).toBe(0);
    expect(stdout).toContain('placement_last_modified');
    expect(stdout).not.toMatch(/Warning: .*last_modified/);
  });
});
