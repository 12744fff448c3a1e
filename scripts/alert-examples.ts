// Prints every kind of message for each audience, as the plain-text email renders it: the examples in
// docs/alerts.md (`node bin/run-ts.js scripts/alert-examples.ts`).

import type { CheckEventDetail, DetailType } from '../lib/core/events/types';
import { alertOf } from '../lib/core/messages/build';
import { digestOf } from '../lib/core/messages/digest';
import { toEmail } from '../lib/core/messages/email';
import type { Contact } from '../lib/core/model/config';
import { sampleContacts, sampleDetail } from '../tools/samples/events';

const contacts = sampleContacts();
const settings = {
  timezone: 'Europe/London',
  contacts,
  notify: { errorsTo: 'platform', remindEvery: '24h', digest: '0 8 * * 1-5', quietHours: null },
};
const now = new Date('2026-11-23T10:00:00Z');
const base = sampleDetail({ subscribers: [] });
const cases: Array<[string, DetailType, Partial<CheckEventDetail>, string]> = [
  ['Dataset Stale, to the data lead', 'Dataset Stale', {}, 'placements-lead'],
  ['Dataset Stale, to the platform team (its owner here)', 'Dataset Stale', {}, 'platform'],
  ['Dataset Still Stale', 'Dataset Still Stale', {}, 'placements-lead'],
  [
    'Dataset Recovered',
    'Dataset Recovered',
    {
      status: 'pass',
      previousStatus: 'fail',
      lastUpdatedAt: '2026-11-23T09:40:00.000Z',
      staleForSeconds: 2 * 86400 + 3 * 3600,
      breaches: [],
    },
    'placements-lead',
  ],
  [
    'Check Error, to the platform team',
    'Check Error',
    { status: 'error', error: 'relation "public.placement" does not exist', breaches: [] },
    'platform',
  ],
  [
    'Check Recovered',
    'Check Recovered',
    { status: 'pass', previousStatus: 'error', breaches: [] },
    'platform',
  ],
];
for (const [title, type, overrides, to] of cases) {
  const alert = alertOf(type, { ...base, ...overrides }, contacts[to] as Contact, { settings, now });
  if (alert) process.stdout.write(`### ${title}\n\n\`\`\`\n${toEmail(alert).text}\`\`\`\n\n`);
}
const digest = digestOf(
  contacts['placements-lead'] as Contact,
  [
    {
      dataset: 'placements',
      title: 'Trainee placements',
      staleSince: '2026-11-23T07:00:00.000Z',
      lastUpdatedAt: '2026-11-20T02:10:00.000Z',
      owners: ['placements-lead'],
      subscribers: [],
    },
    {
      dataset: 'warehouse-export',
      title: 'Data warehouse export',
      staleSince: '2026-11-21T09:00:00.000Z',
      lastUpdatedAt: '2026-11-20T09:05:00.000Z',
      owners: ['placements-lead'],
      subscribers: [],
    },
  ],
  'Europe/London',
  now,
  'digest',
);
if (digest) process.stdout.write(`### The weekday digest\n\n\`\`\`\n${toEmail(digest).text}\`\`\`\n`);
