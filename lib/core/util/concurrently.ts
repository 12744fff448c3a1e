/**
 * Calls `work` on every item, at most `limit` at a time, and resolves when all have finished (in no
 * particular order). The first rejection rejects the whole, after the calls already started settle, so
 * no call is left running behind the caller's back.
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length && failures.length === 0) {
        const index = next++;
        try {
          await work(items[index] as T, index);
        } catch (error) {
          failures.push(error);
        }
      }
    }),
  );
  if (failures.length > 0) throw failures[0];
}
