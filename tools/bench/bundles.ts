// The second half of `npm run bench`: packages the service (`sls package`), then for each function
// reports its minified bundle size and its module init time (loading the bundle and everything it
// requires, the AWS SDK included, in a fresh process: what Lambda's init phase does), median of 7.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const OUT = join(ROOT, '.stalewatch', 'bench-bundles');
const RUNS = 7;

const env = {
  ...process.env,
  AWS_REGION: 'eu-west-2',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  STALEWATCH_STATE_TABLE: 'bench',
  STALEWATCH_EVENT_BUS: 'bench',
  STALEWATCH_RUN_SOURCE_FUNCTION: 'bench',
};

process.stderr.write('Packaging with sls package…\n');
execFileSync(
  process.execPath,
  [join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'), 'package', '--stage', 'bench'],
  {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);

const rows: string[] = [];
for (const zip of readdirSync(join(ROOT, '.serverless')).filter((f) => f.endsWith('.zip'))) {
  const name = zip.replace(/\.zip$/, '');
  // Unpacked inside the project, so the bundle's external requires (the AWS SDK) resolve as in Lambda.
  const dir = join(OUT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('unzip', ['-q', join(ROOT, '.serverless', zip), '-d', dir]);
  const bundle = join(
    dir,
    'functions',
    readdirSync(join(dir, 'functions')).find((f) => f.endsWith('.js')) ?? '',
  );
  const probe = `const t=performance.now();require(${JSON.stringify(bundle)});process.stdout.write(String(performance.now()-t))`;
  const times = Array.from({ length: RUNS }, () =>
    Number(execFileSync(process.execPath, ['-e', probe], { env, cwd: dir }).toString()),
  );
  const median = times.sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? 0;
  rows.push(
    `| ${name} | ${Math.round(statSync(bundle).size / 1024)} KB | ${Math.round(statSync(join(ROOT, '.serverless', zip)).size / 1024)} KB | ${median.toFixed(0)} ms |`,
  );
}
rmSync(OUT, { recursive: true, force: true });
process.stdout.write(
  [
    `Function bundles (minified, AWS SDK from the runtime), module init median of ${RUNS}, Node ${process.version}`,
    '',
    '| function | bundle | zip | module init |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n'),
);
