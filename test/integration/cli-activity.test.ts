import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stalewatch } from '../helpers/cli';
import {
  MYSQL_URL,
  mysqlScratch,
  POSTGRES_URL,
  postgresScratch,
  type ScratchDatabase,
} from '../helpers/databases';
import { SETTINGS, writeTree } from '../helpers/tree';

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
    ? [
        ['MySQL (MariaDB)', () => mysqlScratch(MYSQL_URL as string)] as [
          string,
          () => Promise<ScratchDatabase>,
        ],
      ]
    : []),
];

/** A dataset over a table with no timestamp column, watched by activity. */
const gradesOver = (namespace: string) => `dataset: grades
title: Training grades
source: tis
table: ${namespace}.grade
owner: placements-lead
impact: New trainees cannot be given a grade.
action: Ask the platform team whether the grades import ran.
checks:
  - activity: {warnAfter: 26h, failAfter: 50h}
`;

describe.each(SERVERS)('stalewatch run --state on %s', (_engine, open) => {
  let db: ScratchDatabase;

  beforeAll(async () => {
    db = await open();
    await db.exec(`CREATE TABLE ${db.namespace}.grade (code varchar(8) PRIMARY KEY, label varchar(40))`);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('reports "has not changed since …" on a table with no timestamp column after two runs with state', () => {
    // Prepare
    const settings =
      db.dialect === 'mysql' ? SETTINGS.replace('engine: postgres', 'engine: mysql') : SETTINGS;
    const dir = writeTree({ 'stalewatch.yml': settings, 'grades.yml': gradesOver(db.namespace) });
    const state = join(dir, '..', 'state', 'stalewatch-state.json');
    const run = (now: string) =>
      stalewatch(['run', '--checks', dir, '--source', `tis=${db.url}`, '--state', state, '--now', now]);
    // Act
    const first = run('2026-11-23T10:00');
    const second = run('2026-11-25T16:00');
    // Assess
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /ok {6}Training grades · activity\n\s+Training grades: watching for changes since Monday 23 November 10:00/,
    );
    expect(existsSync(state)).toBe(true);
    expect(second.code).toBe(1);
    expect(second.stdout).toMatch(
      /FAIL {4}Training grades · activity\n\s+stale since Tuesday 24 November 12:00 .*\n\s+Training grades has not changed since Monday 23 November 10:00 \(2 days ago\), when Stalewatch began watching it: a change was expected within 50 hours/,
    );
    expect(JSON.parse(readFileSync(state, 'utf8')).checks['grades/activity']).toMatchObject({
      status: 'fail',
    });
  });

  it('says, without --state, how to keep what activity checks saw', () => {
    // Prepare
    const settings =
      db.dialect === 'mysql' ? SETTINGS.replace('engine: postgres', 'engine: mysql') : SETTINGS;
    const dir = writeTree({ 'stalewatch.yml': settings, 'grades.yml': gradesOver(db.namespace) });
    // Act
    const { code, stderr } = stalewatch(['run', '--checks', dir, '--source', `tis=${db.url}`]);
    // Assess
    expect(code).toBe(0);
    expect(stderr).toMatch(/keep what they saw with --state FILE/);
  });
});

describe('stalewatch run --state', () => {
  it('refuses a file that is not a state file, with exit 2 and what to do', () => {
    // Prepare
    const dir = writeTree({
      'stalewatch.yml': SETTINGS,
      'grades.yml': gradesOver('public'),
      'not-state.json': '{"a":1}',
    });
    // Act
    const { code, stderr } = stalewatch([
      'run',
      '--checks',
      dir,
      '--source',
      'tis=pglite:',
      '--state',
      join(dir, 'not-state.json'),
    ]);
    // Assess
    expect(code).toBe(2);
    expect(stderr).toMatch(/is not a state file Stalewatch wrote .* delete this one to start afresh/);
  });
});
