// runSource end to end, as Lambda runs it: the packaged bundle (`sls package`), unpacked outside the
// project with only the runtime's AWS SDK beside it, started in a fresh process per invocation (a cold
// start), against the local Data API and dynalite behind a proxy that adds 5 ms to every DynamoDB
// request (about DynamoDB's own latency from Lambda). One source of N checks; state included: the
// first invocation creates every state; then each measured day has its first run (every state and a
// history item written) and a later run (only changes written). Reports wall time of the handler call
// and the process's peak RSS (VmHWM), min / median.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STATE_TABLE_KEYS } from '../../lib/adapters/aws/table';
import { compileConfig } from '../../lib/config/compiled';
import { loadConfig } from '../../lib/config/load';
import { forEachConcurrently } from '../../lib/core/util/concurrently';
import { openBackend } from '../data-api/backends';
import { startDataApi } from '../data-api/server';
import { writeTree } from '../samples/tree';
import { startEventRecorder } from '../stand-ins/event-recorder';
import {
  type BenchOptions,
  judge,
  machine,
  megabytes,
  progress,
  scratchPostgres,
  seconds,
  spread,
  table,
} from './util';

const ROOT = join(__dirname, '..', '..');

/** An HTTP proxy that waits `delayMs` before passing each request on to `target`. */
async function delayProxy(target: string, delayMs: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const to = new URL(target);
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (c: Buffer) => chunks.push(c));
    incoming.on('end', () =>
      setTimeout(() => {
        const forward = request(
          {
            host: to.hostname,
            port: to.port,
            path: incoming.url,
            method: incoming.method,
            headers: incoming.headers,
            agent,
          },
          (answer) => {
            outgoing.writeHead(answer.statusCode ?? 500, answer.headers);
            answer.pipe(outgoing);
          },
        );
        forward.on('error', () => outgoing.destroy());
        forward.end(Buffer.concat(chunks));
      }, delayMs),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}

/**
 * dynalite in a process of its own, so that the stand-in's CPU is not the measured function's, nor the
 * Data API's: on one process it serves a few hundred requests a second, which is dynalite's limit, not
 * DynamoDB's.
 */
