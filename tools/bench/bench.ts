// `npm run bench -- [--datasets 500] [--sources 10] [--latency 30] [--threads 1,4] [--backend pglite:]`
// Builds N datasets × 2 checks over M sources in a database, serves it through the local RDS Data API
// with a per-call latency like the real one's, and runs, in one measured process, Stalewatch and the
// one-query-per-table strategy on the same data. Prints a table; docs/performance.md keeps the figures.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { openBackend } from '../data-api/backends';
import { startDataApi } from '../data-api/server';

const { values } = parseArgs({
  options: {
    datasets: { type: 'string', default: '500' },
    sources: { type: 'string', default: '10' },
    latency: { type: 'string', default: '30' },
    threads: { type: 'string', default: '1,4' },
    backend: { type: 'string', default: 'pglite:' },
  },
});
const datasets = Number(values.datasets);
const sources = Number(values.sources);

/** Writes `files` (path → content) into a fresh temporary folder and returns the folder. */
function writeTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'stalewatch-bench-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** The checks tree: M sources, N datasets spread over them, each a freshness and a row-count check. */
function checksTree(): string {
  const files: Record<string, string> = {
    'stalewatch.yml': [
      'sources:',
      ...Array.from({ length: sources }, (_, s) =>
        [
          `  s${s}:`,
          '    engine: postgres',
          `    resourceArn: arn:aws:rds:eu-west-2:123456789012:cluster:s${s}`,
          `    secretArn: arn:aws:secretsmanager:eu-west-2:123456789012:secret:s${s}`,
          '    database: bench',
        ].join('\n'),
      ),
      'contacts:\n  lead: {name: Lead, audience: data-lead}',
    ].join('\n'),
  };
  for (let d = 0; d < datasets; d++) {
    files[`d${d}.yml`] = [
      `dataset: d${d}`,
      `title: Dataset ${d}`,
      `source: s${d % sources}`,
      `table: bench.t${d}`,
      'owner: lead',
      'checks:',
      '  - freshness: {column: updated_at, warnAfter: 1d}',
      '  - rowCount: {failBelow: 1}',
    ].join('\n');
  }
  return writeTree(files);
}

(async () => {
  process.stderr.write(`Building ${datasets} tables in ${values.backend}…\n`);
  const backend = await openBackend(values.backend);
  await backend.query('DROP SCHEMA IF EXISTS bench CASCADE');
  await backend.query('CREATE SCHEMA bench');
  // The monitor's role as docs/sources.md sets it up: with its own statement timeout, a PostgreSQL source
  // costs one call per statement. (On a server backend, give the bench's role one too.)
  if (values.backend.startsWith('pglite:')) {
    await backend.query("ALTER ROLE CURRENT_USER SET statement_timeout = '30s'");
  }
  for (let d = 0; d < datasets; d++) {
    await backend.query(`CREATE TABLE bench.t${d} (id int, updated_at timestamptz)`);
    await backend.query(
      `INSERT INTO bench.t${d} SELECT g, now() - g * interval '1 minute' FROM generate_series(1, 100) g`,
    );
  }
  const api = await startDataApi(backend, { faults: { latencyMs: Number(values.latency) } });
  const dir = checksTree();

  const runner = join(__dirname, '..', '..', 'bin', 'run-ts.js');
  // Asynchronously: this process serves the Data API the runner calls.
  process.stderr.write(`Data ready; running both strategies against ${api.url}…\n`);
  const { stdout: output } = await promisify(execFile)(
    process.execPath,
    [runner, join(__dirname, 'runner.ts'), dir, api.url, values.threads],
    { encoding: 'utf8', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
  );
  const m = JSON.parse(output.trim().split('\n').pop() as string);
  const totalCalls = api.calls;
  // Every per-table run makes one call per dataset; the rest were Stalewatch's.
  const stalewatchCalls = totalCalls - datasets * String(values.threads).split(',').length;
  await api.stop();
  await backend.query('DROP SCHEMA bench CASCADE');
  await backend.close();

  const row = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const perTableCalls = (totalCalls - stalewatchCalls) / m.perTable.length;
  process.stdout.write(
    [
      `Stalewatch bench: ${m.checks} checks (${datasets} datasets × 2) over ${sources} sources, ` +
        `${values.latency} ms per Data API call, backend ${values.backend}`,
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      '',
      row(['strategy', 'checks', 'sources', 'round trips', 'wall time', 'peak RSS', 'ratio']),
      row(['---', '---', '---', '---', '---', '---', '---']),
      row([
        'stalewatch (one statement per source)',
        m.checks,
        sources,
        stalewatchCalls,
        secs(m.stalewatchMs),
        `${m.stalewatchRss} MB`,
        '1×',
      ]),
      ...m.perTable.map((p: { threads: number; ms: number }) =>
        row([
          `one query per table (dbt-style, ${p.threads} thread${p.threads === 1 ? '' : 's'})`,
          m.checks,
          sources,
          perTableCalls,
          secs(p.ms),
          `${m.bothRss} MB`,
          `${(p.ms / m.stalewatchMs).toFixed(1)}×`,
        ]),
      ),
      '',
      `Peak RSS of the per-table rows is the measuring process's after all runs. Config load of ${m.checks} checks: ` +
        `${m.loadMs.toFixed(0)} ms. Checks that errored: ${m.errors}.`,
      '',
    ].join('\n'),
  );
})();
