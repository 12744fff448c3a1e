import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { messageOf, UsageError } from '../core/errors';
import type { RunReport } from '../core/model/run';
import { type CheckState, checkStateSchema, storedFormOf } from '../core/model/state';
import { nextState } from '../core/transition';

/**
 * What `stalewatch run --state FILE` keeps between runs on a laptop: each check's state as the deployed
 * service keeps it in DynamoDB (docs/operations.md "State on a laptop"). It lets row-count drops and
 * activity checks compare a run with the one before; nothing is sent from it.
 */
interface LocalStateFile {
  format: 'stalewatch-local-state/1';
  /** Each check's state, times as ISO-8601 text (`storedFormOf`). */
  checks: Record<string, ReturnType<typeof storedFormOf<CheckState>>>;
}

const FORMAT = 'stalewatch-local-state/1';

/** The states kept in `path`; none when the file does not exist yet. */
export function readLocalState(path: string): Map<string, CheckState> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new UsageError(`--state ${path} cannot be read: ${messageOf(error)}`, { cause: error });
  }
  try {
    const file = JSON.parse(text) as Partial<LocalStateFile>;
    if (file.format !== FORMAT || typeof file.checks !== 'object' || file.checks === null) throw new Error();
    return new Map(Object.entries(file.checks).map(([id, state]) => [id, checkStateSchema.parse(state)]));
  } catch (error) {
    throw new UsageError(
      `--state ${path} is not a state file Stalewatch wrote (${FORMAT}): name another file, or delete this one to start afresh`,
      { cause: error },
    );
  }
}

/**
 * Writes the state each result of `report` leaves, beside the states of checks this run did not run
 * (`--only`), whole or not at all (a temporary file renamed over the old one).
 */
export function writeLocalState(
  path: string,
  before: ReadonlyMap<string, CheckState>,
  report: RunReport,
): void {
  const checks = Object.fromEntries([...before].map(([id, state]) => [id, storedFormOf(state)]));
  for (const result of report.results) {
    checks[result.check.id] = storedFormOf(
      nextState(before.get(result.check.id) ?? null, result, [], report.now, report.runId),
    );
  }
  const file: LocalStateFile = { format: FORMAT, checks };
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`);
  renameSync(temporary, path);
}
