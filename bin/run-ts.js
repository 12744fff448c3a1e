#!/usr/bin/env node
// Runs a TypeScript script of this repository: `node bin/run-ts.js scripts/write-schema.ts [args…]`.
// The script sees its arguments as if run directly: process.argv[1] is the script.
require('tsx/cjs');
const script = require('node:path').resolve(process.argv[2]);
process.argv.splice(1, 2, script);
require(script);
