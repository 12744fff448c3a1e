/** A wait on the network that gives up: rejects when `promise` has not settled within `ms`. */
export function boundedWait<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * `promise`, or a rejection as soon as `signal` is aborted, whichever comes first; `onAbort` runs then
 * (to cancel the work on the server). Nothing stays listening on `signal` afterwards.
 */
export function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal, onAbort?: () => void): Promise<T> {
  if (!signal) return promise;
  promise.catch(() => undefined); // its rejection is ours to report, or moot once aborted
  let listener: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    listener = () => {
      onAbort?.();
      reject(signal.reason);
    };
    if (signal.aborted) listener();
    else signal.addEventListener('abort', listener, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() => {
    if (listener) signal.removeEventListener('abort', listener);
  });
}
