import { connectorsFor } from '../../lib/adapters/sql/connect';
import { loadConfig } from '../../lib/config/load';
import { ConfigError, formatConfigIssue } from '../../lib/core/errors';
import { PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

/** `checks/stalewatch.yml` with `line` added to source "tis". */
const settingsWith = (line: string) =>
  SETTINGS.replace('    database: tis\n', `    database: tis\n    ${line}\n`);
const load = (settings: string) =>
  loadConfig({ dir: writeTree({ 'stalewatch.yml': settings, 'placements.yml': PLACEMENTS }), env: {} });

describe("a source's statementTimeout", () => {
  it('is 30s unless the source says otherwise, and reaches the connection', async () => {
    // Act
    const config = await load(SETTINGS);
    const connectors = connectorsFor(config.settings.sources, { tis: 'pglite:' }, () => {
      throw new Error('not the Data API');
    });
    const shorter = connectorsFor(
      (await load(settingsWith('statementTimeout: 5s'))).settings.sources,
      { tis: 'pglite:' },
      () => {
        throw new Error('not the Data API');
      },
    );
    // Assess
    expect(config.settings.sources.tis?.statementTimeout).toBe('30s');
    expect(connectors.tis?.statementTimeoutMs).toBe(30_000);
    expect(shorter.tis?.statementTimeoutMs).toBe(5_000);
  });

  it('is refused at 45 s or more, which the Data API would cut short, naming the line and what to write', async () => {
    let issues: string[] = [];
    try {
      await load(settingsWith('statementTimeout: 1m'));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      issues = error.issues.map((i) => formatConfigIssue(i));
    }
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(
      /stalewatch\.yml:9:23 sources\.tis\.statementTimeout: "1m" is too long — the Data API stops every statement after 45 s; write at most 44s, e.g. 30s$/,
    );
  });
});
