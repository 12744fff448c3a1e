import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../lib/config/load';
import { jsonSchemas } from '../../lib/config/schema';
import { ConfigError, formatConfigIssue } from '../../lib/core/errors';
import { PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

/** The issues of a tree, formatted as `validate` prints them, with the temp folder shown as `checks`. */
async function problemsOf(
  files: Record<string, string>,
  env: Record<string, string> = {},
): Promise<string[]> {
  const dir = writeTree(files);
  try {
    await loadConfig({ dir, env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((i) => formatConfigIssue(i).replaceAll(dir, 'checks'));
  }
  return [];
}

const withCheck = (check: string) => PLACEMENTS.replace(/checks:\n[\s\S]*$/, `checks:\n${check}`);

describe('the shipped checks/ folder', () => {
  it('loads with no problems, so the service starts with every shipped dataset', async () => {
    // Act
    const config = await loadConfig({ dir: join(__dirname, '..', '..', 'checks'), env: {} });
    // Assess
    expect(config.datasets.map((d) => d.id).sort()).toEqual([
      'nightly-sync',
      'placements',
      'programme-memberships',
      'trainee-details',
      'training-grades',
      'warehouse-export',
    ]);
    expect(config.checks.length).toBeGreaterThanOrEqual(9);
  });

  it('publishes JSON Schemas that match the zod schema (run npm run schema after changing it)', () => {
    for (const [file, schema] of Object.entries(jsonSchemas())) {
      const published = JSON.parse(
        readFileSync(join(__dirname, '..', '..', 'checks', 'schema', file), 'utf8'),
      );
      expect(published).toEqual(schema);
    }
  });
});

describe('a valid tree', () => {
  it('refuses a dataset whose owner list is empty', async () => {
    // Prepare
    const dir = writeTree({
      'stalewatch.yml':
        'sources:\n  tis: {engine: mysql, resourceArn: arn:aws:x, secretArn: arn:aws:y, database: tis}\n',
      'sub/counts.yml':
        'dataset: counts\ntitle: Counts\nsource: tis\ntable: t\nowner: []\nchecks:\n  - rowCount: {failBelow: 1}\n  - freshness: {column: c, failAfter: 1d}\n',
    });
    // Act
    const act = () => loadConfig({ dir, env: {} });
    // Assess: an owner list may not be empty
    await expect(act()).rejects.toThrow(/owner/);
  });

  it('applies defaults: Europe/London, remind every 24h, weekday 08:00 digest, severity fail', async () => {
    // Prepare
    const dir = writeTree({
      'stalewatch.yml':
        'sources:\n  tis: {engine: mysql, resourceArn: arn:aws:x, secretArn: arn:aws:y, database: tis}\ncontacts:\n  a: {name: A, audience: data-lead}\n',
      'sub/counts.yml':
        'dataset: counts\ntitle: Counts\nsource: tis\ntable: t\nowner: a\nchecks:\n  - rowCount: {failBelow: 1}\n  - freshness: {column: c, failAfter: 1d}\n',
    });
    // Act
    const config = await loadConfig({ dir, env: {} });
    // Assess
    expect(config.settings.timezone).toBe('Europe/London');
    expect(config.settings.notify).toEqual({
      errorsTo: null,
      remindEvery: '24h',
      digest: '0 8 * * 1-5',
      quietHours: null,
    });
    expect(config.checks.map((c) => [c.id, c.severity])).toEqual([
      ['counts/row-count', 'fail'],
      ['counts/freshness', 'fail'],
    ]);
  });

  it('reads a column in the check’s columnUnit, columnTimezone and futureTolerance, else the source’s, else s, UTC and 1h', async () => {
    // Prepare: the source sets a zone and a tolerance; one check overrides all three, one none.
    const dir = writeTree({
      'stalewatch.yml': SETTINGS.replace(
        '    database: tis\n',
        '    database: tis\n    columnTimezone: Europe/London\n    futureTolerance: 2h\n',
      ),
      'placements.yml': withCheck(
        '  - name: own\n    freshness: {column: c, failAfter: 1d, columnUnit: ms, columnTimezone: America/New_York, futureTolerance: 10m}\n' +
          '  - name: inherited\n    freshness: {column: c, failAfter: 1d}\n',
      ),
    });
    // Act
    const config = await loadConfig({ dir, env: {} });
    // Assess
    const reading = (id: string) => {
      const check = config.checks.find((c) => c.id === id);
      if (check?.kind !== 'freshness') throw new Error(id);
      const { columnUnit, columnTimezone, futureTolerance } = check.freshness;
      return { columnUnit, columnTimezone, futureTolerance };
    };
    expect(reading('placements/own')).toEqual({
      columnUnit: 'ms',
      columnTimezone: 'America/New_York',
      futureTolerance: '10m',
    });
    expect(reading('placements/inherited')).toEqual({
      columnUnit: 's',
      columnTimezone: 'Europe/London',
      futureTolerance: '2h',
    });
    const plain = await loadConfig({
      dir: writeTree({ 'stalewatch.yml': SETTINGS, 'placements.yml': PLACEMENTS }),
      env: {},
    });
    const [check] = plain.checks;
    expect(
      check?.kind === 'freshness' && [
        check.freshness.columnUnit,
        check.freshness.columnTimezone,
        check.freshness.futureTolerance,
      ],
    ).toEqual(['s', 'UTC', '1h']);
  });

  it('reads ${env:NAME} from the environment and keeps secret references unresolved', async () => {
    // Prepare
    const dir = writeTree({
      'stalewatch.yml': SETTINGS.replace(
        'arn:aws:rds:eu-west-2:123456789012:cluster:tis',
        '${env:TIS_CLUSTER_ARN}',
      ),
      'placements.yml': PLACEMENTS,
    });
    // Act
    const config = await loadConfig({
      dir,
      env: { TIS_CLUSTER_ARN: 'arn:aws:rds:eu-west-2:1:cluster:from-env' },
    });
    // Assess
    expect(config.settings.sources.tis?.resourceArn).toBe('arn:aws:rds:eu-west-2:1:cluster:from-env');
    expect(config.settings.contacts['placements-lead']?.slack).toEqual({
      store: 'ssm',
      name: '/stalewatch/slack/placements',
    });
    expect(config.warnings).toEqual([]);
  });

  it('notes an unset ${env:NAME} without refusing the config, since --source runs do not need it', async () => {
    // Prepare
    const dir = writeTree({
      'stalewatch.yml': SETTINGS.replace(
        'arn:aws:rds:eu-west-2:123456789012:cluster:tis',
        '${env:TIS_CLUSTER_ARN}',
      ),
      'placements.yml': PLACEMENTS,
    });
    // Act
    const config = await loadConfig({ dir, env: {} });
    // Assess
    expect(config.settings.sources.tis?.unsetVariables).toEqual(['TIS_CLUSTER_ARN']);
    expect(config.warnings.join('\n')).toMatch(
      /stalewatch\.yml:6:18 sources\.tis\.resourceArn: \$\{env:TIS_CLUSTER_ARN\} is not set/,
    );
  });
});

describe('a broken config', () => {
  it('names file, line, column and field of a duration written in words, and how to write it', async () => {
    // Act
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS,
      'placements.yml': PLACEMENTS.replace('warnAfter: 26h', 'warnAfter: 26 hours'),
    });
    // Assess
    expect(problems).toEqual([
      'checks/placements.yml:12:18 checks[0].freshness.warnAfter: "26 hours" is not a duration — write it as 26h, 90m, 2d',
    ]);
  });

  it('suggests the field meant when a key is misspelt', async () => {
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS,
      'placements.yml': PLACEMENTS.replace('failAfter', 'failAftr'),
    });
    expect(problems).toEqual([
      'checks/placements.yml:13:7 checks[0].freshness.failAftr: is not a field here — did you mean "failAfter"?',
    ]);
  });

  it('reports every problem of every file in one pass', async () => {
    // Act
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS.replace('timezone: Europe/London', 'timezone: Europe/Londn'),
      'placements.yml': PLACEMENTS.replace('source: tis', 'source: tiss').replace(
        'owner: placements-lead',
        'owner: [placements-lead, nobody]',
      ),
      'other.yml': PLACEMENTS.replace('dataset: placements', 'dataset: placements').replace('26h', '26'),
    });
    // Assess
    expect(problems).toEqual([
      'checks/other.yml:12:18 checks[0].freshness.warnAfter: "26" is not a duration — write it as 26h, 90m, 2d',
      'checks/placements.yml:1:10 dataset: "placements" is already the id of the dataset in checks/other.yml — ids must be unique',
      'checks/placements.yml:3:9 source: "tiss" is not a source — did you mean "tis"? — sources are declared under sources: in checks/stalewatch.yml',
      'checks/placements.yml:5:26 owner[1]: "nobody" is not a contact — contacts are declared under contacts: in checks/stalewatch.yml',
      'checks/stalewatch.yml:1:11 timezone: "Europe/Londn" is not an IANA time zone — write it as Europe/London, UTC or America/New_York',
    ]);
  });

  it.each([
    [
      'table: "public.placement; DROP TABLE x"',
      /table: "public\.placement; DROP TABLE x" is not a plain \[schema\.\]table name/,
    ],
    ['table: a.b.c', /is not a plain \[schema\.\]table name/],
  ])('refuses a table that is not a plain identifier (%s)', async (line, expected) => {
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS,
      'placements.yml': PLACEMENTS.replace('table: public.placement', line),
    });
    expect(problems.join('\n')).toMatch(expected);
  });

  it('accepts a plain where, which is passed on as written', async () => {
    const dir = writeTree({
      'stalewatch.yml': SETTINGS,
      'placements.yml': withCheck(`  - rowCount:\n      where: "status = 'CURRENT'"\n      failBelow: 1\n`),
    });
    const [check] = (await loadConfig({ dir, env: {} })).checks;
    expect(check?.kind === 'rowCount' && check.rowCount.where).toBe("status = 'CURRENT'");
  });

  it.each([
    ['dueBy: "0 7 * *"', 'dueBy: "0 7 * *" has 4 fields — write five'],
    ['holidays: narnia\n      dueBy: "0 7 * * 1-5"', 'holidays: "narnia" is not a holiday region'],
    ['warnAfter: 0h', 'warnAfter: "0h" is not a duration'],
    [
      'columnUnit: seconds\n      failAfter: 1d',
      'columnUnit: "seconds" is not a unit — write s (epoch seconds, the default), ms',
    ],
    ['columnTimezone: EST5\n      failAfter: 1d', 'columnTimezone: "EST5" is not an IANA time zone'],
    ['futureTolerance: soon\n      failAfter: 1d', 'futureTolerance: "soon" is not a duration'],
  ])('refuses %s', async (fields, expected) => {
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS,
      'placements.yml': withCheck(`  - freshness:\n      column: last_modified\n      ${fields}\n`),
    });
    expect(problems.join('\n')).toContain(expected.split(': ')[1]);
    expect(problems.join('\n')).toContain(`checks[0].freshness.${expected.split(':')[0]}`);
  });

  it('refuses two checks of one dataset with the same id', async () => {
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS,
      'placements.yml': withCheck(
        '  - freshness: {column: a, warnAfter: 1h}\n  - name: Freshness\n    freshness: {column: b, warnAfter: 1h}\n',
      ),
    });
    expect(problems).toEqual([
      'checks/placements.yml:10:5 checks[1]: has the id "placements/freshness", like checks[0] — give one of them a different name: (e.g. name: nightly sync)',
    ]);
  });

  it('refuses a check with no kind, or with two', async () => {
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS,
      'placements.yml': withCheck(
        '  - name: nothing\n  - name: both\n    freshness: {column: a, warnAfter: 1h}\n    rowCount: {failBelow: 1}\n',
      ),
    });
    expect(problems).toEqual([
      'checks/placements.yml:9:5 checks[0]: needs a kind — add freshness: (with column and warnAfter), rowCount: (with failBelow), or activity: (with warnAfter) for a table with no timestamp column',
      'checks/placements.yml:10:5 checks[1]: has both freshness and rowCount — write them as two checks',
    ]);
  });

  it('refuses a freshness check with no threshold', async () => {
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS,
      'placements.yml': withCheck('  - freshness: {column: a}\n'),
    });
    expect(problems).toEqual([
      'checks/placements.yml:9:16 checks[0].freshness: needs warnAfter, failAfter or dueBy — e.g. warnAfter: 26h',
    ]);
  });

  it('refuses a Slack webhook URL pasted into config: it is a secret', async () => {
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS.replace(
        '${ssm:/stalewatch/slack/placements}',
        'https://hooks.slack.com/services/T0/B0/xyz',
      ),
      'placements.yml': PLACEMENTS,
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /stalewatch\.yml:13:12 contacts\.placements-lead\.slack: is a secret: keep the webhook URL in SSM/,
    );
  });

  it('says where YAML syntax breaks', async () => {
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS,
      'placements.yml': 'dataset: x\n  title: [\n',
    });
    expect(problems[0]).toMatch(/^checks\/placements\.yml:1:\d+ is not valid YAML: /);
  });

  it('asks for the settings file when it is missing', async () => {
    const problems = await problemsOf({ 'placements.yml': PLACEMENTS });
    expect(problems).toEqual([
      'checks/stalewatch.yml:1:1 is missing — it holds the timezone, sources and contacts (see docs/config.md)',
    ]);
  });
});

