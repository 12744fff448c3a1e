import { datasetSchema, jsonSchemas } from '../lib/config/schema';

console.log(JSON.stringify(jsonSchemas()['dataset.json']).slice(0, 3000));
const r = datasetSchema.safeParse({
  dataset: 'X y',
  title: 3,
  source: 'tis',
  table: 'a;b',
  owner: 'x',
  checks: [{ freshness: { column: 'c', warnAfter: '26 hours', wrnAfter: 1 } }, {}],
});
console.log(JSON.stringify(r.error?.issues, null, 1));
