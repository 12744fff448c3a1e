import { loadConfig } from '../../lib/config/load';
import { ConfigError, formatConfigIssue } from '../../lib/core/errors';
import { PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

/** Freshness bounds that cannot mean what they say are refused by `validate`, located, with what to write. */

async function problemsOf(files: Record<string, string>): Promise<string[]> {
  const dir = writeTree(files);
  try {
    await loadConfig({ dir, env: {} });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((i) => formatConfigIssue(i).replaceAll(dir, 'checks'));
  }
  return [];
}

const withFreshness = (fields: string) =>
  PLACEMENTS.replace(/checks:\n[\s\S]*$/, `checks:\n  - freshness:\n      column: last_modified\n${fields}`);

describe('warnAfter and failAfter', () => {
  it.each([
    ['50h', '26h'],
    ['26h', '26h'],
    ['3d', '2d'],
  ])('refuses warnAfter %s with failAfter %s: it would fail before it warned', async (warn, fail) => {
    // Act
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS,
      'placements.yml': withFreshness(`      warnAfter: ${warn}\n      failAfter: ${fail}\n`),
    });
    // Assess
    expect(problems).toEqual([
      `checks/placements.yml:11:18 checks[0].freshness.warnAfter: "${warn}" is not shorter than failAfter "${fail}": a check warns first, then fails — write a warnAfter shorter than failAfter, e.g. warnAfter: 26h and failAfter: 50h, or leave warnAfter out`,
    ]);
  });

  it('accepts warnAfter shorter than failAfter, in other units too (23h before 1d)', async () => {
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS,
      'placements.yml': withFreshness('      warnAfter: 23h\n      failAfter: 1d\n'),
    });
    expect(problems).toEqual([]);
  });
});

describe('futureTolerance', () => {
  it.each(['25h', '2d', '730d'])(
    'refuses %s on a check: more than a day ahead is no fast clock',
    async (value) => {
      const problems = await problemsOf({
        'stalewatch.yml': SETTINGS,
        'placements.yml': withFreshness(`      failAfter: 2d\n      futureTolerance: ${value}\n`),
      });
      expect(problems).toEqual([
        expect.stringMatching(
          new RegExp(
            `^checks/placements\\.yml:12:24 checks\\[0\\]\\.freshness\\.futureTolerance: "${value}" is longer than a day, the most futureTolerance takes: .* — write 1d or less`,
          ),
        ),
      ]);
    },
  );

  it('refuses 730d on a source too', async () => {
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS.replace(
        '    database: tis\n',
        '    database: tis\n    futureTolerance: 730d\n',
      ),
      'placements.yml': PLACEMENTS,
    });
    expect(problems).toEqual([
      expect.stringContaining('sources.tis.futureTolerance: "730d" is longer than a day'),
    ]);
  });

  it.each(['1d', '24h', '90m'])('accepts %s', async (value) => {
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS,
      'placements.yml': withFreshness(`      failAfter: 2d\n      futureTolerance: ${value}\n`),
    });
    expect(problems).toEqual([]);
  });
});
