// The third part of `npm run bench`: how long the `stalewatch` command takes to start, beside a bare
// `node -e 0` on the same machine, median of 9 fresh processes each. The CLI runs compiled
// (dist/cli.js, `npm run build`), and `--help` and `validate` load no driver, SDK client or PGlite.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'stalewatch.js');
const RUNS = 9;

/** Median wall time of `RUNS` runs of node with `args`, in milliseconds. */
function median(args: string[]): number {
  const times = Array.from({ length: RUNS }, () => {
    const start = performance.now();
    execFileSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
    return performance.now() - start;
  });
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? 0;
}

execFileSync(process.execPath, [join(ROOT, 'tools', 'build-cli.js')], { cwd: ROOT });
const base = median(['-e', '0']);
const rows = [
  ['node -e 0', base],
  ['stalewatch --help', median([BIN, '--help'])],
  ['stalewatch validate (the shipped checks)', median([BIN, 'validate', '--checks', join(ROOT, 'checks')])],
] as const;
process.stdout.write(
  [
    `CLI start-up, wall time median of ${RUNS} fresh processes, Node ${process.version}`,
    '',
    '| command | wall time | over node -e 0 |',
    '| --- | --- | --- |',
    ...rows.map(([name, ms]) => `| ${name} | ${ms.toFixed(0)} ms | ${(ms - base).toFixed(0)} ms |`),
    '',
  ].join('\n'),
);
