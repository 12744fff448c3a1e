import type { Severity, Status } from '../model/config';

const RANK: Record<Status, number> = { pass: 0, warn: 1, fail: 2, error: 3 };

/** The worse of two statuses (`error` is worst: nothing is known). */
export function worse(a: Status, b: Status): Status {
  return RANK[a] >= RANK[b] ? a : b;
}

/** True for the statuses of data that is stale or wrong. */
export function isStale(status: Status | null | undefined): status is 'warn' | 'fail' {
  return status === 'warn' || status === 'fail';
}

/** A check that says `severity: warn` reports its failures as warnings. */
export function applySeverity(status: Status, severity: Severity): Status {
  return status === 'fail' && severity === 'warn' ? 'warn' : status;
}

/** The earlier of two moments, ignoring nulls. */
export function earliest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() <= b.getTime() ? a : b;
}
