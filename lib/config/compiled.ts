import type { Check, Config, SourceConfig } from '../core/model/config';
import { daysOff } from '../core/time/holidays';
import { interpolateEnv } from './interpolate';

/**
 * The config as the deployed functions read it: validated at package time and written as JSON, so that
 * the functions carry neither the YAML parser nor the schema. Each `dueBy` carries its region's days
 * off for the years `compileConfig` was given (`precomputedHolidayYears`).
 */
export interface CompiledConfig {
  format: 'stalewatch-compiled-config/1';
  config: Config;
}

/**
 * The years whose days off packaging precomputes: the year of packaging, the one before and the four
 * after, which hold the deadlines of most runs. Any other year (data six years old, a service not
 * redeployed for years) is computed by date-holidays, packaged beside the functions.
 */
export function precomputedHolidayYears(packagedAt: Date): number[] {
  const year = packagedAt.getUTCFullYear();
  return Array.from({ length: 6 }, (_, i) => year - 1 + i);
}

function withDaysOff(check: Check, years: number[]): Check {
  if (check.kind !== 'freshness' || !check.freshness.dueBy?.holidays) return check;
  const dueBy = check.freshness.dueBy;
  const region = dueBy.holidays as string;
  return {
    ...check,
    freshness: { ...check.freshness, dueBy: { ...dueBy, daysOff: daysOff(region, years) } },
  };
}

/** The config as JSON for the functions, with holidays precomputed for `years`. */
export function compileConfig(config: Config, years: number[]): string {
  const datasets = config.datasets.map((d) => ({ ...d, checks: d.checks.map((c) => withDaysOff(c, years)) }));
  const compiled: CompiledConfig = {
    format: 'stalewatch-compiled-config/1',
    config: { ...config, datasets, checks: datasets.flatMap((d) => d.checks) },
  };
  return JSON.stringify(compiled);
}

/** A source's `${env:NAME}` fields, resolved again from the environment the function runs in. */
function resolveSource(
  source: SourceConfig,
  env: Readonly<Record<string, string | undefined>>,
): SourceConfig {
  const { data, unset } = interpolateEnv(
    { resourceArn: source.resourceArn, secretArn: source.secretArn, database: source.database },
    env,
  );
  return {
    ...source,
    // A config compiled before direct sources existed: every source went through the Data API.
    connection: source.connection ?? 'data-api',
    tls: source.tls ?? true,
    ...(data as Pick<SourceConfig, 'resourceArn' | 'secretArn' | 'database'>),
    unsetVariables: unset.map((u) => u.variable),
  };
}

/** Reads what `compileConfig` wrote. */
export function readCompiledConfig(json: string, env: Readonly<Record<string, string | undefined>>): Config {
  const compiled = JSON.parse(json) as CompiledConfig;
  if (compiled.format !== 'stalewatch-compiled-config/1') {
    throw new Error(`The compiled config is in format "${compiled.format}"; package the service again`);
  }
  const { config } = compiled;
  const sources = Object.fromEntries(
    Object.entries(config.settings.sources).map(([k, s]) => [k, resolveSource(s, env)]),
  );
  const datasets = config.datasets.map((d) => ({
    ...d,
    // A config compiled before `dependsOn` existed depends on nothing.
    dependsOn: d.dependsOn ?? [],
    snoozeUntil: d.snoozeUntil ? new Date(d.snoozeUntil) : null,
  }));
  const alarms = (config.alarms ?? []).map((a) => ({
    ...a,
    snoozeUntil: a.snoozeUntil ? new Date(a.snoozeUntil) : null,
  }));
  return {
    ...config,
    settings: { ...config.settings, vpc: config.settings.vpc ?? null, sources },
    datasets,
    alarms,
  };
}
