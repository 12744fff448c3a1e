import type { SourceConnector } from '../../app/ports';
import type { SourceConfig } from '../../core/model/config';
import { DEFAULT_RETRY, rdsDataClients, rdsDataConnector } from './rds-data';

/**
 * Credentials for a local stand-in: when an endpoint override points the SDK at one and no AWS
 * credentials are configured, the SDK would refuse to sign; a stand-in does not check them.
 */
function standInCredentials(env: Readonly<Record<string, string | undefined>>) {
  const local = env.AWS_ENDPOINT_URL_RDS_DATA ?? env.AWS_ENDPOINT_URL;
  const configured = env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  return local && !configured
    ? { credentials: { accessKeyId: 'stand-in', secretAccessKey: 'stand-in' } }
    : {};
}

/**
 * How sources are reached when nothing overrides them: the RDS Data API with the source's
 * `resourceArn`, `secretArn` and `database`, through one client per region for the whole process.
 */
export function productionConnectors(
  env: Readonly<Record<string, string | undefined>>,
  clock: () => number,
): (source: SourceConfig) => SourceConnector {
  const clientFor = rdsDataClients(standInCredentials(env));
  return (source) => rdsDataConnector(source, clientFor(source.resourceArn), { ...DEFAULT_RETRY, clock });
}
