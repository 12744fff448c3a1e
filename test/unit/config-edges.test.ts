import { loadConfig } from '../../lib/config/load';
import { ConfigError, formatConfigIssue } from '../../lib/core/errors';
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

describe('text that reaches messages', () => {
  it.each([
    ['a zero-width space', '\\u200B', 'U+200B'],
    ['a left-to-right mark', '\\u200E', 'U+200E'],
    ['a right-to-left mark', '\\u200F', 'U+200F'],
    ['an Arabic letter mark', '\\u061C', 'U+061C'],
    ['a line separator', '\\u2028', 'U+2028'],
    ['a paragraph separator', '\\u2029', 'U+2029'],
    ['a word joiner', '\\u2060', 'U+2060'],
    ['a zero-width no-break space', '\\uFEFF', 'U+FEFF'],
    ['a first-strong isolate', '\\u2068', 'U+2068'],
    ['a C1 control', '\\u0085', 'U+0085'],
  ])(
    'refuses %s in a title, an impact, an action and a contact name, with file:line and the fix',
    async (_what, escaped, code) => {
      // Act
      const problems = await problemsOf({
        'stalewatch.yml': SETTINGS.replace('name: Platform team', `name: "Platform${escaped}team"`),
        'placements.yml': PLACEMENTS.replace(
          'title: Trainee placements',
          `title: "Trainee${escaped} placements"`,
        )
          .replace(/impact: (.*)/, `impact: "$1${escaped}"`)
          .replace(/action: (.*)/, `action: "${escaped}$1"`),
      });
      // Assess
      const says = new RegExp(
        `contains a control character \\(${code.replace('+', '\\+')}\\).* — write plain text`,
      );
      expect(problems).toEqual([
        expect.stringMatching(/^checks\/placements\.yml:2:8 title: /),
        expect.stringMatching(/^checks\/placements\.yml:6:9 impact: /),
        expect.stringMatching(/^checks\/placements\.yml:7:9 action: /),
        expect.stringMatching(/^checks\/stalewatch\.yml:15:11 contacts\.platform\.name: /),
      ]);
      for (const problem of problems) expect(problem).toMatch(says);
    },
  );

  it('accepts emoji joined by zero-width joiners and scripts that need a zero-width non-joiner', async () => {
    const config = await configOf({
      'stalewatch.yml': SETTINGS,
      'placements.yml': PLACEMENTS.replace(
        'title: Trainee placements',
        'title: "Trainee placements 👩‍💻 می‌خواهم"',
      ),
    });
    expect(config.datasets[0]?.title).toBe('Trainee placements 👩‍💻 می‌خواهم');
  });

  it.each([
    ['https://evil.example/login'],
    ['www.evil.example'],
    ['evil.com/login'],
    ['mailto:someone@example.org'],
  ])(
    'refuses a link in a title or contact name (%s): Slack and mail programs would make it live',
    async (link) => {
      const problems = await problemsOf({
        'stalewatch.yml': SETTINGS.replace('name: Platform team', `name: "Platform team ${link}"`),
        'placements.yml': PLACEMENTS.replace('title: Trainee placements', `title: "Placements ${link}"`),
      });
      expect(problems).toEqual([
        expect.stringMatching(
          /^checks\/placements\.yml:2:8 title: .*link.* — name the dataset in words, e.g\. Trainee placements; put links in impact or action/,
        ),
        expect.stringMatching(/^checks\/stalewatch\.yml:15:11 contacts\.platform\.name: .*link/),
      ]);
    },
  );

  it('keeps links in impact and action (a runbook), and titles with dots that are no link', async () => {
    const config = await configOf({
      'stalewatch.yml': SETTINGS,
      'placements.yml': PLACEMENTS.replace(
        'title: Trainee placements',
        'title: Placements v2.1 (E.S.R.)',
      ).replace(/action: (.*)/, 'action: Follow https://wiki.example.org/runbooks/esr'),
    });
    expect(config.datasets[0]?.title).toBe('Placements v2.1 (E.S.R.)');
  });
});

describe('YAML versions', () => {
  it('refuses a %YAML 1.1 directive, under which yes, no, on and off would silently become true and false', async () => {
    // Act
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS,
      'placements.yml': `%YAML 1.1\n---\n${PLACEMENTS.replace('title: Trainee placements', 'title: no')}`,
    });
    // Assess
    expect(problems).toEqual([
      'checks/placements.yml:1:1 starts with %YAML 1.1, under which yes, no, on and off mean true and false — remove the directive: checks are read as YAML 1.2',
    ]);
  });

  it('reads a file with %YAML 1.2, or none, as YAML 1.2: no stays the word no', async () => {
    const config = await configOf({
      'stalewatch.yml': SETTINGS,
      'placements.yml': `%YAML 1.2\n---\n${PLACEMENTS.replace('title: Trainee placements', 'title: no')}`,
      'posts.yml': PLACEMENTS.replace('dataset: placements', 'dataset: posts').replace(
        'title: Trainee placements',
        'title: off',
      ),
    });
    expect(config.datasets.map((d) => d.title).sort()).toEqual(['no', 'off']);
  });
});
