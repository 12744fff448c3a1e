import type { SourceConfig } from '../config/types';
import { SourceUnavailableError } from '../errors';
import type { SourceConnector } from './types';

/** How a source is reached when nothing overrides it. */
export function productionConnector(source: SourceConfig): SourceConnector {
  return {
    dialect: source.engine,
    description: `rds-data:${source.database}`,
    connect: async () => {
      throw new SourceUnavailableError(
        source.name,
        'the RDS Data API path is not available in this build — run with --source NAME=URL',
      );
    },
  };
}
