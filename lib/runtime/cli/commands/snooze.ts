import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoHolds } from '../../../adapters/aws/holds';
import { watchedOf } from '../../../app/select';
import { loadConfig } from '../../../config/load';
import { UsageError } from '../../../core/errors';
import { formatWhen } from '../../../core/time/zone';
import type { CliIo } from '../io';
import { parseNow } from '../options';

/** The options of `stalewatch snooze`. */
export interface SnoozeFlags {
  checks: string;
  until?: string;
  list?: boolean;
  clear?: boolean;
  stage: string;
  region?: string;
  table?: string;
}

const FORMS =
  'write: stalewatch snooze ID --until TIME, stalewatch snooze --list, or stalewatch snooze ID --clear';

/**
 * `stalewatch snooze <dataset> --until <time>`: no alerts about the dataset until then, in the deployed
 * service (the state table of `--stage`, or `--table`); `snooze --list` lists the datasets snoozed now
 * (in the table, and by `snooze:` in their file); `snooze <dataset> --clear` ends a snooze set here. A
 * dataset file's `snooze:` does the same in config, through a pull request.
 */
export async function snoozeCommand(
  io: CliIo,
  dataset: string | undefined,
  flags: SnoozeFlags,
): Promise<number> {
  const forms = [flags.until !== undefined, flags.list === true, flags.clear === true].filter(Boolean).length;
  if (forms !== 1 || (flags.list ? dataset !== undefined : dataset === undefined))
    throw new UsageError(FORMS);
  const config = await loadConfig({ dir: flags.checks, env: io.env });
  const zone = config.settings.timezone;
  const now = io.clock();
  const table = flags.table ?? `stalewatch-${flags.stage}-state`;
  const client = new DynamoDBClient(flags.region ? { region: flags.region } : {});
  try {
    const holds = dynamoHolds(client, table);
    if (flags.list) {
      // Datasets, and alarms watched by name (a prefix's alarms are snoozed by their own names).
      const things = [
        ...config.datasets.map((d) => d.id),
        ...(config.alarms ?? []).filter((a) => !a.prefix).map((a) => `alarm/${a.name}`),
      ].map((id) => watchedOf(config, id));
      const snoozed = await Promise.all(
        things.map(async (d) => ({ d, until: await holds.snoozedUntil(d.id) })),
      );
      const lines = snoozed.flatMap(({ d, until }) => [
        ...(until && until > now
          ? [`${d.id}: no alerts about ${d.title} until ${formatWhen(until, zone, now)} (stalewatch snooze)`]
          : []),
        ...(d.snoozeUntil && d.snoozeUntil > now
          ? [
              `${d.id}: no alerts about ${d.title} until ${formatWhen(d.snoozeUntil, zone, now)} (snooze: in ${d.file})`,
            ]
          : []),
      ]);
      io.stdout.write(lines.length ? `${lines.join('\n')}\n` : `No dataset is snoozed (table ${table}).\n`);
      return 0;
    }
    const found = watchedOf(config, dataset as string);
    if (flags.clear) {
      await holds.clearSnooze(found.id);
      const inFile = found.snoozeUntil && found.snoozeUntil > now;
      io.stdout.write(
        `Alerts about ${found.title} are back on (table ${table}).${inFile ? ` Its file still says snooze: until ${formatWhen(found.snoozeUntil as Date, zone, now)} (${found.file}).` : ''}\n`,
      );
      return 0;
    }
    const until = parseNow(flags.until as string, zone, '--until');
    if (until <= now) throw new UsageError(`--until ${flags.until} is not in the future`);
    await holds.snooze(found.id, until);
    io.stdout.write(
      `No alerts about ${found.title} until ${formatWhen(until, zone, now)} (table ${table}).\n`,
    );
    return 0;
  } catch (error) {
    throw regionMissing(error) ?? error;
  } finally {
    client.destroy();
  }
}

/**
 * The AWS SDK's "Region is missing" (no `--region`, `AWS_REGION` or profile region) as a usage error
 * that says what to set, instead of the SDK's stack.
 */
export function regionMissing(error: unknown): UsageError | null {
  return error instanceof Error && /Region is missing/i.test(error.message)
    ? new UsageError(
        "no AWS region is set for the deployed state table — pass --region eu-west-2 (your stack's region) or set AWS_REGION",
        { cause: error },
      )
    : null;
}
