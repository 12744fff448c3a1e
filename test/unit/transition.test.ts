import { evaluate } from '../../lib/core/evaluate/evaluate';
import type { Observation } from '../../lib/core/evaluate/types';
import type { CheckState } from '../../lib/core/model/state';
import { nextState, transitionsOf } from '../../lib/core/transition';
import { at, freshness } from '../helpers/checks';

const check = freshness({ warnAfter: '1h' });
const observe = (lastUpdatedAt: string | null): Observation => ({
  kind: 'freshness',
  lastUpdatedAt: lastUpdatedAt ? at(lastUpdatedAt) : null,
});
const down: Observation = { kind: 'error', message: 'connection refused', sql: null };

/** Runs the check on `observation` at `now` from `previous`; returns the transitions and the new state. */
function step(previous: CheckState | null, observation: Observation, now: string, runId = now) {
  const result = evaluate(check, observation, null, at(now));
  const kinds = transitionsOf(previous, result, at(now), '24h');
  return { kinds, state: nextState(previous, result, kinds, at(now), runId) };
}

const FRESH = '2026-11-23T09:30:00Z';
const OLD = '2026-11-20T00:00:00Z';

describe('transitions', () => {
  it('sends nothing for a check first seen passing', () => {
    // Act
    const { kinds } = step(null, observe(FRESH), '2026-11-23T10:00:00Z');
    // Assess
    expect(kinds).toEqual([]);
  });

  it('says stale when a check first seen is stale', () => {
    // Act
    const { kinds } = step(null, observe(OLD), '2026-11-23T10:00:00Z');
    // Assess
    expect(kinds).toEqual(['stale']);
  });

  it('says stale once on pass → stale, then nothing until the reminder is due', () => {
    // Prepare
    const passing = step(null, observe(FRESH), '2026-11-23T10:00:00Z').state;
    // Act 1: it goes stale.
    const stale = step(passing, observe(OLD), '2026-11-23T11:00:00Z');
    // Assess 1
    expect(stale.kinds).toEqual(['stale']);
    // Act 2: a second before the reminder is due.
    const again = step(stale.state, observe(OLD), '2026-11-24T10:59:59Z');
    // Assess 2
    expect(again.kinds).toEqual([]);
    // Act 3: the reminder is due.
    const reminder = step(again.state, observe(OLD), '2026-11-24T11:00:00Z');
    // Assess 3
    expect(reminder.kinds).toEqual(['still-stale']);
    // Act 4: the run after the reminder.
    const after = step(reminder.state, observe(OLD), '2026-11-24T11:15:00Z');
    // Assess 4
    expect(after.kinds).toEqual([]);
  });

  it('says recovered on stale → pass, and forgets it was told', () => {
    // Prepare
    const stale = step(null, observe(OLD), '2026-11-23T10:00:00Z').state;
    // Act
    const recovered = step(stale, observe('2026-11-23T10:10:00Z'), '2026-11-23T10:15:00Z');
    // Assess
    expect(recovered.kinds).toEqual(['recovered']);
    expect(recovered.state.lastNotifiedAt).toBeNull();
  });

  it('says error on any → error, and recovered from the error once', () => {
    // Prepare
    const passing = step(null, observe(FRESH), '2026-11-23T10:00:00Z').state;
    // Act 1: the source goes down.
    const failed = step(passing, down, '2026-11-23T10:15:00Z');
    // Assess 1
    expect(failed.kinds).toEqual(['error']);
    // Act 2: it stays down, or comes back.
    const stillDown = step(failed.state, down, '2026-11-23T10:30:00Z');
    const back = step(failed.state, observe('2026-11-23T10:20:00Z'), '2026-11-23T10:30:00Z');
    // Assess 2
    expect(stillDown.kinds).toEqual([]);
    expect(back.kinds).toEqual(['error-recovered']);
  });

  it('after an error, tells the owners of data that went stale meanwhile', () => {
    // Prepare: passing, then the source went down.
    const passing = step(null, observe(FRESH), '2026-11-23T10:00:00Z').state;
    const failed = step(passing, down, '2026-11-23T10:15:00Z').state;
    // Act: it comes back with old data.
    const { kinds } = step(failed, observe(OLD), '2026-11-23T12:00:00Z');
    // Assess
    expect(kinds).toEqual(['error-recovered', 'stale']);
  });

  it('keeps what was last seen through an error, and the since of each status', () => {
    // Prepare
    const stale = step(null, observe(OLD), '2026-11-23T10:00:00Z').state;
    // Act 1: the source goes down.
    const failed = step(stale, down, '2026-11-23T10:15:00Z').state;
    // Assess 1
    expect([failed.status, failed.since, failed.dataStatus, failed.lastUpdatedAt]).toEqual([
      'error',
      new Date('2026-11-23T10:15:00.000Z'),
      'warn',
      new Date('2026-11-20T00:00:00.000Z'),
    ]);
    // Act 2: it comes back, still stale.
    const back = step(failed, observe(OLD), '2026-11-23T10:30:00Z');
    // Assess 2: recovered from the error, and not told stale again.
    expect(back.kinds).toEqual(['error-recovered']);
  });

  it('counts versions up and records the run that wrote the state', () => {
    // Act
    const first = step(null, observe(FRESH), '2026-11-23T10:00:00Z', 'run-1').state;
    const second = step(first, observe(FRESH), '2026-11-23T10:15:00Z', 'run-2').state;
    // Assess
    expect([first.version, second.version, second.runId]).toEqual([1, 2, 'run-2']);
    expect(second.since).toBe(first.since);
  });
});
