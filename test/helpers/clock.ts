/**
 * Fakes only `Date` (jest's modern fake timers fake every timer by default): code under test that reads
 * the wall clock sees `now`, while the real clients' timers, sockets and retries run as they do in
 * Lambda. Undo with `jest.useRealTimers()`.
 */
export function fakeDateOnly(now: Date | string): void {
  jest.useFakeTimers({
    now: new Date(now),
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}
