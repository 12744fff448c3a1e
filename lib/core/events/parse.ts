import { InvalidEventError, UnknownEventError } from '../errors';
import type { TransitionKind } from '../model/state';
import { checkEventDetailSchema } from './schema';
import { type CheckEventDetail, DETAIL_TYPES } from './types';

/** The `detail-type` of a check's event (every one but `Check Run Completed`). */
export type CheckDetailType = (typeof DETAIL_TYPES)[keyof typeof DETAIL_TYPES];

/** A check's event as it came off the bus, parsed. */
export interface CheckEvent {
  detailType: CheckDetailType;
  /** What the transition was, as the `detail-type` says it (`Dataset Stale` → `stale`). */
  kind: TransitionKind;
  detail: CheckEventDetail;
}

const KIND_OF = new Map(
  Object.entries(DETAIL_TYPES).map(([kind, detailType]) => [detailType as string, kind as TransitionKind]),
);

/**
 * A check's event from the bus, parsed with its schema: a detail-type that is not a check's event is an
 * `UnknownEventError`, a detail that does not match `checkEventDetailSchema` an `InvalidEventError`
 * naming each wrong field (never its value: a detail can quote a database's error).
 */
export function parseCheckEvent(
  event: { 'detail-type'?: string; detail?: unknown },
  useCase: string,
): CheckEvent {
  const detailType = event['detail-type'] ?? '';
  const kind = KIND_OF.get(detailType);
  if (kind === undefined) throw new UnknownEventError(useCase, detailType);
  const parsed = checkEventDetailSchema.safeParse(event.detail);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${['detail', ...issue.path.map(String)].join('.')}: ${issue.message}`,
    );
    throw new InvalidEventError(useCase, detailType, problems, { cause: parsed.error });
  }
  return { detailType: detailType as CheckDetailType, kind, detail: parsed.data };
}
