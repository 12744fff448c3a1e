import type { CheckResult } from '../evaluate/types';

/** One run: when, its id, and a result per check, in config order. */
export interface RunReport {
  runId: string;
  now: Date;
  results: CheckResult[];
}
