import * as z from 'zod/mini';
import { didYouMean } from '../config/suggest';

// zod/mini: the same checks as the config schema's zod, tree-shaken, so the functions stay small.

/** A payload a function cannot act on; the message names the field and says what it takes. */
export class InvalidPayloadError extends Error {
  override readonly name = 'InvalidPayloadError';
}

const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO time such as 2026-11-23T10:00:00Z' });

/** `sls invoke -f check --data '{"only":["placements"],"now":"…","dryRun":true}'`. */
export const checkPayload = z.strictObject({
  only: z.optional(
    z.union([z.string(), z.array(z.string())], { error: 'must be a dataset or check id, or a list of them' }),
  ),
  now: z.optional(isoTime),
  dryRun: z.optional(z.boolean({ error: 'must be true or false' })),
});

/** What dispatch sends each runSource invocation. */
export const runSourcePayload = z.strictObject({
  source: z.string({ error: 'is required: the source to run' }).check(z.minLength(1)),
  runId: z.string({ error: 'is required: the run id from dispatch' }).check(z.minLength(1)),
  now: isoTime,
});

/** Validates `payload`, or throws `InvalidPayloadError` naming each field that is wrong. */
export function parsePayload<S extends typeof checkPayload | typeof runSourcePayload>(
  schema: S,
  payload: unknown,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(payload ?? {});
  if (parsed.success) return parsed.data as z.output<S>;
  const known = Object.keys(schema.def.shape);
  const problems = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map(
          (k) =>
            `"${k}" is not a field of the ${what} payload${didYouMean(k, known) || ` — the fields are ${known.join(', ')}`}`,
        )
      : [`${issue.path.join('.') || 'payload'}: ${issue.message}`],
  );
  throw new InvalidPayloadError(`Bad ${what} payload: ${problems.join('; ')}`);
}
