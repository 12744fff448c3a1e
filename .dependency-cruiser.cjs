// The one rule of docs/architecture.md, checked by `npm run lint` (dependency-cruiser):
// imports point inward. runtime → app → core; adapters implement app's ports; core imports nothing of
// the rest; nothing in lib/ or functions/ reaches into tests; no cycles.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'A cycle makes two modules one; split out what both need.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      comment: 'lib/core is the pure model and rules: it imports nothing of the other layers.',
      severity: 'error',
      from: { path: '^lib/core/' },
      to: { path: '^(lib/(config|app|adapters|runtime)|functions|tools|scripts|test)/' },
    },
    {
      name: 'config-above-core-only',
      comment: 'lib/config reads and checks the files; it builds on core and nothing else.',
      severity: 'error',
      from: { path: '^lib/config/' },
      to: { path: '^(lib/(app|adapters|runtime)|functions|tools|scripts|test)/' },
    },
    {
      name: 'app-uses-ports-not-adapters',
      comment: 'Use cases reach I/O only through lib/app/ports.ts; the runtime hands them adapters.',
      severity: 'error',
      from: { path: '^lib/app/' },
      to: { path: '^(lib/(adapters|runtime)|functions|tools|scripts|test)/' },
    },
    {
      name: 'adapters-implement-ports',
      comment: "Adapters implement app's ports: of lib/app they import ports.ts only, and never the runtime.",
      severity: 'error',
      from: { path: '^lib/adapters/' },
      to: {
        path: '^(lib/(app|runtime)|functions|tools|scripts|test)/',
        pathNot: '^lib/app/ports\\.ts$',
      },
    },
    {
      name: 'runtime-not-tests',
      comment:
        'The runtime composes everything, but never tests; of tools/ only the demo, loaded by `stalewatch demo` alone.',
      severity: 'error',
      from: { path: '^lib/runtime/' },
      to: { path: '^(functions|scripts|test|tools/(?!demo/))' },
    },
    {
      name: 'tools-not-tests',
      comment:
        'Development tools and scripts never import tests: what both need lives in tools/ (samples, stand-ins).',
      severity: 'error',
      from: { path: '^(tools|scripts)/' },
      to: { path: '^test/' },
    },
    {
      name: 'functions-are-thin',
      comment:
        'A Lambda file wraps a use case with its ports: it imports the runtime and app, nothing below.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^(lib/(core|config|adapters)|tools|scripts|test)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '^node_modules' },
  },
};
