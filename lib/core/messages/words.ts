import type { Moment } from './model';
import { whenInWords } from './wording';

/** A moment in the configured zone, absolute and relative (rounded as every message rounds). */
export function moment(iso: string | Date | null, zone: string, now: Date): Moment | null {
  if (!iso) return null;
  const at = new Date(iso);
  return { at, text: whenInWords(at, zone, now) };
}
