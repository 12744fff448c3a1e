import { loadConfig } from '../../lib/config/load';
import { ConfigError, formatConfigIssue } from '../../lib/core/errors';
import { PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

/** The issues of a tree, formatted as `validate` prints them, with the temp folder shown as `checks`. */
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

/** A dataset file `id` that depends on `deps` (written as YAML after `dependsOn:`). */
const dataset = (id: string, deps: string | null) =>
  PLACEMENTS.replace('dataset: placements', `dataset: ${id}`).replace(
    'checks:',
    deps === null ? 'checks:' : `dependsOn: ${deps}\nchecks:`,
  );

describe('dependsOn names the datasets a dataset is made from', () => {
  it('loads, and the dataset knows its causes', async () => {
    // Act
    const config = await loadConfig({
      dir: writeTree({
        'stalewatch.yml': SETTINGS,
        'nightly-sync.yml': dataset('nightly-sync', null),
        'placements.yml': dataset('placements', '[nightly-sync]'),
      }),
      env: {},
    });
    // Assess
    expect(config.datasets.find((d) => d.id === 'placements')?.dependsOn).toEqual(['nightly-sync']);
    expect(config.datasets.find((d) => d.id === 'nightly-sync')?.dependsOn).toEqual([]);
  });

  it('says which id is unknown, where, and the nearest one', async () => {
    // Act
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS,
      'nightly-sync.yml': dataset('nightly-sync', null),
      'placements.yml': dataset('placements', '[nightly-synk]'),
    });
    // Assess
    expect(problems).toEqual([
      'checks/placements.yml:8:13 dependsOn[0]: "nightly-synk" is not a dataset — did you mean "nightly-sync"? — dependsOn names the dataset: id of another file under checks/',
    ]);
  });

  it('refuses a dataset named twice, where the second one is', async () => {
    // Act
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS,
      'nightly-sync.yml': dataset('nightly-sync', null),
      'placements.yml': dataset('placements', '[nightly-sync, nightly-sync]'),
    });
    // Assess
    expect(problems).toEqual([
      'checks/placements.yml:8:27 dependsOn[1]: "nightly-sync" is listed twice — name each dataset once',
    ]);
  });

  it('refuses a dataset that depends on itself', async () => {
    // Act
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS,
      'placements.yml': dataset('placements', '[placements]'),
    });
    // Assess
    expect(problems).toEqual([
      'checks/placements.yml:8:13 dependsOn[0]: "placements" is this dataset itself — a dataset cannot depend on itself; remove it',
    ]);
  });

  it('names every step of a cycle, directly or through others, and how to break it', async () => {
    // Act
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS,
      'a.yml': dataset('a', '[b]'),
      'b.yml': dataset('b', '[c]'),
      'c.yml': dataset('c', '[a]'),
    });
    // Assess: one problem, at the entry that closes it.
    expect(problems).toEqual([
      'checks/c.yml:8:13 dependsOn[0]: "a" closes a cycle: a → b → c → a — each dataset would be the other\'s cause; remove "a" from the dependsOn of "c" (or the step that is not true)',
    ]);
  });

  it('says what to write when it is not a list of ids', async () => {
    // Act
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS,
      'placements.yml': dataset('placements', '{nightly: sync}'),
    });
    // Assess
    expect(problems).toEqual([
      expect.stringContaining('dependsOn: must be a list of dataset ids — e.g. dependsOn: [nightly-sync]'),
    ]);
  });

  it('an entry that is a number or a map, not an id, says so, not "e.g." the same value', async () => {
    // Act
    const problems = await problemsOf({
      'stalewatch.yml': SETTINGS,
      'nightly-sync.yml': dataset('nightly-sync', null),
      'placements.yml': dataset('placements', '[2026, {a: b}]'),
    });
    // Assess
    expect(problems).toEqual([
      'checks/placements.yml:8:13 dependsOn[0]: 2026 is a number, not text — if it is an id, quote it: "2026"',
      'checks/placements.yml:8:19 dependsOn[1]: is a map, not text — for example placements',
    ]);
  });
});
