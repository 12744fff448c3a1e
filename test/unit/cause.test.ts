import { answerCause, CAUSE_WAIT_LIMIT_MS, type DatasetNow, datasetNow } from '../../lib/core/loop/cause';
import { causeInWords, dependantWords } from '../../lib/core/messages/cause';
import { digestEntries, digestOf } from '../../lib/core/messages/digest';
import { toEmail } from '../../lib/core/messages/email';
import type { Config, Contact } from '../../lib/core/model/config';

/** The nightly sync feeds placements, which feeds rotations. */
const config = {
  datasets: [
    { id: 'sync', title: 'Nightly ESR sync', dependsOn: [] },
    { id: 'placements', title: 'Trainee placements', dependsOn: ['sync'] },
    { id: 'rotations', title: 'Rotations', dependsOn: ['placements'] },
  ],
} as unknown as Config;
const T = '2026-11-23T10:00:00.000Z';
const BEFORE = '2026-11-23T09:00:00.000Z';
const now = (ms = 30_000) => new Date(Date.parse(T) + ms);

/** A dataset now: its condition, the tick it was last judged in, and when it entered its condition. */
const at = (
  id: string,
  condition: DatasetNow['condition'],
  judgedAt: string | null,
  enteredAt = judgedAt,
) => ({
  id,
  title: config.datasets.find((d) => d.id === id)?.title ?? id,
  owners: [`${id}-lead`],
  subscribers: [],
  condition,
  judgedAt,
  enteredAt: condition === 'ok' ? null : enteredAt,
  since: condition === 'ok' ? null : enteredAt,
  lastUpdatedAt: null,
});
const map = (...ds: DatasetNow[]) => new Map(ds.map((d) => [d.id, d]));

