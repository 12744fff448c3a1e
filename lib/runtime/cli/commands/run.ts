import type { PGlite } from '@electric-sql/pglite';
import { productionConnectors } from '../../../adapters/aws/production';
import { readLocalState, writeLocalState } from '../../../adapters/local-state';
import { connectorsFor, sourceOverrides } from '../../../adapters/sql/connect';
import { runChecks } from '../../../app/run';
import { parseOnly, selectChecks } from '../../../app/select';
import { loadConfig } from '../../../config/load';
import type { Config } from '../../../core/model/config';
import type { RunReport } from '../../../core/model/run';
import { toRunJson } from '../../../core/report/json';
import { formatTextReport } from '../../../core/report/text';
import { toPreviousState } from '../../../core/transition';
import { type CliIo, EXIT } from '../io';
import { parseNow, parseSourceFlags, parseTimeout } from '../options';

/** The options of `stalewatch run`, shared by `preview`. */
export interface RunFlags {
  checks: string;
  only?: string[];
  now?: string;
  format: 'text' | 'json';
  source?: string[];
  /** The run's time limit, a duration (`120s`); none when a caller other than the CLI runs it. */
  timeout?: string;
  /** A local state file (`run --state FILE`): read before the run, written after it. */
  state?: string;
}

/** Loads the config and runs the selected checks once, with local overrides applied. */
export async function runOnce(
  io: CliIo,
  flags: RunFlags,
  embedded: Readonly<Record<string, PGlite>> = {},
): Promise<{ config: Config; report: RunReport }> {
  const config = await loadConfig({ dir: flags.checks, env: io.env });
  const checks = selectChecks(config, parseOnly(flags.only));
  const overrides = sourceOverrides(config, io.env, { ...parseSourceFlags(flags.source), ...embedded });
  const connectors = connectorsFor(
    config.settings.sources,
    overrides,
    productionConnectors(io.env, io.monotonic),
  );
  const now = flags.now ? parseNow(flags.now, config.settings.timezone) : io.clock();
  const timeLimitMs = flags.timeout === undefined ? undefined : parseTimeout(flags.timeout);
  const states = flags.state ? readLocalState(flags.state) : null;
  const report = await runChecks({
    config,
    checks,
    connectors,
    now,
    runId: io.newRunId(),
    timeLimitMs,
    onSourceDone: progressLine(io),
    previous: states ? (id) => toPreviousState(states.get(id) ?? null) : undefined,
  });
  if (flags.state && states) writeLocalState(flags.state, states, report);
  return { config, report };
}

/** A progress line on stderr while sources answer, only when a person is watching. */
function progressLine(io: CliIo) {
  if (!io.stderr.isTTY) return undefined;
  return (source: string, answered: number, total: number) => {
    io.stderr.write(
      answered < total ? `\r\x1b[KChecking… ${answered}/${total} sources answered (${source})` : '\r\x1b[K',
    );
  };
}

/** Prints a report as text or JSON. */
export function printReport(io: CliIo, config: Config, report: RunReport, format: RunFlags['format']): void {
  io.stdout.write(
    format === 'json'
      ? `${JSON.stringify(toRunJson(report, config), null, 2)}\n`
      : formatTextReport(report, config),
  );
}

/** The exit code of a run: 1 when anything fails or could not run. */
export function exitCodeOf(report: RunReport): number {
  return report.results.some((r) => r.status === 'fail' || r.status === 'error') ? EXIT.failing : EXIT.ok;
}

/** `stalewatch run`. */
export async function runCommand(io: CliIo, flags: RunFlags): Promise<number> {
  const { config, report } = await runOnce(io, flags);
  if (!flags.state && report.results.some((r) => r.check.kind === 'activity')) {
    io.stderr.write(
      'Activity checks compare a run with the one before: keep what they saw with --state FILE (e.g. --state .stalewatch/state.json).\n',
    );
  }
  printReport(io, config, report, flags.format);
  return exitCodeOf(report);
}
