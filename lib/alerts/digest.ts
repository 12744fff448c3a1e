import type { Contact } from '../config/types';
import type { Alert } from './model';
import { moment } from './words';

/** One stale dataset in a contact's digest. */
export interface DigestEntry {
  dataset: string;
  title: string;
  staleSince: string | null;
  lastUpdatedAt: string | null;
  owners: string[];
  subscribers: string[];
}

/**
 * The weekday digest of one contact: every dataset of theirs (owned, or subscribed to) that is stale,
 * oldest first, each with since when. Null when nothing of theirs is stale: nothing is sent.
 */
export function digestOf(
  contact: Contact,
  entries: readonly DigestEntry[],
  zone: string,
  now: Date,
  key: string,
): Alert | null {
  const theirs = entries
    .filter((e) => e.owners.includes(contact.id) || e.subscribers.includes(contact.id))
    .sort(
      (a, b) =>
        (a.staleSince ?? '9999').localeCompare(b.staleSince ?? '9999') || a.title.localeCompare(b.title),
    );
  if (theirs.length === 0) return null;
  const n = theirs.length;
  return {
    kind: 'digest',
    audience: contact.audience,
    headline: `${n} dataset${n === 1 ? ' is' : 's are'} out of date`,
    tone: 'warning',
    facts: [],
    impact: null,
    action: null,
    forwardNote: null,
    technical: null,
    items: theirs.map((e) => {
      const since = moment(e.staleSince, zone, now);
      const updated = moment(e.lastUpdatedAt, zone, now);
      const line = [
        since ? `stale since ${since.text}` : 'stale',
        updated ? `last updated ${updated.text}` : 'no data',
      ].join('; ');
      return { title: e.title, line, staleSince: since };
    }),
    key,
  };
}
