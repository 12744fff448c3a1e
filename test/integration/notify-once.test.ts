import { clearCaches } from '@aws-lambda-powertools/parameters';
import type { Context } from 'aws-lambda';
import { dynamoSentRecord } from '../../lib/adapters/aws/sent';
import { loadConfig } from '../../lib/config/load';
import type { CheckEventDetail } from '../../lib/core/events/types';
import { setServiceEnv, startDynamo, startThrottlingProxy } from '../helpers/aws';
import { fakeDateOnly } from '../helpers/clock';
import { sampleDetail } from '../helpers/events';
import { EMAIL_FROM_PARAMETER, startNotifyStandIns } from '../helpers/stand-ins';
import { compiledConfigFile, PLACEMENTS, writeTree } from '../helpers/tree';

/** Ten contacts, each with a Slack webhook in SSM and an email address: 20 messages per event. */
const CONTACTS = Array.from({ length: 10 }, (_, i) => `c${i + 1}`);
const SETTINGS = `timezone: Europe/London
sources:
  tis:
    engine: postgres
    resourceArn: arn:aws:rds:eu-west-2:123456789012:cluster:tis
    secretArn: arn:aws:secretsmanager:eu-west-2:123456789012:secret:tis
    database: tis
contacts:
${CONTACTS.map(
  (id) =>
    `  ${id}:\n    name: Contact ${id}\n    audience: data-lead\n    slack: \${ssm:/stalewatch/slack/${id}}\n    email: ${id}@example.org\n`,
).join('')}notify:
  quietHours: "19:00-08:00"
`;
const EVERY_WEBHOOK = CONTACTS.map((id) => `/services/stalewatch/slack/${id}`);
const EVERY_ADDRESS = CONTACTS.map((id) => `${id}@example.org`);

type Handler = (event: unknown, context: Context) => Promise<Record<string, number>>;

/** Lambda's context, with the time the invocation has left. */
const contextWith = (remainingMs: number) =>
  ({ getRemainingTimeInMillis: () => remainingMs, awsRequestId: 'r' }) as unknown as Context;
const CONTEXT = contextWith(20_000);

/** A `Dataset Stale` event for every contact, as EventBridge delivers it. */
const staleEvent = (eventId: string, overrides: Partial<CheckEventDetail> = {}) => ({
  'detail-type': 'Dataset Stale',
  source: 'stalewatch',
  detail: sampleDetail({ eventId, owners: CONTACTS, subscribers: [], ...overrides }),
});

/** Every message once: each webhook got one message, each address one email. */
const once = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, 1]));

