import { evaluate } from '../../lib/core/evaluate/evaluate';
import type { Observation } from '../../lib/core/evaluate/types';
import type { Check } from '../../lib/core/model/config';
import { type CheckState, checkStateSchema, storedFormOf } from '../../lib/core/model/state';
import { nextState, transitionsOf, worthHistory, worthWriting } from '../../lib/core/transition';
import { activity, at, freshness, rowCount } from '../helpers/checks';

/** One run of `check` on `observation` at `now` after `previous`: the new state and what is written. */
function step(
  check: Check,
  previous: CheckState | null,
  observation: Observation,
  now: string,
  zone = 'Europe/London',
) {
  const result = evaluate(check, observation, previous, at(now));
  const kinds = transitionsOf(previous, result, at(now), '24h');
  const state = nextState(previous, result, kinds, at(now), now);
  return {
    state,
    write: worthWriting(previous, state, kinds, zone),
    history: worthHistory(previous, state, zone),
  };
}

describe('what a run writes of a check’s state', () => {
  it('writes nothing when the data only grew older, and the state keeps its first run', () => {
    // Prepare
    const check = freshness({ warnAfter: '26h' });
    const seen: Observation = { kind: 'freshness', lastUpdatedAt: at('2026-11-23T02:00:00Z') };
    const first = step(check, null, seen, '2026-11-23T10:00:00Z');
    // Act
    const later = step(check, first.state, seen, '2026-11-23T10:15:00Z');
    // Assess
    expect(first).toMatchObject({ write: true, history: true });
    expect(later).toMatchObject({ write: false, history: false });
  });

  it('writes the state, but no history, when the data was updated and the status stayed', () => {
    // Prepare
    const check = freshness({ warnAfter: '26h' });
    const first = step(
      check,
      null,
      { kind: 'freshness', lastUpdatedAt: at('2026-11-23T02:00:00Z') },
      '2026-11-23T10:00:00Z',
    );
    // Act
    const updated = step(
      check,
      first.state,
      { kind: 'freshness', lastUpdatedAt: at('2026-11-23T10:05:00Z') },
      '2026-11-23T10:15:00Z',
    );
    // Assess
    expect(updated).toMatchObject({ write: true, history: false });
  });

  it('writes a row count once it changes, not while it stays the same', () => {
    // Prepare
    const check = rowCount({ failBelow: 1 });
    const first = step(check, null, { kind: 'rowCount', rowCount: 5 }, '2026-11-23T10:00:00Z');
    // Act
    const second = step(check, first.state, { kind: 'rowCount', rowCount: 5 }, '2026-11-23T10:15:00Z');
    const third = step(check, second.state, { kind: 'rowCount', rowCount: 5 }, '2026-11-23T10:30:00Z');
    const fewer = step(check, third.state, { kind: 'rowCount', rowCount: 4 }, '2026-11-23T10:45:00Z');
    // Assess: the second run is written: its observation names the count it compared with
    expect([second.write, third.write, fewer.write]).toEqual([true, false, true]);
  });

  it('writes an activity check whose counter moved, not one whose counter stood still', () => {
    // Prepare
    const check = activity({ warnAfter: '2d' });
    const counter = (n: string): Observation => ({ kind: 'activity', changeCounter: n, changedAt: null });
    const first = step(check, null, counter('10'), '2026-11-23T10:00:00Z');
    // Act
    const moved = step(check, first.state, counter('12'), '2026-11-23T10:15:00Z');
    const still = step(check, moved.state, counter('12'), '2026-11-23T10:30:00Z');
    // Assess
    expect([moved.write, still.write]).toEqual([true, false]);
  });

  it('writes the first run of each day in the configured zone, with its history item', () => {
    // Prepare: Tokyo is 9 hours ahead, so its day begins at 15:00 UTC.
    const check = freshness({ warnAfter: '26h' });
    const seen: Observation = { kind: 'freshness', lastUpdatedAt: at('2026-11-23T02:00:00Z') };
    const first = step(check, null, seen, '2026-11-23T14:45:00Z', 'Asia/Tokyo');
    // Act
    const tokyoMidnight = step(check, first.state, seen, '2026-11-23T15:00:00Z', 'Asia/Tokyo');
    const utcMidnight = step(check, tokyoMidnight.state, seen, '2026-11-24T00:00:00Z', 'Asia/Tokyo');
    // Assess
    expect(tokyoMidnight).toMatchObject({ write: true, history: true });
    expect(utcMidnight).toMatchObject({ write: false, history: false });
  });

  it('writes a transition whatever else changed', () => {
    // Prepare
    const check = freshness({ warnAfter: '1h' });
    const seen: Observation = { kind: 'freshness', lastUpdatedAt: at('2026-11-23T09:30:00Z') };
    const first = step(check, null, seen, '2026-11-23T10:00:00Z');
    // Act
    const stale = step(check, first.state, seen, '2026-11-23T10:45:00Z');
    // Assess
    expect(stale).toMatchObject({ write: true, history: true });
  });
});

describe('the state type at the store’s edge', () => {
  it('reads the stored ISO text as Dates and writes Dates back as the same text', () => {
    // Prepare
    const stored = {
      checkId: 'placements/updated-recently',
      status: 'fail',
      since: '2026-11-21T04:10:00.000Z',
      dataStatus: 'fail',
      staleSince: '2026-11-21T04:10:00.000Z',
      lastUpdatedAt: null,
      observed: { ageSeconds: 1 },
      rowCounts: [],
      lastNotifiedAt: '2026-11-22T04:10:00.000Z',
      runId: 'r',
      runAt: '2026-11-23T07:00:00.000Z',
      version: 3,
    } as const;
    // Act
    const state = checkStateSchema.parse(stored);
    // Assess
    expect(state.since).toEqual(new Date('2026-11-21T04:10:00.000Z'));
    expect(state.runAt).toBeInstanceOf(Date);
    expect(storedFormOf(state)).toEqual(stored);
  });

  it('refuses a time that is not ISO-8601, naming the field', () => {
    // Act
    const result = checkStateSchema.safeParse({
      checkId: 'x',
      status: 'pass',
      since: 'yesterday',
      dataStatus: 'pass',
      staleSince: null,
      lastUpdatedAt: null,
      observed: null,
      rowCounts: [],
      lastNotifiedAt: null,
      runId: 'r',
      runAt: '2026-11-23T07:00:00.000Z',
      version: 1,
    });
    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['since']);
  });
});
