import { badSourceUrlError, isSourceUrl } from '../../adapters/sql/connect';
import { UsageError } from '../../core/errors';
import { durationSeconds, isDuration } from '../../core/time/duration';
import { readLocalDateTime } from '../../core/time/zone';

/**
 * `--now` (or `snooze --until`): an ISO time; without an offset it is local time in the configured
 * zone, read by the rule for local times (docs/semantics.md "Local times at clock changes") (`readLocalDateTime`).
 */
export function parseNow(text: string, zone: string, flag = '--now'): Date {
  const reading = readLocalDateTime(text, zone);
  if (reading.problem !== undefined) {
    throw new UsageError(
      `${flag} "${text}" ${reading.problem} — write it as 2026-11-23T10:00:00Z (or local: 2026-11-23T10:00)`,
    );
  }
  return reading.at;
}

/**
 * `--source tis=postgres://…` (repeatable) as a map. A value is never repeated in an error: it may hold
 * a password.
 */
export function parseSourceFlags(values: readonly string[] | undefined): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const value of values ?? []) {
    const name = /^([a-z][a-z0-9-]*)=/.exec(value)?.[1];
    if (!name)
      throw new UsageError(
        '--source takes NAME=URL, a source name from checks/stalewatch.yml, then "=", then its connection ' +
          '— e.g. --source tis=postgres://postgres@127.0.0.1:5432/tis',
      );
    const url = value.slice(name.length + 1);
    if (!isSourceUrl(url)) throw badSourceUrlError(`--source ${name}=…`, name, url);
    overrides[name] = url;
  }
  return overrides;
}

/** `--timeout 120s`: the run's time limit, in milliseconds. */
export function parseTimeout(text: string): number {
  if (!isDuration(text)) {
    throw new UsageError(`--timeout "${text}" is not a duration — write it as 120s, 2m or 1h`);
  }
  return durationSeconds(text) * 1000;
}
