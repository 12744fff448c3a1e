import { isDeepStrictEqual } from 'node:util';
import { isStale } from './evaluate/status';
import type { CheckResult, PreviousState } from './evaluate/types';
import { localDate } from './history';
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

/** What was measured, without what only the run's time changes (an age is the time since `lastUpdatedAt`). */
function measured(observed: CheckState['observed']): unknown {
  if (!observed || !('ageSeconds' in observed)) return observed;
  const { ageSeconds, ...rest } = observed;
  return { ...rest, seen: ageSeconds !== null };
}

const sameTime = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

/**
 * Whether a run's state is worth a write (docs/operations.md "What a run writes"): always for a new
 * check or when a transition is told; otherwise only when something a later run, a message, the digest
 * or the status page reads has changed — not the run's id and time alone, nor an age that only grew
 * with the clock, nor a row count the same as the last one (drops compare with the last count only).
 * The first run of each day in `timezone` writes too: its history item is the day's mark, from which
 * the status page's strip and the digest's on-time rate tell a day with runs from one without, and its
 * `runAt` tells the next run that the mark is made.
 */
export function worthWriting(
  previous: CheckState | null,
  next: CheckState,
  kinds: readonly TransitionKind[],
  timezone: string,
): boolean {
  if (!previous || kinds.length > 0) return true;
  if (localDate(previous.runAt, timezone) !== localDate(next.runAt, timezone)) return true;
  return !(
    isDeepStrictEqual(measured(previous.observed), measured(next.observed)) &&
    previous.status === next.status &&
    previous.dataStatus === next.dataStatus &&
    sameTime(previous.since, next.since) &&
    sameTime(previous.staleSince, next.staleSince) &&
    sameTime(previous.lastUpdatedAt, next.lastUpdatedAt) &&
    sameTime(previous.lastNotifiedAt, next.lastNotifiedAt) &&
    (previous.rowCounts.at(-1) ?? null) === (next.rowCounts.at(-1) ?? null)
  );
}

/**
 * Whether a written state also gets a history item: when its status changed, or on the first run of a
 * day in `timezone` (the day's mark). A day's outcome is the worst status its runs saw; every status a
 * day saw is either the one it began with (the mark) or one it changed to, so these items judge each
 * day as an item per run would (lib/core/history.ts), and the digest's stale streak begins at the same
 * run. Old per-run items read the same way.
 */
export function worthHistory(previous: CheckState | null, next: CheckState, timezone: string): boolean {
  return (
    !previous ||
    previous.status !== next.status ||
    localDate(previous.runAt, timezone) !== localDate(next.runAt, timezone)
  );
}
