/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // `import()` stays native (jest runs with --experimental-vm-modules): puppeteer-core is ESM only.
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { target: 'es2022' }, module: { type: 'commonjs', ignoreDynamic: true } },
    ],
  },
  // PGlite takes seconds to boot on a 2-core machine; each suite shares one instance.
  testTimeout: 60_000,
};
