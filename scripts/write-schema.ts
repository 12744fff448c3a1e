// `npm run schema`: writes the JSON Schemas that editors use to complete and check checks/*.yml,
// and those of the events' details (docs/events/).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemas } from '../lib/config/schema';
import { eventJsonSchemas } from '../lib/core/events/schema';

const dir = join(__dirname, '..', 'checks', 'schema');
for (const [file, schema] of Object.entries(jsonSchemas())) {
  writeFileSync(join(dir, file), `${JSON.stringify(schema, null, 2)}\n`);
  process.stdout.write(`wrote checks/schema/${file}\n`);
}

// And the JSON Schemas of the events' details, for consumers of the bus.
const events = join(__dirname, '..', 'docs', 'events');
mkdirSync(events, { recursive: true });
for (const [file, schema] of Object.entries(eventJsonSchemas())) {
  writeFileSync(join(events, file), `${JSON.stringify(schema, null, 2)}\n`);
  process.stdout.write(`wrote docs/events/${file}\n`);
}
