/** The config as the rest of Stalewatch uses it: validated, references checked, defaults applied. */

/** `pass`, `warn`, `fail` (the data is stale or wrong) or `error` (the check could not run). */
export type Status = 'pass' | 'warn' | 'fail' | 'error';
/** How bad a breach is: `warn` or `fail` (the status a breached check gets). */
export type Severity = 'warn' | 'fail';
/** The database engines a source can be. */
export type Engine = 'postgres' | 'mysql';
/** Who a contact is, which decides the words of their messages (docs/alerts.md). */
export type Audience = 'data-lead' | 'platform' | 'product-lead';
/** The unit of an integer freshness column: epoch seconds, milliseconds or microseconds. */
export type ColumnUnit = 's' | 'ms' | 'us';

/** Where a secret is kept; only the sending code resolves it, at run time. */
export interface SecretRef {
  store: 'ssm' | 'secret';
  name: string;
}

/** How a source is reached: the RDS Data API, or its driver from inside the VPC (`vpc:`). */
export type Connection = 'data-api' | 'direct';

/** A database to check, as resolved from `settings.sources`. */
export interface SourceConfig {
  name: string;
  engine: Engine;
  connection: Connection;
  /** The Aurora cluster (`data-api`); null for `direct`. */
  resourceArn: string | null;
  /** The Data API's credentials, or for `direct` the RDS-style secret (host, port, username, password, dbname). */
  secretArn: string;
  /** The database; for `direct`, null means the secret's `dbname`. */
  database: string | null;
  /** For `direct`: TLS with the server's certificate verified (default), or none. */
  tls: boolean;
  /** The zone of `timestamp without time zone` values. */
  columnTimezone: string;
  /** How far ahead of now a newest value may be and still count as now (a duration, default `1h`). */
  futureTolerance: string;
  /** The longest one statement may run, as written (`30s`): docs/sources.md "Nothing written, nothing waited on for ever, nothing leaked". */
  statementTimeout: string;
  /** `${env:…}` variables these fields need and the environment did not have. */
  unsetVariables: string[];
}

/** Someone who hears of stale data: their audience and channels (Slack and Teams secrets, an email address). */
export interface Contact {
  id: string;
  name: string;
  audience: Audience;
  slack: SecretRef | null;
  /** Their Slack member id (`U012AB3CD`): their Slack messages mention them. Absent: no mention. */
  slackUser?: string | null;
  /** Where their Teams Workflows webhook URL is kept. Absent: no Teams. */
  teams?: SecretRef | null;
  email: string | null;
}

/** `settings.notify`, with defaults applied: durations and crons as written. */
export interface NotifySettings {
  errorsTo: string | null;
  remindEvery: string;
  digest: string;
  quietHours: string | null;
}

/** The subnets and security groups of the functions that run checks, for `direct` sources. */
export interface VpcSettings {
  subnetIds: string[];
  securityGroupIds: string[];
}

/** `stalewatch.yml`, resolved: zone, schedule, holidays, sources, contacts, notify and metrics. */
export interface Settings {
  timezone: string;
  /** Where runSource and check run, when a source is `direct`; null: outside any VPC. */
  vpc: VpcSettings | null;
  /** How often the deployed service runs (a duration such as `15m`). */
  runEvery: string;
  holidays: string | null;
  sources: Record<string, SourceConfig>;
  contacts: Record<string, Contact>;
  notify: NotifySettings;
  /** The CloudWatch metrics of a run: a few per run (`run`), or also per check (`perCheck`). */
  metrics: MetricsLevel;
  /** The Slack app that answers the buttons on messages; null: plain incoming webhooks, no buttons. */
  slackApp?: { signingSecret: SecretRef } | null;
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

/** How new a table's newest timestamp must be, and how to read it. */
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

/** How many rows a table must have (bounds below and above), and how far the count may drop between runs. */
export interface RowCountRule {
  where: string | null;
  failBelow: number | null;
  warnBelow: number | null;
  failAbove: number | null;
  warnAbove: number | null;
  warnDropPercent: number | null;
  failDropPercent: number | null;
}

/** How long a table may go without a change (`activity`): durations as written. */
export interface ActivityRule {
  warnAfter: string | null;
  failAfter: string | null;
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

/** A check on the newest timestamp of a table. */
export type FreshnessCheck = CheckBase & { kind: 'freshness'; freshness: FreshnessRule };
/** A check on the number of rows of a table. */
export type RowCountCheck = CheckBase & { kind: 'rowCount'; rowCount: RowCountRule };
/** A check on whether a table changed, from the database's change counters. */
export type ActivityCheck = CheckBase & { kind: 'activity'; activity: ActivityRule };
/** One check of one dataset. */
export type Check = FreshnessCheck | RowCountCheck | ActivityCheck;
/** What a check judges: the newest timestamp, the number of rows, or whether the table changed. */
export type CheckKind = Check['kind'];

/** A dataset file, resolved: who owns it, who else hears, what it means when it is stale. */
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
  /**
   * The datasets it is made from (`dependsOn`): while one of them (or one they depend on) is stale or
   * cannot be checked, this one's staleness is told as theirs (docs/semantics.md "One story per cause").
   */
  dependsOn: string[];
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

/** The whole config: settings, datasets, their checks, and alarms. */
export interface Config {
  settings: Settings;
  datasets: Dataset[];
  /** The alarm files (docs/config.md "An alarm file"); none when the folder has none. */
  alarms: AlarmWatch[];
  /** Every check of every dataset, in file order. */
  checks: Check[];
  /** Things worth saying that do not make the config invalid (an unset `${env:…}`, no impact text). */
  warnings: string[];
}

/** The engine of a check's source; a check whose source is not configured is read as PostgreSQL's. */
export function engineOf(config: Pick<Config, 'settings'>, check: Pick<Check, 'source'>): Engine {
  return config.settings.sources[check.source]?.engine ?? 'postgres';
}
