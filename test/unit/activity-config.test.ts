import { loadConfig } from '../../lib/config/load';
import { ConfigError, formatConfigIssue } from '../../lib/core/errors';
import { PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

/** `activity:` in a dataset file: what `validate` accepts and how it refuses the rest. */

async function load(files: Record<string, string>) {
  const dir = writeTree(files);
  try {
    return { config: await loadConfig({ dir, env: {} }), problems: [] as string[] };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return {
      config: null,
      problems: error.issues.map((i) => formatConfigIssue(i).replaceAll(dir, 'checks')),
    };
  }
}

const withChecks = (checks: string) => PLACEMENTS.replace(/checks:\n[\s\S]*$/, `checks:\n${checks}`);

describe('activity checks in config', () => {
  it('reads activity: {warnAfter, failAfter} as a check with the id <dataset>/activity', async () => {
    // Act
    const { config, problems } = await load({
      'stalewatch.yml': SETTINGS,
      'placements.yml': withChecks('  - activity: {warnAfter: 26h, failAfter: 50h}\n'),
    });
    // Assess
    expect(problems).toEqual([]);
    expect(config?.checks[0]).toMatchObject({
      id: 'placements/activity',
      kind: 'activity',
      activity: { warnAfter: '26h', failAfter: '50h' },
    });
  });

  it.each([
    [
      '  - activity: {}\n',
      'checks/placements.yml:9:15 checks[0].activity: needs warnAfter or failAfter — e.g. activity: {warnAfter: 26h, failAfter: 50h}',
    ],
    [
      '  - activity: {warnAfter: 50h, failAfter: 26h}\n',
      'checks/placements.yml:9:27 checks[0].activity.warnAfter: "50h" is not shorter than failAfter "26h": a check warns first, then fails — write a warnAfter shorter than failAfter, e.g. warnAfter: 26h and failAfter: 50h, or leave warnAfter out',
    ],
    ['  - activity: {warnAfter: 26h, column: updated_at}\n', 'column'],
    [
      '  - activity: {warnAfter: 26h}\n    rowCount: {failBelow: 1}\n',
      'has both rowCount and activity — write them as two checks',
    ],
  ])('refuses %j, naming the file, line and field', async (checks, expected) => {
    // Act
    const { problems } = await load({ 'stalewatch.yml': SETTINGS, 'placements.yml': withChecks(checks) });
    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
    expect(problems[0]).toMatch(/^checks\/placements\.yml:\d+:\d+ checks\[0\]/);
  });

  it('tells a check with no kind that activity is there for tables with no timestamp column', async () => {
    // Act
    const { problems } = await load({
      'stalewatch.yml': SETTINGS,
      'placements.yml': withChecks('  - name: nothing\n'),
    });
    // Assess
    expect(problems[0]).toMatch(/activity: \(with warnAfter\) for a table with no timestamp column/);
  });
});
