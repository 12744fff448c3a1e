import { TZDate } from '@date-fns/tz';
import * as z from 'zod/mini';

// zod/mini, as in the service's payloads: this module is bundled into the function that writes the page.

/**
 * One run of one check, as the state table's history keeps it for 30 days (`pk = CHECK#<checkId>`,
 * `sk = RUN#<runAt>`, with the run's `status`), or as the CLI's own run gives it. The service keeps the
 * runs where a check's status changed and each day's first (lib/core/transition.ts `worthHistory`),
 * which `dailyRecord` judges as it would every run; older tables hold every run, read the same way.
 */
export const historyEntrySchema = z.object({
  checkId: z.string(),
  /** The run's time (its `now`), ISO-8601. */
  runAt: z.iso.datetime({ offset: true }),
  status: z.enum(['pass', 'warn', 'fail', 'error']),
});
/** One run's status of one check, as the state table's history keeps it (`historyEntrySchema`). */
export type HistoryEntry = z.output<typeof historyEntrySchema>;

/** What one day looked like, in words a status page can show. */
export type DayOutcome = 'onTime' | 'late' | 'stale' | 'couldNotCheck' | 'noRecord';

/** A check's or dataset's days, judged one by one, with the counts of its on-time rate. */
export interface DailyRecord {
  /** Oldest first; the last is today (in the zone), so far. */
  days: Array<{ date: string; outcome: DayOutcome }>;
  /** Days judged `onTime`. */
  onTime: number;
  /** Days on which the data was seen (`onTime`, `late` or `stale`): the on-time rate's denominator. */
  recorded: number;
}

/** Which days to judge: up to `now`, in the configured zone, this many. */
export interface DailyRecordOptions {
  now: Date;
  /** The configured `timezone`: days run from local midnight to local midnight there. */
  timezone: string;
  /** How many days, today included (the state table keeps 30). */
  days: number;
}

/**
 * How a day with several runs (and, for a dataset, several checks) is judged: by the worst thing the
 * data was seen to be that day — `stale` if any run saw it fail, else `late` if any saw a warning, else
 * `onTime`. A run that could not look (`error`) says nothing about the data, so a day is `couldNotCheck`
 * only when every run of it was an error, and such a day counts neither for nor against the on-time rate.
 */
const OUTCOME_OF: Record<HistoryEntry['status'], DayOutcome> = {
  pass: 'onTime',
  warn: 'late',
  fail: 'stale',
  error: 'couldNotCheck',
};
const RANK: Record<DayOutcome, number> = { noRecord: 0, couldNotCheck: 1, onTime: 2, late: 3, stale: 4 };

/** `yyyy-MM-dd` of an instant in `zone`. */
export function localDate(at: Date, zone: string): string {
  const local = new TZDate(at.getTime(), zone);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(local.getFullYear(), 4)}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}`;
}

/** The `count` calendar dates ending with `last`, oldest first (calendar arithmetic: no DST involved). */
function datesEndingWith(last: string, count: number): string[] {
  const end = Date.parse(`${last}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) =>
    new Date(end - (count - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
}

/**
 * The daily strip of the last `days` days (today included) in `timezone`, from a dataset's history:
 * each day's outcome and the on-time rate over the days the data was seen. Runs after `now` and before
 * the first day are ignored; a day without any run is `noRecord`.
 */
export function dailyRecord(history: readonly HistoryEntry[], options: DailyRecordOptions): DailyRecord {
  const dates = datesEndingWith(localDate(options.now, options.timezone), options.days);
  const outcomes = new Map<string, DayOutcome>(dates.map((d) => [d, 'noRecord']));
  for (const entry of history) {
    const at = new Date(entry.runAt);
    if (at.getTime() > options.now.getTime()) continue;
    const date = localDate(at, options.timezone);
    const sofar = outcomes.get(date);
    if (sofar === undefined) continue;
    const outcome = OUTCOME_OF[entry.status];
    if (RANK[outcome] > RANK[sofar]) outcomes.set(date, outcome);
  }
  const days = dates.map((date) => ({ date, outcome: outcomes.get(date) ?? 'noRecord' }));
  return {
    days,
    onTime: days.filter((d) => d.outcome === 'onTime').length,
    recorded: days.filter((d) => d.outcome === 'onTime' || d.outcome === 'late' || d.outcome === 'stale')
      .length,
  };
}
