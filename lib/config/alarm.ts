import { watchOf } from '../core/alarms/watch';
import type { ConfigIssue } from '../core/errors';
import type { AlarmWatch } from '../core/model/config';
import { parseLocalDateTime } from '../core/time/zone';
import { quote } from '../core/util/quote';
import type { ParsedFile, YamlData } from './parsed-file';
import { locate } from './parsed-file';
import type { AlarmFile } from './schema';

/**
 * Alarm files (docs/config.md "An alarm file"): a file under `checks/` with `alarm:` instead of
 * `table`. This module tells them from dataset files, resolves them, and checks the rules between them.
 */

type Loose = Record<string, unknown>;
const isMap = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A dataset's fields that an alarm file does not have, and what to write instead. */
const DATASET_ONLY: Record<string, string> = {
  dataset:
    'an alarm file is named by its alarm — remove dataset:, or remove alarm: if this file describes a table',
  source: 'an alarm is read from CloudWatch, not a source — remove source:',
  table: 'a file watches either a table or an alarm — remove table:, or put the alarm in a file of its own',
  checks:
    'CloudWatch decides when an alarm goes off; Stalewatch only words it — remove checks: (change the alarm itself in CloudWatch)',
};

/** True for a file's data that has `alarm:` at its top: an alarm file. */
export function isAlarmFile(raw: unknown): boolean {
  return isMap(raw) && 'alarm' in raw;
}

/** The dataset fields of an alarm file, each located, with what to write instead. */
export function datasetFieldsIn(yaml: YamlData['yaml'], raw: unknown): ConfigIssue[] {
  if (!isMap(raw)) return [];
  return Object.keys(DATASET_ONLY)
    .filter((key) => key in raw)
    .map((key) => locate(yaml, [], `is not a field of an alarm file: ${DATASET_ONLY[key]}`, key));
}

/** One alarm file as the rest of Stalewatch uses it. */
export function resolveAlarm({ yaml, value }: ParsedFile<AlarmFile>, zone: string): AlarmWatch {
  const prefix = value.alarm.endsWith('*');
  return {
    pattern: value.alarm,
    name: prefix ? value.alarm.slice(0, -1) : value.alarm,
    prefix,
    title: value.title,
    owners: typeof value.owner === 'string' ? [value.owner] : value.owner,
    subscribers: value.subscribers ?? [],
    snoozeUntil: value.snooze ? parseLocalDateTime(value.snooze, zone) : null,
    impact: value.impact ?? null,
    action: value.action ?? null,
    unit: value.unit ?? null,
    file: yaml.file,
  };
}

/**
 * Two files with the same `alarm:` would give one alarm two sets of owners: refused. Patterns that
 * overlap (`tis-*` and `tis-prod-*`, or `tis-*` and `tis-prod-web`) are allowed: the most specific
 * file wins (an exact name, else the longest prefix; `watchOf`), so a team can watch its own alarms
 * inside a wider prefix.
 */
export function alarmCrossCheck(files: readonly YamlData[]): ConfigIssue[] {
  const firstFileOf = new Map<string, string>();
  const issues: ConfigIssue[] = [];
  for (const { yaml, data } of files) {
    if (!isMap(data) || typeof data.alarm !== 'string') continue;
    const seen = firstFileOf.get(data.alarm);
    if (seen) {
      issues.push(
        locate(
          yaml,
          ['alarm'],
          `${quote(data.alarm)} is already watched by ${seen} — one file per alarm or prefix: merge the two files`,
        ),
      );
    } else {
      firstFileOf.set(data.alarm, yaml.file);
    }
  }
  return issues;
}

/**
 * The EventBridge pattern's `alarmName` values for these files: exact names, and `{"prefix": …}` for
 * prefixes (EventBridge's own prefix matching). A name that a prefix already covers is left out.
 */
export function alarmNameFilter(alarms: readonly AlarmWatch[]): Array<string | { prefix: string }> {
  const prefixes = alarms.filter((a) => a.prefix).map((a) => a.name);
  const covered = (name: string) => prefixes.some((p) => name.startsWith(p));
  const outer = prefixes.filter((p) => !prefixes.some((q) => q !== p && p.startsWith(q)));
  const names = alarms.filter((a) => !a.prefix && !covered(a.name)).map((a) => a.name);
  return [...[...new Set(names)].sort(), ...[...new Set(outer)].sort().map((prefix) => ({ prefix }))];
}

export { watchOf };
