import type { SourceConnector, SqlConnection } from '../../app/ports';
import { messageOf, SourceSecretError, SourceUnavailableError } from '../../core/errors';
import type { SourceConfig } from '../../core/model/config';
import type { RdsSecret } from '../aws/secrets';
import { statementTimeoutMsOf } from './connect';

// The drivers load when a direct source connects, not when this module does: a function whose sources
// all go through the Data API carries neither driver (serverless.yml "esbuild"), and must not fail here.
const postgres = () => require('./postgres') as typeof import('./postgres');
const mysql = () => require('./mysql') as typeof import('./mysql');

/** The engines an RDS secret's `engine` names, by the dialect they speak. */
const ENGINE_FAMILY: Record<string, SourceConfig['engine']> = {
  postgres: 'postgres',
  'aurora-postgresql': 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
  'aurora-mysql': 'mysql',
  aurora: 'mysql',
};

const DEFAULT_PORT = { postgres: 5432, mysql: 3306 } as const;

/** The driver URL for a secret: every part percent-encoded, so a password with `@` or `/` stays whole. */
export function directUrl(source: Pick<SourceConfig, 'engine' | 'database'>, secret: RdsSecret): string {
  const host = secret.host.includes(':') ? `[${secret.host}]` : secret.host;
  const port = secret.port ?? DEFAULT_PORT[source.engine];
  const database = source.database ?? secret.dbname ?? '';
  const user = `${encodeURIComponent(secret.username)}:${encodeURIComponent(secret.password)}`;
  const scheme = source.engine === 'postgres' ? 'postgres' : 'mysql';
  return `${scheme}://${user}@${host}:${port}/${encodeURIComponent(database)}`;
}

/** `text` with every occurrence of `secret` (the password, as written and as encoded) taken out. */
function withoutPassword(text: string, password: string): string {
  if (!password) return text;
  return [password, encodeURIComponent(password)].reduce((t, p) => t.split(p).join('***'), text);
}

/**
 * A `connection: direct` source (SPEC.md "Sources that are not Aurora"): its RDS-style secret is read
 * when the run connects, and the source is then reached with the same PostgreSQL or MySQL connector as a
 * local URL, so that everything that holds there holds here: one guarded statement per batch, read-only
 * sessions, the statement timeout, cancellation and scrubbed errors. A secret that cannot be read, or a
 * database that refuses the login, costs only this source's checks, with an error that names the setting.
 */
export function directConnector(
  source: SourceConfig,
  readSecret: (source: string, secretArn: string) => Promise<RdsSecret>,
): SourceConnector {
  const statementTimeoutMs = statementTimeoutMsOf(source);
  return {
    source: source.name,
    dialect: source.engine,
    description: `${source.engine} (direct, from the secret at sources.${source.name}.secretArn)`,
    statementTimeoutMs,
    async connect(signal?: AbortSignal): Promise<SqlConnection> {
      const [variable] = source.unsetVariables;
      if (variable) {
        throw new SourceUnavailableError(source.name, `\${env:${variable}} (its secret's ARN) is not set`);
      }
      let secret: RdsSecret;
      try {
        secret = await readSecret(source.name, source.secretArn);
      } catch (error) {
        throw new SourceUnavailableError(source.name, messageOf(error));
      }
      const family = secret.engine ? ENGINE_FAMILY[secret.engine.toLowerCase()] : undefined;
      if (family && family !== source.engine) {
        const problem = `is for a ${secret.engine} database, but the source says engine: ${source.engine} — make them agree`;
        throw new SourceUnavailableError(source.name, new SourceSecretError(source.name, problem).message);
      }
      if (!source.database && !secret.dbname) {
        const problem = 'has no dbname — add one to the secret, or give the source database:';
        throw new SourceUnavailableError(source.name, new SourceSecretError(source.name, problem).message);
      }
      const url = directUrl(source, secret);
      const options = { tls: source.tls };
      const connector =
        source.engine === 'postgres'
          ? postgres().postgresConnector(source.name, url, statementTimeoutMs, options)
          : mysql().mysqlConnector(source.name, url, statementTimeoutMs, options);
      try {
        return await connector.connect(signal);
      } catch (error) {
        // The connectors take the URL's password out of their messages; this takes out the raw one too.
        throw new SourceUnavailableError(
          source.name,
          withoutPassword(messageOf(error), secret.password).replace(
            `Source "${source.name}" could not be reached: `,
            '',
          ),
        );
      }
    },
  };
}
