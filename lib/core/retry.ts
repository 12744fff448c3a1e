/**
 * The one retry loop of Stalewatch: every adapter and use case that tries something again (the Data
 * API, EventBridge, the Slack webhook, DynamoDB's unprocessed items, notify's claims and sent records)
 * goes through `retry`. It is pure: the waits (`sleep`) and the time (`clock`) are passed in, so tests
 * never wait and never read the wall clock. What is worth another try is the caller's to say: each try
 * answers `done` or `again`, and throws for what must not be tried again (docs/architecture.md,
 * "Decisions").
 */

/** How a loop waits between tries, and for how long it may go on. */
export interface RetryPolicy {
  /** The first wait; each next one is `factor` times longer, up to `maxDelayMs`. */
  firstDelayMs: number;
  /** The longest wait (default: no limit). */
  maxDelayMs?: number;
  /** How much longer each wait is than the one before (default 2). */
  factor?: number;
  /** Tries in all, the first one included (default: no limit; then `budgetMs` must bound the loop). */
  attempts?: number;
  /**
   * Retrying stops when the next wait would end more than this many milliseconds after the first try
   * began (default: no limit), measured on `clock`.
   */
  budgetMs?: number;
  /** Milliseconds since some fixed point (`performance.now`); needed with `budgetMs`. */
  clock?: () => number;
  /** Waits; a wait cut short by `signal` (rejecting) ends early, and the next try sees the signal. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** What one try found: it is done (with its value), or worth another try (with what failed). */
export type Try<T, F> = { done: true; value: T } | { done: false; failure: F; waitMs?: number };

/** A try that is done. */
export const done = <T>(value: T): { done: true; value: T } => ({ done: true, value });

/**
 * A try worth another: `failure` is what went wrong (kept for the caller if retrying stops), `waitMs`
 * a wait the other side asked for (Slack's `Retry-After`) in place of the policy's next one.
 */
export const again = <F>(failure: F, waitMs?: number): { done: false; failure: F; waitMs?: number } =>
  waitMs === undefined ? { done: false, failure } : { done: false, failure, waitMs };

/** How a loop ended: done, or given up with the last failure, after how many tries and how long. */
export type Retried<T, F> =
  | { done: true; value: T; attempts: number }
  | {
      done: false;
      failure: F;
      attempts: number;
      /** Milliseconds from the first try to giving up, on the policy's clock (0 without one). */
      spentMs: number;
      /** Why: no tries left, or the next wait would overrun the budget. */
      reason: 'attempts' | 'budget';
    };

/** The wait after the `n`-th failed try (0-based): `firstDelayMs · factorⁿ`, at most `maxDelayMs`. */
export function delayOf(policy: Pick<RetryPolicy, 'firstDelayMs' | 'maxDelayMs' | 'factor'>, n: number) {
  return Math.min(
    policy.firstDelayMs * (policy.factor ?? 2) ** n,
    policy.maxDelayMs ?? Number.POSITIVE_INFINITY,
  );
}

/**
 * Runs `attempt` (given the 0-based try number) until it is done, waiting between tries as `policy`
 * says. Gives up, answering the last failure, when the tries run out or the next wait would overrun the
 * budget; an error `attempt` throws ends the loop at once (it is not worth another try).
 */
export async function retry<T, F>(
  attempt: (n: number) => Promise<Try<T, F>>,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<Retried<T, F>> {
  const clock = policy.clock ?? (() => 0);
  const started = clock();
  for (let n = 0; ; n++) {
    const outcome = await attempt(n);
    if (outcome.done) return { done: true, value: outcome.value, attempts: n + 1 };
    const spentMs = clock() - started;
    if (policy.attempts !== undefined && n + 1 >= policy.attempts)
      return { done: false, failure: outcome.failure, attempts: n + 1, spentMs, reason: 'attempts' };
    const wait = outcome.waitMs ?? delayOf(policy, n);
    if (policy.budgetMs !== undefined && spentMs + wait > policy.budgetMs)
      return { done: false, failure: outcome.failure, attempts: n + 1, spentMs, reason: 'budget' };
    await policy.sleep(wait, signal).catch(() => undefined);
  }
}

/**
 * A budget from a countdown (the time an invocation has left): retrying stops when the next wait would
 * leave less than `reserveMs`. The countdown is the clock, run backwards.
 */
export function budgetOf(timeLeft: () => number, reserveMs: number): Pick<RetryPolicy, 'budgetMs' | 'clock'> {
  return { budgetMs: timeLeft() - reserveMs, clock: () => -timeLeft() };
}
