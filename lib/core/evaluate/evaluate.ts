import type { Check } from '../model/config';
import { evaluateActivity } from './activity';
import { beyondFutureTolerance, evaluateFreshness } from './freshness';
import { evaluateRowCount } from './row-count';
import type { CheckResult, Observation, PreviousState } from './types';

/**
 * The pure core: a check, what its source observed, what the state remembers and the run's time give
 * the check's result. Stale data is a result; `error` means the check could not run.
 */
export function evaluate(
  check: Check,
  observation: Observation,
  previous: PreviousState | null,
  now: Date,
): CheckResult {
  const base = {
    check,
    lastUpdatedAt: null,
    staleSince: null,
    observed: null,
    breaches: [],
    error: null,
    sql: null,
  };
  if (observation.kind === 'error') {
    return { ...base, status: 'error', error: observation.message, sql: observation.sql };
  }
  if (check.kind === 'freshness' && observation.kind === 'freshness') {
    const future = beyondFutureTolerance(check.freshness, observation.lastUpdatedAt, now);
    if (future) return { ...base, status: 'error', error: future };
    const v = evaluateFreshness(check.freshness, check.severity, observation.lastUpdatedAt, previous, now);
    return {
      ...base,
      status: v.status,
      lastUpdatedAt: observation.lastUpdatedAt,
      staleSince: v.staleSince,
      observed: { ageSeconds: v.ageSeconds },
      breaches: v.breaches,
    };
  }
  if (check.kind === 'rowCount' && observation.kind === 'rowCount') {
    const v = evaluateRowCount(check.rowCount, check.severity, observation.rowCount, previous, now);
    return {
      ...base,
      status: v.status,
      staleSince: v.staleSince,
      observed: { rowCount: observation.rowCount, previousRowCount: v.previousRowCount },
      breaches: v.breaches,
    };
  }
  if (check.kind === 'activity' && observation.kind === 'activity') {
    const v = evaluateActivity(check.activity, check.severity, observation, previous, now);
    return {
      ...base,
      status: v.status,
      lastUpdatedAt: v.lastChangedAt,
      staleSince: v.staleSince,
      observed: v.observed,
      breaches: v.breaches,
    };
  }
  return {
    ...base,
    status: 'error',
    error: `internal: a ${observation.kind} observation for a ${check.kind} check`,
  };
}
