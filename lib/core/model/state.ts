import { z } from 'zod';

/**
 * An instant: a `Date`, or the ISO-8601 text a store keeps (parsed here, at the edge, once). Everything
 * past the store works with `Date`s only.
 */
export const instantSchema = z.union([
  z.date(),
  z.iso.datetime({ offset: true }).transform((text) => new Date(text)),
]);

const status = z.enum(['pass', 'warn', 'fail', 'error']);

/** A time inside what was measured: text, as the event carries it. */
const measuredTime = z.iso.datetime().describe('ISO-8601 UTC with milliseconds');

/**
 * What was measured, as a state or an event keeps it (the `Observed` of lib/core/evaluate/types.ts):
 * one schema for the state item and the event detail.
 */
export const observedSchema = z.union([
  // Activity first: a union takes the first shape that fits, and this one has ageSeconds too.
  z.object({
    ageSeconds: z.number().int().nullable(),
    changeCounter: z.string().nullable(),
    databaseChangedAt: measuredTime.nullable(),
    countersReset: z.boolean(),
    watchingSince: measuredTime.nullable(),
  }),
  z.object({ ageSeconds: z.number().int().nullable() }),
  z.object({ rowCount: z.number().int(), previousRowCount: z.number().int().nullable() }),
]);

/**
 * What the service remembers of one check between runs (one DynamoDB item, or one entry of a laptop's
 * `--state` file). Its times are `Date`s; the stores write them as ISO-8601 text and parse them back
 * with this schema, which takes either.
 */
export const checkStateSchema = z.object({
  checkId: z.string(),
  status,
  /** When it entered `status`. */
  since: instantSchema,
  /** The last status that was not `error`: what the data looked like when last seen. */
  dataStatus: status.exclude(['error']).nullable(),
  staleSince: instantSchema.nullable(),
  lastUpdatedAt: instantSchema.nullable(),
  observed: observedSchema.nullable(),
  /** Recent row counts, oldest first (at most `ROW_COUNTS_KEPT`). */
  rowCounts: z.array(z.number()),
  /** When the owners were last told it is stale; null when they have not been, or it recovered. */
  lastNotifiedAt: instantSchema.nullable(),
  /** The run that wrote this state; a retried run finds its own id here and does not count twice. */
  runId: z.string(),
  /** When that run was (its `now`). A run that changes nothing writes nothing: see `worthWriting`. */
  runAt: instantSchema,
  /** Optimistic lock: each write expects the version it read. */
  version: z.number().int(),
});

/** What the service remembers of one check between runs, with `Date`s (`checkStateSchema`). */
export type CheckState = z.output<typeof checkStateSchema>;

/** A check's state as a store or a caller may hand it over: times as `Date`s or ISO-8601 text. */
export type CheckStateInput = z.input<typeof checkStateSchema>;

/** The fields of a state that are times, for the stores that write them as ISO-8601 text. */
export const STATE_TIMES = ['since', 'staleSince', 'lastUpdatedAt', 'lastNotifiedAt', 'runAt'] as const;

/**
 * A state as a store writes it: the same fields, times as ISO-8601 text. Fields the schema does not know
 * (an alarm's `alarm` and `news`) are kept as they are.
 */
export function storedFormOf<T extends CheckStateInput>(
  state: T,
): Omit<T, (typeof STATE_TIMES)[number]> & Record<(typeof STATE_TIMES)[number], string | null> {
  const parsed = checkStateSchema.parse(state);
  const times = Object.fromEntries(STATE_TIMES.map((f) => [f, parsed[f] ? parsed[f].toISOString() : null]));
  return { ...state, ...times } as never;
}

/** Row counts kept per check: enough for a drop to be judged against recent runs, small in the item. */
export const ROW_COUNTS_KEPT = 10;

/** What a transition can mean, one per event `detail-type` (the event detail's `transition`). */
export const TRANSITION_KINDS = ['stale', 'still-stale', 'recovered', 'error', 'error-recovered'] as const;

/** What a transition means, one per event `detail-type`. */
export type TransitionKind = (typeof TRANSITION_KINDS)[number];
