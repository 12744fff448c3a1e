// `npm run data-api -- [--backend URL] [--port N] [--resuming N] [--latency MS] [--session-time-zone TZ]`:
// a local RDS Data API over a real database, for trying the production path on a laptop:
//   AWS_ENDPOINT_URL_RDS_DATA=http://127.0.0.1:8181 npx stalewatch run
import { parseArgs } from 'node:util';
import { openBackend } from './backends';
import { startDataApi } from './server';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'pglite:' },
    port: { type: 'string', default: '8181' },
    resuming: { type: 'string', default: '0' },
    latency: { type: 'string', default: '0' },
    // As an Aurora parameter group may set it (`-05:00`): Stalewatch's reading must not depend on it.
    'session-time-zone': { type: 'string' },
  },
});

(async () => {
  const backend = await openBackend(values.backend, { sessionTimeZone: values['session-time-zone'] });
  const api = await startDataApi(backend, {
    port: Number(values.port),
    faults: { resumingCalls: Number(values.resuming), latencyMs: Number(values.latency) },
  });
  process.stdout.write(
    `Local RDS Data API on ${api.url} over ${values.backend.replace(/:[^:@/]*@/, ':***@')} (${backend.engine}).\n` +
      `Point the SDK at it: export AWS_ENDPOINT_URL_RDS_DATA=${api.url}\nCtrl-C stops it.\n`,
  );
  process.on('SIGINT', () => {
    api
      .stop()
      .then(() => backend.close())
      .finally(() => process.exit(0));
  });
})();
