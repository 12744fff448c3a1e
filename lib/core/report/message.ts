import { type Breach, type CheckResult, isActivityObserved } from '../evaluate/types';
import { durationInWords } from '../time/duration';
import { formatAge, formatWhen } from '../time/zone';
import { activityMessage } from './activity-words';

const count = (n: number): string => n.toLocaleString('en-GB');
const rows = (n: number): string => `${count(n)} row${n === 1 ? '' : 's'}`;

/** The subject of a message: the dataset's title, with the check's name when it says something. */
function subject(result: CheckResult): string {
  const { check } = result;
  const generic = check.name === 'freshness' || check.name === 'row-count' || check.name === 'activity';
  return generic ? check.title : `${check.title} (${check.name})`;
}

/** What was expected, in words, for one broken rule. */
export function expectation(breach: Breach, zone: string, now: Date): string {
  switch (breach.rule) {
    case 'noData':
      return 'there is no data at all';
    case 'warnAfter':
    case 'failAfter':
      return `new data was expected within ${durationInWords(breach.duration)}`;
    case 'noChange':
      return `a change was expected within ${durationInWords(breach.duration)}`;
    case 'dueBy':
      return `new data was due by ${formatWhen(breach.deadline, zone, now)}`;
    case 'failBelow':
    case 'warnBelow':
      return `at least ${rows(breach.limit)} were expected`;
    case 'failAbove':
    case 'warnAbove':
      return `at most ${rows(breach.limit)} were expected`;
    case 'warnDropPercent':
    case 'failDropPercent':
      return `it fell by ${Math.round(breach.dropPercent)}% since the last run, more than the ${breach.limit}% allowed`;
  }
}

/**
 * One or two plain-English sentences on a result, for the report and the JSON `message`:
 * "Trainee placements data is 3 days out of date: last updated Friday 20 November 02:10 (3 days ago);
 * new data was due by Monday 23 November 07:00 (3 hours ago)."
 */
export function resultMessage(result: CheckResult, zone: string, now: Date): string {
  try {
    return wordsFor(result, zone, now);
  } catch {
    // Words must never cost a run its report or its events: say the status plainly instead.
    return `${subject(result)}: ${result.status}${result.error ? ` (${result.error})` : ''}.`;
  }
}

function wordsFor(result: CheckResult, zone: string, now: Date): string {
  const { status, observed } = result;
  if (status === 'error')
    return `Stalewatch could not check ${subject(result)}: ${result.error ?? 'unknown error'}.`;
  const expected = result.breaches.map((b) => expectation(b, zone, now)).join('; ');
  if (isActivityObserved(observed) && result.lastUpdatedAt) {
    const passing = status === 'pass';
    return activityMessage(subject(result), observed, result.lastUpdatedAt, passing, expected, zone, now);
  }
  if (observed && 'rowCount' in observed) {
    const has = `${subject(result)} has ${rows(observed.rowCount)}`;
    return status === 'pass' ? `${has}, as expected.` : `${has}: ${expected}.`;
  }
  if (!result.lastUpdatedAt) return `${subject(result)} has no data: ${expected}.`;
  const inFuture = result.lastUpdatedAt.getTime() > now.getTime();
  const lastUpdated = `last updated ${formatWhen(result.lastUpdatedAt, zone, now)}${inFuture ? ', a time in the future, counted as now' : ''}`;
  if (status === 'pass') return `${subject(result)} is up to date: ${lastUpdated}.`;
  const age = observed && 'ageSeconds' in observed && observed.ageSeconds !== null ? observed.ageSeconds : 0;
  return `${subject(result)} data is ${formatAge(age)} out of date: ${lastUpdated}; ${expected}.`;
}
