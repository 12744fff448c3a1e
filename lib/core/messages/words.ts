import cronstrue from 'cronstrue';
import type { BreachJson } from '../events/types';
import { durationInWords } from '../time/duration';
import { formatLocal, formatWhen, relative } from '../time/zone';
import type { Moment } from './model';

const count = (n: number) => n.toLocaleString('en-GB');
const records = (n: number) => `${count(n)} record${n === 1 ? '' : 's'}`;

/** A moment in the configured zone, absolute and relative. */
export function moment(iso: string | null, zone: string, now: Date): Moment | null {
  if (!iso) return null;
  const at = new Date(iso);
  return { at, text: formatWhen(at, zone, now) };
}

/** A cron as people say it: `0 7 * * 1-5` → `by 07:00, Monday through Friday`. */
export function scheduleInWords(cron: string): string {
  try {
    const words = cronstrue.toString(cron, { use24HourTimeFormat: true, verbose: false });
    const by = words.replace(/^At /, 'by ');
    return by.includes(',') ? by : `${by} every day`;
  } catch {
    return `on the schedule "${cron}"`;
  }
}

/** What was expected, in a data lead's words, for one broken rule. */
export function expectedInWords(breach: BreachJson, zone: string, now: Date): string {
  switch (breach.rule) {
    case 'noData':
      return 'Some data (there is none at all)';
    case 'warnAfter':
    case 'failAfter':
      return `Updated at least every ${durationInWords(breach.duration)}`;
    case 'noChange':
      return `A change at least every ${durationInWords(breach.duration)}`;
    case 'dueBy':
      return `New data ${scheduleInWords(breach.cron)}; it was due by ${formatLocal(new Date(breach.deadline), zone, now)}`;
    case 'failBelow':
    case 'warnBelow':
      return `At least ${records(breach.limit)}`;
    case 'failAbove':
    case 'warnAbove':
      return `At most ${records(breach.limit)}`;
    case 'warnDropPercent':
    case 'failDropPercent':
      return `No fall of more than ${breach.limit}% between checks (it fell by ${Math.round(breach.dropPercent)}%)`;
  }
}

/** How long ago, as a phrase for headlines: `3 days`. */
export function ageInWords(fromIso: string, now: Date): string {
  return relative(new Date(fromIso), now)
    .replace(/ ago$/, '')
    .replace(/^just now$/, 'less than a minute');
}
