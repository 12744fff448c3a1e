import type { CheckEventDetail } from '../../lib/core/events/types';
import type { Contact } from '../../lib/core/model/config';

/**
 * A `Dataset Stale` detail for Trainee placements at 10:00 on Monday 23 November 2026: last updated
 * Friday 02:10, missed its 07:00 weekday deadline. Overrides make the other cases.
 */
export function sampleDetail(overrides: Partial<CheckEventDetail> = {}): CheckEventDetail {
  return {
    eventId: 'evt-1',
    checkId: 'placements/nightly-sync',
    dataset: 'placements',
    title: 'Trainee placements',
    kind: 'freshness',
    source: 'tis',
    table: 'public.placement',
    owners: ['placements-lead'],
    subscribers: ['placements-product-lead'],
    status: 'fail',
    previousStatus: 'pass',
    lastUpdatedAt: '2026-11-20T02:10:00.000Z',
    staleSince: '2026-11-23T07:00:00.000Z',
    staleForSeconds: null,
    observed: { ageSeconds: 287400 },
    breaches: [{ rule: 'dueBy', deadline: '2026-11-23T07:00:00.000Z', cron: '0 7 * * 1-5' }],
    severity: 'fail',
    impact: 'Trainees and Local Office admins see out-of-date placement details.',
    action: 'Ask the platform team to re-run the nightly ESR sync.',
    message: '…',
    error: null,
    sql: `(SELECT to_json(max("last_modified")) #>> '{}' FROM "public"."placement")`,
    runId: 'r1',
    now: '2026-11-23T10:00:00.000Z',
    ...overrides,
  };
}

/** The contacts of the samples: a data lead, a product lead (subscriber) and the platform team. */
export function sampleContacts(): Record<string, Contact> {
  const contact = (id: string, name: string, audience: Contact['audience']): Contact => ({
    id,
    name,
    audience,
    slack: null,
    email: null,
  });
  return {
    'placements-lead': contact('placements-lead', 'Placements data lead', 'data-lead'),
    'placements-product-lead': contact('placements-product-lead', 'Placements product lead', 'product-lead'),
    platform: contact('platform', 'Platform team', 'platform'),
  };
}
