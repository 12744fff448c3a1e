// Compiles the `stalewatch` command into one file, dist/cli.js, which bin/stalewatch.js loads: the CLI
// starts from JavaScript, with no TypeScript compiler at run time. Runs on `npm ci` (`prepare`) and
// before the tests (jest's globalSetup), so the command tested is the code in the checkout.
// Packages stay outside the bundle and each command's module is initialised only when that command
// runs (the dynamic imports of lib/runtime/cli/main.ts), so `--help` loads no driver, SDK or PGlite.
const { join } = require('node:path');
const { buildSync } = require('esbuild');

const ROOT = join(__dirname, '..');

/** Writes dist/cli.js from lib/runtime/cli/main.ts. */
function buildCli() {
  buildSync({
    entryPoints: [join(ROOT, 'lib', 'runtime', 'cli', 'main.ts')],
    outfile: join(ROOT, 'dist', 'cli.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}

module.exports = buildCli;
if (require.main === module) buildCli();
