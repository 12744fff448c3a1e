import { watchOf } from '../alarms/watch';
import type { Config, Contact } from '../model/config';
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
  /** A CloudWatch alarm in ALARM (no "last updated" to say). */
  alarm?: true;
}

/** What is known of one stale check: a run's result, or its stored state. */
export interface StaleCheck {
  checkId: string;
  staleSince: string | null;
  lastUpdatedAt: string | null;
}

/** Each dataset with a stale check, once, with the earliest staleSince of its stale checks. */
export function digestEntries(
  config: Pick<Config, 'checks' | 'datasets'> & Partial<Pick<Config, 'alarms'>>,
  stale: readonly StaleCheck[],
): DigestEntry[] {
  const byDataset = new Map<string, DigestEntry>();
  for (const check of stale) {
    // An alarm's state (lib/core/alarms/news.ts): listed under its file's title, once per alarm.
    const watch = check.checkId.startsWith('alarm/')
      ? watchOf(config.alarms ?? [], check.checkId.slice('alarm/'.length))
      : null;
    if (watch) {
      byDataset.set(check.checkId, {
        dataset: check.checkId,
        title: watch.title,
        staleSince: check.staleSince,
        lastUpdatedAt: null,
        owners: watch.owners,
        subscribers: watch.subscribers,
        alarm: true,
      });
      continue;
    }
    const datasetId = config.checks.find((c) => c.id === check.checkId)?.dataset;
    const dataset = config.datasets.find((d) => d.id === datasetId);
    if (!dataset) continue;
    const known = byDataset.get(dataset.id);
    if (known && (known.staleSince ?? '9999') <= (check.staleSince ?? '9999')) continue;
    byDataset.set(dataset.id, {
      dataset: dataset.id,
      title: dataset.title,
      staleSince: check.staleSince,
      lastUpdatedAt: check.lastUpdatedAt ?? known?.lastUpdatedAt ?? null,
      owners: dataset.owners,
      subscribers: dataset.subscribers,
    });
  }
  return [...byDataset.values()];
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
      const line = e.alarm
        ? `a problem since ${since?.text ?? 'its alarm went off'}`
        : [
            since ? `stale since ${since.text}` : 'stale',
            updated ? `last updated ${updated.text}` : 'no data',
          ].join('; ');
      return { title: e.title, line, staleSince: since };
    }),
    key,
  };
}
