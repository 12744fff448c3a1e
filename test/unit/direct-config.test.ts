import { loadConfig } from '../../lib/config/load';
import { ConfigError, formatConfigIssue } from '../../lib/core/errors';
import { PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

/** The issues of a tree, as `validate` prints them, with the temp folder shown as `checks`. */
async function problemsOf(settings: string): Promise<string[]> {
  const dir = writeTree({ 'stalewatch.yml': settings, 'placements.yml': PLACEMENTS });
  try {
    await loadConfig({ dir, env: {} });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((i) => formatConfigIssue(i).replaceAll(dir, 'checks'));
  }
  return [];
}

/** The shared settings with source `tis` reached directly (no resourceArn, no database). */
const direct = (vpc: string) =>
  SETTINGS.replace(
    / {2}tis:\n[\s\S]*?database: tis\n/,
    '  tis:\n    engine: postgres\n    connection: direct\n    secretArn: arn:aws:secretsmanager:eu-west-2:123456789012:secret:tis\n',
  ).concat(vpc);

describe('sources with connection: direct', () => {
  it('loads with a secret and the VPC, without resourceArn or database, with TLS on by default', async () => {
    // Act
    const config = await loadConfig({
      dir: writeTree({
        'stalewatch.yml': direct(
          'vpc:\n  subnetIds: [subnet-0a1b2c3d4e5f60718]\n  securityGroupIds: [sg-0a1b2c3d4e5f60718]\n',
        ),
        'placements.yml': PLACEMENTS,
      }),
      env: {},
    });
    // Assess
    expect(config.settings.sources.tis).toMatchObject({
      connection: 'direct',
      resourceArn: null,
      database: null,
      tls: true,
    });
    expect(config.settings.vpc).toEqual({
      subnetIds: ['subnet-0a1b2c3d4e5f60718'],
      securityGroupIds: ['sg-0a1b2c3d4e5f60718'],
    });
  });

  it('refuses a direct source when the settings give no VPC, at the source’s line, saying what to add', async () => {
    const problems = await problemsOf(direct(''));
    expect(problems).toEqual([
      expect.stringMatching(
        /^checks\/stalewatch\.yml:6:17 sources\.tis\.connection: direct needs the VPC .* add vpc: \{subnetIds: \[subnet-/,
      ),
    ]);
  });

  it('refuses a VPC with no subnet or no security group, and ids that are not ids, each at its line', async () => {
    const problems = await problemsOf(
      direct('vpc:\n  subnetIds: []\n  securityGroupIds: [my-database-group]\n'),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^checks\/stalewatch\.yml:\d+:\d+ vpc\.subnetIds: is empty — list at least one subnet/,
      ),
      expect.stringMatching(
        /^checks\/stalewatch\.yml:\d+:\d+ vpc\.securityGroupIds\[0\]: "my-database-group" is not a security group id — write it as sg-/,
      ),
    ]);
  });

  it('still asks a Data API source for its resourceArn and database', async () => {
    const problems = await problemsOf(
      SETTINGS.replace(/ {4}resourceArn: .*\n/, '').replace('    database: tis\n', ''),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^checks\/stalewatch\.yml:\d+:\d+ sources\.tis\.resourceArn: is required to reach the source through the RDS Data API/,
      ),
      expect.stringMatching(/^checks\/stalewatch\.yml:\d+:\d+ sources\.tis\.database: is required/),
    ]);
  });

  it('refuses a connection that is neither', async () => {
    const problems = await problemsOf(
      SETTINGS.replace('engine: postgres', 'engine: postgres\n    connection: jdbc'),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /sources\.tis\.connection: "jdbc" is not a connection — write data-api .* or direct/,
      ),
    ]);
  });
});
