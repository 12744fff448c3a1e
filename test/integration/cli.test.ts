import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricAlarmEvent } from '../helpers/alarm-events';
import { stalewatch } from '../helpers/cli';
import { POSTGRES_URL, pgliteFolder, postgresScratch, type ScratchDatabase } from '../helpers/databases';
import { CURRENT_PLACEMENTS_CHECK, PLACEMENTS, placementsOver, SETTINGS, writeTree } from '../helpers/tree';

const SHIPPED = join(__dirname, '..', '..', 'checks');

/** A checks tree over `<namespace>.placement`, with an age check and a count check. */
function checksOver(namespace: string) {
  return writeTree({
    'stalewatch.yml': SETTINGS,
    'placements.yml': placementsOver(namespace, CURRENT_PLACEMENTS_CHECK),
  });
}

const PLACEMENT_DDL = (ns: string) => `
  CREATE TABLE ${ns}.placement (id int, status text, last_modified timestamp);
  INSERT INTO ${ns}.placement VALUES (1, 'CURRENT', '2026-11-22 02:14:00'), (2, 'CURRENT', '2026-11-21 01:00:00');`;

describe('stalewatch validate', () => {
  it('accepts the shipped checks/ with exit 0', () => {
    const { code, stdout } = stalewatch(['validate', '--checks', SHIPPED]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/is valid: 6 datasets, 9 checks/);
  });

  it('refuses a broken file with exit 2, naming file, line and field on stderr', () => {
    const dir = writeTree({
      'stalewatch.yml': SETTINGS,
      'placements.yml': PLACEMENTS.replace('26h', '26 hours'),
    });
    const { code, stderr } = stalewatch(['validate', '--checks', dir]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      `${dir}/placements.yml:12:18 checks[0].freshness.warnAfter: "26 hours" is not a duration`,
    );
  });
});

