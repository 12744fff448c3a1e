import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoHolds } from '../../../adapters/aws/holds';
import { selectChecks } from '../../../app/select';
import { loadConfig } from '../../../config/load';
import { UsageError } from '../../../core/errors';
import { formatWhen } from '../../../core/time/zone';
import type { CliIo } from '../io';
import { parseNow } from '../options';

/** The options of `stalewatch snooze`. */
export interface SnoozeFlags {
  checks: string;
  until: string;
  stage: string;
  region?: string;
  table?: string;
}

/**
 * `stalewatch snooze <dataset> --until <time>`: no alerts about the dataset until then, in the deployed
 * service (the state table of `--stage`, or `--table`). A dataset file's `snooze:` does the same in
 * config, through a pull request.
 */
export async function snoozeCommand(io: CliIo, dataset: string, flags: SnoozeFlags): Promise<number> {
  const config = await loadConfig({ dir: flags.checks, env: io.env });
  selectChecks(config, [dataset]);
  const found = config.datasets.find((d) => d.id === dataset);
  if (!found) throw new UsageError(`"${dataset}" is a check id; snooze a dataset: ${dataset.split('/')[0]}`);
  const zone = config.settings.timezone;
  const until = parseNow(flags.until, zone, '--until');
  const now = io.clock();
  if (until <= now) throw new UsageError(`--until ${flags.until} is not in the future`);
  const table = flags.table ?? `stalewatch-${flags.stage}-state`;
  const client = new DynamoDBClient(flags.region ? { region: flags.region } : {});
  try {
    await client.config.region();
  } catch {
    client.destroy();
    throw new UsageError(
      `snooze needs the AWS region of the deployed service (stage ${flags.stage}) — pass --region eu-west-2, or set AWS_REGION (or a region in your AWS profile)`,
    );
  }
  try {
    await dynamoHolds(client, table).snooze(dataset, until);
  } finally {
    client.destroy();
  }
  io.stdout.write(`No alerts about ${found.title} until ${formatWhen(until, zone, now)} (table ${table}).\n`);
  return 0;
}
