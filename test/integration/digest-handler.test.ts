import { clearCaches } from '@aws-lambda-powertools/parameters';
import type { Context } from 'aws-lambda';
import { dynamoStateStore } from '../../lib/adapters/aws/dynamo-state';
import { digestFire } from '../../lib/app/digest';
import { loadConfig } from '../../lib/config/load';
import { setServiceEnv, startDynamo } from '../helpers/aws';
import { fakeDateOnly } from '../helpers/clock';
import { EMAIL_FROM_PARAMETER, startNotifyStandIns } from '../helpers/stand-ins';
import { compiledConfigFile, PLACEMENTS, writeTree } from '../helpers/tree';

/** A digest at 08:00 and 16:00 on weekdays, London time, for a lead with Slack and email. */
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
    email: lead@example.org
notify:
  digest: "0 8,16 * * 1-5"
`;

type Handler = (event: unknown, context: Context) => Promise<Record<string, unknown>>;
const CONTEXT = { getRemainingTimeInMillis: () => 30_000, awsRequestId: 'r' } as unknown as Context;

describe('the digest function, keyed by the scheduled fire it answers', () => {
  const saved = { ...process.env };
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let standIns: Awaited<ReturnType<typeof startNotifyStandIns>>;

  /** `n` digest invocations at once at `time` on the wall clock, each in its own container. */
  const digestAt = (time: string, n = 1) => {
    jest.setSystemTime(new Date(time));
    const handlers = Array.from({ length: n }, () => {
      let handler: Handler | undefined;
      jest.isolateModules(() => {
        handler = require('../../functions/digest').handler;
      });
      return handler as Handler;
    });
    return Promise.all(handlers.map((handler) => handler({}, CONTEXT)));
  };

  beforeAll(async () => {
    fakeDateOnly('2026-11-23T08:00:00Z');
    [dynamo, standIns] = await Promise.all([startDynamo(), startNotifyStandIns()]);
    const config = await loadConfig({
      dir: writeTree({
        'stalewatch.yml': SETTINGS,
        'placements.yml': PLACEMENTS.replace('placements-lead', 'lead'),
      }),
      env: {},
    });
    const configFile = compiledConfigFile(config, [2026]);
    await dynamo.createTable('stalewatch-test-state');
    setServiceEnv({
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SSM: standIns.address,
      AWS_ENDPOINT_URL_SESV2: standIns.address,
      STALEWATCH_STATE_TABLE: 'stalewatch-test-state',
      STALEWATCH_CONFIG_FILE: configFile,
      STALEWATCH_EMAIL_FROM_PARAMETER: EMAIL_FROM_PARAMETER,
      POWERTOOLS_LOG_LEVEL: 'CRITICAL',
    });
    // Placements has been stale since Saturday.
    await dynamoStateStore(dynamo.client, 'stalewatch-test-state').save(
      {
        checkId: 'placements/updated-recently',
        status: 'fail',
        since: '2026-11-21T04:14:00.000Z',
        dataStatus: 'fail',
        staleSince: '2026-11-21T04:14:00.000Z',
        lastUpdatedAt: '2026-11-20T02:14:00.000Z',
        observed: { ageSeconds: 1 },
        rowCounts: [],
        lastNotifiedAt: '2026-11-21T04:14:00.000Z',
        runId: 'r',
        runAt: '2026-11-23T07:45:00.000Z',
        version: 1,
      },
      0,
      [],
    );
    clearCaches();
  });

  afterAll(async () => {
    jest.useRealTimers();
    process.env = saved;
    await Promise.all([dynamo.stop(), standIns.stop()]);
  });

  it('sends at each fire of a twice-a-day digest, once however often one fire is invoked', async () => {
    // Act: 08:00 invoked twice at once and retried at 08:03; 16:00 invoked, and retried at 16:02.
    const morning = await digestAt('2026-11-23T08:00:00Z', 2);
    const morningRetry = await digestAt('2026-11-23T08:03:00Z');
    const afternoon = await digestAt('2026-11-23T16:00:00Z');
    const afternoonRetry = await digestAt('2026-11-23T16:02:00Z');
    // Assess: the lead got the digest twice that day, once per fire, on each channel.
    expect(standIns.deliveries()).toEqual({
      slack: { '/services/stalewatch/slack/lead': 2 },
      email: { 'lead@example.org': 2 },
    });
    expect(morning.reduce((sum, o) => sum + (o.sent as number), 0)).toBe(2);
    expect(morningRetry).toEqual([expect.objectContaining({ sent: 0, alreadySent: 2 })]);
    expect(afternoon).toEqual([expect.objectContaining({ sent: 2 })]);
    expect(afternoonRetry).toEqual([expect.objectContaining({ sent: 0, alreadySent: 2 })]);
  });
});

describe('digestFire: the fire an invocation answers', () => {
  const fire = (cron: string, zone: string, now: string) =>
    digestFire(cron, zone, new Date(now))?.toISOString();

  it('is the latest fire at or before now, in the configured zone, across a clock change', () => {
    // London is on UTC in winter and UTC+1 in summer: 08:00 local is 08:00 or 07:00 UTC.
    expect(fire('0 8,16 * * 1-5', 'Europe/London', '2026-11-23T08:00:00.000Z')).toBe(
      '2026-11-23T08:00:00.000Z',
    );
    expect(fire('0 8,16 * * 1-5', 'Europe/London', '2026-11-23T15:59:00.000Z')).toBe(
      '2026-11-23T16:00:00.000Z',
    );
    expect(fire('0 8,16 * * 1-5', 'Europe/London', '2026-11-23T15:58:59.000Z')).toBe(
      '2026-11-23T08:00:00.000Z',
    );
    expect(fire('0 8 * * 1-5', 'Europe/London', '2026-03-30T07:00:30.000Z')).toBe('2026-03-30T07:00:00.000Z');
    // A Monday morning retry answers Friday's fire when Monday's has not come yet.
    expect(fire('0 8 * * 1-5', 'Europe/London', '2026-11-23T06:00:00.000Z')).toBe('2026-11-20T08:00:00.000Z');
  });

  it('finds the last fire of a monthly or yearly digest, and of one every half hour', () => {
    expect(fire('0 9 1 * *', 'UTC', '2026-11-23T10:00:00.000Z')).toBe('2026-11-01T09:00:00.000Z');
    expect(fire('0 9 1 1 *', 'Asia/Kolkata', '2026-11-23T10:00:00.000Z')).toBe('2026-01-01T03:30:00.000Z');
    expect(fire('*/30 * * * *', 'UTC', '2026-11-23T10:29:30.000Z')).toBe('2026-11-23T10:30:00.000Z');
    expect(fire('*/30 * * * *', 'UTC', '2026-11-23T10:28:59.000Z')).toBe('2026-11-23T10:00:00.000Z');
  });
});
