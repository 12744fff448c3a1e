import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { dynamoStateStore } from '../../lib/adapters/aws/dynamo-state';
import { dynamoHolds } from '../../lib/adapters/aws/holds';
import { dynamoSentRecord } from '../../lib/adapters/aws/sent';
import { emailChannel } from '../../lib/adapters/aws/ses';
import { dynamoStatusState } from '../../lib/adapters/aws/status-state';
import { postToSlack, slackChannel, webhookUrl } from '../../lib/adapters/slack/webhook';
import { type DigestStatePorts, runDigest } from '../../lib/app/digest';
import { countdown, notify, releaseHeld } from '../../lib/app/notify';
import type { NotifyPorts } from '../../lib/app/ports';
import { loadConfig } from '../../lib/config/load';
import { DeliveryError } from '../../lib/core/errors';
import type { CheckEventDetail } from '../../lib/core/events/types';
import type { Config } from '../../lib/core/model/config';
import { startDynamo, startThrottlingProxy, TEST_CREDENTIALS } from '../helpers/aws';
import { stalewatchAsync } from '../helpers/cli';
import { sampleDetail } from '../helpers/events';
import { PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

/** A local HTTP server that answers with the next scripted status and records each body. */
async function scriptedServer() {
  const state = {
    script: [] as Array<{ status: number; headers?: Record<string, string> }>,
    bodies: [] as unknown[],
    calls: 0,
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => {
      state.calls++;
      const next = state.script.shift() ?? { status: 200 };
      if (next.status === 200)
        state.bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'));
      response.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
      response.end(next.status === 200 ? '{"MessageId":"m-1"}' : '{"message":"no"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    reset() {
      state.script = [];
      state.bodies = [];
      state.calls = 0;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const event = (overrides: Partial<CheckEventDetail> = {}, type = 'Dataset Stale') => ({
  'detail-type': type,
  detail: sampleDetail({ subscribers: [], ...overrides }),
});

describe('notify: delivering alerts to Slack and email', () => {
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let slack: Awaited<ReturnType<typeof scriptedServer>>;
  let ses: Awaited<ReturnType<typeof scriptedServer>>;
  let config: Config;
  let table = 0;
  let ports: NotifyPorts & DigestStatePorts;
  let now = new Date('2026-11-23T10:00:00Z');

  beforeAll(async () => {
    [dynamo, slack, ses] = await Promise.all([startDynamo(), scriptedServer(), scriptedServer()]);
    const settings = SETTINGS.replace(
      'audience: data-lead',
      'audience: data-lead\n    email: lead@example.org',
    ).concat('  quietHours: "19:00-08:00"\n');
    config = await loadConfig({
      dir: writeTree({ 'stalewatch.yml': settings, 'placements.yml': PLACEMENTS }),
      env: {},
    });
  });

  beforeEach(async () => {
    // Prepare: a fresh table; a Slack webhook and SES that accept everything unless scripted.
    const name = `notify-${++table}`;
    await dynamo.createTable(name);
    slack.reset();
    ses.reset();
    now = new Date('2026-11-23T10:00:00Z');
    const sesClient = new SESv2Client({
      endpoint: ses.url,
      region: 'eu-west-2',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    const holds = dynamoHolds(dynamo.client, name);
    ports = {
      config: () => config,
      clock: () => now,
      sent: dynamoSentRecord(dynamo.client, name),
      sleep: async () => undefined,
      channels: [
        slackChannel({
          url: async () => `${slack.url}/services/T0/B0/secret`,
          retry: { sleep: async () => undefined },
        }),
        emailChannel({ client: () => sesClient, from: async () => 'stalewatch@example.org' }),
      ],
      snoozedUntil: holds.snoozedUntil,
      hold: holds.hold,
      heldDue: holds.heldDue,
      isLatest: holds.isLatest,
      states: async () => [],
      history: async () => [],
    };
  });

  afterAll(async () => {
    await Promise.all([dynamo.stop(), slack.stop(), ses.stop()]);
  });

  it('sends the owner a Slack message and an email', async () => {
    const outcome = await notify(event(), ports);
    expect(outcome).toMatchObject({ sent: 2, alreadySent: 0 });
    expect(slack.state.bodies).toEqual([
      expect.objectContaining({ text: 'Stale: Trainee placements data is 3 days out of date' }),
    ]);
    expect(ses.state.bodies).toEqual([
      expect.objectContaining({
        FromEmailAddress: 'stalewatch@example.org',
        Destination: { ToAddresses: ['lead@example.org'] },
      }),
    ]);
  });

  it('retries Slack after Retry-After on 429 and with backoff on 500, then records it sent', async () => {
    slack.state.script = [{ status: 429, headers: { 'retry-after': '1' } }, { status: 500 }];
    await notify(event(), ports);
    expect(slack.state.calls).toBe(3);
    expect(slack.state.bodies).toHaveLength(1);
  });

  it('sends nothing twice when the same event is delivered again', async () => {
    await notify(event(), ports);
    const again = await notify(event(), ports);
    expect(again).toMatchObject({ sent: 0, alreadySent: 2 });
    expect(slack.state.bodies).toHaveLength(1);
    expect(ses.state.bodies).toHaveLength(1);
  });

  it('fails the invocation when Slack keeps failing, without marking it sent, so a retry sends it', async () => {
    slack.state.script = Array(5).fill({ status: 503 });
    await expect(notify(event(), ports)).rejects.toThrow(DeliveryError);
    expect(ses.state.bodies).toHaveLength(1);
    const retry = await notify(event(), ports);
    expect(retry).toMatchObject({ sent: 1, alreadySent: 1 });
    expect(slack.state.bodies).toHaveLength(1);
  });

  it('never puts the webhook URL in an error', async () => {
    slack.state.script = [{ status: 404 }];
    const error = await notify(event(), ports).catch((e: Error) => e);
    expect(String(error)).toContain('Slack answered 404');
    expect(String(error)).not.toContain('/services/T0/B0/secret');
  });

  it('never puts the webhook URL in an error when fetch quotes it', async () => {
    // Act: a URL fetch cannot parse (its port is out of range); fetch's own message quotes it.
    const error = await postToSlack('https://127.0.0.1:99999/services/T0/B0/secret', { text: 'x' } as never, {
      sleep: async () => undefined,
    }).catch((e: Error) => e);
    // Assess
    expect(String(error)).toContain('network error');
    expect(String(error)).not.toContain('/services/T0/B0/secret');
  });

  it('takes a webhook only as an https URL, naming the parameter and never its value otherwise', () => {
    const ref = { store: 'secret', name: 'stalewatch/slack' } as const;
    expect(webhookUrl(ref, 'https://hooks.slack.com/services/T0/B0/x')).toBe(
      'https://hooks.slack.com/services/T0/B0/x',
    );
    expect(webhookUrl(ref, 'http://127.0.0.1:8080/services/T0/B0/x')).toBe(
      'http://127.0.0.1:8080/services/T0/B0/x',
    );
    for (const value of [
      'http://hooks.slack.com/services/T0/B0/x',
      'hooks.slack.com/services/T0/B0/x',
      ' ',
    ]) {
      const error = (() => {
        try {
          return webhookUrl(ref, value);
        } catch (e) {
          return e as Error;
        }
      })();
      expect(String(error)).toContain('the Slack webhook in secret:stalewatch/slack is not an https URL');
      expect(String(error)).not.toContain('T0/B0');
    }
  });

  it('counts a message as sent, and sends it no more, when its record cannot be written at all', async () => {
    // Prepare: DynamoDB throttles every write of a sent record, and the client does not retry.
    const proxy = await startThrottlingProxy(dynamo.endpoint);
    proxy.state.throttle = ({ operation, body }) =>
      operation === 'PutItem' && typeof body.Item === 'object' && body.Item !== null && 'sentAt' in body.Item;
    const client = new DynamoDBClient({
      endpoint: proxy.endpoint,
      region: 'eu-west-2',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    // The invocation's time runs as it waits between tries of the records (59 s of them, in no time).
    let left = 60_000;
    const throttled = {
      ...ports,
      sent: dynamoSentRecord(client, `notify-${table}`),
      sleep: async (ms: number) => {
        left -= ms;
      },
    };
    try {
      // Act: the event, then the same event again while the claims still hold.
      const outcome = await notify(event(), throttled, () => left);
      const again = await notify(event(), throttled, countdown(1_000)).catch((e: Error) => e);
      // Assess: delivered once, and said so once its time was up; the invocation did not fail, so
      // nothing retries it.
      expect(outcome).toMatchObject({
        sent: 2,
        notRecorded: [
          expect.stringMatching(
            /^placements-lead slack: (Throttling|ProvisionedThroughputExceeded)Exception/,
          ),
          expect.stringMatching(
            /^placements-lead email: (Throttling|ProvisionedThroughputExceeded)Exception/,
          ),
        ],
      });
      expect(left).toBeLessThan(2_000);
      expect(String(again)).toContain('another invocation is sending it');
      expect(slack.state.bodies).toHaveLength(1);
      expect(ses.state.bodies).toHaveLength(1);
    } finally {
      await proxy.stop();
    }
  });

  it('holds a non-urgent message in quiet hours and delivers it when they end', async () => {
    // Act: a warning at 22:00 London time, inside 19:00-08:00.
    now = new Date('2026-11-23T22:00:00Z');
    const outcome = await notify(event({ status: 'warn' }), ports);
    expect(outcome).toMatchObject({ held: 1, sent: 0 });
    now = new Date('2026-11-24T07:59:00Z');
    expect(await releaseHeld(ports)).toMatchObject({ sent: 0 });
    now = new Date('2026-11-24T08:00:00Z');
    expect(await releaseHeld(ports)).toMatchObject({ sent: 2 });
    expect(await releaseHeld(ports)).toMatchObject({ sent: 0 });
    expect(slack.state.bodies).toHaveLength(1);
  });

  it('sends a failing dataset at once, even in quiet hours', async () => {
    now = new Date('2026-11-23T22:00:00Z');
    expect(await notify(event({ status: 'fail' }), ports)).toMatchObject({ held: 0, sent: 2 });
  });

  it('sends nothing about a snoozed dataset', async () => {
    await dynamoHolds(dynamo.client, `notify-${table}`).snooze(
      'placements',
      new Date('2026-11-30T09:00:00Z'),
    );
    expect(await notify(event(), ports)).toMatchObject({ sent: 0, skipped: ['placements is snoozed'] });
  });

  it('sends the digest to each contact with something stale, once per day', async () => {
    // Prepare: state says placements is stale.
    const store = dynamoStateStore(dynamo.client, `notify-${table}`);
    await store.save(
      {
        checkId: 'placements/updated-recently',
        status: 'fail',
        since: '2026-11-21T04:10:00.000Z',
        dataStatus: 'fail',
        staleSince: '2026-11-21T04:10:00.000Z',
        lastUpdatedAt: '2026-11-20T02:10:00.000Z',
        observed: { ageSeconds: 1 },
        rowCounts: [],
        lastNotifiedAt: null,
        runId: 'r',
        runAt: '2026-11-23T07:00:00.000Z',
        version: 1,
      },
      0,
      [],
    );
    const digestPorts = {
      ...ports,
      states: () => store.states(),
      history: dynamoStatusState(dynamo.client, `notify-${table}`).history,
    };
    now = new Date('2026-11-24T08:00:00Z');
    expect(await runDigest(digestPorts)).toMatchObject({ sent: 2 });
    expect(slack.state.bodies).toEqual([expect.objectContaining({ text: 'Digest: 1 dataset out of date' })]);
    expect(await runDigest(digestPorts)).toMatchObject({ sent: 0, alreadySent: 2 });
  });
});

describe('stalewatch snooze', () => {
  it('records a snooze in the deployed table that notify then honours', async () => {
    // Prepare
    const dynamo = await startDynamo();
    await dynamo.createTable('stalewatch-test-state');
    const checks = writeTree({ 'stalewatch.yml': SETTINGS, 'placements.yml': PLACEMENTS });
    try {
      // Act
      const { code, stdout } = await stalewatchAsync(
        ['snooze', 'placements', '--until', '2099-11-30T09:00', '--stage', 'test', '--checks', checks],
        {
          AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
          AWS_REGION: 'eu-west-2',
          AWS_ACCESS_KEY_ID: 'x',
          AWS_SECRET_ACCESS_KEY: 'x',
        },
      );
      // Assess
      expect(stdout).toContain('No alerts about Trainee placements until Monday 30 November 2099 09:00');
      expect(code).toBe(0);
      const until = await dynamoHolds(dynamo.client, 'stalewatch-test-state').snoozedUntil('placements');
      expect(until?.toISOString()).toBe('2099-11-30T09:00:00.000Z');
    } finally {
      await dynamo.stop();
    }
  });
});