async function dynaliteProcess() {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'dynalite', 'cli.js'),
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--createTableMs',
      '0',
    ],
    { stdio: 'ignore' },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  for (let tries = 0; ; tries++) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: 'bench-state',
          BillingMode: 'PAY_PER_REQUEST',
          ...STATE_TABLE_KEYS,
        }),
      );
      break;
    } catch (error) {
      if (tries > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { endpoint, stop: () => child.kill() };
}

/** The functions' `NODE_OPTIONS` as serverless.yml sets them: the bench runs with the same. */
function deployedNodeOptions(): string {
  const yml = readFileSync(join(ROOT, 'serverless.yml'), 'utf8');
  const options = /^\s+NODE_OPTIONS:\s*(.+)$/m.exec(yml)?.[1]?.trim();
  if (!options) throw new Error('serverless.yml sets no NODE_OPTIONS: the bench cannot run as deployed');
  return options;
}

/** The runSource function as Lambda has it: its zip unpacked outside the project. */
function unpackRunSource(): { bundle: string; nodePath: string } {
  const dir = mkdtempSync(join(tmpdir(), 'stalewatch-bench-runSource-'));
  execFileSync('unzip', ['-q', join(ROOT, '.serverless', 'runSource.zip'), '-d', dir]);
  const modules = join(mkdtempSync(join(tmpdir(), 'stalewatch-bench-runtime-')), 'node_modules');
  mkdirSync(modules);
  for (const scope of ['@aws-sdk', '@smithy'])
    symlinkSync(join(ROOT, 'node_modules', scope), join(modules, scope));
  return { bundle: join(dir, 'functions', 'run-source.js'), nodePath: modules };
}

/**
 * N checks over `sources` sources (s0, s1, …): N/2 datasets, a freshness and a row count each, over up
 * to 100 tables, the datasets dealt to the sources in turn.
 */
function checksTree(checks: number, tables: number, sources = 1): string {
  const files: Record<string, string> = {
    'stalewatch.yml': [
      'sources:',
      ...Array.from({ length: sources }, (_, s) => [
        `  s${s}:`,
        '    engine: postgres',
        `    resourceArn: arn:aws:rds:eu-west-2:123456789012:cluster:s${s}`,
        `    secretArn: arn:aws:secretsmanager:eu-west-2:123456789012:secret:s${s}`,
        '    database: bench',
      ]).flat(),
      'contacts:\n  lead: {name: Lead, audience: data-lead}',
    ].join('\n'),
  };
  for (let d = 0; d < checks / 2; d++) {
    files[`d${d}.yml`] = [
      `dataset: d${d}`,
      `title: Dataset ${d}`,
      `source: s${d % sources}`,
      `table: bench.t${d % tables}`,
      'owner: lead',
      'impact: Reports are out of date.',
      'action: Re-run the load.',
      'checks:',
      // Half the datasets stale, so that a run has transitions and events to record. The rows are a month
      // old, older than any run's time (a bench run's days are in the past).
      `  - freshness: {column: updated_at, warnAfter: ${d % 2 === 0 ? '90d' : '1m'}}`,
      '  - rowCount: {failBelow: 1}',
    ].join('\n');
  }
  return writeTree(files);
}

/** One cold invocation of the bundle's handler in a fresh process: its wall time and peak RSS. */
function invoke(
  bundle: string,
  payload: unknown,
  env: Record<string, string>,
  checks: number,
): Promise<{ ms: number; rssMb: number }> {
  const script = `const fs=require('fs');const h=require(${JSON.stringify(bundle)}).handler;const t=performance.now();
h(${JSON.stringify(payload)},{getRemainingTimeInMillis:()=>300000,functionName:'bench'}).then((a)=>{
const ms=performance.now()-t;const kb=/VmHWM:\\s+(\\d+) kB/.exec(fs.readFileSync('/proc/self/status','utf8'))[1];
const errors=a.results.filter((r)=>r.status==='error').length;
process.stdout.write(JSON.stringify({ms,rssMb:Number(kb)/1024,errors,results:a.results.length}))},(e)=>{process.stderr.write(String(e&&e.stack||e));process.exit(1)});`;
  return new Promise((resolve, reject) => {
    // STALEWATCH_BENCH_NODE_OPTIONS: flags for the measured process, e.g. `--cpu-prof --cpu-prof-dir=…`
    // to see where a run's time goes (not for the figures: a profiler slows the run).
    const flags = process.env.STALEWATCH_BENCH_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [];
    const child = spawn(process.execPath, [...flags, '-e', script], { env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d;
    });
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`runSource failed (${code}):\n${err.slice(-2000)}`));
      // The last line: a flag such as --trace-gc (STALEWATCH_BENCH_NODE_OPTIONS) may print before it.
      const answer = JSON.parse(out.trim().split('\n').at(-1) ?? '') as {
        ms: number;
        rssMb: number;
        errors: number;
        results: number;
      };
      // A run that answered fewer checks than it has would be fast for the wrong reason.
      if (answer.results !== checks)
        return reject(
          new Error(`runSource answered ${answer.results} of ${checks} checks:\n${err.slice(-2000)}`),
        );
      if (answer.errors > 0)
        return reject(new Error(`${answer.errors} checks errored:\n${err.slice(-2000)}`));
      resolve(answer);
    });
  });
}

/** 20,000 checks over 50 sources (400 each), as issue 10's target has it; fewer with `--quick`. */
const MANY = { checks: 20_000, sources: 50, quick: { checks: 2_000, sources: 10 } };

/** How many sources' runs the bench starts at once: Lambda runs every one at once, each on its own. */
const SOURCES_AT_ONCE = 4;

/** The source's tables: 100 of 100 rows, a month old. */
const TABLES = 100;

/**
 * Runs the section and returns its Markdown: for each size, one first run (creates the states) and
 * `options.runs` measured runs; then one tick of many sources. The source's tables are in a scratch
 * PostgreSQL database whose scratch role carries the monitor's statement timeout (so a run is one Data
 * API call, as in production), served through the local Data API; both are dropped at the end. Needs
 * `sls package`'s runSource.zip.
 */
