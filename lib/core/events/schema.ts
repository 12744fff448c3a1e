import { z } from 'zod';
import { observedSchema, TRANSITION_KINDS } from '../model/state';

/**
 * The `detail` of each event, as zod schemas: the one description of an event. The types of ./types.ts
 * are derived from them (`z.output`), notify parses every event it is given with them (./parse.ts), they
 * are published as JSON Schema in docs/events/ (`npm run schema`), and checked against the events the
 * service really emits (test/integration/service.test.ts).
 */

/** `Check Run Completed` lists at most this many ids of each kind; `counts` has how many there were. */
export const RUN_COMPLETED_MAX_IDS = 100;

const status = z.enum(['pass', 'warn', 'fail', 'error']);
const trimmed = z
  .record(z.string(), z.number().int())
  .optional()
  .describe(
    'Only on an event cut to fit EventBridge: each field that was cut (texts end with "…", lists keep their first items) and its length before, in characters or items',
  );
const time = z.iso.datetime().describe('ISO-8601 UTC with milliseconds');
/** A broken rule, as events carry it (`Breach` with its dates as ISO strings). */
export const breachSchema = z.union([
  z.object({ rule: z.literal('noData') }),
  z.object({ rule: z.enum(['warnAfter', 'failAfter']), duration: z.string() }),
  z.object({ rule: z.literal('noChange'), limit: z.enum(['warnAfter', 'failAfter']), duration: z.string() }),
  z.object({ rule: z.literal('dueBy'), deadline: time, cron: z.string() }),
  z.object({ rule: z.enum(['failBelow', 'warnBelow', 'failAbove', 'warnAbove']), limit: z.number() }),
  z.object({
    rule: z.enum(['warnDropPercent', 'failDropPercent']),
    limit: z.number(),
    dropPercent: z.number(),
  }),
]);

/** The `detail` of a check's event. Carries no secret: no webhook, no credentials, no connection string. */
export const checkEventDetailSchema = z
  .strictObject({
    eventId: z.string().describe('Stable for one run, check and meaning: deduplicate on it'),
    checkId: z.string(),
    dataset: z.string(),
    title: z.string(),
    kind: z.enum(['freshness', 'rowCount', 'activity']),
    transition: z
      .enum(TRANSITION_KINDS)
      .optional()
      .describe(
        'What happened, as the detail-type says it (Dataset Stale: stale, Dataset Still Stale: still-stale, Dataset Recovered: recovered, Check Error: error, Check Recovered: error-recovered). Always set by Stalewatch; absent on events from before it was added, where the detail-type tells it',
      ),
    source: z.string(),
    table: z.string(),
    owners: z.array(z.string()),
    subscribers: z.array(z.string()),
    status,
    previousStatus: status.nullable(),
    lastUpdatedAt: time.nullable(),
    staleSince: time.nullable(),
    staleForSeconds: z.number().int().nullable().describe('Dataset Recovered: how long it was stale'),
    observed: observedSchema.nullable(),
    breaches: z.array(breachSchema),
    severity: z.enum(['warn', 'fail']),
    impact: z.string().nullable(),
    action: z.string().nullable(),
    message: z.string(),
    error: z.string().nullable().describe("Check Error: the database's message"),
    sql: z
      .string()
      .nullable()
      .describe("The check's SQL: what failed (Check Error), or what found the data stale"),
    runId: z.string(),
    now: time,
    trimmed,
  })
  .meta({ title: 'Stalewatch check event detail' });

/** The `detail` of `Check Run Completed`: one per run (per source, in the service). */
export const runCompletedDetailSchema = z
  .strictObject({
    eventId: z.string(),
    runId: z.string(),
    now: time,
    source: z.string().nullable().describe('The source of a scheduled run; null for an on-call check'),
    checks: z.number().int(),
    counts: z.strictObject({
      pass: z.number().int(),
      warn: z.number().int(),
      fail: z.number().int(),
      error: z.number().int(),
    }),
    stale: z
      .array(z.string())
      .max(RUN_COMPLETED_MAX_IDS)
      .describe(
        `The first ${RUN_COMPLETED_MAX_IDS} ids of checks that are warn or fail; counts has how many`,
      ),
    errors: z
      .array(z.string())
      .max(RUN_COMPLETED_MAX_IDS)
      .describe(
        `The first ${RUN_COMPLETED_MAX_IDS} ids of checks that could not run; counts.error has how many`,
      ),
    trimmed,
  })
  .meta({ title: 'Stalewatch Check Run Completed detail' });

/** The JSON Schemas published under docs/events/. */
export function eventJsonSchemas(): Record<string, unknown> {
  return {
    'check-event.schema.json': z.toJSONSchema(checkEventDetailSchema),
    'check-run-completed.schema.json': z.toJSONSchema(runCompletedDetailSchema),
  };
}
