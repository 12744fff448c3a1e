import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../lib/runtime/cli/io';
import { describeFailure, main } from '../../lib/runtime/cli/main';
import { startDynamo } from '../helpers/aws';
import { stalewatch, stalewatchAsync } from '../helpers/cli';
import { PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

/**
 * The command line when things go wrong (issue 8): every failure is one line on stderr that says what
 * to do, never a stack trace unless STALEWATCH_DEBUG=1 asks for one.
 */

const STACK = /^\s+at /m;
const checks = () => writeTree({ 'stalewatch.yml': SETTINGS, 'placements.yml': PLACEMENTS });
const NOW = ['--now', '2026-11-23T10:00:00Z'];

/** An io for `main` that records what it writes, with the clock `clock`. */
function recordingIo(clock: () => Date, env: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    env,
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
    clock,
    monotonic: () => performance.now(),
    newRunId: () => 'run-1',
  };
  return { io, out };
}

describe('an unexpected failure', () => {
  it.each([
    [
      'an Error',
      new TypeError('Cannot read properties of undefined'),
      'TypeError: Cannot read properties of undefined',
    ],
    ['an object', { reason: 'clock broke', code: 42 }, 'failed: {"reason":"clock broke","code":42}'],
    ['a string', 'clock broke', 'clock broke'],
    ['undefined', undefined, 'failed with no message (something threw undefined)'],
    ['an object that is not JSON', Object.create(null), 'failed: [object Object]'],
  ])('thrown as %s is one readable line on stderr, exit 1, no stack', async (_what, thrown, says) => {
    // Prepare: a clock that throws, which `run` reads when --now is not given
    const { io, out } = recordingIo(() => {
      throw thrown;
    });
    // Act
    const code = await main(['run', '--checks', checks(), '--source', 'tis=pglite:'], io);
    // Assess
    expect(code).toBe(1);
    expect(out.stderr).toBe(`stalewatch: ${says} (STALEWATCH_DEBUG=1 shows where)\n`);
  });

  it('shows its stack with STALEWATCH_DEBUG=1', async () => {
    const { io, out } = recordingIo(
      () => {
        throw new Error('clock broke');
      },
      { STALEWATCH_DEBUG: '1' },
    );
    const code = await main(['run', '--checks', checks(), '--source', 'tis=pglite:'], io);
    expect(code).toBe(1);
    expect(out.stderr).toMatch(/^stalewatch: clock broke\n/);
    expect(out.stderr).toMatch(STACK);
  });

  it('never shows the password of a URL in its message', () => {
    expect(describeFailure(new Error('connect postgres://u:s3cret@db/x failed'))).toBe(
      'connect postgres://u:***@db/x failed',
    );
  });
});

describe('stalewatch run --only', () => {
  it.each([[['--only', '']], [['--only', ',']], [['--only', ' , ']]])(
    'refuses %j, which names no id, rather than running every check',
    (only) => {
      const { code, stdout, stderr } = stalewatch(['run', '--checks', checks(), ...NOW, ...only]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(
        /^--only names no dataset or check id — give one or more, e\.g\. --only placements/,
      );
      expect(stderr.trim().split('\n')).toHaveLength(1);
    },
  );
});

describe('stalewatch preview --out', () => {
  it('refuses a file where the folder goes, in one line', () => {
    // Prepare
    const file = join(mkdtempSync(join(tmpdir(), 'stalewatch-out-')), 'report.json');
    writeFileSync(file, '{}');
    // Act
    const { code, stderr } = stalewatch([
      'preview',
      '--checks',
      checks(),
      ...NOW,
      '--source',
      'tis=pglite:',
      '--out',
      file,
    ]);
    // Assess
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(
      `--out ${file} is a file — give a folder for the files to be written to (it is made if missing), e.g. --out preview`,
    );
  });
});

describe('stalewatch snooze', () => {
  /** An environment with no AWS region anywhere: no variable, no profile file. */
  const noRegion = () => {
    const home = mkdtempSync(join(tmpdir(), 'stalewatch-home-'));
    return {
      HOME: home,
      AWS_CONFIG_FILE: join(home, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'example',
    };
  };

  it('without a region says what to set, in one line, with no stack', () => {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => k !== 'AWS_REGION' && k !== 'AWS_DEFAULT_REGION'),
    ) as Record<string, string>;
    const { code, stdout, stderr } = stalewatch(
      ['snooze', 'placements', '--until', '2099-01-01T09:00', '--checks', checks(), '--stage', 'prod'],
      { ...env, ...noRegion() },
    );
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe(
      "no AWS region is set for the deployed state table — pass --region eu-west-2 (your stack's region) or set AWS_REGION",
    );
  });

  it('ack without a region says what to set, in one line, with no stack, as snooze does', () => {
    // Prepare
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => k !== 'AWS_REGION' && k !== 'AWS_DEFAULT_REGION'),
    ) as Record<string, string>;
    // Act
    const { code, stdout, stderr } = stalewatch(
      ['ack', 'placements', '--by', 'Jane Smith', '--checks', checks(), '--stage', 'prod'],
      { ...env, ...noRegion() },
    );
    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe(
      "no AWS region is set for the deployed state table — pass --region eu-west-2 (your stack's region) or set AWS_REGION",
    );
  });

  it('takes --region and --stage, and snoozes in that stage’s state table', async () => {
    // Prepare: the state table of stage test, behind a local DynamoDB
    const dynamo = await startDynamo();
    try {
      await dynamo.createTable('stalewatch-test-state');
      // Act
      const { code, stdout, stderr } = await stalewatchAsync(
        [
          'snooze',
          'placements',
          '--until',
          '2099-01-01T09:00',
          '--checks',
          checks(),
          '--stage',
          'test',
          '--region',
          'eu-west-2',
        ],
        { ...noRegion(), AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint },
      );
      // Assess
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toMatch(
        /^No alerts about Trainee placements until .* \(table stalewatch-test-state\)\.$/m,
      );
    } finally {
      await dynamo.stop();
    }
  });
});

describe('stalewatch demo', () => {
  const faketime = spawnSync('which', ['faketime']).status === 0;
  (faketime ? it : it.skip)(
    'runs under a frozen clock (libfaketime), as on a CI machine that fakes time',
    () => {
      // Act: the wall clock stopped at one instant for the whole demo
      const bin = join(__dirname, '..', '..', 'bin', 'stalewatch.js');
      const result = spawnSync('faketime', ['2026-11-23 10:00:00', process.execPath, bin, 'demo'], {
        encoding: 'utf8',
        cwd: mkdtempSync(join(tmpdir(), 'stalewatch-demo-')),
        timeout: 110_000,
      });
      // Assess
      expect({ code: result.status, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
      expect(result.stderr).not.toMatch(STACK);
      // (Under CI's own libfaketime the two fakes compose: the date shown is not asserted.)
      expect(result.stdout).toMatch(/^Stalewatch — \w+day \d+ \w+/);
      expect(result.stdout).toContain('That was the shipped checks/ folder on sample data.');
    },
    120_000,
  );
});
