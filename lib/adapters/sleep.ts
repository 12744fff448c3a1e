/**
 * The real waits the adapters' retries use when none is passed in (tests pass their own, so they never
 * wait): `lib/core/retry.ts` takes its `sleep` as an argument.
 */

/** A wait that an aborted run cuts short (rejecting with the signal's reason). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
