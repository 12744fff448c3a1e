import { loadConfig } from '../../lib/config/load';
import { ConfigError, formatConfigIssue } from '../../lib/core/errors';
import type { Engine } from '../../lib/core/model/config';
import { PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

/**
 * `where` edge cases (issue 8): forms that reach past the table's own columns, that cost memory rather
 * than filter rows, or that the MySQL parser cannot read, each refused saying what to write instead.
 */

const SETTINGS_FOR: Record<Engine, string> = {
  postgres: SETTINGS,
  mysql: SETTINGS.replace('engine: postgres', 'engine: mysql'),
};

/** What `validate` says of one row-count check filtered by `where` on `engine`: [] when valid. */
async function problemsOf(engine: Engine, where: string): Promise<string[]> {
  const dataset = PLACEMENTS.replace(
    /checks:\n[\s\S]*$/,
    () => `checks:\n  - rowCount:\n      where: ${JSON.stringify(where)}\n      failBelow: 1\n`,
  );
  const dir = writeTree({ 'stalewatch.yml': SETTINGS_FOR[engine], 'placements.yml': dataset });
  try {
    await loadConfig({ dir, env: {} });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((i) => formatConfigIssue(i).replaceAll(dir, 'checks'));
  }
}

const located = /^checks\/placements\.yml:\d+:\d+ checks\[0\]\.rowCount\.where: /;

describe('a where that reaches past its own columns', () => {
  it.each([
    [
      'postgres',
      't.status = 1',
      'names the column t.status with a table or schema — write the column alone, e.g. status',
    ],
    [
      'postgres',
      "public.placement.status = 'A'",
      'names the column public.placement.status with a table or schema',
    ],
    [
      'mysql',
      't.status = 1',
      'names the column t.status with a table or schema — write the column alone, e.g. status',
    ],
    ['mysql', 'tis.placement.status = 1', 'names the column tis.placement.status with a table or schema'],
    ['postgres', '(address).city = 1', 'reads part of a value ((value).field, value[1])'],
    ['postgres', "tags[1] = 'x'", 'reads part of a value ((value).field, value[1])'],
    ['postgres', "(data)[1:2] = '{}'", 'reads part of a value'],
  ] as Array<[Engine, string, string]>)('refuses on %s: %s', async (engine, where, says) => {
    // Act
    const problems = await problemsOf(engine, where);
    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(located);
    expect(problems[0]).toContain(says);
  });
});

describe('a where that costs memory rather than filtering rows', () => {
  it.each([
    ['postgres', "lpad(status, 1000000000) = 'x'", 'lpad'],
    ['postgres', "rpad(status, 1000000000, 'y') = 'x'", 'rpad'],
    ['postgres', "repeat(status, 1000000000) = 'x'", 'repeat'],
    ['postgres', 'generate_series(1, 1000000000) > 0', 'generate_series'],
    ['mysql', "lpad(status, 1000000000, 'x') = 'x'", 'lpad'],
    ['mysql', "rpad(status, 1000000000, 'x') = 'x'", 'rpad'],
    ['mysql', "repeat(status, 1000000000) = 'x'", 'repeat'],
    ['mysql', "space(1000000000) = 'x'", 'space'],
  ] as Array<[Engine, string, string]>)('refuses on %s: %s', async (engine, where, name) => {
    // Act
    const problems = await problemsOf(engine, where);
    // Assess
    expect(problems).toEqual([expect.stringMatching(located)]);
    expect(problems[0]).toContain(`calls ${name}(), which is not on the list`);
  });
});

describe('MySQL forms the parser cannot read', () => {
  it.each([
    ["status <=> 'x'", 'uses <=> (NULL-safe equality)', 'write (a = b OR (a IS NULL AND b IS NULL))'],
    ["BINARY status = 'x'", 'uses BINARY before a value', "write CAST(status AS BINARY) = 'x'"],
    ["status = _latin1'x'", "uses a character set introducer (_latin1'…')", "write the plain string 'x'"],
    ["status = _utf8mb4 'x'", 'uses a character set introducer', "write the plain string 'x'"],
  ])('says precisely that %s is not supported, and what to write', async (where, says, instead) => {
    // Act
    const problems = await problemsOf('mysql', where);
    // Assess
    expect(problems).toEqual([expect.stringMatching(located)]);
    expect(problems[0]).toContain(says);
    expect(problems[0]).toContain('which the MySQL parser Stalewatch checks a where with cannot read');
    expect(problems[0]).toContain(instead);
    expect(problems[0]).not.toContain('syntax error');
  });

  it.each([
    "status COLLATE utf8mb4_bin = 'x'",
    "CAST(status AS BINARY) = 'x'",
    "status = 'a <=> b' AND note = '_latin1'",
    "binary_flag = 1 AND status = 'BINARY x'",
  ])('accepts %s', async (where) => {
    // Act
    const problems = await problemsOf('mysql', where);
    // Assess
    expect(problems).toEqual([]);
  });
});
