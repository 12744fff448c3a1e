import { evaluate } from '../../lib/core/evaluate/evaluate';
import type { CheckResult, Observation } from '../../lib/core/evaluate/types';
import type { Check } from '../../lib/core/model/config';
import type { CheckState } from '../../lib/core/model/state';
import { nextState, toPreviousState, transitionsOf } from '../../lib/core/transition';
import { at, freshness, rowCount } from '../helpers/checks';

/**
 * "Since when" survives a run that could not look (SPEC.md "Semantics": no data is stale since the
 * service first saw it so; a row count since it first stopped passing): an error between two runs
 * that see the same data changes nothing of what the owners are told.
 */

const down: Observation = { kind: 'error', message: 'connection refused', sql: null };
const noData: Observation = { kind: 'freshness', lastUpdatedAt: null };
const updatedAt = (iso: string): Observation => ({ kind: 'freshness', lastUpdatedAt: at(iso) });
const rows = (n: number): Observation => ({ kind: 'rowCount', rowCount: n });

/** Runs `check` once a day from 20 November 10:00 UTC, as the service does, with state between runs. */
function runDaily(check: Check, observations: Observation[]): CheckResult[] {
  let state: CheckState | null = null;
  return observations.map((observation, day) => {
    const now = new Date(Date.UTC(2026, 10, 20 + day, 10));
    const result = evaluate(check, observation, toPreviousState(state), now);
    const kinds = transitionsOf(state, result, now, '24h');
    state = nextState(state, result, kinds, now, `run-${day}`);
    return result;
  });
}

const summary = (results: CheckResult[]) =>
  results.map((r) => `${r.status} ${r.staleSince?.toISOString().slice(0, 10) ?? '-'}`);

describe('no data, then an error, then no data again', () => {
  it('is still stale since the day it was first seen empty', () => {
    // Act: empty on the 20th and 21st, the source down on the 22nd, empty again on the 23rd.
    const results = runDaily(freshness({ failAfter: '1d' }), [noData, noData, down, noData]);
    // Assess: the first run has no state to say since when (docs/semantics.md "No data").
    expect(summary(results)).toEqual(['fail -', 'fail 2026-11-20', 'error -', 'fail 2026-11-20']);
  });

  it('is stale since its first run, when that run saw it empty, whatever errors come between', () => {
    const results = runDaily(freshness({ failAfter: '1d' }), [noData, down, down, noData]);
    expect(summary(results)).toEqual(['fail -', 'error -', 'error -', 'fail 2026-11-20']);
  });

  it('counts from the first empty run after the error when the data was there before it', () => {
    const results = runDaily(freshness({ failAfter: '1d' }), [
      updatedAt('2026-11-20T09:00:00Z'),
      down,
      noData,
    ]);
    expect(summary(results)).toEqual(['pass -', 'error -', 'fail 2026-11-22']);
  });
});

describe('a row count, stale, then an error, then stale again', () => {
  const check = rowCount({ failBelow: 1000 });

  it('is still stale since the run that first saw it below its bound', () => {
    const results = runDaily(check, [rows(5000), rows(10), rows(10), down, rows(10)]);
    expect(summary(results)).toEqual([
      'pass -',
      'fail 2026-11-21',
      'fail 2026-11-21',
      'error -',
      'fail 2026-11-21',
    ]);
  });

  it('passing, then an error, then below its bound: stale since that run', () => {
    const results = runDaily(check, [rows(5000), down, rows(10)]);
    expect(summary(results)).toEqual(['pass -', 'error -', 'fail 2026-11-22']);
  });

  it('judges a fall against the last count seen before the error', () => {
    const results = runDaily(rowCount({ warnDropPercent: 20 }), [rows(5000), down, rows(3000)]);
    expect(results.map((r) => r.status)).toEqual(['pass', 'error', 'warn']);
    expect(results[2]?.observed).toEqual({ rowCount: 3000, previousRowCount: 5000 });
  });
});

describe('a freshness check, stale, then an error, then stale again', () => {
  it('is stale since its last update plus warnAfter, as before the error', () => {
    const results = runDaily(freshness({ warnAfter: '26h' }), [
      updatedAt('2026-11-18T10:00:00Z'),
      down,
      updatedAt('2026-11-18T10:00:00Z'),
    ]);
    expect(summary(results)).toEqual(['warn 2026-11-19', 'error -', 'warn 2026-11-19']);
  });
});
