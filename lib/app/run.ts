import { messageOf, secondsText } from '../core/errors';
import { evaluate } from '../core/evaluate/evaluate';
import { isStale } from '../core/evaluate/status';
import type { CheckResult, Observation, PreviousState } from '../core/evaluate/types';
import type { Check, Config } from '../core/model/config';
import type { RunReport } from '../core/model/run';
import { observeSource } from './observe';
import type { SourceConnector } from './ports';

/** One run of some checks: the config, which checks, how each source is reached, and the run's time. */
export interface RunInput {
  config: Config;
  /** The checks to run (see `selectChecks`). */
  checks: readonly Check[];
  /** How each source is reached, by source name. */
  connectors: Readonly<Record<string, SourceConnector>>;
  now: Date;
  runId: string;
  /** What the state remembers of a check; nothing when running without state (the CLI). */
  previous?: (checkId: string) => PreviousState | null;
  /**
   * How long the run may take, in milliseconds (a Lambda's remaining time less a margin). A source
   * that has not answered by then gives its checks `error`, and the run finishes with what it has.
   */
  timeLimitMs?: number;
  /** Called as each source answers, for a progress line. */
  onSourceDone?: (source: string, answered: number, total: number) => void;
}

/**
 * After the run's time is up, how long to wait for the sources to cancel what they still run on their
 * databases (a second connection each), before the run returns without them.
 */
const CANCEL_GRACE_MS = 3_000;

/**
 * Whether `work` finished within `ms` (false when the time ran out first; its rejection passes on).
 * The timer is cleared either way, so it never keeps the process alive.
 */
async function finishedWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A date every consumer (JSON, events, state, words in any zone) can hold; null is fine. */
const holdable = (d: Date | null) => d === null || Math.abs(d.getTime()) <= 8.6e15;

/**
 * The verdict on one check, which never throws and never hands on a date or number that JSON, events,
 * state or messages could choke on: whatever one check's data holds costs only that check, as an
 * `error`, and every other check still reports.
 */
function judge(
  check: Check,
  observation: Observation,
  previous: PreviousState | null,
  now: Date,
): CheckResult {
  try {
    const result = evaluate(check, observation, previous, now);
    const observed = result.observed && Object.values(result.observed);
    const dates = [
      result.lastUpdatedAt,
      result.staleSince,
      ...result.breaches.map((b) => ('deadline' in b ? b.deadline : null)),
    ];
    if (dates.every(holdable) && (observed ?? []).every((v) => typeof v !== 'number' || Number.isFinite(v)))
      return result;
    throw new Error('it came out as a time or number that cannot be shown');
  } catch (error) {
    const message = `the verdict could not be worked out from what the source gave: ${messageOf(error)}`;
    return evaluate(check, { kind: 'error', message, sql: null }, previous, now);
  }
}

/**
 * A result on a run that keeps state (the deployed service) for a check it has no state of yet: stale
 * with no moment of its own (an empty table) is stale since now, when the service first saw it so
 * (SPEC.md "No data"), in the result and its event as in the state. A run without state (`stalewatch
 * run`) has seen nothing before and says null.
 */
function firstSight(result: CheckResult, now: Date): CheckResult {
  return isStale(result.status) && result.staleSince === null ? { ...result, staleSince: now } : result;
}

/** The checks of each source, in order: one pass, each check appended in place (linear in checks). */
function groupBySource(checks: readonly Check[]): Map<string, Check[]> {
  const groups = new Map<string, Check[]>();
  for (const check of checks) {
    const group = groups.get(check.source);
    if (group) group.push(check);
    else groups.set(check.source, [check]);
  }
  return groups;
}

/**
 * Runs the checks once: every source at the same time (one statement each), then the pure verdicts.
 * A source that is down gives its checks `error` and never stops the others. When `timeLimitMs` is up,
 * what has answered is kept, every check that has not gets `error`, and the sources are told to cancel
 * what they still run on their databases.
 */
export async function runChecks(input: RunInput): Promise<RunReport> {
  const groups = [...groupBySource(input.checks)];
  const timeUp = new AbortController();
  const answers = groups.map(() => new Map<string, Observation>());
  let answered = 0;
  const work = Promise.all(
    groups.map(async ([source, checks], i) => {
      const connector = input.connectors[source];
      const into = answers[i] as Map<string, Observation>;
      if (!connector) {
        for (const c of checks)
          into.set(c.id, { kind: 'error', message: `source "${source}" has no connection`, sql: null });
      } else {
        await observeSource(connector, checks, input.now, timeUp.signal, into);
      }
      input.onSourceDone?.(source, ++answered, groups.length);
    }),
  );
  const inTime = input.timeLimitMs === undefined || (await finishedWithin(work, input.timeLimitMs));
  if (input.timeLimitMs === undefined) await work;
  // What had answered when the time was up counts; anything later does not.
  const observations = new Map(answers.flatMap((m) => [...m]));
  if (!inTime) {
    timeUp.abort();
    await finishedWithin(work, CANCEL_GRACE_MS).catch(() => undefined);
  }
  const limit = secondsText(input.timeLimitMs ?? 0);
  const results = input.checks.map((check) => {
    const observation: Observation = observations.get(check.id) ?? {
      kind: 'error',
      message: `Source "${check.source}" did not answer within the run's time limit of ${limit}; the run finished without it`,
      sql: null,
    };
    const previous = input.previous?.(check.id) ?? null;
    const result = judge(check, observation, previous, input.now);
    return input.previous && !previous ? firstSight(result, input.now) : result;
  });
  return { runId: input.runId, now: input.now, results };
}
