#!/usr/bin/env node
// The `stalewatch` command. The TypeScript sources are compiled as they load (tsx), so the command
// always runs the code in the checkout; this file is the one place that touches the process.
require('tsx/cjs');
const { randomUUID } = require('node:crypto');
const { main } = require('../lib/cli/main.ts');

main(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  clock: () => new Date(),
  newRunId: randomUUID,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`stalewatch: ${error?.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);
