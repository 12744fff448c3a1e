import type { ActivityObserved } from '../evaluate/types';
import { formatWhen } from '../time/zone';

/**
 * How an activity check knows what it says, for the reader to weigh it: the database's own time of
 * the last change (MySQL `UPDATE_TIME`), or its change counters, which see less than a timestamp
 * column would (docs/semantics.md "Activity").
 */
export function activityBasis(observed: ActivityObserved): string {
  return observed.databaseChangedAt
    ? 'judged from the time the database last saw a change to the table, not from a timestamp column'
    : "judged from the database's change counters, which are less certain than a timestamp column";
}

/** The note on counters that went backwards, or nothing. */
export function countersResetNote(observed: ActivityObserved): string {
  return observed.countersReset
    ? "; the database's change counters were reset since the last check (a restart, a failover or a statistics reset), which counts as a change"
    : '';
}

/**
 * An activity result in words, for the report and the JSON `message`. It says "has not changed since"
 * rather than "last updated": the database knows that the table changed, not that its data is new.
 * `lastChangedAt` is the result's `lastUpdatedAt`; `expected` the broken rules in words.
 */
export function activityMessage(
  subject: string,
  observed: ActivityObserved,
  lastChangedAt: Date,
  passing: boolean,
  expected: string,
  zone: string,
  now: Date,
): string {
  const basis = activityBasis(observed);
  const reset = countersResetNote(observed);
  if (observed.watchingSince) {
    const since = new Date(observed.watchingSince);
    if (since.getTime() === now.getTime()) {
      return (
        `${subject}: watching for changes since ${formatWhen(since, zone, now)}; ` +
        `whether it changes shows from the next check on (${basis}).`
      );
    }
    const head = `${subject} has not changed since ${formatWhen(since, zone, now)}, when Stalewatch began watching it`;
    return passing ? `${head} (${basis}).` : `${head}: ${expected} (${basis}).`;
  }
  const when = formatWhen(lastChangedAt, zone, now);
  if (passing) return `${subject} is changing: last change seen ${when}${reset} (${basis}).`;
  return `${subject} has not changed since ${when}: ${expected}${reset} (${basis}).`;
}
