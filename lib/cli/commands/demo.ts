import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sampleSql } from '../../demo/sample';
import type { CliIo } from '../io';
import { printReport, runOnce } from './run';

/** The checks the service ships with, which the demo runs. */
export const SHIPPED_CHECKS = join(__dirname, '..', '..', '..', 'checks');

/**
 * `stalewatch demo`: starts the embedded database, loads the sample, runs the shipped checks against
 * it (every source pointed at the one embedded database) and prints the report.
 */
export async function demoCommand(io: CliIo): Promise<number> {
  const now = io.clock();
  io.stderr.write('Starting the embedded database and loading sample data…\n');
  const db = await PGlite.create();
  try {
    await db.exec(sampleSql(now));
    const flags = { checks: SHIPPED_CHECKS, format: 'text' as const, now: now.toISOString() };
    const { config, report } = await runOnce(io, flags, { tis: db, warehouse: db });
    printReport(io, config, report, 'text');
    io.stdout.write(
      '\nThis was the shipped checks/ folder against sample data. Next: npx stalewatch run --source tis=postgres://…\n',
    );
  } finally {
    await db.close();
  }
  return 0;
}
