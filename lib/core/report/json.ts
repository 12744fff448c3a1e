import type { Observed } from '../evaluate/types';
import type { CheckKind, Config } from '../model/config';
import type { RunReport } from '../model/run';
import { resultMessage } from './message';

/** A result as `run --format json` prints it (README.md "The command line"). */
export interface ResultJson {
  id: string;
  dataset: string;
  title: string;
  kind: CheckKind;
  source: string;
  status: 'pass' | 'warn' | 'fail' | 'error';
  owners: string[];
  lastUpdatedAt: string | null;
  staleSince: string | null;
  observed: Observed | null;
  message: string;
  error: string | null;
  sql: string | null;
}

/** A run as `run --format json` and the `check` function print it. */
export interface RunJson {
  runId: string;
  now: string;
  results: ResultJson[];
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** The run as one JSON object: times in ISO-8601 UTC with milliseconds. */
export function toRunJson(report: RunReport, config: Config): RunJson {
  const zone = config.settings.timezone;
  return {
    runId: report.runId,
    now: report.now.toISOString(),
    results: report.results.map((r) => ({
      id: r.check.id,
      dataset: r.check.dataset,
      title: r.check.title,
      kind: r.check.kind,
      source: r.check.source,
      status: r.status,
      owners: r.check.owners,
      lastUpdatedAt: iso(r.lastUpdatedAt),
      staleSince: iso(r.staleSince),
      observed: r.observed,
      message: resultMessage(r, zone, report.now),
      error: r.error,
      sql: r.sql,
    })),
  };
}
