import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stalewatch, stalewatchAsync } from '../helpers/cli';
import {
  MYSQL_URL,
  mysqlScratch,
  POSTGRES_URL,
  postgresScratch,
  type ScratchDatabase,
} from '../helpers/databases';
import { CURRENT_PLACEMENTS_CHECK, placementsOver, SETTINGS, writeTree } from '../helpers/tree';

const NOW = ['--now', '2026-11-23T10:00:00Z'];
const tree = writeTree({
  'stalewatch.yml': SETTINGS,
  'placements.yml': placementsOver('public', CURRENT_PLACEMENTS_CHECK),
});

describe('on call: stalewatch run when a source cannot be reached', () => {
  it('says ERROR once for the source, then lists its checks', async () => {
    // Act
    const { code, stdout } = await stalewatchAsync([
      'run',
      '--checks',
      tree,
      ...NOW,
      '--source',
      'tis=postgres://nobody@127.0.0.1:1/tis',
    ]);
    // Assess
    expect(code).toBe(1);
    expect(stdout.match(/ERROR/g)).toHaveLength(1);
    expect(stdout).toMatch(/ERROR {3}Source "tis" could not be reached: .*ECONNREFUSED/);
    expect(stdout).toContain('its 2 checks could not run:');
    expect(stdout).toContain('Trainee placements · updated recently (placements/updated-recently)');
    expect(stdout).toContain('Trainee placements · current placements (placements/current-placements)');
  });
});

describe('on call: a --source of another engine than the source’s', () => {
  it('is refused with exit 2, naming the source and its engine, never the URL', () => {
    const { code, stdout, stderr } = stalewatch([
      'run',
      '--checks',
      tree,
      '--source',
      'tis=mysql://shop:hunter2secret@127.0.0.1:3306/shop',
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      'Source "tis" is engine: postgres in checks/stalewatch.yml, but its override is a mysql database',
    );
    expect(stderr).not.toContain('hunter2secret');
  });
});

describe('on call: the small things', () => {
  it('--version prints the version, exit 0', () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
    expect(stalewatch(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('preview without --out says to give it a folder, exit 2', () => {
    const { code, stderr } = stalewatch(['preview', '--checks', tree]);
    expect(code).toBe(2);
    expect(stderr).toContain('give it a folder, e.g. stalewatch preview --out preview/');
  });

  it('preview --format json is refused, pointing at run --format json, exit 2', () => {
    const { code, stderr } = stalewatch([
      'preview',
      '--checks',
      tree,
      '--out',
      writeTree({}),
      '--format',
      'json',
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('stalewatch run --format json');
  });
});

const servers: Array<[string, string | undefined, (url: string) => Promise<ScratchDatabase>]> = [
  ['PostgreSQL', POSTGRES_URL, postgresScratch],
  ['MySQL (MariaDB)', MYSQL_URL, mysqlScratch],
];

describe.each(servers.filter(([, url]) => url))(
  'on call: a column that does not exist, on %s',
  (_name, url, scratch) => {
    it('is an error that lists the columns the table has, and suggests the closest', async () => {
      // Prepare: the table has updated_at; the check says Updated_At (PostgreSQL: case matters) or updatedAt.
      const db = await scratch(url as string);
      await db.exec(
        `CREATE TABLE ${db.namespace}.placement (id int, status text, updated_at timestamp NULL)`,
      );
      const wrong = db.dialect === 'mysql' ? 'updatedAt' : 'Updated_At';
      const checks = writeTree({
        'stalewatch.yml': SETTINGS.replace('engine: postgres', `engine: ${db.dialect}`),
        'placements.yml': placementsOver(db.namespace).replace('column: last_modified', `column: ${wrong}`),
      });
      const target =
        db.dialect === 'mysql' ? `${url}`.replace(/\/[^/]*$/, `/${db.namespace}`) : (url as string);
      // Act
      const { code, stdout } = await stalewatchAsync([
        'run',
        '--checks',
        checks,
        ...NOW,
        '--source',
        `tis=${target}`,
        '--format',
        'json',
      ]);
      await db.drop();
      // Assess
      expect(code).toBe(1);
      const [result] = JSON.parse(stdout).results;
      expect(result.status).toBe('error');
      expect(result.error).toContain(
        `column "${wrong}" is not in ${db.namespace}.placement, which has id, status, updated_at — did you mean "updated_at"?`,
      );
    });
  },
);
