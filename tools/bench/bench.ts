// `npm run bench`: measures Stalewatch and writes the figures into docs/performance.md, each section
// between its generated markers (never by hand). Speed, memory and cost are measured here only, never by
// timed assertions in tests.
//
//   npm run bench                        # every section, full size (about 15–20 minutes on 2 cores)
//   npm run bench -- --quick             # smaller tables and fewer runs (a few minutes): a smoke test
//   npm run bench -- --only database,startup
//   npm run bench -- --no-write          # print the Markdown, leave docs/performance.md alone
//
// Sections: strategies (Stalewatch against one query per table and one query per check, at 0 and 30 ms
// and the same concurrency), database (1M-row tables on PostgreSQL and MariaDB, with and without an
// index), bundles (`sls package`: sizes and module init), runSource (the packaged bundle end to end at
// 100, 1,000 and 5,000 checks, state included, peak RSS), startup (the CLI beside `node -e 0`).
//
// Servers: STALEWATCH_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres) and
// STALEWATCH_BENCH_MYSQL_URL (default mysql://root@127.0.0.1:3306/test): the bench creates uniquely
// named databases (and PostgreSQL roles) there and drops them; it never changes a setting of the server
// or of an existing role. `--backend pglite` runs the strategies section on embedded PGlite instead.
import { parseArgs } from 'node:util';
import { benchBundles, packageService } from './bundles';
import { benchDatabase } from './database';
import { benchRunSource } from './run-source';
import { benchStartup } from './startup';
import { benchStrategies } from './strategies';
import { type BenchOptions, progress, writeSection } from './util';

const SECTIONS = ['strategies', 'database', 'bundles', 'runSource', 'startup'] as const;
type Section = (typeof SECTIONS)[number];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    runs: { type: 'string' },
    backend: { type: 'string', default: 'postgres' },
    'no-write': { type: 'boolean', default: false },
  },
});

const only = (values.only?.split(',').map((s) => s.trim()) ?? [...SECTIONS]) as Section[];
const unknown = only.filter((s) => !SECTIONS.includes(s));
if (unknown.length > 0) {
  process.stderr.write(
    `--only: ${unknown.join(', ')} is not a section; write some of ${SECTIONS.join(', ')}\n`,
  );
  process.exit(2);
}
if (values.backend !== 'postgres' && values.backend !== 'pglite') {
  process.stderr.write('--backend: write postgres (the server, default) or pglite (embedded)\n');
  process.exit(2);
}
const quick = values.quick ?? false;
const options: BenchOptions = {
  quick,
  runs: Number(values.runs ?? (quick ? 3 : 5)),
  postgres: process.env.STALEWATCH_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  mysql: process.env.STALEWATCH_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test',
};

const run: Record<Section, () => Promise<string> | string> = {
  strategies: () => benchStrategies(options, values.backend as 'postgres' | 'pglite'),
  database: () => benchDatabase(options),
  bundles: () => {
    packageService();
    return benchBundles(options);
  },
  runSource: () => {
    if (!only.includes('bundles')) packageService();
    return benchRunSource(options);
  },
  startup: () => benchStartup(options),
};

(async () => {
  for (const section of SECTIONS.filter((s) => only.includes(s))) {
    const started = performance.now();
    const text = await run[section]();
    const mode = quick ? ' Quick mode (`--quick`): smaller and fewer runs; not for comparison.' : '';
    const markdown = mode ? text.replace('\n\n', `\n\n${mode.trim()}\n\n`) : text;
    process.stdout.write(`${markdown}\n\n`);
    if (!values['no-write']) writeSection(section, markdown);
    progress(`${section}: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
})().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
