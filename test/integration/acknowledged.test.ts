import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { dynamoAcknowledgements } from '../../lib/adapters/aws/acknowledgements';
import { loadConfig } from '../../lib/config/load';
import { main } from '../../lib/runtime/cli/main';
import { setServiceEnv, startDynamo } from '../helpers/aws';
import { fakeDateOnly } from '../helpers/clock';
import { sampleDetail } from '../helpers/events';
import { EMAIL_FROM_PARAMETER, startNotifyStandIns } from '../helpers/stand-ins';
import { compiledConfigFile, PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

/** Monday 23 November 2026, 10:02 in London. */
const ACKED_AT = new Date('2026-11-23T10:02:00Z');
const TABLE = 'stalewatch-test-state';

describe('once someone is on a dataset, every later message says so and reminders stop', () => {
  const saved = { ...process.env };
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let standIns: Awaited<ReturnType<typeof startNotifyStandIns>>;
  let checksDir: string;
  let notify: (event: unknown, context: Context) => Promise<Record<string, unknown>>;
  let digest: (event: unknown, context: Context) => Promise<Record<string, unknown>>;
  const context = { getRemainingTimeInMillis: () => 60_000 } as unknown as Context;
  const event = (detailType: string, overrides: Parameters<typeof sampleDetail>[0] = {}) => ({
    'detail-type': detailType,
    source: 'stalewatch',
    detail: sampleDetail({ subscribers: [], ...overrides }),
  });
  /** `stalewatch ack …` in this process, on the test's clock. */
  const ack = async (args: string[], at: Date) => {
    let stdout = '';
    let stderr = '';
    const code = await main(['ack', ...args, '--checks', checksDir, '--table', TABLE], {
      env: process.env,
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      clock: () => at,
      monotonic: () => performance.now(),
      newRunId: () => 'run',
    });
    return { code, stdout, stderr };
  };
  const slackTexts = () => standIns.state.slack.map((s) => JSON.stringify(s.body));

  beforeAll(async () => {
    fakeDateOnly('2026-11-23T10:00:00Z');
    standIns = await startNotifyStandIns();
    dynamo = await startDynamo();
    await dynamo.createTable(TABLE);
    const settings = SETTINGS.replace(
      'audience: platform',
      'audience: platform\n    slack: ${ssm:/stalewatch/slack/platform}',
    );
    checksDir = writeTree({ 'stalewatch.yml': settings, 'placements.yml': PLACEMENTS });
    const config = await loadConfig({ dir: checksDir, env: {} });
    const configFile = compiledConfigFile(config, [2026]);
    setServiceEnv({
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SSM: standIns.address,
      STALEWATCH_STATE_TABLE: TABLE,
      STALEWATCH_CONFIG_FILE: configFile,
      STALEWATCH_EMAIL_FROM_PARAMETER: EMAIL_FROM_PARAMETER,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    notify = require('../../functions/notify').handler;
    digest = require('../../functions/digest').handler;
  });

  afterAll(async () => {
    jest.useRealTimers();
    process.env = saved;
    await Promise.all([dynamo.stop(), standIns.stop()]);
  });

  it('stalewatch ack records who, a second ack keeps the first, and the story plays out', async () => {
    // Act 1: Jane says she is on it from the CLI at 10:02; Sam a minute later.
    const jane = await ack(['placements', '--by', 'Jane Smith'], ACKED_AT);
    const sam = await ack(['placements', '--by', 'Sam Patel'], new Date(ACKED_AT.getTime() + 60_000));
    // Assess 1
    expect(jane).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('Who is on Trainee placements: Jane Smith (since 10:02)'),
    });
    expect(sam.stdout).toContain('already has someone on it: Jane Smith (since 10:02)');

    // Act 2: a reminder a day later, and a check error meanwhile.
    jest.setSystemTime(new Date('2026-11-24T10:00:00Z'));
    const reminder = await notify(
      event('Dataset Still Stale', { eventId: 'evt-remind', now: '2026-11-24T10:00:00.000Z' }),
      context,
    );
    const error = await notify(
      event('Check Error', {
        eventId: 'evt-error',
        status: 'error',
        error: 'connection refused',
        now: '2026-11-24T10:00:00.000Z',
      }),
      context,
    );
    // Assess 2: no reminder; the error message (to the platform team) says who is on it, with the day.
    expect(reminder).toMatchObject({ sent: 0, skipped: ['placements: Jane Smith is on it, so no reminder'] });
    expect(error).toMatchObject({ sent: 1 });
    expect(slackTexts().join()).toContain('Who is on it:* Jane Smith (since Monday 23 November 10:02)');

    // Act 3: the weekday digest, from the stored state of a stale check.
    await dynamo.client.send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          pk: 'CHECK#placements/updated-recently',
          sk: 'STATE',
          checkId: 'placements/updated-recently',
          status: 'fail',
          since: '2026-11-23T07:00:00.000Z',
          dataStatus: 'fail',
          staleSince: '2026-11-23T07:00:00.000Z',
          lastUpdatedAt: '2026-11-20T02:10:00.000Z',
          observed: null,
          rowCounts: [],
          lastNotifiedAt: '2026-11-23T07:00:00.000Z',
          runId: 'r1',
          runAt: '2026-11-24T07:45:00.000Z',
          version: 3,
        },
      }) as never,
    );
    jest.setSystemTime(new Date('2026-11-24T08:00:00Z'));
    standIns.state.slack = [];
    await digest({}, context);
    // Assess 3
    expect(slackTexts().join()).toContain('Who is on it: Jane Smith (since Monday 23 November 10:02)');

    // Act 4: the check passes again, and the dataset recovers.
    await dynamo.client.send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          pk: 'CHECK#placements/updated-recently',
          sk: 'STATE',
          checkId: 'placements/updated-recently',
          status: 'pass',
          version: 4,
        },
      }) as never,
    );
    jest.setSystemTime(new Date('2026-11-24T12:00:00Z'));
    standIns.state.slack = [];
    await notify(
      event('Dataset Recovered', {
        eventId: 'evt-recovered',
        status: 'pass',
        previousStatus: 'fail',
        now: '2026-11-24T12:00:00.000Z',
      }),
      context,
    );
    // Assess 4: the recovery still says who was on it; then no one is, so the next spell starts afresh.
    expect(slackTexts().join()).toContain('Jane Smith (since Monday 23 November 10:02)');
    const acks = dynamoAcknowledgements(dynamo.client, TABLE);
    expect((await acks.current(['placements'])).size).toBe(0);
  });

  it('refuses a --by name with a line break or an invisible control character, which would forge a line', async () => {
    // Act
    const broken = await ack(['placements', '--by', 'Jane\nWhat to do: pay the invoice'], ACKED_AT);
    const reversed = await ack(['placements', '--by', 'Jane \u202eevil'], ACKED_AT);
    // Assess
    for (const answer of [broken, reversed]) {
      expect(answer.code).toBe(2);
      expect(answer.stderr.trim()).toBe(
        '--by takes the name people should read, on one line with no control characters, e.g. --by "Jane Smith"',
      );
    }
    expect((await dynamoAcknowledgements(dynamo.client, TABLE).current(['placements'])).size).toBe(0);
  });

  it('refuses to ack a dataset that is not in checks/, naming the ones that are', async () => {
    const answer = await ack(['no-such', '--by', 'Jane'], ACKED_AT);
    expect(answer.code).toBe(2);
    expect(answer.stderr).toContain(
      '"no-such" is not a dataset or a watched alarm. The datasets are: placements.',
    );
  });

  it('refuses to ack a dataset that is back to normal: no one would ever be taken off it', async () => {
    // Prepare: every check of placements passed at its last run.
    const config = await loadConfig({ dir: checksDir, env: {} });
    const checkIds = config.checks.filter((c) => c.dataset === 'placements').map((c) => c.id);
    for (const checkId of checkIds)
      await dynamo.client.send(
        new PutCommand({
          TableName: TABLE,
          Item: {
            pk: `CHECK#${checkId}`,
            sk: 'STATE',
            checkId,
            status: 'pass',
            since: '2026-11-23T09:00:00.000Z',
            dataStatus: 'pass',
            staleSince: null,
            lastUpdatedAt: '2026-11-23T08:00:00.000Z',
            observed: null,
            rowCounts: [],
            lastNotifiedAt: null,
            runId: 'r9',
            runAt: '2026-11-23T10:00:00.000Z',
            version: 9,
          },
        }) as never,
      );
    // Act
    const answer = await ack(['placements', '--by', 'Jane Smith'], ACKED_AT);
    // Assess
    expect(answer.code).toBe(2);
    expect(answer.stderr.trim()).toBe(
      'Trainee placements is back to normal (every check passed at its last run): there is nothing to be on, so nothing was recorded',
    );
    expect((await dynamoAcknowledgements(dynamo.client, TABLE).current(['placements'])).size).toBe(0);
  });

  it('a typo in the id suggests the dataset in one well-punctuated sentence', async () => {
    // Act
    const answer = await ack(['placement', '--by', 'Jane'], ACKED_AT);
    // Assess
    expect(answer.code).toBe(2);
    expect(answer.stderr.trim()).toBe(
      '"placement" is not a dataset or a watched alarm — did you mean "placements"? The datasets are: placements.',
    );
  });
});
