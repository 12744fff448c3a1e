// The measured side of the strategies section (tools/bench/strategies.ts): one process, kept apart from
// the database and the Data API it calls, that runs the same checks three ways at the same concurrency
// and latency, several times each, and prints what it measured as one JSON line.
//
// - stalewatch: one statement per source (`runChecks` with the Data API connector, the production path);
// - one query per table: `SELECT max(updated_at), count(*)` per table, the two checks of a dataset in one
//   query (what a per-table freshness run such as `dbt source freshness` does, with the count added);
// - one query per check: a freshness query and a count query per dataset (what a tool that runs each
//   check as its own query does).
//
// Concurrency is the most Data API calls in flight at once, the same for all three: Stalewatch's sources
// (one call each, as dispatch fans runSource out) or the baselines' queries share a pool of that many.
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { DEFAULT_RETRY, rdsDataConnector, rowOf, statementCommand } from '../../lib/adapters/aws/rds-data';
import { runChecks } from '../../lib/app/run';
import { loadConfig } from '../../lib/config/load';
import { quoteIdentifier, quoteTable } from '../../lib/core/sql';

/** What the parent asks for. */
interface Plan {
  dir: string;
  /** Data API endpoint by injected latency in ms. */
  endpoints: Record<string, string>;
  concurrencies: number[];
  runs: number;
}

/** One figure: a strategy at a latency and a concurrency, its wall times and round trips per run. */
export interface StrategyFigure {
  strategy: 'stalewatch' | 'perTable' | 'perCheck';
  latencyMs: number;
  concurrency: number;
  ms: number[];
  calls: number;
  errors: number;
}

const plan = JSON.parse(process.argv[2] ?? '{}') as Plan;

/** Runs `work` on every item with at most `concurrency` at once. */
async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

(async () => {
  const loadStarted = performance.now();
  const config = await loadConfig({ dir: plan.dir, env: {} });
  const loadMs = performance.now() - loadStarted;
  const sources = Object.values(config.settings.sources);
  const figures: StrategyFigure[] = [];

  for (const [latency, endpoint] of Object.entries(plan.endpoints)) {
    const client = new RDSDataClient({
      endpoint,
      region: 'eu-west-2',
      maxAttempts: 1,
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    });
    let calls = 0;
    client.middlewareStack.add(
      (next) => (args) => {
        calls++;
        return next(args);
      },
      { step: 'initialize', name: 'benchCallCounter' },
    );
    const connectors = Object.fromEntries(
      sources.map((s) => [
        s.name,
        rdsDataConnector(s, client, { ...DEFAULT_RETRY, clock: () => performance.now() }),
      ]),
    );
    const tables = config.datasets.map((d) => ({
      table: d.table,
      source: config.settings.sources[d.source],
    }));
    const column = quoteIdentifier('postgres', 'updated_at');

    const strategies: Record<StrategyFigure['strategy'], (concurrency: number) => Promise<number>> = {
      stalewatch: async (concurrency) => {
        let errors = 0;
        await pool(sources, concurrency, async (source) => {
          const report = await runChecks({
            config,
            checks: config.checks.filter((c) => c.source === source.name),
            connectors,
            now: new Date(),
            runId: 'bench',
          });
          errors += report.results.filter((r) => r.status === 'error').length;
        });
        return errors;
      },
      perTable: async (concurrency) => {
        await pool(tables, concurrency, async ({ table, source }) => {
          if (!source) return;
          const sql = `SELECT max(${column}), count(*) FROM ${quoteTable('postgres', table)}`;
          rowOf(await client.send(statementCommand(source, sql)));
        });
        return 0;
      },
      perCheck: async (concurrency) => {
        const queries = tables.flatMap(({ table, source }) => [
          { source, sql: `SELECT max(${column}) FROM ${quoteTable('postgres', table)}` },
          { source, sql: `SELECT count(*) FROM ${quoteTable('postgres', table)}` },
        ]);
        await pool(queries, concurrency, async ({ source, sql }) => {
          if (source) rowOf(await client.send(statementCommand(source, sql)));
        });
        return 0;
      },
    };

    for (const concurrency of plan.concurrencies) {
      for (const [strategy, run] of Object.entries(strategies) as Array<
        [StrategyFigure['strategy'], (c: number) => Promise<number>]
      >) {
        process.stderr.write(`  ${latency} ms, ${concurrency} at once: ${strategy}…\n`);
        await run(concurrency); // warm: connections, the SDK's first use, the database's caches
        const ms: number[] = [];
        let errors = 0;
        calls = 0;
        for (let i = 0; i < plan.runs; i++) {
          const started = performance.now();
          errors += await run(concurrency);
          ms.push(performance.now() - started);
        }
        figures.push({
          strategy,
          latencyMs: Number(latency),
          concurrency,
          ms,
          calls: calls / plan.runs,
          errors,
        });
      }
    }
    client.destroy();
  }
  process.stdout.write(`${JSON.stringify({ loadMs, checks: config.checks.length, figures })}\n`);
})();
