// `npm run schema`: writes the JSON Schemas that editors use to complete and check checks/*.yml.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemas } from '../lib/config/schema';

const dir = join(__dirname, '..', 'checks', 'schema');
for (const [file, schema] of Object.entries(jsonSchemas())) {
  writeFileSync(join(dir, file), `${JSON.stringify(schema, null, 2)}\n`);
  process.stdout.write(`wrote checks/schema/${file}\n`);
}
