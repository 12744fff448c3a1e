import { clearCaches } from '@aws-lambda-powertools/parameters';
import type { Context } from 'aws-lambda';
import { loadConfig } from '../../lib/config/load';
import type { CheckEventDetail } from '../../lib/core/events/types';
import { setServiceEnv, startDynamo } from '../helpers/aws';
import { fakeDateOnly } from '../helpers/clock';
import { sampleDetail } from '../helpers/events';
import { EMAIL_FROM_PARAMETER, startNotifyStandIns } from '../helpers/stand-ins';
import { compiledConfigFile, PLACEMENTS, writeTree } from '../helpers/tree';

const SETTINGS = `timezone: Europe/London
sources:
  tis:
    engine: postgres
    resourceArn: arn:aws:rds:eu-west-2:123456789012:cluster:tis
    secretArn: arn:aws:secretsmanager:eu-west-2:123456789012:secret:tis
    database: tis
contacts:
  lead:
    name: Placements lead
    audience: data-lead
    slack: \${ssm:/stalewatch/slack/lead}
notify:
  quietHours: "19:00-08:00"
`;

type Handler = (event: unknown, context: Context) => Promise<Record<string, unknown>>;
const CONTEXT = { getRemainingTimeInMillis: () => 20_000, awsRequestId: 'r' } as unknown as Context;

/** An event about placements' freshness check for the lead, as EventBridge delivers it. */
const eventOf = (type: string, eventId: string, now: string, overrides: Partial<CheckEventDetail> = {}) => ({
  'detail-type': type,
  source: 'stalewatch',
  detail: sampleDetail({ eventId, now, owners: ['lead'], subscribers: [], ...overrides }),
});
const stillStale = (now: string) =>
  eventOf('Dataset Still Stale', 'evt-still', now, { status: 'warn', previousStatus: 'warn' });
const recovered = (now: string) =>
  eventOf('Dataset Recovered', 'evt-recovered', now, {
    status: 'pass',
    previousStatus: 'warn',
    staleSince: null,
    staleForSeconds: 3 * 86_400,
    breaches: [],
  });

describe('notify never delivers a message after a later one about the same check', () => {
  const saved = { ...process.env };
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let standIns: Awaited<ReturnType<typeof startNotifyStandIns>>;
  let tables = 0;

  /** A notify invocation in its own container, at `time` on the wall clock. */
  const notifyAt = (time: string, event: unknown) => {
    jest.setSystemTime(new Date(time));
    let handler: Handler | undefined;
    jest.isolateModules(() => {
      handler = require('../../functions/notify').handler;
    });
    return (handler as Handler)(event, CONTEXT);
  };
  /** What the lead read in Slack, in the order it arrived. */
  const slackTexts = () => standIns.state.slack.map((m) => m.body.text);

  beforeAll(async () => {
    fakeDateOnly('2026-11-23T22:00:00Z');
    [dynamo, standIns] = await Promise.all([startDynamo(), startNotifyStandIns()]);
    const config = await loadConfig({
      dir: writeTree({
        'stalewatch.yml': SETTINGS,
        'placements.yml': PLACEMENTS.replace('placements-lead', 'lead'),
      }),
      env: {},
    });
    const configFile = compiledConfigFile(config, [2026]);
    setServiceEnv({
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SSM: standIns.address,
      AWS_ENDPOINT_URL_SESV2: standIns.address,
      STALEWATCH_CONFIG_FILE: configFile,
      STALEWATCH_EMAIL_FROM_PARAMETER: EMAIL_FROM_PARAMETER,
      POWERTOOLS_LOG_LEVEL: 'CRITICAL',
    });
  });

  beforeEach(async () => {
    const table = `notify-order-${++tables}`;
    await dynamo.createTable(table);
    process.env.STALEWATCH_STATE_TABLE = table;
    standIns.reset();
    clearCaches();
  });

  afterAll(async () => {
    jest.useRealTimers();
    process.env = saved;
    await Promise.all([dynamo.stop(), standIns.stop()]);
  });

  it('drops a reminder held overnight once "up to date again" went out in the morning', async () => {
    // Act: the reminder at 22:00 (quiet hours: held), the recovery at 08:05 (sent), the release at 08:15.
    const held = await notifyAt('2026-11-23T22:00:00Z', stillStale('2026-11-23T22:00:00.000Z'));
    await notifyAt('2026-11-24T08:05:00Z', recovered('2026-11-24T08:05:00.000Z'));
    const release = await notifyAt('2026-11-24T08:15:00Z', { release: true });
    // Assess: the lead reads that it is right again, and nothing after that says it is not.
    expect(slackTexts()).toEqual([
      'Back to normal: Trainee placements is up to date again (was stale for 3 days)',
    ]);
    expect(held).toMatchObject({ held: 1 });
    expect(release).toMatchObject({
      sent: 0,
      skipped: ['lead: a later event about placements/nightly-sync reached them first'],
    });
  });

  it('delivers only the recovery when both were held, and nothing more on the next release', async () => {
    // Act: the reminder at 22:00 and the recovery at 07:00 are both held until 08:00.
    await notifyAt('2026-11-23T22:00:00Z', stillStale('2026-11-23T22:00:00.000Z'));
    await notifyAt('2026-11-24T07:00:00Z', recovered('2026-11-24T07:00:00.000Z'));
    await notifyAt('2026-11-24T08:00:00Z', { release: true });
    await notifyAt('2026-11-24T08:15:00Z', { release: true });
    // Assess
    expect(slackTexts()).toEqual([
      'Back to normal: Trainee placements is up to date again (was stale for 3 days)',
    ]);
  });

  it('sends nothing for an event that arrives after a later one about the same check', async () => {
    // Act: the 10:15 recovery is handled first; the 10:00 "stale" (a retried delivery) comes after.
    await notifyAt('2026-11-24T10:16:00Z', recovered('2026-11-24T10:15:00.000Z'));
    await notifyAt('2026-11-24T10:17:00Z', eventOf('Dataset Stale', 'evt-stale', '2026-11-24T10:00:00.000Z'));
    // Assess
    expect(slackTexts()).toEqual([
      'Back to normal: Trainee placements is up to date again (was stale for 3 days)',
    ]);
  });

  it('delivers held messages in the order of their events, whatever order they were held in', async () => {
    // Act: two datasets' warnings, the later event handled first, both held until 08:00.
    const other = { checkId: 'programmes/updated', dataset: 'programmes', title: 'Programme memberships' };
    await notifyAt(
      '2026-11-23T23:30:00Z',
      eventOf('Dataset Stale', 'evt-a', '2026-11-23T23:00:00.000Z', { status: 'warn' }),
    );
    await notifyAt(
      '2026-11-23T23:31:00Z',
      eventOf('Dataset Stale', 'evt-b', '2026-11-23T22:00:00.000Z', { status: 'warn', ...other }),
    );
    await notifyAt('2026-11-24T08:00:00Z', { release: true });
    // Assess: Programme memberships (22:00) before Trainee placements (23:00).
    expect(slackTexts()).toEqual([
      expect.stringMatching(/^Stale: Programme memberships /),
      expect.stringMatching(/^Stale: Trainee placements /),
    ]);
  });
});