describe('notify sends each message once, whatever runs at the same time or fails', () => {
  const saved = { ...process.env };
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let proxy: Awaited<ReturnType<typeof startThrottlingProxy>>;
  let standIns: Awaited<ReturnType<typeof startNotifyStandIns>>;
  let tables = 0;
  let table = '';

  /**
   * `n` notify functions, each loaded on its own as in its own Lambda container. (What they load on first
   * use, such as the parameters' cache, jest's registry shares: `beforeEach` empties that cache.)
   */
  const containers = (n: number): Handler[] =>
    Array.from({ length: n }, () => {
      let handler: Handler | undefined;
      jest.isolateModules(() => {
        handler = require('../../functions/notify').handler;
      });
      return handler as Handler;
    });

  /** What the functions write to stdout and stderr (and the console) while `act` runs. */
  async function capturingLogs<T>(act: () => Promise<T>): Promise<{ result: T | Error; logs: string }> {
    const lines: string[] = [];
    const keep = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    const spies = [
      jest.spyOn(process.stdout, 'write').mockImplementation(keep),
      jest.spyOn(process.stderr, 'write').mockImplementation(keep),
      ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
        jest.spyOn(console, level).mockImplementation((...args: unknown[]) => keep(args.join(' '))),
      ),
    ];
    try {
      const result = await act().catch((error: Error) => error);
      return { result, logs: lines.join('\n') };
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  }

  beforeAll(async () => {
    fakeDateOnly('2026-11-23T10:00:00Z');
    [dynamo, standIns] = await Promise.all([startDynamo(), startNotifyStandIns()]);
    proxy = await startThrottlingProxy(dynamo.endpoint);
    const config = await loadConfig({
      dir: writeTree({
        'stalewatch.yml': SETTINGS,
        'placements.yml': PLACEMENTS.replace('placements-lead', 'c1'),
      }),
      env: {},
    });
    const configFile = compiledConfigFile(config, [2026]);
    setServiceEnv({
      AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
      AWS_ENDPOINT_URL_SSM: standIns.address,
      AWS_ENDPOINT_URL_SESV2: standIns.address,
      STALEWATCH_CONFIG_FILE: configFile,
      STALEWATCH_EMAIL_FROM_PARAMETER: EMAIL_FROM_PARAMETER,
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
    });
  });

  beforeEach(async () => {
    // Prepare: a fresh state table, stand-ins that accept everything, DynamoDB not throttling.
    jest.setSystemTime(new Date('2026-11-23T10:00:00Z'));
    table = `notify-once-${++tables}`;
    await dynamo.createTable(table);
    process.env.STALEWATCH_STATE_TABLE = table;
    standIns.reset();
    clearCaches();
    proxy.state.throttle = () => false;
  });

  afterAll(async () => {
    jest.useRealTimers();
    process.env = saved;
    await Promise.all([proxy.stop(), dynamo.stop(), standIns.stop()]);
  });

  it.each([2, 5])('delivers each message once when %i invocations of one event run at once', async (n) => {
    // Act: the same event, delivered to n containers at the same moment.
    const event = staleEvent(`evt-${n}-at-once`);
    const outcomes = await Promise.all(containers(n).map((handler) => handler(event, CONTEXT)));
    // Assess: each person got each message once, and only one invocation says it sent it.
    expect(standIns.deliveries()).toEqual({ slack: once(EVERY_WEBHOOK), email: once(EVERY_ADDRESS) });
    expect(outcomes.reduce((sum, o) => sum + (o.sent ?? 0), 0)).toBe(20);
    expect(outcomes.reduce((sum, o) => sum + (o.alreadySent ?? 0), 0)).toBe(20 * (n - 1));
  });

  it('delivers each held message once when two quiet-hours releases run at once', async () => {
    // Prepare: a warning at 22:00 London time is held for the ten contacts until 08:00.
    jest.setSystemTime(new Date('2026-11-23T22:00:00Z'));
    const [notify] = containers(1);
    expect(await notify?.(staleEvent('evt-held', { status: 'warn' }), CONTEXT)).toMatchObject({ held: 10 });
    // Act: the next morning, two releases overlap.
    jest.setSystemTime(new Date('2026-11-24T08:00:00Z'));
    const outcomes = await Promise.all(containers(2).map((release) => release({ release: true }, CONTEXT)));
    const later = await containers(1)[0]?.({ release: true }, CONTEXT);
    // Assess
    expect(standIns.deliveries()).toEqual({ slack: once(EVERY_WEBHOOK), email: once(EVERY_ADDRESS) });
    expect(outcomes.reduce((sum, o) => sum + (o.sent ?? 0), 0)).toBe(20);
    expect(later).toMatchObject({ sent: 0 });
  });

  it('sends nothing again when DynamoDB throttles the write that records a send', async () => {
    // Prepare: the first four writes of a sent record are throttled (as many as the SDK tries by default).
    let throttled = 0;
    proxy.state.throttle = ({ operation, body }) =>
      operation === 'PutItem' &&
      typeof body.Item === 'object' &&
      body.Item !== null &&
      'sentAt' in body.Item &&
      throttled++ < 4;
    const event = staleEvent('evt-throttled');
    // Act: the event, then the same event again (a retry or a duplicate delivery).
    const [first, again] = containers(2);
    const outcome = await first?.(event, CONTEXT).catch((error: Error) => error);
    await again?.(event, CONTEXT).catch((error: Error) => error);
    // Assess
    expect(throttled).toBeGreaterThan(4);
    expect(outcome).toMatchObject({ sent: 20 });
    expect(standIns.deliveries()).toEqual({ slack: once(EVERY_WEBHOOK), email: once(EVERY_ADDRESS) });
  });

  it('sends a message once when its record is throttled past the client’s retries and another message fails', async () => {
    // Prepare: c1's Slack record is throttled 8 times in a row (the client tries each call 6 times);
    // Slack takes c1's message and refuses c2's once, so the invocation fails and Lambda retries it.
    let throttled = 0;
    proxy.state.throttle = ({ operation, body }) =>
      operation === 'PutItem' &&
      JSON.stringify(body).includes('sentAt') &&
      JSON.stringify(body).includes('"c1#slack#0"') &&
      throttled++ < 8;
    standIns.state.slackScript = [{ status: 200 }, { status: 404 }];
    const event = staleEvent('evt-record-throttled');
    const [first, retry] = containers(2);
    // Act: the invocation, then Lambda's retry three minutes later, after every claim has lapsed.
    const failed = await first?.(event, contextWith(60_000)).catch((error: Error) => error);
    jest.setSystemTime(new Date('2026-11-23T10:03:00Z'));
    const retried = await retry?.(event, contextWith(60_000));
    // Assess: c1 got its message once; c2's came with the retry; nothing else was sent again.
    expect(throttled).toBeGreaterThan(6);
    expect(String(failed)).toContain('c2 slack: Slack answered 404');
    expect(retried).toMatchObject({ sent: 1, alreadySent: 19 });
    expect(standIns.deliveries()).toEqual({ slack: once(EVERY_WEBHOOK), email: once(EVERY_ADDRESS) });
  }, 120_000);

  it('delivers once when Slack answers 500 and then 429 before accepting', async () => {
    // Prepare
    standIns.state.slackScript = [{ status: 500 }, { status: 429, headers: { 'retry-after': '1' } }];
    const event = staleEvent('evt-slack-busy');
    // Act
    const [first, again] = containers(2);
    const outcome = await first?.(event, CONTEXT);
    const redelivered = await again?.(event, CONTEXT);
    // Assess
    expect(outcome).toMatchObject({ sent: 20 });
    expect(redelivered).toMatchObject({ sent: 0, alreadySent: 20 });
    expect(standIns.state.slackCalls).toBe(12);
    expect(standIns.deliveries()).toEqual({ slack: once(EVERY_WEBHOOK), email: once(EVERY_ADDRESS) });
  });

  it('sends a message Slack refused when the event is retried, and only that one', async () => {
    // Prepare: Slack refuses the first message (a webhook briefly revoked).
    standIns.state.slackScript = [{ status: 404 }];
    const event = staleEvent('evt-refused');
    // Act: the invocation fails; EventBridge's retry runs it again.
    const [first, retry] = containers(2);
    const failed = await first?.(event, CONTEXT).catch((error: Error) => error);
    const retried = await retry?.(event, CONTEXT);
    // Assess
    expect(String(failed)).toContain('Slack answered 404');
    expect(retried).toMatchObject({ sent: 1, alreadySent: 19 });
    expect(standIns.deliveries()).toEqual({ slack: once(EVERY_WEBHOOK), email: once(EVERY_ADDRESS) });
  });

  it('delivers a message whose sender crashed after claiming it, once the claim has lapsed', async () => {
    // Prepare: an invocation claimed c1's Slack message at 10:00 and died before sending it.
    await dynamoSentRecord(dynamo.client, table).claim(
      'evt-crashed',
      'c1#slack#0',
      new Date('2026-11-23T10:00:00Z'),
      new Date('2026-11-23T10:01:30Z'),
    );
    const event = staleEvent('evt-crashed');
    const [during, after] = containers(2);
    // Act: the retry comes while the claim still holds, and again after it lapsed.
    const early = await during?.(event, contextWith(3_000)).catch((error: Error) => error);
    const c1Early = standIns.deliveries().slack[EVERY_WEBHOOK[0] as string];
    jest.setSystemTime(new Date('2026-11-23T10:03:00Z'));
    const late = await after?.(event, CONTEXT);
    // Assess: no one sent it while it was claimed; then it was delivered, once.
    expect(String(early)).toContain('another invocation');
    expect(c1Early).toBeUndefined();
    expect(late).toMatchObject({ sent: 1, alreadySent: 19 });
    expect(standIns.deliveries()).toEqual({ slack: once(EVERY_WEBHOOK), email: once(EVERY_ADDRESS) });
  });

  it('names the parameter, and never shows its value, when a webhook is not an https URL', async () => {
    // Prepare: c3's webhook was pasted without its scheme.
    const value = 'hooks.slack.com/services/T0LEAK/B0LEAK/sEcReTt0kEn';
    standIns.state.parameters['/stalewatch/slack/c3'] = value;
    const [handler] = containers(1);
    // Act
    const { result, logs } = await capturingLogs(() =>
      (handler as Handler)(staleEvent('evt-bad-webhook'), CONTEXT),
    );
    // Assess: the invocation fails saying which parameter; the value is nowhere; the others got theirs.
    const message = String((result as Error).message);
    expect(message).toContain('the Slack webhook in ssm:/stalewatch/slack/c3 is not an https URL');
    expect(logs).toContain('ssm:/stalewatch/slack/c3');
    for (const text of [message, String((result as Error).stack), logs]) {
      expect(text).not.toContain('sEcReTt0kEn');
      expect(text).not.toContain('T0LEAK');
    }
    expect(standIns.state.slack).toHaveLength(9);
    expect(standIns.state.email).toHaveLength(10);
  });
});
