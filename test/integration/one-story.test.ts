import { clearCaches } from '@aws-lambda-powertools/parameters';
import { dynamoAcknowledgements } from '../../lib/adapters/aws/acknowledgements';
import { dynamoStateStore } from '../../lib/adapters/aws/dynamo-state';
import { dynamoHolds } from '../../lib/adapters/aws/holds';
import { runDigest } from '../../lib/app/digest';
import { countdown, type NotifyOutcome, notify } from '../../lib/app/notify';
import type { StateStore } from '../../lib/app/ports';
import { loadConfig } from '../../lib/config/load';
import type { CheckEventDetail } from '../../lib/core/events/types';
import type { Status } from '../../lib/core/model/config';
import { notifyPorts } from '../../lib/runtime/lambda/alerts';
import { lambdaPorts } from '../../lib/runtime/lambda/service';
import { setServiceEnv, startDynamo } from '../helpers/aws';
import { fakeDateOnly } from '../helpers/clock';
import { sampleDetail } from '../helpers/events';
import { EMAIL_FROM_PARAMETER, startNotifyStandIns } from '../helpers/stand-ins';
import { compiledConfigFile, writeTree } from '../helpers/tree';

/**
 * One story per cause (SPEC.md "People and the loop back", docs/semantics.md): the nightly ESR sync
 * feeds Trainee placements, which feeds Rotations. Each test plays one order in which the runs of a
 * schedule tick and their events can arrive, through the real notify use case and its real ports on
 * dynalite, and counts what each lead received in Slack.
 */
const SETTINGS = `timezone: Europe/London
sources:
  tis:
    engine: postgres
    resourceArn: arn:aws:rds:eu-west-2:123456789012:cluster:tis
    secretArn: arn:aws:secretsmanager:eu-west-2:123456789012:secret:tis
    database: tis
  esr:
    engine: postgres
    resourceArn: arn:aws:rds:eu-west-2:123456789012:cluster:esr
    secretArn: arn:aws:secretsmanager:eu-west-2:123456789012:secret:esr
    database: esr
contacts:
${['sync', 'placements', 'rotations']
  .map(
    (id) =>
      `  ${id}-lead:\n    name: ${id[0]?.toUpperCase()}${id.slice(1)} lead\n    audience: data-lead\n    slack: \${ssm:/stalewatch/slack/${id}}\n`,
  )
  .join('')}`;

const datasetFile = (id: string, title: string, source: string, dependsOn: string | null) => `dataset: ${id}
title: ${title}
source: ${source}
table: public.${id.replace('-', '_')}
owner: ${id.split('-')[0] === 'esr' ? 'sync' : id}-lead
${dependsOn ? `dependsOn: [${dependsOn}]\n` : ''}checks:
  - name: updated recently
    freshness:
      column: last_modified
      warnAfter: 26h
`;

const DATASETS = {
  'esr-sync': { title: 'Nightly ESR sync', source: 'esr', owner: 'sync-lead' },
  placements: { title: 'Trainee placements', source: 'tis', owner: 'placements-lead' },
  rotations: { title: 'Rotations', source: 'tis', owner: 'rotations-lead' },
} as const;
type Id = keyof typeof DATASETS;
const checkOf = (id: Id) => `${id}/updated-recently`;
const webhookOf = (owner: string) => `/services/stalewatch/slack/${owner.replace('-lead', '')}`;

/** Monday 23 November 2026: a tick every hour from 10:00 London (UTC in November). */
const tick = (hour: number) => new Date(Date.UTC(2026, 10, 23, hour)).toISOString();
const LAST_SYNC = '2026-11-22T02:10:00.000Z';

