import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import type { CheckState } from '../state/types';
import { type DigestEntry, digestOf } from './digest';
import { deliverAll, type NotifyOutcome, type NotifyPorts } from './notify';

/** Each stale dataset once, with the earliest staleSince of its stale checks. */
export function entriesFromStates(
  config: ReturnType<NotifyPorts['config']>,
  states: readonly CheckState[],
): DigestEntry[] {
  const byDataset = new Map<string, DigestEntry>();
  for (const state of states) {
    const check = config.checks.find((c) => c.id === state.checkId);
    const dataset = check && config.datasets.find((d) => d.id === check.dataset);
    if (!check || !dataset) continue;
    const known = byDataset.get(dataset.id);
    if (known && (known.staleSince ?? '9999') <= (state.staleSince ?? '9999')) continue;
    byDataset.set(dataset.id, {
      dataset: dataset.id,
      title: dataset.title,
      staleSince: state.staleSince,
      lastUpdatedAt: state.lastUpdatedAt,
      owners: dataset.owners,
      subscribers: dataset.subscribers,
    });
  }
  return [...byDataset.values()];
}

/**
 * The weekday digest: one message per contact listing every dataset of theirs that is stale, oldest
 * first; nothing for a contact with nothing stale. Keyed by the local date, so a retried run of the
 * same day's digest sends nothing twice.
 */
export async function runDigest(
  ports: NotifyPorts & { staleStates: () => Promise<CheckState[]> },
): Promise<NotifyOutcome> {
  const config = ports.config();
  const now = ports.clock();
  const zone = config.settings.timezone;
  const entries = entriesFromStates(config, await ports.staleStates());
  const key = `digest:${format(new TZDate(now, zone), 'yyyy-MM-dd')}`;
  const messages = Object.values(config.settings.contacts).flatMap((contact) => {
    const alert = digestOf(contact, entries, zone, now, key);
    return alert ? [{ contact, alert }] : [];
  });
  return deliverAll(messages, ports);
}