export async function benchRunSource(options: BenchOptions): Promise<string> {
  const sizes = options.quick ? [100, 1_000] : [100, 1_000, 5_000];
  const scratch = await scratchPostgres(options.postgres);
  const backend = await openBackend(scratch.url);
  try {
    await backend.query('CREATE SCHEMA bench');
    for (let t = 0; t < TABLES; t++) {
      await backend.query(`CREATE TABLE bench.t${t} (id int, updated_at timestamptz)`);
      await backend.query(
        `INSERT INTO bench.t${t} SELECT g, now() - interval '30 days' - g * interval '1 hour' FROM generate_series(1, 100) g`,
      );
    }
    const api = await startDataApi(backend, { faults: { latencyMs: 30 } });
    try {
      const bundle = unpackRunSource();
      const one = await measureOneSource(bundle, api.url, sizes, options.runs);
      const many = await measureManySources(bundle, api.url, options.quick ? MANY.quick : MANY);
      return `${one}\n\n${many}`;
    } finally {
      await api.stop();
    }
  } finally {
    await backend.close();
    await scratch.drop();
  }
}

type Bundle = ReturnType<typeof unpackRunSource>;

/**
 * Calls `work` with the environment of a runSource process over the checks in `dir`: the compiled
 * config, a fresh dynalite behind 5 ms a request, an event bus stand-in, the Data API at `dataApi`.
 * Everything is stopped afterwards, also when a run fails.
 */
async function withStack<T>(
  dir: string,
  bundle: Bundle,
  dataApi: string,
  work: (env: Record<string, string>) => Promise<T>,
): Promise<T> {
  const config = await loadConfig({ dir, env: {} });
  const configFile = join(mkdtempSync(join(tmpdir(), 'stalewatch-bench-config-')), 'compiled.json');
  writeFileSync(configFile, compileConfig(config, [new Date().getUTCFullYear()]));
  const dynamo = await dynaliteProcess();
  const proxy = await delayProxy(dynamo.endpoint, 5);
  const bus = await startEventRecorder();
  try {
    return await work({
      PATH: process.env.PATH ?? '',
      NODE_PATH: bundle.nodePath,
      AWS_REGION: 'eu-west-2',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_ENDPOINT_URL_RDS_DATA: dataApi,
      AWS_ENDPOINT_URL_DYNAMODB: proxy.url,
      AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
      STALEWATCH_STATE_TABLE: 'bench-state',
      STALEWATCH_EVENT_BUS: 'bench',
      STALEWATCH_CONFIG_FILE: configFile,
      POWERTOOLS_LOG_LEVEL: 'CRITICAL',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // As serverless.yml deploys the functions: source maps loaded, the heap capped.
      NODE_OPTIONS: deployedNodeOptions(),
    });
  } finally {
    await Promise.all([proxy.stop(), bus.stop()]);
    dynamo.stop();
  }
}

const DAY = 86_400_000;

/** One source of each size: a first run creates every state, then `runs` days of two runs each. */
async function measureOneSource(
  bundle: Bundle,
  dataApi: string,
  sizes: readonly number[],
  runs: number,
): Promise<string> {
  const rows: string[][] = [];
  for (const size of sizes) {
    progress(`runSource: ${size} checks…`);
    rows.push(
      await withStack(checksTree(size, TABLES), bundle, dataApi, async (env) => {
        // Run 0 creates every state. Then each measured day has two runs: its first, which writes every
        // check's state and a history item (the day's mark, docs/operations.md "What a run writes") and
        // reminds of the stale ones, and a later one that day, which writes only what changed: here
        // nothing. The first is the heavier, and it happens every day, so the targets are judged on it.
        const start = Date.now() - (runs + 1) * DAY;
        const payload = (at: number, name: string) => ({
          source: 's0',
          runId: `bench-${size}-${name}`,
          now: new Date(at).toISOString(),
        });
        await invoke(bundle.bundle, payload(start, 'create'), env, size);
        const first = { ms: [] as number[], rss: [] as number[] };
        const later = { ms: [] as number[], rss: [] as number[] };
        for (let i = 1; i <= runs; i++) {
          for (const [into, at, name] of [
            [first, start + i * DAY, `day${i}`],
            [later, start + i * DAY + 15 * 60_000, `day${i}-later`],
          ] as const) {
            const { ms, rssMb } = await invoke(bundle.bundle, payload(at, name), env, size);
            into.ms.push(ms);
            into.rss.push(rssMb);
          }
        }
        const wall = spread(first.ms).median;
        const peak = Math.max(...first.rss, ...later.rss);
        if (size === 5_000) {
          judge(
            "runSource, 5,000 checks in one source: under 10 s (a day's first run)",
            seconds(first.ms),
            wall < 10_000,
          );
          judge(
            "runSource, 5,000 checks: peak RSS under 128 MB (a day's first run, the heavier)",
            megabytes(first.rss),
            peak < 128,
          );
        }
        if (size === 1_000)
          judge("runSource, 1,000 checks: under 2 s (a day's first run)", seconds(first.ms), wall < 2_000);
        return [
          size.toLocaleString('en-GB'),
          seconds(first.ms),
          megabytes(first.rss),
          seconds(later.ms),
          megabytes(later.rss),
        ];
      }),
    );
  }
  return [
    `### runSource end to end (generated by \`tools/bench/run-source.ts\`, ${new Date().toISOString().slice(0, 10)})`,
    '',
    `Machine: ${machine()}. The packaged runSource bundle in a fresh process per invocation; one source;`,
    'the local Data API (30 ms a call) over PostgreSQL (a scratch database); dynalite in its own process',
    'behind 5 ms per request; state included. A first run creates every state; then, on each of',
    `${runs} days, the day's first run (every state written, a history item each, reminders of the stale`,
    'half) and a later run that day (only what changed is written: here nothing). Min / median of',
    `${runs} runs each; \`NODE_OPTIONS=${deployedNodeOptions()}\`, as serverless.yml deploys the functions.`,
    '',
    table(
      [
        'checks in one source',
        "a day's first run: wall",
        'its peak RSS',
        'a later run: wall',
        'its peak RSS',
      ],
      rows,
    ),
  ].join('\n');
}

