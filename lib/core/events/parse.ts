import { InvalidEventError, UnknownEventError } from '../errors';
import type { TransitionKind } from '../model/state';
import { checkEventDetailSchema } from './schema';
import { type CheckEventDetail, type DETAIL_TYPES, transitionOfDetailType } from './types';

/** The `detail-type` of a check's event (every one but `Check Run Completed`). */
export type CheckDetailType = (typeof DETAIL_TYPES)[keyof typeof DETAIL_TYPES];

/** A check's event as it came off the bus, parsed. */
export interface CheckEvent {
  detailType: CheckDetailType;
  /** What the transition was: `detail.transition`, or on an older event the `detail-type`'s word for it. */
  kind: TransitionKind;
  /** The detail, with `transition` always set. */
  detail: CheckEventDetail & { transition: TransitionKind };
}

/**
 * A check's event from the bus, parsed with its schema: a detail-type that is not a check's event is an
 * `UnknownEventError`, a detail that does not match `checkEventDetailSchema` an `InvalidEventError`
 * naming each wrong field (never its value: a detail can quote a database's error). An event from before
 * `detail.transition` was added gets it from its detail-type; one whose `transition` contradicts its
 * detail-type is an `InvalidEventError`.
 */
export function parseCheckEvent(
  event: { 'detail-type'?: string; detail?: unknown },
  useCase: string,
): CheckEvent {
  const detailType = event['detail-type'] ?? '';
  const kind = transitionOfDetailType(detailType);
  if (kind === null) throw new UnknownEventError(useCase, detailType);
  const parsed = checkEventDetailSchema.safeParse(event.detail);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${['detail', ...issue.path.map(String)].join('.')}: ${issue.message}`,
    );
    throw new InvalidEventError(useCase, detailType, problems, { cause: parsed.error });
  }
  const { transition = kind } = parsed.data;
  if (transition !== kind) {
    throw new InvalidEventError(useCase, detailType, [
      `detail.transition: "${transition}" is not what the detail-type says ("${kind}")`,
    ]);
  }
  return { detailType: detailType as CheckDetailType, kind, detail: { ...parsed.data, transition } };
}
