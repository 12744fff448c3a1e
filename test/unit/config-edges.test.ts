import { loadConfig } from '../../lib/config/load';
import { ConfigError, formatConfigIssue } from '../../lib/errors';
import { PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

/**
 * Edge cases of reading checks/ (issue 8): each refusal names file, line and field and says what to
 * write; each acceptance reads the config as its writer meant.
 */

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

/** The config of a tree that must load. */
async function configOf(files: Record<string, string>, env: Record<string, string> = {}) {
  return loadConfig({ dir: writeTree(files), env });
}

const dataset = (id: string) => PLACEMENTS.replace('dataset: placements', `dataset: ${id}`);

describe('file names', () => {
  it('reads dataset files ending .YML, .YAML or .Yaml, not only lower-case ones', async () => {
    // Act
    const config = await configOf({
      'stalewatch.yml': SETTINGS,
      'placements.YML': dataset('placements'),
      'posts.YAML': dataset('posts'),
      'sub/people.Yaml': dataset('people'),
    });
    // Assess
    expect(config.datasets.map((d) => d.id).sort()).toEqual(['people', 'placements', 'posts']);
  });

  it('reads a settings file named STALEWATCH.YML as the settings, not as a dataset', async () => {
    const config = await configOf({ 'STALEWATCH.YML': SETTINGS, 'placements.yml': dataset('placements') });
    expect(config.datasets.map((d) => d.id)).toEqual(['placements']);
  });
});

describe('time zones', () => {
  it('refuses a zone written in the wrong case, saying how IANA writes it', async () => {
    // Act
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS.replace('timezone: Europe/London', 'timezone: europe/london').replace(
        '    database: tis\n',
        '    database: tis\n    columnTimezone: AMERICA/NEW_YORK\n',
      ),
      'placements.yml': PLACEMENTS,
    });
    // Assess
    expect(problems).toEqual([
      'checks/stalewatch.yml:1:11 timezone: "europe/london" is not written as the IANA time zone is — did you mean Europe/London?',
      'checks/stalewatch.yml:9:21 sources.tis.columnTimezone: "AMERICA/NEW_YORK" is not written as the IANA time zone is — did you mean America/New_York?',
    ]);
  });

  it('accepts UTC, Etc/UTC and older names such as US/Eastern, and reads each as its one canonical zone', async () => {
    // Act
    const config = await configOf({
      'stalewatch.yml': SETTINGS.replace('timezone: Europe/London', 'timezone: Etc/UTC').replace(
        '    database: tis\n',
        '    database: tis\n    columnTimezone: US/Eastern\n',
      ),
      'placements.yml': PLACEMENTS.replace(
        '      failAfter: 50h\n',
        '      failAfter: 50h\n      columnTimezone: UTC\n',
      ),
    });
    // Assess: one spelling per zone, whatever the config wrote
    expect(config.settings.timezone).toBe('UTC');
    expect(config.settings.sources.tis?.columnTimezone).toBe('America/New_York');
    const check = config.checks[0];
    expect(check?.kind === 'freshness' && check.freshness.columnTimezone).toBe('UTC');
  });
});

describe('owners and subscribers', () => {
  it('refuses a contact listed twice as owner or as subscriber, at the second mention', async () => {
    // Act
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS,
      'placements.yml': PLACEMENTS.replace(
        'owner: placements-lead',
        'owner: [placements-lead, platform, placements-lead]\nsubscribers:\n  - platform\n  - platform',
      ),
    });
    // Assess
    expect(problems).toEqual([
      'checks/placements.yml:5:36 owner[2]: "placements-lead" is listed twice — name each contact once',
      'checks/placements.yml:8:5 subscribers[1]: "platform" is listed twice — name each contact once',
    ]);
  });
});

describe('a source', () => {
  it.each([['${ssm:/stalewatch/tis/database}'], ['${secret:tis-database}']])(
    'refuses database: %s, which nothing resolves: a database is a name or ${env:NAME}',
    async (value) => {
      const problems = await problemsOf({
        'stalewatch.yml': SETTINGS.replace('database: tis', `database: "${value}"`),
        'placements.yml': PLACEMENTS,
      });
      expect(problems).toEqual([
        expect.stringMatching(
          /^checks\/stalewatch\.yml:8:15 sources\.tis\.database: is a reference that only messages' webhooks may use — write the database's name, e.g\. tis, or \$\{env:NAME\}/,
        ),
      ]);
      expect(problems.join('\n')).not.toContain(value);
    },
  );
});

describe('where a webhook is kept', () => {
  it.each([
    ['${ssm://hooks.slack.com/services/T0/B0/sEcReT}'],
    ['${ssm:hooks.slack.com/services/T0/B0/sEcReT}'],
    ['${ssm:stalewatch/slack/placements}'],
    ['${ssm:/stalewatch/slack placements}'],
    ['${ssm:/stalewatch//slack}'],
    ['${ssm:/}'],
    ['${secret:}'],
    ['${secret:stalewatch slack}'],
    ['${secret:https://hooks.slack.com/services/T0/B0/sEcReT}'],
    ['${SSM:/stalewatch/slack/placements}'],
  ])('refuses %s, naming the field and never showing the value', async (value) => {
    // Act
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS.replace('${ssm:/stalewatch/slack/placements}', `"${value}"`),
      'placements.yml': PLACEMENTS,
    });
    // Assess
    expect(problems).toEqual([
      expect.stringMatching(/^checks\/stalewatch\.yml:13:12 contacts\.placements-lead\.slack: is /),
    ]);
    expect(problems[0]).toMatch(/e\.g\. \$\{ssm:\/stalewatch\/slack\/placements\}/);
    expect(problems[0]).not.toContain(value);
    expect(problems[0]).not.toContain('sEcReT');
  });

  it.each([['${ssm:/stalewatch/slack/placements}'], ['${secret:stalewatch/slack-placements}']])(
    'accepts %s',
    async (value) => {
      const config = await configOf({
        'stalewatch.yml': SETTINGS.replace('${ssm:/stalewatch/slack/placements}', `"${value}"`),
        'placements.yml': PLACEMENTS,
      });
      expect(config.settings.contacts['placements-lead']?.slack).not.toBeNull();
    },
  );
});
