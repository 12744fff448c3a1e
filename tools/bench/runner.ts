// The measured side of `npm run bench`: one process that runs Stalewatch's run (one statement per
// source), then the one-query-per-table strategy, against the Data API the parent serves, and prints
// what it measured as JSON. Kept apart from the database so that its peak RSS is the checker's alone.
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { DEFAULT_RETRY, rdsDataConnector, rowOf, statementCommand } from '../../lib/adapters/aws/rds-data';
import { runChecks } from '../../lib/app/run';
import { loadConfig } from '../../lib/config/load';
import { quoteIdentifier, quoteTable } from '../../lib/core/sql';

const [checksDir, endpoint, threadsText] = process.argv.slice(2) as [string, string, string];
const client = new RDSDataClient({
  endpoint,
  region: 'eu-west-2',
  maxAttempts: 1,
  credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
});

import { readFileSync } from 'node:fs';

/**
 * This process's peak resident set in MB. On Linux, VmHWM belongs to this process image alone; the
 * getrusage figure (maxRSS) would also carry the high-water mark of the parent it was forked from.
 */
function maxRssMb(): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Math.round(Number(kb) / 1024);
  } catch {}
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

(async () => {
  const loadStarted = performance.now();
  const config = await loadConfig({ dir: checksDir, env: {} });
  const loadMs = performance.now() - loadStarted;

  // Stalewatch: every source at once, one ExecuteStatement each.
  const connectors = Object.fromEntries(
    Object.values(config.settings.sources).map((s) => [
      s.name,
      rdsDataConnector(s, client, { ...DEFAULT_RETRY, clock: () => performance.now() }),
    ]),
  );
  const started = performance.now();
  const report = await runChecks({
    config,
    checks: config.checks,
    connectors,
    now: new Date(),
    runId: 'bench',
  });
  const stalewatchMs = performance.now() - started;
  const stalewatchRss = maxRssMb();
  const errors = report.results.filter((r) => r.status === 'error').length;

  // One query per table, as dbt source freshness does, at each thread count asked for (dbt projects
  // run with 1 to 4 threads). Each query also counts rows: at least the work of Stalewatch's checks.
  const tables = config.datasets.map((d) => ({ d, source: config.settings.sources[d.source] }));
  const perTable: Array<{ threads: number; ms: number }> = [];
  for (const threads of threadsText.split(',').map(Number)) {
    const perTableStarted = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: threads }, async () => {
        while (next < tables.length) {
          const { d, source } = tables[next++] as (typeof tables)[number];
          if (!source) continue;
          const column = quoteIdentifier('postgres', 'updated_at');
          const sql = `SELECT max(${column}) AS max_loaded_at, count(*) AS n FROM ${quoteTable('postgres', d.table)}`;
          rowOf(await client.send(statementCommand(source, sql)));
        }
      }),
    );
    perTable.push({ threads, ms: performance.now() - perTableStarted });
  }

  process.stdout.write(
    `${JSON.stringify({ loadMs, stalewatchMs, stalewatchRss, perTable, bothRss: maxRssMb(), errors, checks: config.checks.length })}\n`,
  );
})();
