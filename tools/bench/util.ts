// Shared by the bench scripts: figures over several runs, and Markdown tables.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/** min and median of several runs of one figure: the minimum is the least noisy, the median typical. */
export function spread(values: readonly number[]): { min: number; median: number; runs: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    min: sorted[0] ?? Number.NaN,
    median: sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN,
    runs: sorted.length,
  };
}

/** `0.31 s / 0.35 s`: min / median of milliseconds, in seconds. */
export const seconds = (values: readonly number[]) => {
  const { min, median } = spread(values);
  const s = (ms: number) => (ms >= 10_000 ? (ms / 1000).toFixed(1) : (ms / 1000).toFixed(2));
  return `${s(min)} / ${s(median)} s`;
};

/** `12.3 / 15.1 ms`: min / median of milliseconds. */
export const millis = (values: readonly number[]) => {
  const { min, median } = spread(values);
  const m = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
  return `${m(min)} / ${m(median)} ms`;
};

/** `98 / 101 MB`: min / median of MB. */
export const megabytes = (values: readonly number[]) => {
  const { min, median } = spread(values);
  return `${Math.round(min)} / ${Math.round(median)} MB`;
};

/** A Markdown table. */
export function table(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const line = (cells: ReadonlyArray<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The machine the figures were measured on. */
export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** Progress on stderr, so that stdout stays the figures. */
export const progress = (text: string) => process.stderr.write(`${text}\n`);

/** Runs `fn` `runs` times, one after another, and gives each run's wall time in milliseconds. */
export async function timed(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return times;
}

/** A name no other run, test or helper shares: for scratch databases and roles, which are dropped. */
export const scratchName = (what: string) =>
  `stalewatch_bench_${what}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

/**
 * Writes `text` into docs/performance.md between the markers of `section`, so that the figures there
 * are the bench's own output, never typed by hand. A section the file does not have yet is appended.
 */
export function writeSection(section: string, text: string): void {
  const file = join(__dirname, '..', '..', 'docs', 'performance.md');
  const start = `<!-- bench:${section} -->`;
  const end = `<!-- /bench:${section} -->`;
  const doc = readFileSync(file, 'utf8');
  const block = `${start}\n${text.trim()}\n${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  writeFileSync(
    file,
    i >= 0 && j > i ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${block}\n`,
  );
  // The project's formatter aligns Markdown tables; `npm run lint` then finds the file as Biome writes it.
  const biome = join(__dirname, '..', '..', 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
  execFileSync(process.execPath, [biome, 'format', '--write', file], { stdio: 'ignore' });
}

/** A server the bench needs did not answer: says what to start or set (the host only, never a password). */
export class BenchServerError extends Error {
  override readonly name = 'BenchServerError';
}

/**
 * A PostgreSQL database and a login role of its own on the server `adminUrl` reaches, both uniquely
 * named and dropped by `drop()`. The role has the monitor's statement timeout (docs/sources.md), so a
 * PostgreSQL source costs one Data API call per statement, as in production, and nothing is set on a
 * role or database anyone else uses: a bench once left `statement_timeout` on the `postgres` role.
 */
export async function scratchPostgres(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const { Client } = await import('pg');
  const name = scratchName('pg');
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect().catch((error: unknown) => {
    throw new BenchServerError(
      `The bench needs a PostgreSQL server on which it may create a role and a database; none answered at ` +
        `${new URL(adminUrl).host} (${(error as Error).message}). Start one, or set STALEWATCH_BENCH_POSTGRES_URL ` +
        'to one; the bundles and startup sections need none (npm run bench -- --only bundles,startup).',
      { cause: error },
    );
  });
  try {
    await admin.query(`CREATE ROLE ${name} LOGIN`);
    await admin.query(`ALTER ROLE ${name} SET statement_timeout = '30s'`);
    await admin.query(`CREATE DATABASE ${name} OWNER ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.username = name;
  url.password = '';
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const again = new Client({ connectionString: adminUrl });
      await again.connect();
      try {
        await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await again.query(`DROP ROLE IF EXISTS ${name}`);
      } finally {
        await again.end();
      }
    },
  };
}

/** The bench's options, shared by its sections: `--quick` trades precision for a run of a few minutes. */
export interface BenchOptions {
  readonly quick: boolean;
  /** Runs per figure (min / median of these). */
  readonly runs: number;
  /** Rows of the database section's table (`--rows`; 1,000,000, or 100,000 with `--quick`). */
  readonly rows: number;
  /** A PostgreSQL server the bench may create (and drop) scratch databases and roles on. */
  readonly postgres: string;
  /** A MySQL or MariaDB server the bench may create (and drop) scratch databases on. */
  readonly mysql: string;
}

/** One of issue 10's targets, judged on this run's figures (the targets section of docs/performance.md). */
export interface Verdict {
  readonly target: string;
  readonly result: string;
  readonly met: boolean;
}

/** The verdicts the sections of this run reached, in order. */
export const verdicts: Verdict[] = [];

/** Records a target's verdict from this run's figures. */
export const judge = (target: string, result: string, met: boolean) => verdicts.push({ target, result, met });
