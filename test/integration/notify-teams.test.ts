import { clearCaches } from '@aws-lambda-powertools/parameters';
import type { Context } from 'aws-lambda';
import { postToTeams } from '../../lib/adapters/teams/webhook';
import { loadConfig } from '../../lib/config/load';
import { setServiceEnv, startDynamo } from '../helpers/aws';
import { fakeDateOnly } from '../helpers/clock';
import { sampleDetail } from '../helpers/events';
import { EMAIL_FROM_PARAMETER, startNotifyStandIns } from '../helpers/stand-ins';
import { compiledConfigFile, PLACEMENTS, writeTree } from '../helpers/tree';

/**
 * Microsoft Teams through the deployed notify function: two contacts with a Teams Workflows webhook in
 * SSM (one also on Slack, named by member id), delivered as Adaptive Cards with Slack's once-only and
 * retry rules.
 */
const SETTINGS = `timezone: Europe/London
sources:
  tis:
    engine: postgres
    resourceArn: arn:aws:rds:eu-west-2:123456789012:cluster:tis
    secretArn: arn:aws:secretsmanager:eu-west-2:123456789012:secret:tis
    database: tis
contacts:
  c1:
    name: Placements data lead
    audience: data-lead
    slack: \${ssm:/stalewatch/slack/c1}
    slackUser: U012AB3CD
    teams: \${ssm:/stalewatch/teams/c1}
  c2:
    name: Platform team
    audience: platform
    teams: \${ssm:/stalewatch/teams/c2}
`;
const WORKFLOWS = ['/workflows/stalewatch/teams/c1', '/workflows/stalewatch/teams/c2'];

type Handler = (event: unknown, context: Context) => Promise<Record<string, number>>;
const CONTEXT = { getRemainingTimeInMillis: () => 30_000, awsRequestId: 'r' } as unknown as Context;

/** A `Dataset Stale` event for both contacts, as EventBridge delivers it. */
const staleEvent = (eventId: string) => ({
  'detail-type': 'Dataset Stale',
  source: 'stalewatch',
  detail: sampleDetail({ eventId, owners: ['c1', 'c2'], subscribers: [] }),
});