describe('one story per cause: what notify decides (pure)', () => {
  it('waits while the cause has not been judged in the tick, and names the cause once it has', () => {
    // Act
    const early = answerCause({
      kind: 'stale',
      dataset: 'placements',
      tick: T,
      now: now(),
      config,
      datasets: map(at('sync', 'ok', BEFORE), at('placements', 'stale', T), at('rotations', 'ok', T)),
    });
    const judged = answerCause({
      kind: 'stale',
      dataset: 'placements',
      tick: T,
      now: now(),
      config,
      datasets: map(at('sync', 'stale', T), at('placements', 'stale', T), at('rotations', 'ok', T)),
    });
    // Assess
    expect(early).toEqual({ decided: false, waitingFor: ['sync'] });
    expect(judged).toMatchObject({ decided: true, tell: true, cause: { id: 'sync' }, followUp: null });
  });

  it('decides with what is known once the tick is older than the wait limit', () => {
    // Act
    const answer = answerCause({
      kind: 'stale',
      dataset: 'placements',
      tick: T,
      now: now(CAUSE_WAIT_LIMIT_MS),
      config,
      datasets: map(at('sync', 'ok', BEFORE), at('placements', 'stale', T), at('rotations', 'ok', T)),
    });
    // Assess
    expect(answer).toMatchObject({ decided: true, tell: true, cause: null });
  });

  it('names the root cause, sends no reminder while it is stale, and follows up once per tick', () => {
    // Prepare: the sync stale since an hour ago; placements and rotations go stale in this tick.
    const datasets = map(
      at('sync', 'stale', T, BEFORE),
      at('placements', 'stale', T),
      at('rotations', 'stale', T),
    );
    // Act
    const stale = answerCause({ kind: 'stale', dataset: 'rotations', tick: T, now: now(), config, datasets });
    const reminder = answerCause({
      kind: 'still-stale',
      dataset: 'placements',
      tick: T,
      now: now(),
      config,
      datasets,
    });
    // Assess
    expect(stale).toMatchObject({ decided: true, cause: { id: 'sync' } });
    expect(stale.decided && stale.followUp).toMatchObject({
      key: `affected#sync#${T}`,
      newlyAffected: [{ id: 'placements' }, { id: 'rotations' }],
    });
    expect(reminder).toMatchObject({ decided: true, tell: false });
  });

  it('lists the affected datasets in the cause’s own message, and no follow-up in the tick it went stale', () => {
    // Act
    const datasets = map(at('sync', 'error', T), at('placements', 'stale', T), at('rotations', 'ok', T));
    const cause = answerCause({ kind: 'error', dataset: 'sync', tick: T, now: now(), config, datasets });
    const dependant = answerCause({
      kind: 'stale',
      dataset: 'placements',
      tick: T,
      now: now(),
      config,
      datasets,
    });
    // Assess
    expect(cause).toMatchObject({ decided: true, affected: [{ id: 'placements' }] });
    expect(dependant).toMatchObject({
      decided: true,
      cause: { id: 'sync', condition: 'error' },
      followUp: null,
    });
  });

  it('a cause stale for too few rows is not said to be "not updated since" its fresh timestamp', () => {
    // Prepare: the sync's rows are too few (stale); its timestamp check passes (updated 09:55).
    const sync = {
      id: 'sync',
      title: 'Nightly ESR sync',
      owners: ['sync-lead'],
      subscribers: [],
      checks: [{ id: 'sync/updated' }, { id: 'sync/rows' }],
    };
    const state = (checkId: string, status: 'pass' | 'fail', lastUpdatedAt: string | null) => ({
      checkId,
      status,
      since: BEFORE,
      staleSince: status === 'fail' ? BEFORE : null,
      lastUpdatedAt,
      runAt: T,
    });
    const states = new Map([
      ['sync/updated', state('sync/updated', 'pass', '2026-11-23T09:55:00.000Z')],
      ['sync/rows', state('sync/rows', 'fail', null)],
    ]);
    // Act
    const words = causeInWords(datasetNow(sync as never, states), 'Europe/London', now());
    // Assess: what is wrong with it, from the check that is wrong.
    expect(words).toBe('Nightly ESR sync has been out of date since Monday 23 November 09:00');
  });

  it('a cause names the last update its stale check saw, not a fresher one of a passing check', () => {
    // Prepare: the last successful sync was Friday; the sync's "ran at all" check saw a run at 09:55.
    const sync = {
      id: 'sync',
      title: 'Nightly ESR sync',
      owners: ['sync-lead'],
      subscribers: [],
      checks: [{ id: 'sync/succeeded' }, { id: 'sync/ran' }],
    };
    const states = new Map([
      [
        'sync/succeeded',
        {
          checkId: 'sync/succeeded',
          status: 'fail' as const,
          since: BEFORE,
          staleSince: BEFORE,
          lastUpdatedAt: '2026-11-20T02:10:00.000Z',
          runAt: T,
        },
      ],
      [
        'sync/ran',
        {
          checkId: 'sync/ran',
          status: 'pass' as const,
          since: BEFORE,
          staleSince: null,
          lastUpdatedAt: '2026-11-23T09:55:00.000Z',
          runAt: T,
        },
      ],
    ]);
    // Act
    const words = causeInWords(datasetNow(sync as never, states), 'Europe/London', now());
    // Assess
    expect(words).toBe('Nightly ESR sync has not been updated since Friday 20 November 02:10');
  });

  it('a dependant of an erroring cause says the errors contact was told, not the cause’s owners', () => {
    // Prepare: the sync cannot be checked; check errors go to the platform team (notify.errorsTo).
    const settings = {
      timezone: 'Europe/London',
      contacts: {
        'sync-lead': { id: 'sync-lead', name: 'Sync lead', audience: 'data-lead' },
        platform: { id: 'platform', name: 'Platform team', audience: 'platform' },
      },
      notify: { errorsTo: 'platform' },
    } as never;
    const cause = { ...at('sync', 'error', T), owners: ['sync-lead'] };
    // Act
    const words = dependantWords(cause, 'Trainee placements', settings, now());
    // Assess: who was really told of an error; the owner is still named as the owner.
    expect(words.action).toBe(
      'Nothing to do for Trainee placements itself: it should be right again once Nightly ESR sync is. Platform team has been told.',
    );
    expect(words.fact.value).toBe('Nightly ESR sync (owner: Sync lead)');
  });

  it('the digest says what a stale dataset waits on', () => {
    // Prepare
    const lead = { id: 'lead', name: 'Lead', audience: 'data-lead' } as Contact;
    const full = {
      checks: [
        { id: 'sync/ok', dataset: 'sync' },
        { id: 'placements/ok', dataset: 'placements' },
      ],
      datasets: config.datasets
        .slice(0, 2)
        .map((d) => ({ ...d, owners: ['lead'], subscribers: [], impact: null, action: null })),
    } as unknown as Config;
    const stale = (checkId: string) => ({
      checkId,
      state: 'stale' as const,
      staleSince: BEFORE,
      lastUpdatedAt: null,
      noData: false,
      recoveredAt: null,
    });
    // Act
    const digest = digestOf(lead, digestEntries(full, [stale('sync/ok'), stale('placements/ok')]), {
      zone: 'Europe/London',
      now: now(),
      lastDigestAt: null,
      key: 'd',
    });
    // Assess
    const text = toEmail(digest as never).text;
    expect(text.match(/Waiting on: Nightly ESR sync/g)).toHaveLength(1);
    expect(text).toMatch(/Trainee placements\n.*\n\s*Waiting on: Nightly ESR sync/);
  });

  it('the digest of a dependant no one is on says who is on its cause, not "nobody"', () => {
    // Prepare: the sync and placements stale; Jane is on the sync (as runDigest reads acknowledgements).
    const lead = { id: 'lead', name: 'Lead', audience: 'data-lead' } as Contact;
    const full = {
      checks: [
        { id: 'sync/ok', dataset: 'sync' },
        { id: 'placements/ok', dataset: 'placements' },
      ],
      datasets: config.datasets
        .slice(0, 2)
        .map((d) => ({ ...d, owners: ['lead'], subscribers: [], impact: null, action: null })),
    } as unknown as Config;
    const stale = (checkId: string) => ({
      checkId,
      state: 'stale' as const,
      staleSince: BEFORE,
      lastUpdatedAt: null,
      noData: false,
      recoveredAt: null,
    });
    const jane = { by: 'Jane Smith', at: '2026-11-23T09:30:00.000Z' };
    const entries = digestEntries(full, [stale('sync/ok'), stale('placements/ok')]).map((e) =>
      e.dataset === 'sync'
        ? { ...e, onIt: jane }
        : e.waitingOnDataset === 'sync'
          ? { ...e, causeOnIt: jane }
          : e,
    );
    // Act
    const digest = digestOf(lead, entries, {
      zone: 'Europe/London',
      now: now(),
      lastDigestAt: null,
      key: 'd',
    });
    // Assess
    const text = toEmail(digest as never).text;
    expect(text).toContain('Who is on it: Jane Smith, on Nightly ESR sync (since 09:30)');
    expect(text).not.toContain('nobody has said so yet');
  });
});
