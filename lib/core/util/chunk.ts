/**
 * Splits `items`, in order, into groups of at most `maxItems` whose sizes add up to at most `maxSize`
 * (an item larger than `maxSize` goes alone in its group: callers refuse those first if they must).
 */
export function chunkWithin<T>(
  items: readonly T[],
  sizeOf: (item: T) => number,
  limits: { maxItems: number; maxSize: number },
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let total = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length > 0 && (current.length >= limits.maxItems || total + size > limits.maxSize)) {
      chunks.push(current);
      current = [];
      total = 0;
    }
    current.push(item);
    total += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
