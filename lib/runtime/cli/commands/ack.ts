import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoAcknowledgements } from '../../../adapters/aws/acknowledgements';
import { dynamoStateReader } from '../../../adapters/aws/dynamo-state';
import { checkIdsOf, watchedOf } from '../../../app/select';
import { loadConfig } from '../../../config/load';
import { UsageError } from '../../../core/errors';
import { nothingToBeOn, readableName, whoIsOnIt } from '../../../core/loop/acknowledgement';
import type { CliIo } from '../io';
import { regionMissing } from './snooze';

/** `stalewatch ack`'s options. */
export interface AckFlags {
  checks: string;
  by: string;
  stage: string;
  region?: string;
  table?: string;
}

/**
 * `stalewatch ack <dataset> --by NAME`: what Slack's "I'm on it" does, from a terminal. Records who is
 * on the dataset in the deployed state table (`--stage`, `--region`, or `--table`); reminders stop
 * until it recovers, and every later message and the digest say who is on it. Someone already on it
 * stays on it: the answer says who.
 */
export async function ackCommand(io: CliIo, dataset: string, flags: AckFlags): Promise<number> {
  const config = await loadConfig({ dir: flags.checks, env: io.env });
  const found = watchedOf(config, dataset);
  const by = flags.by.trim();
  if (!by || by.length > 80)
    throw new UsageError('--by takes the name people should read, e.g. --by "Jane Smith"');
  if (readableName(by) !== by.replace(/ +/g, ' '))
    throw new UsageError(
      '--by takes the name people should read, on one line with no control characters, e.g. --by "Jane Smith"',
    );
  const now = io.clock();
  const zone = config.settings.timezone;
  const table = flags.table ?? `stalewatch-${flags.stage}-state`;
  const client = new DynamoDBClient(flags.region ? { region: flags.region } : {});
  try {
    // A dataset back to normal has nothing to be on: the acknowledgement would never end (it ends at a
    // recovery) and would silence its next spell's reminders.
    const checkIds = checkIdsOf(config, found);
    const states = checkIds.length > 0 ? await dynamoStateReader(client, table).states(checkIds) : new Map();
    if (nothingToBeOn([...states.values()].map((s) => s.status)))
      throw new UsageError(
        `${found.title} is back to normal (every check passed at its last run): there is nothing to be on, so nothing was recorded`,
      );
    const { recorded, current } = await dynamoAcknowledgements(client, table).acknowledge({
      dataset: found.id,
      by,
      slackUserId: null,
      at: now.toISOString(),
      via: 'cli',
    });
    io.stdout.write(
      recorded
        ? `Who is on ${found.title}: ${whoIsOnIt(current, zone, now)}. No reminders until it recovers (table ${table}).\n`
        : `${found.title} already has someone on it: ${whoIsOnIt(current, zone, now)} (table ${table}).\n`,
    );
  } catch (error) {
    throw regionMissing(error) ?? error;
  } finally {
    client.destroy();
  }
  return 0;
}