describe("stalewatch validate reads each where with its source engine's SQL parser", () => {
  /** Settings with the PostgreSQL source `tis` and a MySQL source `shop`. */
  const TWO_ENGINES = SETTINGS.replace(
    'contacts:',
    [
      '  shop:',
      '    engine: mysql',
      '    resourceArn: arn:aws:rds:eu-west-2:123456789012:cluster:shop',
      '    secretArn: arn:aws:secretsmanager:eu-west-2:123456789012:secret:shop',
      '    database: shop',
      'contacts:',
    ].join('\n'),
  );
  /** A dataset `id` on `source` with one row-count check per `where`. */
  const datasetOn = (id: string, source: string, ...wheres: string[]) =>
    PLACEMENTS.replace('dataset: placements', `dataset: ${id}`)
      .replace('source: tis', `source: ${source}`)
      .replace(/checks:\n[\s\S]*$/, () =>
        [
          'checks:\n',
          ...wheres.map(
            (w, i) =>
              `  - name: count ${i}\n    rowCount:\n      where: ${JSON.stringify(w)}\n      failBelow: 1\n`,
          ),
        ].join(''),
      );

  it('refuses writes, sleeps, leaks, comments and subqueries in one pass, naming file, line and function', () => {
    // Prepare
    const dir = writeTree({
      'stalewatch.yml': TWO_ENGINES,
      'pg.yml': datasetOn(
        'pg',
        'tis',
        "nextval('placement_id_seq') > 0",
        'CAST((SELECT api_key FROM secrets LIMIT 1) AS int) > 0',
        "region = '${env:STALEWATCH_TEST_REGION}'",
      ),
      'shop.yml': datasetOn(
        'shop',
        'shop',
        'extractvalue(1, concat(0x7e, api_key)) = 1',
        'id = 1 /*! OR sleep(5) */',
      ),
    });
    // Act
    const { code, stderr } = stalewatch(['validate', '--checks', dir]);
    // Assess
    expect(code).toBe(2);
    expect(stderr).toContain(
      `${dir}/pg.yml:11:14 checks[0].rowCount.where: calls nextval(), which is not on the list`,
    );
    expect(stderr).toContain(`${dir}/pg.yml:15:14 checks[1].rowCount.where: has a subquery (SELECT …) — `);
    expect(stderr).toContain(
      `${dir}/pg.yml:19:14 checks[2].rowCount.where: \${env:STALEWATCH_TEST_REGION} is not set, so the where would run with`,
    );
    expect(stderr).toContain(
      `${dir}/shop.yml:11:14 checks[0].rowCount.where: calls extractvalue(), which is not on`,
    );
    expect(stderr).toContain(
      `${dir}/shop.yml:15:14 checks[1].rowCount.where: has a comment (/*! */, which MySQL runs)`,
    );
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("accepts '--' inside a string on both engines and #>> on PostgreSQL", () => {
    // Prepare
    const dir = writeTree({
      'stalewatch.yml': TWO_ENGINES,
      'pg.yml': datasetOn('pg', 'tis', "note <> '--' AND data #>> '{programme,name}' = 'Surgery'"),
      'shop.yml': datasetOn('shop', 'shop', "note <> '--' AND code <> '#' AND data->>'$.kind' = 'a'"),
    });
    // Act
    const { code, stdout, stderr } = stalewatch(['validate', '--checks', dir]);
    // Assess
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toMatch(/is valid: 2 datasets, 2 checks/);
  });

  it('answers a 900 KB where, a 20 MB one and 490 nested parentheses with a message, not a stack trace', () => {
    // Prepare
    const dir = writeTree({
      'stalewatch.yml': TWO_ENGINES,
      'pg.yml': datasetOn('pg', 'tis', `id IN (${'1,'.repeat(450_000)}1)`),
      'huge.yml': datasetOn('huge', 'tis', `id IN (${'1,'.repeat(10_000_000)}1)`),
      'shop.yml': datasetOn('shop', 'shop', `${'('.repeat(490)}id = 1${')'.repeat(490)}`),
    });
    // Act
    const { code, stderr } = stalewatch(['validate', '--checks', dir]);
    // Assess: the 20 MB file is refused before it is parsed (a checks file is at most 1 MB)
    expect(code).toBe(2);
    expect(stderr).toContain(
      `${dir}/pg.yml:11:14 checks[0].rowCount.where: is 900,009 characters long: at most 1,000 fit`,
    );
    expect(stderr).toContain(`${dir}/huge.yml:1:1 is 19.1 MB; a checks file is at most 1 MB`);
    expect(stderr).toContain(
      `${dir}/shop.yml:11:14 checks[0].rowCount.where: nests more than 32 levels deep`,
    );
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('stalewatch run on an embedded database kept in a folder (pglite:<folder>)', () => {
  let folder: string;
  let checks: string;

  beforeAll(async () => {
    folder = await pgliteFolder(PLACEMENT_DDL('public'));
    checks = checksOver('public');
  });

  it("prints SPEC.md's JSON shape with the verdicts, and exits 1 when a check fails", () => {
    // Act
    const { code, stdout } = stalewatch([
      'run',
      '--checks',
      checks,
      '--source',
      `tis=pglite:${folder}`,
      '--now',
      '2026-11-23T10:00:00.000Z',
      '--format',
      'json',
    ]);
    // Assess
    const json = JSON.parse(stdout);
    expect(json.now).toBe('2026-11-23T10:00:00.000Z');
    expect(json.runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(json.results).toEqual([
      expect.objectContaining({
        id: 'placements/updated-recently',
        dataset: 'placements',
        title: 'Trainee placements',
        kind: 'freshness',
        status: 'warn',
        owners: ['placements-lead'],
        lastUpdatedAt: '2026-11-22T02:14:00.000Z',
        staleSince: '2026-11-23T04:14:00.000Z',
        observed: { ageSeconds: 114360 },
        error: null,
      }),
      expect.objectContaining({
        id: 'placements/current-placements',
        kind: 'rowCount',
        status: 'fail',
        observed: { rowCount: 2, previousRowCount: null },
      }),
    ]);
    expect(json.results[0].message).toMatch(
      /^Trainee placements \(updated recently\) data is 31 hours out of date/,
    );
    expect(code).toBe(1);
  });

  it('exits 0 when everything passes or warns, and prints a report for people', () => {
    const { code, stdout } = stalewatch([
      'run',
      '--checks',
      checks,
      '--source',
      `tis=pglite:${folder}`,
      '--now',
      '2026-11-23T10:00',
      '--only',
      'placements/updated-recently',
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('Placements data lead (placements-lead)');
    expect(stdout).toContain('stale since Monday 23 November 04:14 (5 hours ago)');
  });

  it('takes --only repeated as well as comma-separated', () => {
    const ids = (only: string[]) =>
      JSON.parse(
        stalewatch([
          'run',
          '--checks',
          checks,
          '--source',
          `tis=pglite:${folder}`,
          '--format',
          'json',
          ...only,
        ]).stdout,
      ).results.map((r: { id: string }) => r.id);
    const both = ['placements/updated-recently', 'placements/current-placements'];
    expect(ids(['--only', 'placements/updated-recently', '--only', 'placements/current-placements'])).toEqual(
      both,
    );
    expect(ids(['--only', 'placements/updated-recently,placements/current-placements'])).toEqual(both);
  });

  it('takes the connection from STALEWATCH_SOURCE_<NAME> too', () => {
    const { code, stdout } = stalewatch(
      [
        'run',
        '--checks',
        checks,
        '--now',
        '2026-11-23T10:00:00Z',
        '--format',
        'json',
        '--only',
        'placements',
      ],
      { STALEWATCH_SOURCE_TIS: `pglite:${folder}` },
    );
    expect(JSON.parse(stdout).results.map((r: { status: string }) => r.status)).toEqual(['warn', 'fail']);
    expect(code).toBe(1);
  });
});

describe('stalewatch preview', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await pgliteFolder(PLACEMENT_DDL('public'));
  });

  it('writes, per contact that would hear something, its Slack messages and (with an address) its email', () => {
    // Prepare: the placements lead has an email address.
    const checks = writeTree({
      'stalewatch.yml': SETTINGS.replace(
        'audience: data-lead',
        'audience: data-lead\n    email: p@example.org',
      ),
      'placements.yml': PLACEMENTS,
    });
    const out = join(writeTree({}), 'preview');
    // Act
    const { code, stdout } = stalewatch([
      'preview',
      '--checks',
      checks,
      '--source',
      `tis=pglite:${folder}`,
      '--now',
      '2026-11-23T10:00:00Z',
      '--out',
      out,
    ]);
    // Assess
    expect(stdout).toContain(`${out}/placements-lead.slack.json`);
    const slack = JSON.parse(readFileSync(join(out, 'placements-lead.slack.json'), 'utf8'));
    expect(slack).toEqual([
      { text: 'Stale: Trainee placements data is 31 hours out of date', blocks: expect.any(Array) },
    ]);
    expect(readFileSync(join(out, 'placements-lead.email.txt'), 'utf8')).toContain(
      'Stale since: Monday 23 November 04:14 (5 hours ago)',
    );
    const text = readFileSync(join(out, 'placements-lead.email.txt'), 'utf8');
    const html = readFileSync(join(out, 'placements-lead.email.html'), 'utf8');
    expect(text.split('\n')[0]).toBe('Subject: Stale: Trainee placements data is 31 hours out of date');
    expect(html).toContain('<title>Stale: Trainee placements data is 31 hours out of date</title>');
    expect(html).toContain('<html lang="en-GB"');
    expect(existsSync(join(out, 'platform.slack.json'))).toBe(false);
    expect(code).toBe(0);
  });

  it('writes an Adaptive Card file for a contact with Teams, mentioning nobody there', () => {
    // Prepare: the placements lead is on Teams too, and named by Slack member id.
    const checks = writeTree({
      'stalewatch.yml': SETTINGS.replace(
        'audience: data-lead',
        'audience: data-lead\n    slackUser: U012AB3CD\n    teams: ${ssm:/stalewatch/teams/placements}',
      ),
      'placements.yml': PLACEMENTS,
    });
    const out = join(writeTree({}), 'preview');
    // Act
    const { code, stdout } = stalewatch([
      'preview',
      '--checks',
      checks,
      '--source',
      `tis=pglite:${folder}`,
      '--now',
      '2026-11-23T10:00:00Z',
      '--out',
      out,
    ]);
    // Assess
    expect(stdout).toContain(`${out}/placements-lead.teams.json`);
    const teams = JSON.parse(readFileSync(join(out, 'placements-lead.teams.json'), 'utf8'));
    expect(teams).toEqual([
      {
        type: 'message',
        attachments: [
          expect.objectContaining({
            contentType: 'application/vnd.microsoft.card.adaptive',
            content: expect.objectContaining({ type: 'AdaptiveCard', version: '1.4' }),
          }),
        ],
      },
    ]);
    expect(JSON.stringify(teams)).not.toContain('U012AB3CD');
    const slack = JSON.parse(readFileSync(join(out, 'placements-lead.slack.json'), 'utf8'));
    expect(slack[0].text).toMatch(/^<@U012AB3CD> Stale: /);
    expect(existsSync(join(out, 'platform.teams.json'))).toBe(false);
    expect(code).toBe(0);
  });

  it('escapes Slack markup in the notification text as in the blocks: a title cannot ping the channel', () => {
    // Prepare: a dataset title with a channel mention, ampersands and a channel link in Slack's markup
    // (a web link in a title is refused by validate: docs/alerts.md "Channels").
    const title = 'Placements <!channel> & R&D <#C024BE7LR|general>';
    const checks = writeTree({
      'stalewatch.yml': SETTINGS,
      'placements.yml': PLACEMENTS.replace('title: Trainee placements', `title: "${title}"`),
    });
    const out = join(writeTree({}), 'escaped');
    // Act
    const { code } = stalewatch([
      'preview',
      '--checks',
      checks,
      '--source',
      `tis=pglite:${folder}`,
      '--now',
      '2026-11-23T10:00:00Z',
      '--out',
      out,
    ]);
    // Assess: Slack shows the title as written, and reads no mention or link in it.
    const [message] = JSON.parse(readFileSync(join(out, 'placements-lead.slack.json'), 'utf8'));
    expect(message.text).toBe(
      'Stale: Placements &lt;!channel&gt; &amp; R&amp;D &lt;#C024BE7LR|general&gt; data is 31 hours out of date',
    );
    const mrkdwn = message.blocks.filter((b: { type: string }) => b.type === 'section');
    expect(JSON.stringify(mrkdwn)).toContain('Placements &lt;!channel&gt; &amp; R&amp;D');
    expect(JSON.stringify(mrkdwn)).not.toMatch(/<!channel>|<#C024BE7LR/);
    expect(code).toBe(0);
  });

  it('writes the digests with --digest', () => {
    const checks = writeTree({ 'stalewatch.yml': SETTINGS, 'placements.yml': PLACEMENTS });
    const out = join(writeTree({}), 'digest');
    stalewatch([
      'preview',
      '--digest',
      '--checks',
      checks,
      '--source',
      `tis=pglite:${folder}`,
      '--now',
      '2026-11-23T10:00:00Z',
      '--out',
      out,
    ]);
    const [digest] = JSON.parse(readFileSync(join(out, 'placements-lead.slack.json'), 'utf8'));
    expect(digest.text).toBe('Digest: 1 dataset out of date');
    const blocks = JSON.stringify(digest.blocks);
    expect(blocks).toContain('*Newly stale since the last digest*');
    expect(blocks).toContain('Stale since Monday 23 November 04:14 (5 hours ago)');
    expect(blocks).toContain('Who is on it: nobody has said so yet');
    expect(blocks).toContain('On time 0 of the 1 day checked in the last 30');
  });
});

describe('stalewatch run, usage errors', () => {
  it('refuses an --only id that names nothing with exit 2, suggesting the closest', () => {
    const { code, stderr } = stalewatch([
      'run',
      '--checks',
      SHIPPED,
      '--only',
      'placement',
      '--source',
      'tis=pglite:',
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('"placement" is not a dataset or check id — did you mean "placements"?');
  });

  it('refuses a --now that is not a time with exit 2', () => {
    const { code, stderr } = stalewatch(['run', '--checks', SHIPPED, '--now', 'yesterday']);
    expect(code).toBe(2);
    expect(stderr).toContain('--now "yesterday" is not a time');
  });

  it('exits 2 on an unknown flag', () => {
    expect(stalewatch(['run', '--bogus']).code).toBe(2);
  });

  it('gives checks of a source that is down an error, exit 1, and still runs the other sources', () => {
    const { code, stdout } = stalewatch([
      'run',
      '--checks',
      SHIPPED,
      '--format',
      'json',
      '--source',
      'tis=postgres://nobody@127.0.0.1:1/tis',
      '--source',
      'warehouse=pglite:',
      '--only',
      'placements/updated-recently,warehouse-export',
    ]);
    const results = JSON.parse(stdout).results;
    expect(results.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([
      ['placements/updated-recently', 'error'],
      ['warehouse-export/daily-export', 'error'],
    ]);
    expect(results[0].error).toMatch(/Source "tis" could not be reached/);
    expect(results[1].error).toBe("database error 42P01: relation '…' does not exist");
    expect(results[1].sql).toContain('"reporting"."export_batch"');
    expect(code).toBe(1);
  });
});

describe('stalewatch explain', () => {
  it('prints the SQL of each check of a dataset, identifiers quoted', () => {
    const { code, stdout } = stalewatch(['explain', 'placements', '--checks', SHIPPED]);
    expect(code).toBe(0);
    expect(stdout).toContain('-- placements/updated-recently (source tis, postgres)');
    expect(stdout).toContain(
      `SELECT\n  (SELECT to_json(max("last_modified")) #>> '{}' FROM "public"."placement") AS c0;`,
    );
    expect(stdout).toContain(
      `(SELECT CAST(count(*) AS text) FROM "public"."placement" WHERE (status = 'CURRENT')) AS c0;`,
    );
  });
});

(POSTGRES_URL ? describe : describe.skip)('stalewatch run against a real PostgreSQL', () => {
  let db: ScratchDatabase;
  beforeAll(async () => {
    db = await postgresScratch(POSTGRES_URL as string);
    await db.exec(PLACEMENT_DDL(db.namespace));
  });
  afterAll(() => db.drop());

  it('gives the same verdicts as on the embedded database', () => {
    const { stdout } = stalewatch([
      'run',
      '--checks',
      checksOver(db.namespace),
      '--source',
      `tis=${db.url}`,
      '--now',
      '2026-11-23T10:00:00Z',
      '--format',
      'json',
    ]);
    const results = JSON.parse(stdout).results;
    expect(
      results.map((r: { status: string; staleSince: string | null }) => [r.status, r.staleSince]),
    ).toEqual([
      ['warn', '2026-11-23T04:14:00.000Z'],
      ['fail', '2026-11-23T10:00:00.000Z'],
    ]);
  });
});

describe('stalewatch demo', () => {
  // A weekday evening with no bank holiday near: the sample's staleness reads the same on any day the
  // suite runs (the wall clock would put New Year's bank holidays in the nightly sync's deadlines).
  const DEMO_NOW = '2026-11-23T21:00';

  it('prints stale datasets from the sample with since when, and where to go next', () => {
    const { code, stdout } = stalewatch(['demo', '--now', DEMO_NOW]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /FAIL\s+Nightly ESR sync · succeeded\n\s+stale since \w+day \d+ \w+ 06:30 \(\d+ days ago\)/,
    );
    expect(stdout).toMatch(/FAIL\s+Programme memberships · updated recently/);
    // The demo runs the service's pipeline, which keeps state: an empty table is stale since its first run.
    expect(stdout).toMatch(
      /WARN\s+Data warehouse export · daily export\n\s+stale since \w+day \d+ \w+ \d\d:\d\d \(just now\)\n\s+Data warehouse export \(daily export\) has no data/,
    );
    expect(stdout).toMatch(/WARN\s+Trainee placements · current placements/);
    expect(stdout).toContain('is up to date');
  });

  it('runs the service’s own pipeline: events of the first run, silence 15 minutes later, reminders a day later', () => {
    const { stdout } = stalewatch(['demo', '--now', DEMO_NOW]);
    const [, first = '', second = '', third = ''] = stdout.split(
      /\nEvents this run publishes|\nThe next run|\nA day later/,
    );
    expect(first).toMatch(/Dataset Stale\s+Nightly ESR sync · succeeded → platform/);
    expect(second).toContain('nothing new to say');
    expect(third).toMatch(/Dataset Still Stale\s+Nightly ESR sync · succeeded → platform/);
  });

  it('shows the seed’s three sample problems: the app is down, a sync job failed, resource usage near its limit', () => {
    const { stdout } = stalewatch(['demo', '--now', DEMO_NOW]);
    expect(stdout).toMatch(/Dataset Stale\s+Nightly ESR sync · succeeded/);
    expect(stdout).toContain('TIS website is not answering (health check failing since 20:53)');
    expect(stdout).toContain('TIS database disk space is running low: 4.1 GB free, the limit is 5 GB');
  });

  it('shows a table with no timestamp column watched by activity: "has not changed since" the first run, a day later', () => {
    // Act
    const { stdout } = stalewatch(['demo', '--now', DEMO_NOW]);
    // Assess
    const [, first = '', , third = ''] = stdout.split(
      /\nEvents this run publishes|\nThe next run|\nA day later/,
    );
    expect(first).not.toMatch(/Training grades/);
    expect(third).toMatch(/Dataset Stale\s+Training grades · changed-recently → trainee-lead/);
    expect(third).toMatch(
      /FAIL {2}Training grades \(changed recently\) has not changed since .*, when Stalewatch began watching it: a change was expected at least every 20 hours \(judged from the database's change counters/,
    );
  });
});

describe('stalewatch preview --alarm-event', () => {
  it('writes what a CloudWatch alarm event would send through its alarm file, in plain words for the data lead', () => {
    // Prepare: an alarm file, and an event as AWS documents it, in a file.
    const event = metricAlarmEvent({
      name: 'tis-prod-db-free-storage',
      state: 'ALARM',
      at: '2026-11-23T10:02:00.000Z',
      namespace: 'AWS/RDS',
      metric: 'FreeStorageSpace',
      value: 4.1 * 1024 ** 3,
      threshold: 5 * 1024 ** 3,
      operator: '<',
    });
    const dir = writeTree({
      'checks/stalewatch.yml': SETTINGS,
      'checks/alarms/db.yml':
        'alarm: tis-prod-db-*\ntitle: TIS database disk space\nowner: placements-lead\nsubscribers: [platform]\n',
      'event.json': JSON.stringify(event),
    });
    // Act
    const { code, stdout } = stalewatch([
      'preview',
      '--checks',
      join(dir, 'checks'),
      '--alarm-event',
      join(dir, 'event.json'),
      '--now',
      '2026-11-23T10:05',
      '--out',
      join(dir, 'out'),
    ]);
    // Assess
    expect(code).toBe(0);
    expect(stdout).toContain('tis-prod-db-free-storage: TIS database disk space is running low');
    const lead = readFileSync(join(dir, 'out', 'placements-lead.slack.json'), 'utf8');
    expect(JSON.parse(lead)[0].text).toBe(
      'Problem: TIS database disk space is running low: 4.1 GB free, the limit is 5 GB',
    );
    expect(lead).not.toContain('FreeStorageSpace');
    expect(readFileSync(join(dir, 'out', 'platform.slack.json'), 'utf8')).toContain(
      'alarmsV2:alarm/tis-prod-db-free-storage',
    );
  });
});
