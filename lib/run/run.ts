import type { Check, Config } from '../config/types';
import { messageOf } from '../errors';
import { evaluate } from '../evaluate/evaluate';
import type { CheckResult, Observation, PreviousState } from '../evaluate/types';
import { observeSource } from '../sources/observe';
import type { SourceConnector } from '../sources/types';

/** One run: when, its id, and a result per check, in config order. */
export interface RunReport {
  runId: string;
  now: Date;
  results: CheckResult[];
}

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

/** Every check of `checks` with the same error. */
function allFailed(checks: readonly Check[], message: string): Map<string, Observation> {
  return new Map(checks.map((c) => [c.id, { kind: 'error', message, sql: null }]));
}

/** One source's observations, or errors for its checks when the run's time is up first. */
async function observeInTime(
  input: RunInput,
  source: string,
  checks: readonly Check[],
  timeUp: AbortSignal,
): Promise<Map<string, Observation>> {
  const connector = input.connectors[source];
  if (!connector) return allFailed(checks, `source "${source}" has no connection`);
  const tooLate = new Promise<Map<string, Observation>>((resolve) => {
    const seconds = Math.round((input.timeLimitMs ?? 0) / 100) / 10;
    const message = `Source "${source}" did not answer within the run's time limit of ${seconds} s; the run finished without it`;
    timeUp.addEventListener('abort', () => resolve(allFailed(checks, message)), { once: true });
  });
  return Promise.race([observeSource(connector, checks, input.now, timeUp), tooLate]);
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
    if (dates.every(holdable) && (observed ?? []).every((v) => v === null || Number.isFinite(v)))
      return result;
    throw new Error('it came out as a time or number that cannot be shown');
  } catch (error) {
    const message = `the verdict could not be worked out from what the source gave: ${messageOf(error)}`;
    return evaluate(check, { kind: 'error', message, sql: null }, previous, now);
  }
}

function groupBySource(checks: readonly Check[]): Map<string, Check[]> {
  const groups = new Map<string, Check[]>();
  for (const check of checks) groups.set(check.source, [...(groups.get(check.source) ?? []), check]);
  return groups;
}

/**
 * Runs the checks once: every source at the same time (one statement each), then the pure verdicts.
 * A source that is down gives its checks `error` and never stops the others.
 */
export async function runChecks(input: RunInput): Promise<RunReport> {
  const groups = groupBySource(input.checks);
  const timeUp = new AbortController();
  const timer = input.timeLimitMs === undefined ? null : setTimeout(() => timeUp.abort(), input.timeLimitMs);
  let answered = 0;
  const observed = await Promise.all(
    [...groups].map(async ([source, checks]) => {
      const observations = await observeInTime(input, source, checks, timeUp.signal);
      input.onSourceDone?.(source, ++answered, groups.size);
      return observations;
    }),
  );
  if (timer) clearTimeout(timer);
  const observations = new Map(observed.flatMap((m) => [...m]));
  const results = input.checks.map((check) => {
    const observation: Observation = observations.get(check.id) ?? {
      kind: 'error',
      message: 'the source gave no answer for this check',
      sql: null,
    };
    return judge(check, observation, input.previous?.(check.id) ?? null, input.now);
  });
  return { runId: input.runId, now: input.now, results };
}
