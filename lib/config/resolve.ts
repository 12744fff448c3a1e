import { formatConfigIssue } from '../core/errors';
import type {
  Check,
  Config,
  Contact,
  Dataset,
  SecretRef,
  Settings,
  SourceConfig,
} from '../core/model/config';
import { canonicalZone, parseLocalDateTime } from '../core/time/zone';
import { resolveAlarm } from './alarm';
import { checkId, defaultCheckName } from './check-id';
import { locate, type ParsedFile } from './parsed-file';
import {
  type AlarmFile,
  type CheckEntry,
  type DatasetFile,
  DEFAULT_FUTURE_TOLERANCE,
  type SettingsFile,
} from './schema';

function secretRef(text: string | undefined): SecretRef | null {
  const m = text ? /^\$\{(ssm|secret):(.+)\}$/.exec(text) : null;
  return m ? { store: m[1] as SecretRef['store'], name: m[2] as string } : null;
}

function resolveSettings({ value, unset }: ParsedFile<SettingsFile>): Settings {
  const sources: Record<string, SourceConfig> = {};
  for (const [name, s] of Object.entries(value.sources)) {
    sources[name] = {
      name,
      engine: s.engine,
      connection: s.connection,
      resourceArn: s.resourceArn ?? null,
      secretArn: s.secretArn,
      database: s.database ?? null,
      tls: s.tls,
      columnTimezone: canonicalZone(s.columnTimezone ?? 'UTC'),
      futureTolerance: s.futureTolerance,
      statementTimeout: s.statementTimeout,
      unsetVariables: unset
        .filter((u) => u.path[0] === 'sources' && u.path[1] === name)
        .map((u) => u.variable),
    };
  }
  const contacts: Record<string, Contact> = {};
  for (const [id, c] of Object.entries(value.contacts)) {
    contacts[id] = {
      id,
      name: c.name,
      audience: c.audience,
      slack: secretRef(c.slack),
      slackUser: c.slackUser ?? null,
      teams: secretRef(c.teams),
      email: c.email ?? null,
    };
  }
  return {
    timezone: canonicalZone(value.timezone),
    vpc: value.vpc ?? null,
    runEvery: value.runEvery,
    holidays: value.holidays ?? null,
    sources,
    contacts,
    notify: {
      errorsTo: value.notify.errorsTo ?? null,
      remindEvery: value.notify.remindEvery,
      digest: value.notify.digest,
      quietHours: value.notify.quietHours ?? null,
    },
    metrics: value.metrics,
    slackApp: value.slackApp ? { signingSecret: secretRef(value.slackApp.signingSecret) as SecretRef } : null,
  };
}

function resolveCheck(entry: CheckEntry, dataset: Omit<Dataset, 'checks'>, settings: Settings): Check {
  const base = {
    id: checkId(dataset.id, entry),
    name: entry.name ?? defaultCheckName(entry),
    dataset: dataset.id,
    title: dataset.title,
    source: dataset.source,
    table: dataset.table,
    owners: dataset.owners,
    severity: entry.severity,
  };
  if (entry.freshness) {
    const f = entry.freshness;
    const source = settings.sources[dataset.source];
    return {
      ...base,
      kind: 'freshness',
      freshness: {
        column: f.column,
        where: f.where ?? null,
        warnAfter: f.warnAfter ?? null,
        failAfter: f.failAfter ?? null,
        dueBy: f.dueBy
          ? { cron: f.dueBy, timezone: settings.timezone, holidays: f.holidays ?? settings.holidays }
          : null,
        columnTimezone: canonicalZone(f.columnTimezone ?? source?.columnTimezone ?? 'UTC'),
        columnUnit: f.columnUnit ?? 's',
        futureTolerance: f.futureTolerance ?? source?.futureTolerance ?? DEFAULT_FUTURE_TOLERANCE,
      },
    };
  }
  if (entry.activity) {
    const a = entry.activity;
    return {
      ...base,
      kind: 'activity',
      activity: { warnAfter: a.warnAfter ?? null, failAfter: a.failAfter ?? null },
    };
  }
  const r = entry.rowCount ?? {};
  return {
    ...base,
    kind: 'rowCount',
    rowCount: {
      where: r.where ?? null,
      failBelow: r.failBelow ?? null,
      warnBelow: r.warnBelow ?? null,
      failAbove: r.failAbove ?? null,
      warnAbove: r.warnAbove ?? null,
      warnDropPercent: r.warnDropPercent ?? null,
      failDropPercent: r.failDropPercent ?? null,
    },
  };
}

function resolveDataset({ yaml, value }: ParsedFile<DatasetFile>, settings: Settings): Dataset {
  const dataset: Omit<Dataset, 'checks'> = {
    id: value.dataset,
    title: value.title,
    source: value.source,
    table: value.table,
    owners: typeof value.owner === 'string' ? [value.owner] : value.owner,
    subscribers: value.subscribers ?? [],
    snoozeUntil: value.snooze ? parseLocalDateTime(value.snooze, settings.timezone) : null,
    impact: value.impact ?? null,
    action: value.action ?? null,
    dependsOn: value.dependsOn ?? [],
    metrics: value.metrics ?? settings.metrics,
    file: yaml.file,
  };
  return { ...dataset, checks: value.checks.map((entry) => resolveCheck(entry, dataset, settings)) };
}

/** Things worth saying that do not make the config invalid. */
function warningsOf(
  settings: ParsedFile<SettingsFile>,
  datasets: ParsedFile<Pick<DatasetFile, 'impact' | 'action'>>[],
): string[] {
  const unset = settings.unset.map((u) =>
    formatConfigIssue(
      locate(
        settings.yaml,
        u.path,
        `\${env:${u.variable}} is not set — needed to reach the source (not with --source)`,
      ),
    ),
  );
  const unexplained = datasets
    .filter((d) => !d.value.impact || !d.value.action)
    .map((d) =>
      formatConfigIssue(
        locate(
          d.yaml,
          [],
          `has no ${!d.value.impact ? 'impact' : 'action'}: — data leads will not be told what it means or what to do`,
        ),
      ),
    );
  return [...unset, ...unexplained];
}

/** The validated files as the `Config` the rest of Stalewatch uses. */
export function resolveConfig(
  settingsFile: ParsedFile<SettingsFile>,
  datasetFiles: ParsedFile<DatasetFile>[],
  alarmFiles: ParsedFile<AlarmFile>[] = [],
): Config {
  const settings = resolveSettings(settingsFile);
  const datasets = datasetFiles.map((d) => resolveDataset(d, settings));
  return {
    settings,
    datasets,
    alarms: alarmFiles.map((a) => resolveAlarm(a, settings.timezone)),
    checks: datasets.flatMap((d) => d.checks),
    warnings: warningsOf(settingsFile, [...datasetFiles, ...alarmFiles]),
  };
}
