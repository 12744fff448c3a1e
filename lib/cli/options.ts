import { UsageError } from '../errors';
import { parseLocalDateTime } from '../time/zone';

/** `--now`: an ISO time; without an offset it is read in the configured time zone. */
export function parseNow(text: string, zone: string): Date {
  const parsed = parseLocalDateTime(text, zone);
  if (!parsed) {
    throw new UsageError(
      `--now "${text}" is not a time — write it as 2026-11-23T10:00:00Z (or local: 2026-11-23T10:00)`,
    );
  }
  return parsed;
}

/** `--source tis=postgres://…` (repeatable) as a map. */
export function parseSourceFlags(values: readonly string[] | undefined): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const value of values ?? []) {
    const at = value.indexOf('=');
    if (at <= 0)
      throw new UsageError(
        `--source "${value}" is not NAME=URL — e.g. --source tis=postgres://postgres@127.0.0.1:5432/tis`,
      );
    overrides[value.slice(0, at)] = value.slice(at + 1);
  }
  return overrides;
}
