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
    expect(step(null, observe(FRESH), '2026-11-23T10:00:00Z').kinds).toEqual([]);
  });

  it('says stale when a check first seen is stale', () => {
    expect(step(null, observe(OLD), '2026-11-23T10:00:00Z').kinds).toEqual(['stale']);
  });

  it('says stale once on pass → stale, then nothing until the reminder is due', () => {
    const passing = step(null, observe(FRESH), '2026-11-23T10:00:00Z').state;
    const stale = step(passing, observe(OLD), '2026-11-23T11:00:00Z');
    expect(stale.kinds).toEqual(['stale']);
    const again = step(stale.state, observe(OLD), '2026-11-24T10:59:59Z');
    expect(again.kinds).toEqual([]);
    const reminder = step(again.state, observe(OLD), '2026-11-24T11:00:00Z');
    expect(reminder.kinds).toEqual(['still-stale']);
    expect(step(reminder.state, observe(OLD), '2026-11-24T11:15:00Z').kinds).toEqual([]);
  });

  it('says recovered on stale → pass, and forgets it was told', () => {
    const stale = step(null, observe(OLD), '2026-11-23T10:00:00Z').state;
    const recovered = step(stale, observe('2026-11-23T10:10:00Z'), '2026-11-23T10:15:00Z');
    expect(recovered.kinds).toEqual(['recovered']);
    expect(recovered.state.lastNotifiedAt).toBeNull();
  });

  it('says error on any → error, and recovered from the error once', () => {
    const passing = step(null, observe(FRESH), '2026-11-23T10:00:00Z').state;
    const failed = step(passing, down, '2026-11-23T10:15:00Z');
    expect(failed.kinds).toEqual(['error']);
    expect(step(failed.state, down, '2026-11-23T10:30:00Z').kinds).toEqual([]);
    expect(step(failed.state, observe('2026-11-23T10:20:00Z'), '2026-11-23T10:30:00Z').kinds).toEqual([
      'error-recovered',
    ]);
  });

  it('after an error, tells the owners of data that went stale meanwhile', () => {
    const passing = step(null, observe(FRESH), '2026-11-23T10:00:00Z').state;
    const failed = step(passing, down, '2026-11-23T10:15:00Z').state;
    expect(step(failed, observe(OLD), '2026-11-23T12:00:00Z').kinds).toEqual(['error-recovered', 'stale']);
  });

  it('keeps what was last seen through an error, and the since of each status', () => {
    const stale = step(null, observe(OLD), '2026-11-23T10:00:00Z').state;
    const failed = step(stale, down, '2026-11-23T10:15:00Z').state;
    expect([failed.status, failed.since, failed.dataStatus, failed.lastUpdatedAt]).toEqual([
      'error',
      new Date('2026-11-23T10:15:00.000Z'),
      'warn',
      new Date('2026-11-20T00:00:00.000Z'),
    ]);
    expect(step(failed, observe(OLD), '2026-11-23T10:30:00Z').kinds).toEqual(['error-recovered']);
  });

  it('counts versions up and records the run that wrote the state', () => {
    const first = step(null, observe(FRESH), '2026-11-23T10:00:00Z', 'run-1').state;
    const second = step(first, observe(FRESH), '2026-11-23T10:15:00Z', 'run-2').state;
    expect([first.version, second.version, second.runId]).toEqual([1, 2, 'run-2']);
    expect(second.since).toBe(first.since);
  });
});
