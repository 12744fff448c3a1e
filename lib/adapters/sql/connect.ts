import type { PGlite } from '@electric-sql/pglite';
import { DEFAULT_STATEMENT_TIMEOUT_MS, type SourceConnector } from '../../app/ports';
import { UsageError } from '../../core/errors';
import type { Config, SourceConfig } from '../../core/model/config';
import { durationSeconds } from '../../core/time/duration';

// The drivers of local overrides load only when an override asks for them: the deployed functions
// never do, and their bundles leave pg, mysql2 and PGlite out.
const postgres = () => require('./postgres') as typeof import('./postgres');
const mysql = () => require('./mysql') as typeof import('./mysql');
const pglite = () => require('./pglite') as typeof import('./pglite');

/** The URL forms `--source NAME=URL` and `STALEWATCH_SOURCE_<NAME>` take. */
export const SOURCE_URL_FORMS =
  'postgres://user@host:5432/db, mysql://user@host:3306/db, pglite: or pglite:<folder>';

/** Whether `url` is one of `SOURCE_URL_FORMS`. */
export function isSourceUrl(url: string): boolean {
  return /^(postgres(ql)?|mysql):\/\/./.test(url) || url.startsWith('pglite:');
}

/**
 * The usage error for a connection that is not one of `SOURCE_URL_FORMS`. It names the setting (`--source
 * tis=…`, `STALEWATCH_SOURCE_TIS`) and, to help with a typo, the scheme, but never the rest of the
 * value: it may hold a password.
 */
export function badSourceUrlError(setting: string, source: string, url: string): UsageError {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]{0,20}):\/\//.exec(url)?.[1];
  const seen = scheme ? `it starts with "${scheme}://"` : 'it is not a URL';
  return new UsageError(
    `${setting} does not give source "${source}" a connection Stalewatch can use: ${seen}; write one of ${SOURCE_URL_FORMS}.`,
  );
}

/** A connector for a local override URL; a `PGlite` instance is used as it is. */
export function connectorForUrl(
  source: string,
  url: string | PGlite,
  { statementTimeoutMs = DEFAULT_STATEMENT_TIMEOUT_MS }: { statementTimeoutMs?: number } = {},
): SourceConnector {
  if (typeof url !== 'string') return pglite().pgliteConnector(source, url, statementTimeoutMs);
  if (/^postgres(ql)?:\/\//.test(url)) return postgres().postgresConnector(source, url, statementTimeoutMs);
  if (/^mysql:\/\//.test(url)) return mysql().mysqlConnector(source, url, statementTimeoutMs);
  if (url.startsWith('pglite:')) return pglite().pgliteConnector(source, url, statementTimeoutMs);
  throw badSourceUrlError(`The connection override of source "${source}"`, source, url);
}

/** A source's `statementTimeout` in milliseconds (30 s when a config compiled before it had none). */
export function statementTimeoutMsOf(source: Pick<SourceConfig, 'statementTimeout'>): number {
  return source.statementTimeout
    ? durationSeconds(source.statementTimeout) * 1000
    : DEFAULT_STATEMENT_TIMEOUT_MS;
}

/** The environment variable that overrides a source's connection: `STALEWATCH_SOURCE_TIS`. */
export function sourceEnvVariable(source: string): string {
  return `STALEWATCH_SOURCE_${source.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * How each source is reached in this run: its override URL when there is one, else the production
 * path, which `production` builds (the RDS Data API).
 */
export function connectorsFor(
  sources: Record<string, SourceConfig>,
  overrides: Readonly<Record<string, string | PGlite>>,
  production: (source: SourceConfig) => SourceConnector,
): Record<string, SourceConnector> {
  for (const name of Object.keys(overrides)) {
    if (!sources[name]) {
      throw new UsageError(
        `There is no source "${name}" to override; the sources are ${Object.keys(sources).join(', ')}.`,
      );
    }
  }
  return Object.fromEntries(
    Object.values(sources).map((s) => {
      const override = overrides[s.name];
      const options = { statementTimeoutMs: statementTimeoutMsOf(s) };
      return [s.name, override === undefined ? production(s) : connectorForUrl(s.name, override, options)];
    }),
  );
}

/**
 * The connection overrides of a run: `STALEWATCH_SOURCE_<NAME>` from the environment, then the flags
 * (`--source`, or embedded databases), which win.
 */
export function sourceOverrides(
  config: Config,
  env: Readonly<Record<string, string | undefined>>,
  flags: Readonly<Record<string, string | PGlite>>,
): Record<string, string | PGlite> {
  const fromEnv = Object.keys(config.settings.sources).flatMap((name) => {
    const url = env[sourceEnvVariable(name)];
    if (url && !isSourceUrl(url)) throw badSourceUrlError(sourceEnvVariable(name), name, url);
    return url ? [[name, url] as const] : [];
  });
  return { ...Object.fromEntries(fromEnv), ...flags };
}
