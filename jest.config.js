/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The CLI's tests run bin/stalewatch.js, which loads the compiled dist/cli.js: compile it first.
  globalSetup: '<rootDir>/tools/build-cli.js',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // PGlite takes seconds to boot on a 2-core machine; each suite shares one instance.
  testTimeout: 60_000,
};
