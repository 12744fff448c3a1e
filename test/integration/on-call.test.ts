import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDynamo } from '../helpers/aws';
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

  it('README’s command table lists every command the CLI has', () => {
    const help = stalewatch(['--help']).stdout;
    const commands = [...help.slice(help.indexOf('Commands:')).matchAll(/^ {2}([a-z]+) /gm)]
      .map((m) => m[1] as string)
      .filter((c) => c !== 'help');
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## The command line'));
    expect(commands.length).toBeGreaterThan(5);
    for (const command of commands) expect(table).toContain(`| \`npx stalewatch ${command}`);
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

const available = servers.filter(([, url]) => url);
(available.length > 0
  ? describe.each(available)
  : describe.skip.each([servers[0] as (typeof servers)[number]]))(
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

describe('on call: stalewatch snooze against the deployed state table', () => {
  it('snoozes a dataset, lists it, clears it, and says how to write each form when none is given', async () => {
    // Prepare: a state table on a local DynamoDB, as the stage's stack has.
    const dynamo = await startDynamo();
    await dynamo.createTable('stalewatch-prod-state');
    const env = {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: 'eu-west-2',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    };
    const snooze = (...args: string[]) =>
      stalewatchAsync(['snooze', ...args, '--stage', 'prod', '--checks', tree], env);
    // Act
    const set = await snooze('placements', '--until', '2999-01-01T09:00');
    const listed = await snooze('--list');
    const cleared = await snooze('placements', '--clear');
    const after = await snooze('--list');
    const neither = await snooze('placements');
    await dynamo.stop();
    // Assess
    expect(set).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('No alerts about Trainee placements until'),
    });
    expect(listed.stdout).toMatch(
      /^placements: no alerts about Trainee placements until .*1 January 2999.*\(stalewatch snooze\)\n$/,
    );
    expect(cleared).toMatchObject({
      code: 0,
      stdout: 'Alerts about Trainee placements are back on (table stalewatch-prod-state).\n',
    });
    expect(after.stdout).toBe('No dataset is snoozed (table stalewatch-prod-state).\n');
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain(
      'stalewatch snooze ID --until TIME, stalewatch snooze --list, or stalewatch snooze ID --clear',
    );
  });

  it("without a region, says to pass --region (no stack), and --region reaches the stack's table", async () => {
    // Prepare: a state table on a local DynamoDB; no AWS_REGION in the environment.
    const dynamo = await startDynamo();
    await dynamo.createTable('stalewatch-prod-state');
    const env = {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_CONFIG_FILE: '/nonexistent',
    };
    const snooze = (...args: string[]) =>
      stalewatchAsync(
        ['snooze', 'placements', '--until', '2999-01-01T09:00', '--stage', 'prod', '--checks', tree, ...args],
        env,
      );
    // Act
    const withoutRegion = await snooze();
    const withRegion = await snooze('--region', 'eu-west-2');
    await dynamo.stop();
    // Assess
    expect(withoutRegion.code).toBe(2);
    expect(withoutRegion.stderr).toContain('pass --region');
    expect(withoutRegion.stderr).not.toMatch(/\n\s+at /);
    expect(withRegion).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('No alerts about Trainee placements until'),
    });
  });
});
