#!/usr/bin/env node
// The `stalewatch` command: it runs dist/cli.js, compiled from lib/runtime/cli by tools/build-cli.js
// (on `npm ci`, `npm run build`, and before the tests); this file is the one place that touches the
// process.
// The AWS SDK warns on every run under Node 20 that its releases from 2027 need Node 22. The version
// we pin works on Node 20 (laptops); Lambda runs Node 22. Keep the report's stderr for what matters.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { randomUUID } = require('node:crypto');
let cli;
try {
  cli = require('../dist/cli.js');
} catch (error) {
  if (error?.code !== 'MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli.js')) throw error;
  process.stderr.write('stalewatch: the command is not built yet; run `npm run build` (npm ci does it)\n');
  process.exit(1);
}
const { main } = cli;

main(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  clock: () => new Date(),
  monotonic: () => performance.now(),
  newRunId: randomUUID,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    // main() answers every failure itself; this is for one in loading the code.
    process.stderr.write(
      `stalewatch: ${process.env.STALEWATCH_DEBUG === '1' && error?.stack ? error.stack : (error?.message ?? String(error))}\n`,
    );
    process.exitCode = 1;
  },
);
