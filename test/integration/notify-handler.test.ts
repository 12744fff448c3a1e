import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { compileConfig } from '../../lib/config/compiled';
import { loadConfig } from '../../lib/config/load';
import { startDynamo } from '../helpers/aws';
import { fakeDateOnly } from '../helpers/clock';
import { sampleDetail } from '../helpers/events';
import { PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

/** One local HTTP server standing in for SSM (GetParameter), SES v2 (SendEmail) and a Slack webhook. */
async function startStandIns(webhookPath: string) {
  const seen = {
    ssm: [] as string[],
    email: [] as Array<Record<string, unknown>>,
    slack: [] as Array<Record<string, unknown>>,
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      const reply = (status: number, answer: unknown, type = 'application/json') => {
        response.writeHead(status, { 'content-type': type }).end(JSON.stringify(answer));
      };
      if (request.headers['x-amz-target'] === 'AmazonSSM.GetParameter') {
        seen.ssm.push(body.Name);
        const value =
          body.Name === '/stalewatch/test/email-from' ? 'stalewatch@example.org' : `${address}${webhookPath}`;
        return reply(
          200,
          { Parameter: { Name: body.Name, Type: 'SecureString', Value: value, Version: 1 } },
          'application/x-amz-json-1.1',
        );
      }
      if (request.url === '/v2/email/outbound-emails') {
        seen.email.push(body);
        return reply(200, { MessageId: 'm-1' });
      }
      if (request.url === webhookPath) {
        seen.slack.push(body);
        return response.writeHead(200).end('ok');
      }
      reply(404, { message: `not served: ${request.url}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { address, seen, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('the notify function, with its real clients pointed at local stand-ins', () => {
  const saved = { ...process.env };
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let standIns: Awaited<ReturnType<typeof startStandIns>>;
  let handler: (event: unknown, context: Context) => Promise<Record<string, unknown>>;

  beforeAll(async () => {
    // The handler reads the wall clock; the words of its message depend on it. Only Date is faked, at
    // the sample's Monday 10:00, so that the real clients' timers and sockets work as they do in Lambda.
    fakeDateOnly('2026-11-23T10:00:00Z');
    // Prepare: a contact with a Slack webhook in SSM and an email address; every endpoint local.
    standIns = await startStandIns('/services/T0/B0/secret');
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
    const configFile = join(writeTree({}), 'compiled.json');
    writeFileSync(configFile, compileConfig(config, [2026]));
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-2',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SSM: standIns.address,
      AWS_ENDPOINT_URL_SESV2: standIns.address,
      STALEWATCH_STATE_TABLE: 'stalewatch-test-state',
      STALEWATCH_CONFIG_FILE: configFile,
      STALEWATCH_EMAIL_FROM_PARAMETER: '/stalewatch/test/email-from',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
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
    expect(standIns.seen.ssm).toContain('/stalewatch/slack/placements');
    expect(standIns.seen.slack).toEqual([
      expect.objectContaining({ text: 'Trainee placements data is 3 days out of date' }),
    ]);
    expect(standIns.seen.email).toEqual([
      expect.objectContaining({
        FromEmailAddress: 'stalewatch@example.org',
        Destination: { ToAddresses: ['lead@example.org'] },
      }),
    ]);
  });
});
