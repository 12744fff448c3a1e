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
  [
    'Dataset Stale, by age (warnAfter 26h, failAfter 50h)',
    'Dataset Stale',
    {
      lastUpdatedAt: '2026-11-21T04:00:00.000Z',
      staleSince: '2026-11-22T06:00:00.000Z',
      observed: { ageSeconds: 194_400 },
      breaches: [{ rule: 'failAfter', duration: '50h' }],
    },
    'placements-lead',
  ],
  [
    'Dataset Stale, no data',
    'Dataset Stale',
    { lastUpdatedAt: null, staleSince: null, observed: { ageSeconds: null }, breaches: [{ rule: 'noData' }] },
    'placements-lead',
  ],
  [
    'Dataset Stale, too few rows',
    'Dataset Stale',
    {
      kind: 'rowCount',
      lastUpdatedAt: null,
      staleSince: '2026-11-23T09:00:00.000Z',
      observed: { rowCount: 850, previousRowCount: 1_240 },
      breaches: [{ rule: 'failBelow', limit: 1_000 }],
    },
    'placements-lead',
  ],
  ['Dataset Still Stale', 'Dataset Still Stale', {}, 'placements-lead'],
  [
    'Dataset Recovered',
    'Dataset Recovered',
    {
      status: 'pass',
      previousStatus: 'fail',
      lastUpdatedAt: '2026-11-23T09:40:00.000Z',
      staleForSeconds: 3 * 3600,
      observed: { ageSeconds: 1200 },
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
  if (!alert) continue;
  const email = toEmail(alert);
  process.stdout.write(`### ${title}\n\n\`\`\`\nSubject: ${email.subject}\n\n${email.text}\`\`\`\n\n`);
}
const dataset = {
  owners: ['placements-lead'],
  subscribers: [],
  noData: false,
  recoveredAt: null,
  onTimeRate: { onTime: 27, recorded: 30, days: 30 },
};
const digest = digestOf(
  contacts['placements-lead'] as Contact,
  [
    {
      ...dataset,
      dataset: 'placements',
      title: 'Trainee placements',
      impact: 'Trainees and Local Office admins see out-of-date placement details.',
      action: 'Ask the platform team to re-run the nightly ESR sync.',
      state: 'stale' as const,
      staleSince: '2026-11-23T07:00:00.000Z',
      lastUpdatedAt: '2026-11-20T02:10:00.000Z',
    },
    {
      ...dataset,
      dataset: 'warehouse-export',
      title: 'Data warehouse export',
      impact: 'Monthly reports miss last week’s placements.',
      action: 'Ask the data team to restart the export.',
      state: 'stale' as const,
      staleSince: '2026-11-21T09:00:00.000Z',
      lastUpdatedAt: '2026-11-20T09:05:00.000Z',
      onIt: { by: 'Jane Smith', at: '2026-11-23T08:12:00.000Z' },
      onTimeRate: { onTime: 24, recorded: 30, days: 30 },
    },
    {
      ...dataset,
      dataset: 'programmes',
      title: 'Training programmes',
      impact: null,
      action: null,
      state: 'recovered' as const,
      staleSince: '2026-11-22T06:00:00.000Z',
      lastUpdatedAt: '2026-11-23T05:10:00.000Z',
      recoveredAt: '2026-11-23T05:15:00.000Z',
      onTimeRate: { onTime: 28, recorded: 29, days: 30 },
    },
  ],
  { zone: 'Europe/London', now, lastDigestAt: new Date('2026-11-20T08:00:00Z'), key: 'digest' },
);
if (digest) {
  const email = toEmail(digest);
  process.stdout.write(
    `### The weekday digest\n\n\`\`\`\nSubject: ${email.subject}\n\n${email.text}\`\`\`\n`,
  );
}
