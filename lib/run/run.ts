import type { Check, Config } from '../config/types';
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
  /** Called as each source answers, for a progress line. */
  onSourceDone?: (source: string, answered: number, total: number) => void;
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
  let answered = 0;
  const observed = await Promise.all(
    [...groups].map(async ([source, checks]) => {
      const connector = input.connectors[source];
      const columnTimezone = input.config.settings.sources[source]?.columnTimezone ?? 'UTC';
      const observations = connector
        ? await observeSource(connector, checks, columnTimezone)
        : new Map<string, Observation>(
            checks.map((c) => [
              c.id,
              { kind: 'error', message: `source "${source}" has no connection`, sql: null },
            ]),
          );
      input.onSourceDone?.(source, ++answered, groups.size);
      return observations;
    }),
  );
  const observations = new Map(observed.flatMap((m) => [...m]));
  const results = input.checks.map((check) => {
    const observation: Observation = observations.get(check.id) ?? {
      kind: 'error',
      message: 'the source gave no answer for this check',
      sql: null,
    };
    return evaluate(check, observation, input.previous?.(check.id) ?? null, input.now);
  });
  return { runId: input.runId, now: input.now, results };
}
