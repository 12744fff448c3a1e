import { closest, distance } from 'fastest-levenshtein';

/** ` — did you mean "warnAfter"?` when one of `known` is close to `given`, else an empty string. */
export function didYouMean(given: string, known: readonly string[]): string {
  if (known.length === 0) return '';
  const best = closest(given, known as string[]);
  const close = distance(given.toLowerCase(), best.toLowerCase()) <= Math.max(2, Math.floor(best.length / 3));
  return close ? ` — did you mean "${best}"?` : '';
}
