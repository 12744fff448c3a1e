/**
 * The rules every message follows when it puts a number into words (SPEC.md "Wording a reader can
 * trust"), written once: alerts, emails, Slack, digests and the CLI's report all say ages, limits,
 * counts and schedules through here, so that the numbers in one message agree with each other.
 *
 * - An age or a length of time is rounded down, in the unit that fits: minutes below two hours, hours
 *   below two days ("30 hours", never "1 day" for 30 hours), days below two years.
 * - A headline's age and "last updated … (N ago)" come from the same instant and the same function.
 * - A limit is said as a person would: "new data every day", "at least every 26 hours", "at least
 *   1,000 rows".
 * - Singular and plural agree with the number ("1 row was", "2 rows were").
 */
import cronstrue from 'cronstrue';
import type { Breach } from '../evaluate/types';
import { durationSeconds } from '../time/duration';
import { formatAge, formatLocal } from '../time/zone';

/** Below this, an age is "less than a minute" (and a moment "just now"). */
const MINUTE_MS = 60_000;

/** `1,000` (British grouping), the way every count in a message is written. */
export function numberInWords(n: number): string {
  return n.toLocaleString('en-GB');
}

/** `1 row`, `1,000 rows`: a count with its noun, singular or plural as the number asks. */
export function countOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${numberInWords(n)} ${n === 1 ? noun : plural}`;
}

/** `was` or `were`, agreeing with `n`. */
export function wasOrWere(n: number): 'was' | 'were' {
  return n === 1 ? 'was' : 'were';
}

/** A length of time (ms) in words, rounded down, in the unit that fits: `45 minutes`, `30 hours`, `3 days`. */
export function lengthInWords(ms: number): string {
  return formatAge(Math.abs(ms) / 1000);
}

/**
 * How long ago (or ahead) a moment is: `30 hours ago`, `in 3 hours`, `just now`; and a moment absolute
 * in the zone and relative: `Monday 23 November 07:00 (3 hours ago)`. Both round by `lengthInWords`'s
 * rule (they live with the other time functions, which the CLI uses too).
 */
export { formatWhen as whenInWords, relative as agoInWords } from '../time/zone';

/**
 * How long data is out of date, for a headline: the time since it was last updated, rounded down as
 * "last updated … (N ago)" says it (a time ahead of `now`, counted as now, is "less than a minute").
 */
export function outOfDateFor(lastUpdatedAt: Date, now: Date): string {
  return lengthInWords(Math.max(0, now.getTime() - lastUpdatedAt.getTime()));
}

const UNIT_NOUN: Record<string, string> = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week' };

/**
 * A config duration as a cadence: `1d` and `24h` → `every day`, `1w` → `every week`, `1h` → `every
 * hour`, `26h` → `at least every 26 hours`, `2d` → `at least every 2 days`.
 */
export function cadenceInWords(duration: string): string {
  const seconds = durationSeconds(duration);
  for (const [unit, size] of [
    ['w', 604_800],
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
  ] as const) {
    if (seconds === size) return `every ${UNIT_NOUN[unit]}`;
  }
  const n = Number(duration.slice(0, -1));
  return `at least every ${countOf(n, UNIT_NOUN[duration.slice(-1)] ?? duration.slice(-1))}`;
}

/** A cron as people say it: `0 7 * * 1-5` → `by 07:00, Monday through Friday`; `0 7 * * *` → `by 07:00 every day`. */
export function scheduleInWords(cron: string): string {
  try {
    const words = cronstrue.toString(cron, { use24HourTimeFormat: true, verbose: false });
    const by = words.replace(/^At /, 'by ');
    return by.includes(',') ? by : `${by} every day`;
  } catch {
    return `on the schedule "${cron}"`;
  }
}

/**
 * A fall in percent, said so that it visibly exceeds the limit it broke: `35%`, but `20.3%` against a
 * 20% limit (rounded down, with as many decimals as it takes; "just over 20%" when none do).
 */
export function dropInWords(dropPercent: number, limit: number): string {
  for (const decimals of [0, 1, 2]) {
    const f = 10 ** decimals;
    const shown = Math.floor(dropPercent * f) / f;
    if (shown > limit) return `${shown.toFixed(decimals)}%`;
  }
  return `just over ${limit}%`;
}

/** What a freshness check found when it failed by age before its first limit: see `expectationOf`. */
export interface ExpectationContext {
  zone: string;
  now: Date;
  /** When the data was last updated, if it ever was. */
  lastUpdatedAt: Date | null;
  /** When it stopped passing, if known. */
  staleSince: Date | null;
}

/**
 * What was expected, for one broken rule, as a clause a person would say (lower case; callers
 * capitalise): `new data every day`, `new data by 07:00, Monday through Friday (it was due by Monday
 * 23 November 07:00)`, `at least 1,000 rows`, `some data`.
 *
 * A `failAfter` broken after an earlier `warnAfter` says both, so that it agrees with "stale since"
 * (which counts from the first limit): `new data at least every 26 hours; it is now more than 50 hours
 * old`.
 */
export function expectationOf(breach: Breach, ctx: ExpectationContext): string {
  switch (breach.rule) {
    case 'noData':
      return 'some data';
    case 'warnAfter':
    case 'failAfter': {
      const limitMs = durationSeconds(breach.duration) * 1000;
      const firstMs =
        ctx.lastUpdatedAt && ctx.staleSince
          ? ctx.staleSince.getTime() - ctx.lastUpdatedAt.getTime()
          : limitMs;
      if (firstMs > 0 && firstMs < limitMs && firstMs % MINUTE_MS === 0) {
        return `new data ${cadenceOfMs(firstMs)}; it is now more than ${lengthInWords(limitMs)} old`;
      }
      return `new data ${cadenceInWords(breach.duration)}`;
    }
    case 'noChange':
      return `a change ${cadenceInWords(breach.duration)}`;
    case 'dueBy':
      return `new data ${scheduleInWords(breach.cron)} (it was due by ${formatLocal(breach.deadline, ctx.zone, ctx.now)})`;
    case 'failBelow':
    case 'warnBelow':
      return `at least ${countOf(breach.limit, 'row')}`;
    case 'failAbove':
    case 'warnAbove':
      return `at most ${countOf(breach.limit, 'row')}`;
    case 'warnDropPercent':
    case 'failDropPercent':
      return `no fall of more than ${breach.limit}% between checks (it fell by ${dropInWords(breach.dropPercent, breach.limit)})`;
  }
}

/** A whole number of minutes as a cadence, in the largest unit it is a whole number of. */
function cadenceOfMs(ms: number): string {
  const minutes = ms / MINUTE_MS;
  if (minutes % (7 * 1440) === 0) return cadenceInWords(`${minutes / (7 * 1440)}w`);
  if (minutes % 1440 === 0) return cadenceInWords(`${minutes / 1440}d`);
  if (minutes % 60 === 0) return cadenceInWords(`${minutes / 60}h`);
  return cadenceInWords(`${minutes}m`);
}

/** `Some text` from `some text`. */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