/**
 * One tick of many sources, as dispatch starts it: every source's runSource of the same run, here
 * `SOURCES_AT_ONCE` at a time against one dynalite and one Data API (in Lambda each has its own
 * container, and DynamoDB serves them all at once: this is the harder case). A first tick creates
 * every state; the measured tick is a day's first run. Each invocation's wall and peak RSS, slowest and
 * median, and the tick's whole wall.
 */
async function measureManySources(
  bundle: Bundle,
  dataApi: string,
  many: { checks: number; sources: number },
): Promise<string> {
  const perSource = many.checks / many.sources;
  const label = `${many.checks.toLocaleString('en-GB')} checks over ${many.sources} sources`;
  progress(`runSource: ${label}…`);
  const row = await withStack(checksTree(many.checks, TABLES, many.sources), bundle, dataApi, async (env) => {
    const sources = Array.from({ length: many.sources }, (_, s) => `s${s}`);
    const tick = async (at: number, name: string) => {
      const ms: number[] = [];
      const rss: number[] = [];
      const started = performance.now();
      await forEachConcurrently(sources, SOURCES_AT_ONCE, async (source) => {
        const payload = { source, runId: `bench-many-${name}`, now: new Date(at).toISOString() };
        const answer = await invoke(bundle.bundle, payload, env, perSource);
        ms.push(answer.ms);
        rss.push(answer.rssMb);
      });
      return { ms, rss, tickMs: performance.now() - started };
    };
    const start = Date.now() - 2 * DAY;
    await tick(start, 'create');
    const first = await tick(start + DAY, 'day1');
    const slowest = Math.max(...first.ms);
    if (many.checks === MANY.checks)
      judge(
        `runSource, ${label}: every source's run well inside its 300 s timeout (under 60 s)`,
        `slowest ${(slowest / 1000).toFixed(2)} s`,
        slowest < 60_000,
      );
    return [
      label,
      `${(slowest / 1000).toFixed(2)} s`,
      `${(spread(first.ms).median / 1000).toFixed(2)} s`,
      `${Math.round(Math.max(...first.rss))} MB`,
      `${(first.tickMs / 1000).toFixed(1)} s`,
    ];
  });
  return [
    `### Many sources in one tick (generated by \`tools/bench/run-source.ts\`, ${new Date().toISOString().slice(0, 10)})`,
    '',
    `${label}: ${perSource} checks each, every source's runSource of one tick (a day's first run, after a`,
    `tick that created the states), ${SOURCES_AT_ONCE} processes at a time on this machine, against one`,
    "dynalite (5 ms a request) and one Data API (30 ms a call). runSource's timeout is 300 s.",
    '',
    table(['checks', "slowest source's run", 'median', 'highest peak RSS', 'the whole tick'], [row]),
  ].join('\n');
}
