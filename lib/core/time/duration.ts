/** Durations in config: a whole number and a unit, `90s`, `45m`, `26h`, `2d`, `1w`. */
import { quote } from '../util/quote';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;
const UNIT_WORDS = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week' } as const;
type Unit = keyof typeof UNIT_SECONDS;

/** The pattern a duration must match; also published in the JSON Schema. */
export const DURATION_PATTERN = '^[1-9][0-9]*[smhdw]$';
const DURATION_RE = new RegExp(DURATION_PATTERN);

/** True when `text` is a duration such as `26h`. */
export function isDuration(text: string): boolean {
  return DURATION_RE.test(text);
}

/** Seconds in a duration such as `26h`. Call only on text that `isDuration` accepts. */
export function durationSeconds(text: string): number {
  if (!isDuration(text)) throw new RangeError(`"${text}" is not a duration`);
  const unit = text.slice(-1) as Unit;
  return Number(text.slice(0, -1)) * UNIT_SECONDS[unit];
}

/** A duration in words, for people: `26h` → `26 hours`, `1d` → `1 day`. */
export function durationInWords(text: string): string {
  const unit = text.slice(-1) as Unit;
  const n = Number(text.slice(0, -1));
  return `${n} ${UNIT_WORDS[unit]}${n === 1 ? '' : 's'}`;
}

/** The longest duration any setting takes: two years. Longer is a typo, and overflows dates. */
export const MAX_DURATION = '730d';
const MAX_SECONDS = 730 * UNIT_SECONDS.d;

/** What is wrong with `text` as a duration (with how to write it), or null. */
export function durationProblem(text: string): string | null {
  const howTo = 'write it as 26h, 90m, 2d';
  if (/^-\s*\d/.test(text))
    return `${quote(text)} is not a duration: a length of time is not negative — ${howTo}`;
  if (/^0+[smhdw]?$/.test(text)) return `${quote(text)} is not a duration: it is zero — ${howTo}`;
  if (!isDuration(text)) return `${quote(text)} is not a duration — ${howTo}`;
  if (durationSeconds(text) > MAX_SECONDS) {
    return `${quote(text)} is longer than two years, the longest a setting takes — write ${MAX_DURATION} or less`;
  }
  return null;
}

const YEAR_SECONDS = 365.25 * 86_400;

/**
 * A span of time (in ms) in words that fit, rounded down: `45 seconds`, `90 minutes`, `29 hours`,
 * `12 days`, `56,850 years`, `57 million years`. Hours up to two days and days up to two years, so
 * that "29 hours in the future" is not said as "1 day".
 */
export function spanInWords(ms: number): string {
  const s = Math.abs(ms) / 1000;
  const words = (n: number, unit: string) =>
    `${Math.floor(n).toLocaleString('en-GB')} ${unit}${Math.floor(n) === 1 ? '' : 's'}`;
  if (!Number.isFinite(s) || s >= 1e9 * YEAR_SECONDS) return 'more than a billion years';
  if (s >= 1e6 * YEAR_SECONDS) return `${Math.round(s / YEAR_SECONDS / 1e6)} million years`;
  if (s >= 2 * YEAR_SECONDS) return words(s / YEAR_SECONDS, 'year');
  if (s >= 2 * 86_400) return words(s / 86_400, 'day');
  if (s >= 2 * 3_600) return words(s / 3_600, 'hour');
  if (s >= 2 * 60) return words(s / 60, 'minute');
  return words(s, 'second');
}
