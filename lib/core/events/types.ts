import type * as z from 'zod';
import type { TransitionKind } from '../model/state';
import {
  type breachSchema,
  type checkEventDetailSchema,
  RUN_COMPLETED_MAX_IDS,
  type runCompletedDetailSchema,
} from './schema';

/** The `source` of every Stalewatch event. */
export const EVENT_SOURCE = 'stalewatch';

/** One `detail-type` per meaning (docs/events.md). */
export const DETAIL_TYPES = {
  stale: 'Dataset Stale',
  'still-stale': 'Dataset Still Stale',
  recovered: 'Dataset Recovered',
  error: 'Check Error',
  'error-recovered': 'Check Recovered',
} as const;
/**
 * The transition a check event's `detail-type` names (`Dataset Stale` → `stale`), or null for any other
 * detail-type. Events carry it in `detail.transition`; this reads events from before that field.
 */
export function transitionOfDetailType(detailType: string): TransitionKind | null {
  const found = Object.entries(DETAIL_TYPES).find(([, type]) => type === detailType);
  return found ? (found[0] as TransitionKind) : null;
}

/** The `detail-type` of a run's summary. */
export const RUN_COMPLETED = 'Check Run Completed';
export { RUN_COMPLETED_MAX_IDS };
/** Every `detail-type` Stalewatch puts on its bus. */
export type DetailType = (typeof DETAIL_TYPES)[keyof typeof DETAIL_TYPES] | typeof RUN_COMPLETED;

/** A broken rule as events carry it. */
export type BreachJson = z.output<typeof breachSchema>;

/** The `detail` of a check's event (`checkEventDetailSchema`). */
export type CheckEventDetail = z.output<typeof checkEventDetailSchema>;

/** The `detail` of `Check Run Completed` (`runCompletedDetailSchema`). */
export type RunCompletedDetail = z.output<typeof runCompletedDetailSchema>;

/** An event to put on the bus: a check's event, or a run's summary. */
export type EventEntry =
  | {
      detailType: (typeof DETAIL_TYPES)[keyof typeof DETAIL_TYPES];
      detail: CheckEventDetail;
      /** The run's time: the event's `time`. */
      time: string;
    }
  | { detailType: typeof RUN_COMPLETED; detail: RunCompletedDetail; time: string };
