import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SourceConnector } from '../../app/ports';
import type { SourceConfig } from '../../core/model/config';
import { directConnector } from '../sql/direct';
import { DEFAULT_RETRY, rdsDataClients, rdsDataConnector } from './rds-data';
import { rdsSecretReader } from './secrets';
import { standInCredentials } from './stand-in';

/**
 * The clients that reach sources when nothing overrides them, made once per process: the RDS Data API
 * (one client per region) and Secrets Manager. `forRun` gives one run's connectors: a `data-api` source
 * through the Data API with its `resourceArn`, `secretArn` and `database`; a `direct` source with its
 * driver, from the RDS-style secret at `secretArn`, read once per run (a rotated password is picked up
 * by the next run).
 */
export function productionClients(env: Readonly<Record<string, string | undefined>>, clock: () => number) {
  const clientFor = rdsDataClients(standInCredentials(env, 'RDS_DATA'));
  let secrets: SecretsManagerClient | null = null;
  return {
    forRun(): (source: SourceConfig) => SourceConnector {
      secrets ??= new SecretsManagerClient(standInCredentials(env, 'SECRETS_MANAGER'));
      const readSecret = rdsSecretReader(secrets);
      return (source) =>
        source.connection === 'direct'
          ? directConnector(source, readSecret)
          : rdsDataConnector(source, clientFor(source.resourceArn ?? ''), { ...DEFAULT_RETRY, clock });
    },
  };
}

/** One run's production connectors (the CLI's `run`: one run per process). */
export function productionConnectors(
  env: Readonly<Record<string, string | undefined>>,
  clock: () => number,
): (source: SourceConfig) => SourceConnector {
  return productionClients(env, clock).forRun();
}