describe('texts that reach events and messages', () => {
  it('refuses a title, impact and action too long for a Slack message, saying the limit and what to do', async () => {
    // Prepare
    const placements = PLACEMENTS.replace('Trainee placements', 'T'.repeat(61))
      .replace('Trainees see out-of-date placement details.', 'i'.repeat(1_001))
      .replace('Re-run the nightly sync.', 'a'.repeat(300_000))
      .replace('name: updated recently', `name: ${'n'.repeat(61)}`);
    // Act
    const problems = await problemsOf({ 'stalewatch.yml': SETTINGS, 'placements.yml': placements });
    // Assess
    expect(problems).toEqual([
      'checks/placements.yml:2:8 title: is 61 characters long: at most 60 fit in a Slack message header together with the headline around it — shorten it, e.g. Trainee placements',
      'checks/placements.yml:6:9 impact: is 1,001 characters long: at most 1,000 fit in one Slack section and one digest line — say it in a sentence or two, and link to a runbook for the detail',
      'checks/placements.yml:7:9 action: is 300,000 characters long: at most 1,000 fit in one Slack section and one digest line — say it in a sentence or two, and link to a runbook for the detail',
      'checks/placements.yml:9:11 checks[0].name: is 61 characters long: at most 60 fit in the check id and the messages that name the check — shorten it, e.g. updated recently',
    ]);
  });

  it('refuses a contact name and a where filter that events and messages cannot carry whole', async () => {
    const settings = SETTINGS.replace('name: Platform team', `name: ${'P'.repeat(61)}`);
    const placements = withCheck(
      `  - rowCount:\n      where: "${'x = 1 AND '.repeat(100)}y = 2"\n      failBelow: 1\n`,
    );
    const problems = await problemsOf({ 'stalewatch.yml': settings, 'placements.yml': placements });
    expect(problems).toEqual([
      `checks/placements.yml:10:14 checks[0].rowCount.where: is 1,005 characters long: at most 1,000 fit in the SQL that events and the platform team's messages show — move a longer filter into a view, and check the view`,
      'checks/stalewatch.yml:15:11 contacts.platform.name: is 61 characters long: at most 60 fit in "Who is on it" in messages — shorten it, e.g. Placements data lead',
    ]);
  });

  it('accepts texts at the limits', async () => {
    const placements = PLACEMENTS.replace('Trainee placements', 'T'.repeat(60)).replace(
      'Trainees see out-of-date placement details.',
      'i'.repeat(1_000),
    );
    expect(await problemsOf({ 'stalewatch.yml': SETTINGS, 'placements.yml': placements })).toEqual([]);
  });
});

describe('runEvery', () => {
  it('refuses a runEvery the alarm that watches the service cannot look back twice over', async () => {
    const problems = await problemsOf({
      'stalewatch.yml': `${SETTINGS}runEvery: 1w\n`,
      'placements.yml': PLACEMENTS,
    });
    expect(problems).toEqual([
      'checks/stalewatch.yml:19:11 runEvery: "1w" is too long: the alarm that watches the service fires when it has not run for twice runEvery, and CloudWatch looks back at most 7 days — write 84h (3½ days) or less, e.g. 1d',
    ]);
    expect(
      await problemsOf({ 'stalewatch.yml': `${SETTINGS}runEvery: 84h\n`, 'placements.yml': PLACEMENTS }),
    ).toEqual([]);
  });
});