describe('one story per cause, whatever the order in which a tick’s runs arrive', () => {
  const saved = { ...process.env };
  const TABLE = 'one-story';
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let standIns: Awaited<ReturnType<typeof startNotifyStandIns>>;
  let store: StateStore;
  let tables = 0;

  /** A run of `id`'s source at `at` judged it `status` (stale runs keep the first tick they saw it). */
  async function judge(id: Id, status: Status, at: string, only?: string) {
    // Placements has a second check (enough rows): judged alike unless `only` names one.
    const names = id === 'placements' ? ['updated-recently', 'enough-rows'] : ['updated-recently'];
    for (const name of only ? [only] : names) await judgeCheck(`${id}/${name}`, id, status, at);
  }

  async function judgeCheck(checkId: string, id: Id, status: Status, at: string) {
    const stored = (await store.load([checkId])).get(checkId);
    const same = stored && stored.status === status;
    const since = same ? stored.since : at;
    const stale = status === 'warn' || status === 'fail';
    const written = await store.save(
      {
        checkId,
        status,
        since,
        dataStatus: status === 'error' ? (stored?.dataStatus ?? null) : status,
        staleSince: stale ? since : null,
        lastUpdatedAt: id === 'esr-sync' ? LAST_SYNC : '2026-11-22T09:00:00.000Z',
        observed: null,
        rowCounts: [],
        // As nextState: told when it went stale (and kept while it stays so).
        lastNotifiedAt: stale ? (same ? (stored?.lastNotifiedAt ?? at) : at) : null,
        runId: `run-${at}`,
        runAt: at,
        version: (stored?.version ?? 0) + 1,
      },
      stored?.version ?? 0,
      [],
    );
    expect(written).toBe(true);
  }

  /** The event a run at `at` published for `id`, as notify receives it. */
  function eventOf(id: Id, detailType: string, at: string, overrides: Partial<CheckEventDetail> = {}) {
    const { title, source, owner } = DATASETS[id];
    const stale = detailType === 'Dataset Stale' || detailType === 'Dataset Still Stale';
    return {
      'detail-type': detailType,
      source: 'stalewatch',
      detail: sampleDetail({
        eventId: `${id}-${detailType}-${at}`,
        checkId: checkOf(id),
        dataset: id,
        title,
        source,
        owners: [owner],
        subscribers: [],
        now: at,
        status: detailType === 'Check Error' ? 'error' : stale ? 'warn' : 'pass',
        lastUpdatedAt: id === 'esr-sync' ? LAST_SYNC : '2026-11-22T09:00:00.000Z',
        staleSince: stale ? at : null,
        breaches: [],
        ...overrides,
      }),
    };
  }

  /**
   * The real notify use case with the deployed ports on dynalite; its waits run `whileWaiting` (another
   * source's run landing) and move its own countdown on, so that nothing waits in real time.
   */
  function notifier(whileWaiting: () => Promise<void> = async () => {}) {
    let ticks = 0;
    let waits = 0;
    const { ports: service } = lambdaPorts(process.env, ['STALEWATCH_STATE_TABLE']);
    const ports = {
      ...notifyPorts(process.env, service, process.env.STALEWATCH_STATE_TABLE as string),
      sleep: async (ms: number) => {
        ticks += ms;
        if (waits++ === 0) await whileWaiting();
      },
    };
    return {
      send: (event: unknown): Promise<NotifyOutcome> =>
        notify(
          event as never,
          ports,
          countdown(60_000, () => ticks),
        ),
      waits: () => waits,
    };
  }

  /** How many Slack messages each lead got, and what they said. */
  const received = () => standIns.deliveries().slack;
  const textsTo = (owner: string) =>
    standIns.state.slack.filter((m) => m.path === webhookOf(owner)).map((m) => String(m.body.text));

  beforeAll(async () => {
    fakeDateOnly(tick(10));
    [dynamo, standIns] = await Promise.all([startDynamo(), startNotifyStandIns()]);
    const config = await loadConfig({
      dir: writeTree({
        'stalewatch.yml': SETTINGS,
        'esr-sync.yml': datasetFile('esr-sync', 'Nightly ESR sync', 'esr', null),
        'placements.yml': `${datasetFile('placements', 'Trainee placements', 'tis', 'esr-sync')}  - name: enough rows\n    rowCount:\n      failBelow: 1000\n`,
        'rotations.yml': datasetFile('rotations', 'Rotations', 'tis', 'placements'),
      }),
      env: {},
    });
    const configFile = compiledConfigFile(config, [2026]);
    setServiceEnv({
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SSM: standIns.address,
      STALEWATCH_CONFIG_FILE: configFile,
      STALEWATCH_EMAIL_FROM_PARAMETER: EMAIL_FROM_PARAMETER,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
  });

  beforeEach(async () => {
    // Prepare: a fresh table in which every dataset was fine at 09:00.
    const table = `${TABLE}-${++tables}`;
    await dynamo.createTable(table);
    process.env.STALEWATCH_STATE_TABLE = table;
    store = dynamoStateStore(dynamo.client, table);
    standIns.reset();
    clearCaches();
    jest.setSystemTime(new Date(tick(10)));
    for (const id of Object.keys(DATASETS) as Id[]) await judge(id, 'pass', tick(9));
  });

  afterAll(async () => {
    jest.useRealTimers();
    process.env = saved;
    await Promise.all([dynamo.stop(), standIns.stop()]);
  });

  it('cause first: its lead hears of it, then of each later tick’s newly affected datasets in one follow-up', async () => {
    // Act 1: 10:00, the sync is stale; the datasets it feeds are still fine.
    await judge('esr-sync', 'warn', tick(10));
    await judge('placements', 'pass', tick(10));
    await judge('rotations', 'pass', tick(10));
    await notifier().send(eventOf('esr-sync', 'Dataset Stale', tick(10)));
    // Act 2: 11:00, placements goes stale (both the tis datasets' run and the sync's are in).
    jest.setSystemTime(new Date(tick(11)));
    await judge('esr-sync', 'warn', tick(11));
    await judge('placements', 'warn', tick(11));
    await judge('rotations', 'pass', tick(11));
    await notifier().send(eventOf('placements', 'Dataset Stale', tick(11)));
    // Act 3: 12:00, rotations goes stale too, and placements is due a reminder.
    jest.setSystemTime(new Date(tick(12)));
    await judge('esr-sync', 'warn', tick(12));
    await judge('placements', 'warn', tick(12));
    await judge('rotations', 'warn', tick(12));
    const reminder = await notifier().send(eventOf('placements', 'Dataset Still Stale', tick(12)));
    await notifier().send(eventOf('rotations', 'Dataset Stale', tick(12)));

    // Assess: the sync lead: its own alert, then one follow-up per tick; no reminder for placements.
    expect(received()).toEqual({
      [webhookOf('sync-lead')]: 3,
      [webhookOf('placements-lead')]: 1,
      [webhookOf('rotations-lead')]: 1,
    });
    expect(reminder.skipped).toEqual(['placements: waiting on esr-sync, so no separate reminder']);
    expect(textsTo('placements-lead')[0]).toContain(
      'Trainee placements data is 26 hours out of date because Nightly ESR sync has not been updated since Sunday 22 November 02:10',
    );
    // Rotations is told its root cause, not the dataset in between.
    expect(textsTo('rotations-lead')[0]).toContain('because Nightly ESR sync has not been updated');
    expect(textsTo('sync-lead').slice(1)).toEqual([
      expect.stringContaining(
        '1 more dataset is out of date because of Nightly ESR sync: Trainee placements',
      ),
      expect.stringContaining('1 more dataset is out of date because of Nightly ESR sync: Rotations'),
    ]);
  });

  it('dependant first: its message waits for the cause’s run of the same tick, and names it', async () => {
    // Prepare: at 10:00 the tis source's run lands first: placements stale; the sync not judged yet.
    await judge('placements', 'warn', tick(10));
    await judge('rotations', 'pass', tick(10));
    const causeLands = async () => judge('esr-sync', 'warn', tick(10));
    // Act: placements' event is notified twice at once (a duplicate delivery); the esr source's run
    // lands while they wait, and its own event follows.
    const first = notifier(causeLands);
    const second = notifier();
    await Promise.all([
      first.send(eventOf('placements', 'Dataset Stale', tick(10))),
      second.send(eventOf('placements', 'Dataset Stale', tick(10))),
    ]);
    await notifier().send(eventOf('esr-sync', 'Dataset Stale', tick(10)));

    // Assess: each lead once; placements' names the sync, the sync's lists placements.
    expect(first.waits()).toBeGreaterThan(0);
    expect(received()).toEqual({ [webhookOf('sync-lead')]: 1, [webhookOf('placements-lead')]: 1 });
    expect(textsTo('placements-lead')[0]).toContain('because Nightly ESR sync has not been updated');
    expect(
      JSON.stringify(standIns.state.slack.find((m) => m.path === webhookOf('sync-lead'))?.body),
    ).toContain('Trainee placements');
  });

  it('a dependant whose two checks go stale in one run: its owners get one message naming the cause', async () => {
    // Prepare: one run of the tis source saw both of placements' checks stale; the sync was stale before.
    await judge('esr-sync', 'warn', tick(9));
    await judge('esr-sync', 'warn', tick(10));
    await judge('placements', 'warn', tick(10));
    await judge('rotations', 'pass', tick(10));
    const rows = eventOf('placements', 'Dataset Stale', tick(10), {
      eventId: 'placements-rows',
      checkId: 'placements/enough-rows',
    });
    // Act: both checks' events at once, and one of them again.
    const outcomes = await Promise.all([
      notifier().send(eventOf('placements', 'Dataset Stale', tick(10))),
      notifier().send(rows),
      notifier().send(rows),
    ]);
    // Assess: one message to the placements lead; the sync lead one follow-up.
    expect(received()).toEqual({ [webhookOf('placements-lead')]: 1, [webhookOf('sync-lead')]: 1 });
    expect(outcomes.reduce((n, o) => n + o.sent, 0)).toBe(2);
    expect(textsTo('sync-lead')[0]).toContain(
      '1 more dataset is out of date because of Nightly ESR sync: Trainee placements',
    );
  });

  it('both in one run, cause first: one message each, and no follow-up', async () => {
    // Prepare: one run judged both (as one source would), then published the sync's event first.
    await judge('esr-sync', 'warn', tick(10));
    await judge('placements', 'warn', tick(10));
    await judge('rotations', 'pass', tick(10));
    // Act: both events reach notify at once.
    await Promise.all([
      notifier().send(eventOf('esr-sync', 'Dataset Stale', tick(10))),
      notifier().send(eventOf('placements', 'Dataset Stale', tick(10))),
    ]);
    // Assess
    expect(received()).toEqual({ [webhookOf('sync-lead')]: 1, [webhookOf('placements-lead')]: 1 });
    const syncMessage = JSON.stringify(
      standIns.state.slack.find((m) => m.path === webhookOf('sync-lead'))?.body,
    );
    expect(syncMessage).toContain('Also affected');
    expect(syncMessage).toContain('Trainee placements');
  });

  it('cause recovers first: its recovery goes once, and the dependant gets its own reminders again', async () => {
    // Prepare: both stale since 10:00, told.
    await judge('esr-sync', 'warn', tick(10));
    await judge('placements', 'warn', tick(10));
    await judge('rotations', 'pass', tick(10));
    await notifier().send(eventOf('esr-sync', 'Dataset Stale', tick(10)));
    await notifier().send(eventOf('placements', 'Dataset Stale', tick(10)));
    // Act: 11:00 the sync recovers; 12:00 placements is still stale (a reminder); 13:00 it recovers.
    jest.setSystemTime(new Date(tick(11)));
    await judge('esr-sync', 'pass', tick(11));
    await judge('placements', 'warn', tick(11));
    await judge('rotations', 'pass', tick(11));
    const recovered = eventOf('esr-sync', 'Dataset Recovered', tick(11), { staleSince: tick(10) });
    await Promise.all([notifier().send(recovered), notifier().send(recovered)]);
    jest.setSystemTime(new Date(tick(12)));
    for (const id of ['esr-sync', 'rotations'] as Id[]) await judge(id, 'pass', tick(12));
    await judge('placements', 'warn', tick(12));
    const reminder = await notifier().send(eventOf('placements', 'Dataset Still Stale', tick(12)));
    jest.setSystemTime(new Date(tick(13)));
    await judge('placements', 'pass', tick(13));
    await notifier().send(eventOf('placements', 'Dataset Recovered', tick(13), { staleSince: tick(10) }));

    // Assess: sync: stale + recovered; placements: stale, its own reminder, recovered.
    expect(reminder.sent).toBe(1);
    expect(received()).toEqual({ [webhookOf('sync-lead')]: 2, [webhookOf('placements-lead')]: 3 });
    expect(textsTo('placements-lead')[1]).not.toContain('because');
    expect(textsTo('placements-lead')[2]).toContain('up to date again');
  });

  it('cause erroring: the dependant’s message says the cause cannot be checked', async () => {
    // Prepare: at 10:00 the esr source cannot be reached; placements is stale.
    await judge('esr-sync', 'error', tick(10));
    await judge('placements', 'warn', tick(10));
    await judge('rotations', 'pass', tick(10));
    // Act: placements' event first, then the sync's error.
    await notifier().send(eventOf('placements', 'Dataset Stale', tick(10)));
    await notifier().send(eventOf('esr-sync', 'Check Error', tick(10), { error: 'connection refused' }));
    // Assess
    expect(received()).toEqual({ [webhookOf('sync-lead')]: 1, [webhookOf('placements-lead')]: 1 });
    expect(textsTo('placements-lead')[0]).toContain(
      'because Stalewatch has not been able to check Nightly ESR sync since Monday 23 November 10:00',
    );
    expect(
      JSON.stringify(standIns.state.slack.find((m) => m.path === webhookOf('sync-lead'))?.body),
    ).toContain('Trainee placements');
  });

  it('cause acknowledged: the dependant’s message says who is on the cause, not "nobody"', async () => {
    // Prepare: the sync stale since 10:00 and Jane on it since 10:30; placements goes stale at 11:00.
    await judge('esr-sync', 'warn', tick(10));
    await dynamoAcknowledgements(dynamo.client, process.env.STALEWATCH_STATE_TABLE as string).acknowledge({
      dataset: 'esr-sync',
      by: 'Jane Smith',
      slackUserId: null,
      at: '2026-11-23T10:30:00.000Z',
      via: 'cli',
    });
    jest.setSystemTime(new Date(tick(11)));
    await judge('esr-sync', 'warn', tick(11));
    await judge('placements', 'warn', tick(11));
    await judge('rotations', 'pass', tick(11));
    // Act
    await notifier().send(eventOf('placements', 'Dataset Stale', tick(11)));
    // Assess
    const message = JSON.stringify(
      standIns.state.slack.find((m) => m.path === webhookOf('placements-lead'))?.body,
    );
    expect(message).toContain('because Nightly ESR sync has not been updated');
    expect(message).toContain('Jane Smith, on Nightly ESR sync (since 10:30)');
    expect(message).not.toContain('nobody has said so yet');
  });

  it('a cause stale for days, unchanged in this tick (no state written, only its run’s mark): the dependant is told at once, naming it', async () => {
    // Prepare: the sync went stale at 09:00 and its source's 10:00 run changed nothing about it, so it
    // wrote no state, only the source's run mark; placements goes stale at 10:00.
    await judge('esr-sync', 'warn', tick(9));
    await store.markRun(['esr'], new Date(tick(10)), `run-${tick(10)}`, null);
    await judge('placements', 'warn', tick(10));
    await judge('rotations', 'pass', tick(10));
    // Act
    const dependant = notifier();
    const outcome = await dependant.send(eventOf('placements', 'Dataset Stale', tick(10)));
    // Assess: no wait for a run that already happened, and the message names the cause.
    expect(dependant.waits()).toBe(0);
    expect(outcome.sent).toBe(2);
    expect(textsTo('placements-lead')[0]).toContain('because Nightly ESR sync has not been updated');
  });

  it('the digest of a dependant no one is on says who is on its cause, not "nobody"', async () => {
    // Prepare: both stale since 10:00; Jane on the sync since 10:30.
    await judge('esr-sync', 'warn', tick(10));
    await judge('placements', 'warn', tick(10));
    await judge('rotations', 'pass', tick(10));
    const table = process.env.STALEWATCH_STATE_TABLE as string;
    await dynamoAcknowledgements(dynamo.client, table).acknowledge({
      dataset: 'esr-sync',
      by: 'Jane Smith',
      slackUserId: null,
      at: '2026-11-23T10:30:00.000Z',
      via: 'cli',
    });
    jest.setSystemTime(new Date(tick(12)));
    const { ports: service } = lambdaPorts(process.env, ['STALEWATCH_STATE_TABLE']);
    // Act
    await runDigest({ ...notifyPorts(process.env, service, table), sleep: async () => {} });
    // Assess
    const digest = JSON.stringify(
      standIns.state.slack.find((m) => m.path === webhookOf('placements-lead'))?.body,
    );
    expect(digest).toContain('Waiting on: Nightly ESR sync');
    expect(digest).toContain('Who is on it: Jane Smith, on Nightly ESR sync (since 10:30)');
    expect(digest).not.toContain('nobody has said so yet');
  });

  it('a snoozed cause: the dependant’s message says its alerts are snoozed, not that its owners were told', async () => {
    // Prepare: the sync stale since 09:00 and snoozed with `stalewatch snooze` until Tuesday 09:00.
    await judge('esr-sync', 'warn', tick(9));
    await judge('esr-sync', 'warn', tick(10));
    await dynamoHolds(dynamo.client, process.env.STALEWATCH_STATE_TABLE as string).snooze(
      'esr-sync',
      new Date('2026-11-24T09:00:00Z'),
    );
    await judge('placements', 'warn', tick(10));
    await judge('rotations', 'pass', tick(10));
    // Act
    await notifier().send(eventOf('placements', 'Dataset Stale', tick(10)));
    // Assess
    const [message] = standIns.state.slack.filter((m) => m.path === webhookOf('placements-lead'));
    const said = JSON.stringify(message?.body);
    expect(said).toContain('Alerts about Nightly ESR sync are snoozed until Tuesday 24 November 09:00');
    expect(said).not.toContain('been told');
  });

  it('a cause whose run never lands in the tick: the dependant is told alone once the wait is over', async () => {
    // Prepare: placements stale at 10:00; the esr source's run of 10:00 never comes.
    await judge('placements', 'warn', tick(10));
    await judge('rotations', 'pass', tick(10));
    // Act
    const waiting = notifier();
    const outcome = await waiting.send(eventOf('placements', 'Dataset Stale', tick(10)));
    // Assess: told, once, without a cause it could not see.
    expect(outcome.sent).toBe(1);
    expect(waiting.waits()).toBeGreaterThan(1);
    expect(textsTo('placements-lead')[0]).not.toContain('because');
  });
});
