import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoStatusState } from '../../../adapters/aws/status-state';
import type { StatusStatePort } from '../../../app/ports';
import { statusPageOfRun } from '../../../app/status-page';
import { messageOf, UsageError } from '../../../core/errors';
import { STATUS_PAGE_FILE } from '../../../core/status-page';
import type { CliIo } from '../io';
import { makeOutFolder } from './preview';
import { exitCodeOf, type RunFlags, runOnce } from './run';

/** The options of `stalewatch status`. */
export interface StatusFlags extends RunFlags {
  out: string;
  stage?: string;
  region?: string;
  table?: string;
}

/**
 * `stalewatch status --out DIR`: runs the checks as `run` does and writes the status page
 * (`DIR/index.html`). With `--stage` (or `--table`) the deployed state table adds "since when" and the
 * 30-day history; without, the page shows this run alone. Exits as `run`.
 */
export async function statusCommand(io: CliIo, flags: StatusFlags): Promise<number> {
  const { config, report } = await runOnce(io, flags);
  const table = flags.table ?? (flags.stage ? `stalewatch-${flags.stage}-state` : null);
  const client = table ? new DynamoDBClient(flags.region ? { region: flags.region } : {}) : null;
  let html: string;
  try {
    const stored: StatusStatePort | null = client && table ? dynamoStatusState(client, table) : null;
    html = await statusPageOfRun(config, report, stored).catch((error: unknown) => {
      // Asked for and not readable: no page without what was asked for (exit 2, as for bad usage).
      throw new UsageError(
        `Could not read the state table ${table}${flags.region ? ` in ${flags.region}` : ''}: ${messageOf(error)} — ` +
          'check --stage (or --table), --region and your AWS credentials, or leave them out for a page of this run alone',
        { cause: error },
      );
    });
  } finally {
    client?.destroy();
  }
  makeOutFolder(flags.out);
  const file = join(flags.out, STATUS_PAGE_FILE);
  writeFileSync(file, html);
  io.stdout.write(
    `Wrote the status page of ${config.datasets.length} dataset(s) to ${file}` +
      `${table ? `, with the history in ${table}` : ', from this run alone (--stage adds the deployed history)'}.\n`,
  );
  return exitCodeOf(report);
}