describe('notify posts Adaptive Cards to Teams, once each, through what Teams answers', () => {
  const saved = { ...process.env };
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let standIns: Awaited<ReturnType<typeof startNotifyStandIns>>;
  let tables = 0;

  /** `n` notify functions, each loaded on its own as in its own Lambda container. */
  const containers = (n: number): Handler[] =>
    Array.from({ length: n }, () => {
      let handler: Handler | undefined;
      jest.isolateModules(() => {
        handler = require('../../functions/notify').handler;
      });
      return handler as Handler;
    });

  beforeAll(async () => {
    fakeDateOnly('2026-11-23T10:00:00Z');
    [dynamo, standIns] = await Promise.all([startDynamo(), startNotifyStandIns()]);
    const config = await loadConfig({
      dir: writeTree({
        'stalewatch.yml': SETTINGS,
        'placements.yml': PLACEMENTS.replace('placements-lead', 'c1'),
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
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
  });

  beforeEach(async () => {
    // Prepare: a fresh state table and stand-ins that accept everything unless scripted.
    jest.setSystemTime(new Date('2026-11-23T10:00:00Z'));
    const table = `notify-teams-${++tables}`;
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

  it('posts each Teams contact one Adaptive Card 1.4 in the envelope Workflows takes', async () => {
    // Act
    const [handler] = containers(1);
    await handler?.(staleEvent('evt-card'), CONTEXT);
    // Assess: one card per workflow, saying what Slack says.
    expect(standIns.teamsDeliveries()).toEqual({ [WORKFLOWS[0] as string]: 1, [WORKFLOWS[1] as string]: 1 });
    const body = standIns.state.teams[0]?.body as {
      type: string;
      attachments: Array<{ contentType: string; content: Record<string, unknown> }>;
    };
    expect(body.type).toBe('message');
    expect(body.attachments).toHaveLength(1);
    expect(body.attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(body.attachments[0]?.content).toMatchObject({
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      type: 'AdaptiveCard',
      version: '1.4',
    });
    expect(JSON.stringify(body)).toContain('Trainee placements data is 3 days out of date');
    expect(JSON.stringify(body)).not.toContain('Action.');
  });

  it('mentions the contact’s Slack member in Slack, and not in Teams', async () => {
    // Act
    const [handler] = containers(1);
    await handler?.(staleEvent('evt-mention'), CONTEXT);
    // Assess
    const slack = standIns.state.slack[0]?.body as {
      text: string;
      blocks: Array<{ type: string; text?: { text: string } }>;
    };
    expect(slack.text.startsWith('<@U012AB3CD> ')).toBe(true);
    expect(slack.blocks.find((b) => b.type === 'section')?.text?.text).toMatch(/^<@U012AB3CD> /);
    expect(JSON.stringify(standIns.state.teams)).not.toContain('U012AB3CD');
  });

  it.each([
    ['429 with Retry-After', [{ status: 429, headers: { 'retry-after': '1' } }]],
    ['500', [{ status: 500 }]],
    ['a refused connection', [{ refuse: true as const }]],
    ['a slow answer', [{ status: 200, delayMs: 1_500 }]],
  ])('delivers each card once when Teams first answers %s', async (_, script) => {
    // Prepare
    standIns.state.teamsScript = [...script];
    // Act
    const [handler] = containers(1);
    const outcome = await handler?.(staleEvent(`evt-${_.replace(/\W+/g, '-')}`), CONTEXT);
    // Assess: both cards arrived once; the scripted answer cost one more call at most.
    expect(standIns.teamsDeliveries()).toEqual({ [WORKFLOWS[0] as string]: 1, [WORKFLOWS[1] as string]: 1 });
    expect(standIns.state.teamsCalls).toBe(script[0] && 'delayMs' in script[0] ? 2 : 3);
    expect(outcome?.sent).toBe(3);
  });

  it('a storm of 429s from Teams: the invocation fails, and its retry sends each card once, Slack not again', async () => {
    // Prepare: Teams throttles every try of the first invocation (5 tries per card, 2 cards).
    standIns.state.teamsScript = Array.from({ length: 10 }, () => ({
      status: 429,
      headers: { 'retry-after': '0' },
    }));
    const event = staleEvent('evt-storm');
    // Act: the first invocation, then EventBridge's retry of it once Teams takes cards again.
    const [first, retried] = containers(2);
    const failed = await first?.(event, CONTEXT).catch((e: Error) => e);
    const outcome = await retried?.(event, CONTEXT);
    // Assess
    expect(failed).toBeInstanceOf(Error);
    expect(standIns.teamsDeliveries()).toEqual({ [WORKFLOWS[0] as string]: 1, [WORKFLOWS[1] as string]: 1 });
    expect(standIns.state.slack).toHaveLength(1);
    expect(outcome?.sent).toBe(2);
  });

  it('delivers each card once when two invocations of one event run at once', async () => {
    // Prepare: Teams is slow, so both invocations are at it together.
    standIns.state.teamsScript = [
      { status: 200, delayMs: 500 },
      { status: 200, delayMs: 500 },
    ];
    // Act
    const event = staleEvent('evt-twice');
    const outcomes = await Promise.all(containers(2).map((handler) => handler(event, CONTEXT)));
    // Assess
    expect(standIns.teamsDeliveries()).toEqual({ [WORKFLOWS[0] as string]: 1, [WORKFLOWS[1] as string]: 1 });
    expect(standIns.state.teamsCalls).toBe(2);
    expect(outcomes.reduce((sum, o) => sum + (o.sent ?? 0), 0)).toBe(3);
  });

  it('waits as long as Teams’ Retry-After asks before trying again', async () => {
    // Prepare: Teams throttles twice, asking for 2 s and then 3 s.
    standIns.state.teamsScript = [
      { status: 429, headers: { 'retry-after': '2' } },
      { status: 429, headers: { 'retry-after': '3' } },
    ];
    const waits: number[] = [];
    const card = { type: 'message' as const, attachments: [] };
    // Act
    await postToTeams(`${standIns.address}/workflows/stalewatch/teams/direct`, card, {
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    // Assess
    expect(waits).toEqual([2_000, 3_000]);
    expect(standIns.teamsDeliveries()).toEqual({ '/workflows/stalewatch/teams/direct': 1 });
  });

  it('waits as long as a Retry-After given as a date asks, not no time at all', async () => {
    // Prepare: Teams throttles, asking for a moment 3 s from now (HTTP-date form), then garbage.
    standIns.state.teamsScript = [
      { status: 429, headers: { 'retry-after': 'Mon, 23 Nov 2026 10:00:03 GMT' } },
      { status: 429, headers: { 'retry-after': 'soon' } },
    ];
    const waits: number[] = [];
    const card = { type: 'message' as const, attachments: [] };
    // Act
    await postToTeams(`${standIns.address}/workflows/stalewatch/teams/direct`, card, {
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    // Assess: the date's 3 s, then the usual backoff (the second try's 2 s) for what is not a time.
    expect(waits).toEqual([3_000, 2_000]);
    expect(standIns.teamsDeliveries()).toEqual({ '/workflows/stalewatch/teams/direct': 1 });
  });

  it('does not retry a card Teams refuses with 400, and reports it without the webhook URL', async () => {
    // Prepare
    standIns.state.teamsScript = [{ status: 400 }];
    // Act
    const [handler] = containers(1);
    const error = await handler?.(staleEvent('evt-400'), CONTEXT).catch((e: Error) => e);
    // Assess: one try at the refused card; the other contact still got theirs; the failure says why.
    expect(standIns.state.teamsCalls).toBe(2);
    expect(standIns.state.teams).toHaveLength(1);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/c1 teams: Teams answered 400 no \(not retried/);
    expect((error as Error).message).not.toContain('/workflows/');
  });
});
