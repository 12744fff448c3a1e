/** The config as the rest of Stalewatch uses it: validated, references checked, defaults applied. */

/** `pass`, `warn`, `fail` (the data is stale or wrong) or `error` (the check could not run). */
export type Status = 'pass' | 'warn' | 'fail' | 'error';
export type Severity = 'warn' | 'fail';
export type Engine = 'postgres' | 'mysql';
export type Audience = 'data-lead' | 'platform' | 'product-lead';
/** The unit of an integer freshness column: epoch seconds, milliseconds or microseconds. */
export type ColumnUnit = 's' | 'ms' | 'us';

/** Where a secret is kept; only the sending code resolves it, at run time. */
export interface SecretRef {
  store: 'ssm' | 'secret';
  name: string;
}

export interface SourceConfig {
  name: string;
  engine: Engine;
  resourceArn: string;
  secretArn: string;
  database: string;
  /** The zone of `timestamp without time zone` values. */
  columnTimezone: string;
  /** How far ahead of now a newest value may be and still count as now (a duration, default `1h`). */
  futureTolerance: string;
  /** The longest one statement may run, as written (`30s`): SPEC.md "Safety of what runs on a source". */
  statementTimeout: string;
  /** `${env:…}` variables these fields need and the environment did not have. */
  unsetVariables: string[];
}

export interface Contact {
  id: string;
  name: string;
  audience: Audience;
  slack: SecretRef | null;
  email: string | null;
}

export interface NotifySettings {
  errorsTo: string | null;
  remindEvery: string;
  digest: string;
  quietHours: string | null;
}

export interface Settings {
  timezone: string;
  /** How often the deployed service runs (a duration such as `15m`). */
  runEvery: string;
  holidays: string | null;
  sources: Record<string, SourceConfig>;
  contacts: Record<string, Contact>;
  notify: NotifySettings;
  /** The CloudWatch metrics of a run: a few per run (`run`), or also per check (`perCheck`). */
  metrics: MetricsLevel;
}

/** `run`: a handful of metrics per run; `perCheck`: also each check's status and age. */
export type MetricsLevel = 'run' | 'perCheck';

/** A `dueBy` cron with what is needed to read it: the zone and the holiday region. */
export interface DeadlineSpec {
  cron: string;
  timezone: string;
  holidays: string | null;
  /** The region's days off, precomputed when the config is compiled for the deployed functions. */
  daysOff?: { years: number[]; dates: string[] };
}

export interface FreshnessRule {
  column: string;
  where: string | null;
  /** Durations as written (`26h`), so messages can say them back. */
  warnAfter: string | null;
  failAfter: string | null;
  dueBy: DeadlineSpec | null;
  /** The zone of local times in `column`: the check's, else the source's, else UTC. */
  columnTimezone: string;
  /** The unit of an integer `column` (`s` unless the check says). */
  columnUnit: ColumnUnit;
  /** How far ahead of now the newest value may be and still count as now: the check's, else the source's. */
  futureTolerance: string;
}

export interface RowCountRule {
  where: string | null;
  failBelow: number | null;
  warnBelow: number | null;
  failAbove: number | null;
  warnAbove: number | null;
  warnDropPercent: number | null;
  failDropPercent: number | null;
}

interface CheckBase {
  /** `<dataset>/<slug of name>`. */
  id: string;
  name: string;
  dataset: string;
  title: string;
  source: string;
  table: string;
  owners: string[];
  severity: Severity;
}

export type FreshnessCheck = CheckBase & { kind: 'freshness'; freshness: FreshnessRule };
export type RowCountCheck = CheckBase & { kind: 'rowCount'; rowCount: RowCountRule };
/** One check of one dataset. */
export type Check = FreshnessCheck | RowCountCheck;

export interface Dataset {
  id: string;
  title: string;
  source: string;
  table: string;
  owners: string[];
  subscribers: string[];
  snoozeUntil: Date | null;
  impact: string | null;
  action: string | null;
  /** Whether its checks get CloudWatch metrics of their own: its `metrics`, else the settings'. */
  metrics: MetricsLevel;
  /** The file it was read from, as shown to the user. */
  file: string;
  checks: Check[];
}

/** How an alarm's numbers are counted (docs/config.md "Alarm files"). */
export type AlarmUnit = 'bytes' | 'percent' | 'count' | 'seconds' | 'milliseconds';

/** A file that watches CloudWatch alarms: one alarm by name, or every alarm whose name starts with `prefix`. */
export interface AlarmWatch {
  /** As written: `tis-prod-website-health`, or `tis-prod-*`. */
  pattern: string;
  /** The name, or the prefix without its `*`. */
  name: string;
  prefix: boolean;
  title: string;
  owners: string[];
  subscribers: string[];
  snoozeUntil: Date | null;
  impact: string | null;
  action: string | null;
  /** The unit the file says, for a metric whose event does not. */
  unit: AlarmUnit | null;
  /** The file it was read from, as shown to the user. */
  file: string;
}

export interface Config {
  settings: Settings;
  datasets: Dataset[];
  /** The alarm files (SPEC.md "More kinds of staleness"); none when the folder has none. */
  alarms: AlarmWatch[];
  /** Every check of every dataset, in file order. */
  checks: Check[];
  /** Things worth saying that do not make the config invalid (an unset `${env:…}`, no impact text). */
  warnings: string[];
}
