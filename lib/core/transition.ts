import { isStale } from './evaluate/status';
import type { CheckResult, PreviousState } from './evaluate/types';
import { type CheckState, ROW_COUNTS_KEPT, type TransitionKind } from './model/state';
import { durationSeconds } from './time/duration';

/**
 * A stored time, but never later than `now`. Runs are recorded in time order, so a stored time after
 * this run's can only come from a state written by a run from the future (a wrong clock, or a version
 * before runs ahead of the clock were refused): read as `now`, it cannot hold back reminders.
 */
function notAfter(stored: Date, now: Date): Date {
  return stored.getTime() > now.getTime() ? now : stored;
}

/**
 * The state as the verdicts read it: the state itself (`PreviousState` is a view of `CheckState`).
 * Kept so that a caller can name the step; there is nothing to convert.
 */
export function toPreviousState(state: CheckState | null): PreviousState | null {
  return state;
}

/**
 * What the owners should hear of a result, given what they heard before (docs/events.md): `stale` on pass→warn|fail (or on first sight of stale data), `recovered` on warn|fail→pass,
 * `error` on any→error, `error-recovered` on error→anything else, and `still-stale` when a dataset is
 * still stale `remindEvery` after its owners were last told. warn↔fail changes no one's story and sends
 * nothing. Coming back from an error, the data is compared with what it was before the error.
 */
export function transitionsOf(
  previous: CheckState | null,
  result: Pick<CheckResult, 'status'>,
  now: Date,
  remindEvery: string,
): TransitionKind[] {
  const kinds: TransitionKind[] = [];
  if (result.status === 'error') {
    if (previous?.status !== 'error') kinds.push('error');
    return kinds;
  }
  if (previous?.status === 'error') kinds.push('error-recovered');
  const before = previous?.dataStatus ?? null;
  const toldAt = previous?.lastNotifiedAt ? notAfter(previous.lastNotifiedAt, now).getTime() : null;
  if (isStale(result.status)) {
    // Never told (new, or stale since before an error): tell now. Told: remind when it is due.
    if (!isStale(before) || toldAt === null) kinds.push('stale');
    else if (now.getTime() - toldAt >= durationSeconds(remindEvery) * 1000) kinds.push('still-stale');
  } else if (isStale(before) && toldAt !== null) {
    kinds.push('recovered');
  }
  return kinds;
}

/** The state after a run: the new status, since when, what was seen, and when the owners were told. */
export function nextState(
  previous: CheckState | null,
  result: Pick<CheckResult, 'status' | 'staleSince' | 'lastUpdatedAt' | 'observed'> & {
    check: Pick<CheckResult['check'], 'id'>;
  },
  kinds: readonly TransitionKind[],
  now: Date,
  runId: string,
): CheckState {
  const changed = previous?.status !== result.status;
  const told = kinds.includes('stale') || kinds.includes('still-stale');
  const dataStatus = result.status === 'error' ? (previous?.dataStatus ?? null) : result.status;
  const rowCount = result.observed && 'rowCount' in result.observed ? result.observed.rowCount : null;
  const keep = result.status === 'error';
  return {
    checkId: result.check.id,
    status: result.status,
    since: changed || !previous ? now : notAfter(previous.since, now),
    dataStatus,
    // Stale with no "since" to report (no data on a check's first run): the service saw it so now.
    staleSince: keep
      ? (previous?.staleSince ?? null)
      : (result.staleSince ?? (isStale(result.status) ? now : null)),
    lastUpdatedAt: keep ? (previous?.lastUpdatedAt ?? null) : result.lastUpdatedAt,
    observed: keep ? (previous?.observed ?? null) : result.observed,
    rowCounts:
      rowCount === null
        ? (previous?.rowCounts ?? [])
        : [...(previous?.rowCounts ?? []), rowCount].slice(-ROW_COUNTS_KEPT),
    lastNotifiedAt: told
      ? now
      : isStale(dataStatus) && previous?.lastNotifiedAt
        ? notAfter(previous.lastNotifiedAt, now)
        : null,
    runId,
    runAt: now,
    version: (previous?.version ?? 0) + 1,
  };
}
