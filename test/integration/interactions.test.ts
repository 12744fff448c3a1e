import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { dynamoAcknowledgements } from '../../lib/adapters/aws/acknowledgements';
import { dynamoStateStore } from '../../lib/adapters/aws/dynamo-state';
import { dynamoHolds } from '../../lib/adapters/aws/holds';
import { loadConfig } from '../../lib/config/load';
import { slackSignature } from '../../lib/core/loop/signature';
import { alertOf } from '../../lib/core/messages/build';
import { toSlack } from '../../lib/core/messages/slack';
import type { Config } from '../../lib/core/model/config';
import { setServiceEnv, startDynamo } from '../helpers/aws';
import { fakeDateOnly } from '../helpers/clock';
import { sampleDetail } from '../helpers/events';
import { startNotifyStandIns } from '../helpers/stand-ins';
import { compiledConfigFile, PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

const SIGNING_SECRET = 'signing-secret-for-tests-0123456789';
const SECRET_NAME = 'stalewatch/slack-signing-secret';
/** Monday 23 November 2026, 10:02 in London (GMT). */
const NOW = new Date('2026-11-23T10:02:00Z');
const TABLE = 'stalewatch-test-state';

type Answer = { statusCode: number; body: string };

describe('Slack buttons reach the interactions function through its URL', () => {
  const saved = { ...process.env };
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let standIns: Awaited<ReturnType<typeof startNotifyStandIns>>;
  let config: Config;
  let handler: (event: unknown, context: Context) => Promise<Answer>;
  let n = 0;
  const context = { getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

  /** The message Stalewatch posted for a stale dataset, with its buttons, as Slack sends it back. */
  const postedMessage = () => {
    const detail = sampleDetail({ subscribers: [] });
    const contact = config.settings.contacts['placements-lead'];
    if (!contact) throw new Error('no contact');
    const alert = alertOf('Dataset Stale', detail, contact, { settings: config.settings, now: NOW });
    if (!alert) throw new Error('no alert');
    return toSlack(alert, { buttons: true })[0];
  };

  /** A click as Slack posts it: form-encoded `payload`, signed with `secret` at `at`. */
  const click = (options: {
    action?: 'stalewatch-ack' | 'stalewatch-snooze';
    user?: { id: string; name: string };
    at?: Date;
    secret?: string;
    dataset?: string;
    pad?: number;
    base64?: boolean;
  }) => {
    const payload = {
      type: 'block_actions',
      user: options.user ?? { id: 'U012AB3CD', username: 'jane.smith', name: 'Jane Smith' },
      response_url: `${standIns.address}/actions/T1/${++n}/token`,
      actions: [
        {
          type: 'button',
          action_id: options.action ?? 'stalewatch-ack',
          block_id: 'stalewatch-loop',
          value: options.dataset ?? 'placements',
        },
      ],
      message: postedMessage(),
      padding: 'x'.repeat(options.pad ?? 0),
    };
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const timestamp = String(Math.floor((options.at ?? new Date()).getTime() / 1000));
    return {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': slackSignature(body, timestamp, options.secret ?? SIGNING_SECRET),
      },
      body: options.base64 ? Buffer.from(body).toString('base64') : body,
      isBase64Encoded: options.base64 ?? false,
    };
  };

  const acks = () => dynamoAcknowledgements(dynamo.client, TABLE).current(['placements']);
  const snoozed = () => dynamoHolds(dynamo.client, TABLE).snoozedUntil('placements');

  beforeAll(async () => {
    fakeDateOnly(NOW);
    standIns = await startNotifyStandIns();
    dynamo = await startDynamo();
    await dynamo.createTable(TABLE);
    const settings = `${SETTINGS}slackApp:\n  signingSecret: \${secret:${SECRET_NAME}}\n`;
    config = await loadConfig({
      dir: writeTree({
        'stalewatch.yml': settings,
        'placements.yml': PLACEMENTS,
        'alarms/website.yml': 'alarm: tis-prod-website-health\ntitle: TIS website\nowner: platform\n',
      }),
      env: {},
    });
    const configFile = compiledConfigFile(config, [2026]);
    setServiceEnv({
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: standIns.address,
      STALEWATCH_STATE_TABLE: TABLE,
      STALEWATCH_CONFIG_FILE: configFile,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    handler = require('../../functions/interactions').handler;
  });

  beforeEach(async () => {
    // Each test from nobody on it and no snooze.
    for (const pk of ['DATASET#placements', 'SNOOZE#placements'])
      await dynamo.client.send(
        new DeleteItemCommand({
          TableName: TABLE,
          Key: { pk: { S: pk }, sk: { S: pk.startsWith('DATASET') ? 'ACK' : 'SNOOZE' } },
        }),
      );
    standIns.reset();
    standIns.state.secrets[SECRET_NAME] = SIGNING_SECRET;
    jest.setSystemTime(NOW);
  });

  afterAll(async () => {
    jest.useRealTimers();
    process.env = saved;
    await Promise.all([dynamo.stop(), standIns.stop()]);
  });

  it("records who clicked I'm on it and replaces the message's buttons with who is on it", async () => {
    // Act
    const answer = await handler(click({}), context);
    // Assess: the state says Jane since 10:02, and the message was updated through its response_url.
    expect(answer.statusCode).toBe(200);
    expect([...(await acks()).values()]).toEqual([
      {
        dataset: 'placements',
        by: 'Jane Smith',
        slackUserId: 'U012AB3CD',
        at: NOW.toISOString(),
        via: 'slack',
      },
    ]);
    expect(standIns.state.responses).toHaveLength(1);
    const update = standIns.state.responses[0]?.body as { replace_original: boolean; blocks: unknown[] };
    expect(update.replace_original).toBe(true);
    const text = JSON.stringify(update.blocks);
    expect(text).toContain('Who is on it:* <@U012AB3CD> (since 10:02)');
    expect(text).toContain('Trainee placements data is 3 days out of date');
    expect(text).not.toContain('stalewatch-ack');
    expect(standIns.state.secretReads).toEqual(expect.arrayContaining([SECRET_NAME]));
  });

  it('accepts the body base64-encoded, as function URLs pass a form body', async () => {
    const answer = await handler(click({ base64: true }), context);
    expect(answer.statusCode).toBe(200);
    expect((await acks()).get('placements')?.by).toBe('Jane Smith');
  });

  it.each([
    ['signed with another secret', () => click({ secret: 'not-the-signing-secret' })],
    ['signed six minutes ago', () => click({ at: new Date(NOW.getTime() - 6 * 60_000) })],
    ['signed six minutes ahead', () => click({ at: new Date(NOW.getTime() + 6 * 60_000) })],
    [
      'with its body changed after signing',
      () => {
        const request = click({});
        return { ...request, body: request.body.replace('placements', 'placementz') };
      },
    ],
    [
      'with the dataset swapped for another after signing',
      () => {
        const request = click({});
        return { ...request, body: request.body.replace('stalewatch-ack', 'stalewatch-snooze') };
      },
    ],
    ['over 64 KB, even when signed', () => click({ pad: 70_000 })],
    [
      'with no signature',
      () => {
        const request = click({});
        const { 'x-slack-signature': _gone, ...headers } = request.headers;
        return { ...request, headers };
      },
    ],
  ])('refuses a click %s with 401 and changes nothing', async (_name, forge) => {
    // Act
    const answer = await handler(forge(), context);
    // Assess
    expect(answer.statusCode).toBe(401);
    expect(answer.body).not.toContain(SIGNING_SECRET);
    expect((await acks()).size).toBe(0);
    expect(await snoozed()).toBeNull();
    expect(standIns.state.responses).toEqual([]);
  });

  it('changes nothing when Slack retries the same click a minute later', async () => {
    // Prepare: the click, signed once.
    const request = click({});
    await handler(request, context);
    // Act: Slack sends the same request again (same timestamp and payload), a minute later.
    jest.setSystemTime(new Date(NOW.getTime() + 60_000));
    const again = await handler(request, context);
    // Assess: still Jane since 10:02, one record.
    expect(again.statusCode).toBe(200);
    expect([...(await acks()).values()].map((a) => [a.by, a.at])).toEqual([
      ['Jane Smith', NOW.toISOString()],
    ]);
    expect(JSON.stringify(standIns.state.responses[1]?.body)).toContain('(since 10:02)');
  });

  it('keeps the first of two clicks at once, and both messages say who that is', async () => {
    // Act: Jane and Sam click at the same moment.
    const [jane, sam] = await Promise.all([
      handler(click({ user: { id: 'U0JANE', name: 'Jane Smith' } }), context),
      handler(click({ user: { id: 'U0SAM', name: 'Sam Patel' } }), context),
    ]);
    // Assess: one acknowledgement, and both updates name the same person.
    expect([jane.statusCode, sam.statusCode]).toEqual([200, 200]);
    const current = [...(await acks()).values()];
    expect(current).toHaveLength(1);
    const who = current[0]?.slackUserId;
    expect(standIns.state.responses.map((r) => JSON.stringify(r.body).includes(`<@${who}>`))).toEqual([
      true,
      true,
    ]);
  });

  it('snoozes until 09:00 on the next working day, and a second click changes nothing', async () => {
    // Prepare: Thursday 24 December 2026, 16:00; Friday is Christmas, Monday the Boxing Day substitute.
    const christmasEve = new Date('2026-12-24T16:00:00Z');
    jest.setSystemTime(christmasEve);
    // Act
    const first = await handler(click({ action: 'stalewatch-snooze', at: christmasEve }), context);
    const second = await handler(click({ action: 'stalewatch-snooze', at: christmasEve }), context);
    // Assess: Tuesday 29 December 09:00 in London.
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect((await snoozed())?.toISOString()).toBe('2026-12-29T09:00:00.000Z');
    expect(JSON.stringify(standIns.state.responses[0]?.body)).toContain(
      'no alerts about this dataset until Tuesday 29 December 09:00',
    );
  });

  it("records who is on an alarm from its message's I'm on it, as for a dataset", async () => {
    // Act
    const answer = await handler(click({ dataset: 'alarm/tis-prod-website-health' }), context);
    // Assess
    expect(answer.statusCode).toBe(200);
    const onAlarm = await dynamoAcknowledgements(dynamo.client, TABLE).current([
      'alarm/tis-prod-website-health',
    ]);
    expect(onAlarm.get('alarm/tis-prod-website-health')).toMatchObject({ by: 'Jane Smith', via: 'slack' });
    expect(standIns.state.responses).toHaveLength(1);
  });

  it("an I'm on it clicked after the dataset is back to normal records no one, and says it is fine", async () => {
    // Prepare: every check of placements passed at the last run (the message is an old one).
    const store = dynamoStateStore(dynamo.client, TABLE);
    const checkIds = config.checks.filter((c) => c.dataset === 'placements').map((c) => c.id);
    for (const checkId of checkIds)
      await store.save(
        {
          checkId,
          status: 'pass',
          since: '2026-11-23T09:00:00.000Z',
          dataStatus: 'pass',
          staleSince: null,
          lastUpdatedAt: '2026-11-23T08:00:00.000Z',
          observed: null,
          rowCounts: [],
          lastNotifiedAt: null,
          runId: 'run-9',
          runAt: '2026-11-23T10:00:00.000Z',
          version: 1,
        },
        0,
        [],
      );
    try {
      // Act
      const answer = await handler(click({}), context);
      // Assess: nobody is on a dataset that is fine (it would silence its next spell's reminders).
      expect(answer.statusCode).toBe(200);
      expect((await acks()).size).toBe(0);
      const update = JSON.stringify(standIns.state.responses[0]?.body);
      expect(update).toContain('Trainee placements is back to normal: there is nothing to be on');
    } finally {
      for (const checkId of checkIds)
        await dynamo.client.send(
          new DeleteItemCommand({
            TableName: TABLE,
            Key: { pk: { S: `CHECK#${checkId}` }, sk: { S: 'STATE' } },
          }),
        );
    }
  });

  it("an I'm on it clicked on an alarm that is OK again records no one", async () => {
    // Prepare: the website alarm's state is OK (pass), and no one is on it.
    const alarm = 'alarm/tis-prod-website-health';
    await dynamo.client.send(
      new DeleteItemCommand({ TableName: TABLE, Key: { pk: { S: `DATASET#${alarm}` }, sk: { S: 'ACK' } } }),
    );
    const store = dynamoStateStore(dynamo.client, TABLE);
    const stored = (await store.load([alarm])).get(alarm);
    await store.save(
      {
        checkId: alarm,
        status: 'pass',
        since: '2026-11-23T09:00:00.000Z',
        dataStatus: 'pass',
        staleSince: null,
        lastUpdatedAt: null,
        observed: null,
        rowCounts: [],
        lastNotifiedAt: null,
        runId: 'alarm-ok',
        runAt: '2026-11-23T09:00:00.000Z',
        version: (stored?.version ?? 0) + 1,
      },
      stored?.version ?? 0,
      [],
    );
    // Act
    await handler(click({ dataset: alarm }), context);
    // Assess
    expect((await dynamoAcknowledgements(dynamo.client, TABLE).current([alarm])).size).toBe(0);
    expect(JSON.stringify(standIns.state.responses[0]?.body)).toContain(
      'TIS website is back to normal: there is nothing to be on',
    );
  });

  it('records a clicker whose Slack name holds a line break or a bidi override as one plain line', async () => {
    // Act
    await handler(click({ user: { id: 'U0EVIL0001', name: 'Jane\nWhat to do: pay \u202eevil' } }), context);
    // Assess
    expect([...(await acks()).values()][0]?.by).toBe('Jane What to do: pay evil');
  });

  it('answers 400 to a signed click about a dataset this deployment does not have', async () => {
    const answer = await handler(click({ dataset: 'no-such-dataset' }), context);
    expect(answer.statusCode).toBe(400);
    expect((await acks()).size).toBe(0);
  });

  // Last: the rotated secret stays cached for the tests after it.
  it('reads a rotated signing secret within five minutes: clicks signed with the old one are refused', async () => {
    // Prepare: a click read the secret (cached; after every other test's time); then the secret is
    // rotated, and six minutes pass.
    const later = new Date('2026-12-31T10:00:00Z');
    jest.setSystemTime(later);
    await handler(click({ action: 'stalewatch-snooze' }), context);
    standIns.state.secrets[SECRET_NAME] = 'the-rotated-signing-secret';
    const sixMinutesOn = new Date(later.getTime() + 6 * 60_000);
    jest.setSystemTime(sixMinutesOn);
    // Act
    const old = await handler(click({}), context);
    const rotated = await handler(click({ secret: 'the-rotated-signing-secret' }), context);
    // Assess
    expect([old.statusCode, rotated.statusCode]).toEqual([401, 200]);
    expect((await acks()).get('placements')?.at).toBe(sixMinutesOn.toISOString());
  });
});
