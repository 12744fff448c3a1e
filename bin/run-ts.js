#!/usr/bin/env node
// Runs a TypeScript script of this repository: `node bin/run-ts.js scripts/write-schema.ts`.
require('tsx/cjs');
require(require('node:path').resolve(process.argv[2]));
