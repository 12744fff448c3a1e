// esbuild plugins for serverless-esbuild (serverless.yml `custom.esbuild.plugins`).
//
// The database drivers go only into the functions that run checks. serverless/config.js leaves pg or
// mysql2 out of `exclude` when a source is `connection: direct`, so that runSource and check bundle them;
// this plugin keeps them out of every other function (dispatch, notify, digest), which never connect to
// a database and load the drivers' code only behind a require that they never reach.
const RUN_CHECKS = new Set(['functions/run-source.ts', 'functions/check.ts']);
const DRIVERS = /^(pg|pg-native|mysql2)(\/.*)?$/;

/** Whether this build's entry is a function that runs checks. */
function runsChecks(build) {
  const entries = build.initialOptions.entryPoints;
  const list = Array.isArray(entries) ? entries : Object.values(entries ?? {});
  return list.some((entry) => RUN_CHECKS.has(String(entry.in ?? entry).replaceAll('\\', '/')));
}

const driversOnlyWhereChecksRun = {
  name: 'stalewatch-drivers-only-where-checks-run',
  setup(build) {
    if (runsChecks(build)) return;
    build.onResolve({ filter: DRIVERS }, (args) => ({ path: args.path, external: true }));
  },
};

module.exports = [driversOnlyWhereChecksRun];
