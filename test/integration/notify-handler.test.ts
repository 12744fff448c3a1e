import type { Context } from 'aws-lambda';
import { loadConfig } from '../../lib/config/load';
import { setServiceEnv, startDynamo } from '../helpers/aws';
import { fakeDateOnly } from '../helpers/clock';
import { sampleDetail } from '../helpers/events';
import { EMAIL_FROM_PARAMETER, startNotifyStandIns } from '../helpers/stand-ins';
import { compiledConfigFile, PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

describe('the notify function, with its real clients pointed at local stand-ins', () => {
  const saved = { ...process.env };
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let standIns: Awaited<ReturnType<typeof startNotifyStandIns>>;
  let handler: (event: unknown, context: Context) => Promise<Record<string, unknown>>;

  beforeAll(async () => {
    // The handler reads the wall clock; the words of its message depend on it. Only Date is faked, at
    // the sample's Monday 10:00, so that the real clients' timers and sockets work as they do in Lambda.
    fakeDateOnly('2026-11-23T10:00:00Z');
    // Prepare: a contact with a Slack webhook in SSM and an email address; every endpoint local.
    standIns = await startNotifyStandIns();
    dynamo = await startDynamo();
    await dynamo.createTable('stalewatch-test-state');
    const settings = SETTINGS.replace(
      'audience: data-lead',
      'audience: data-lead\n    email: lead@example.org',
    );
    const config = await loadConfig({
      dir: writeTree({ 'stalewatch.yml': settings, 'placements.yml': PLACEMENTS }),
      env: {},
    });
    const configFile = compiledConfigFile(config, [2026]);
    setServiceEnv({
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SSM: standIns.address,
      AWS_ENDPOINT_URL_SESV2: standIns.address,
      STALEWATCH_STATE_TABLE: 'stalewatch-test-state',
      STALEWATCH_CONFIG_FILE: configFile,
      STALEWATCH_EMAIL_FROM_PARAMETER: EMAIL_FROM_PARAMETER,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    handler = require('../../functions/notify').handler;
  });

  afterAll(async () => {
    jest.useRealTimers();
    process.env = saved;
    await Promise.all([dynamo.stop(), standIns.stop()]);
  });

  it('reads the webhook from SSM, posts to Slack, emails through SES, and sends a redelivery nothing', async () => {
    // Act: the event as EventBridge delivers it, twice.
    const event = {
      'detail-type': 'Dataset Stale',
      source: 'stalewatch',
      detail: sampleDetail({ subscribers: [] }),
    };
    const context = { getRemainingTimeInMillis: () => 60_000 } as unknown as Context;
    const first = await handler(event, context);
    const again = await handler(event, context);
    // Assess
    expect(first).toMatchObject({ sent: 2 });
    expect(again).toMatchObject({ sent: 0, alreadySent: 2 });
    expect(standIns.state.ssm).toContain('/stalewatch/slack/placements');
    expect(standIns.state.slack).toEqual([
      {
        path: '/services/stalewatch/slack/placements',
        body: expect.objectContaining({ text: 'Stale: Trainee placements data is 3 days out of date' }),
      },
    ]);
    expect(standIns.state.email).toEqual([
      expect.objectContaining({
        FromEmailAddress: 'stalewatch@example.org',
        Destination: { ToAddresses: ['lead@example.org'] },
      }),
    ]);
  });
});
