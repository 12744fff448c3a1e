/** Durations in config: a whole number and a unit, `90s`, `45m`, `26h`, `2d`, `1w`. */

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
