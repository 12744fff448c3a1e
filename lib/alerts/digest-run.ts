import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import type { CheckState } from '../state/types';
import { digestEntries, digestOf } from './digest';
import { countdown, deliverAll, type NotifyOutcome, type NotifyPorts, type TimeLeft } from './notify';

/**
 * The weekday digest: one message per contact listing every dataset of theirs that is stale, oldest
 * first; nothing for a contact with nothing stale. Keyed by the local date, so a retried run of the
 * same day's digest sends nothing twice.
 */
export async function runDigest(
  ports: NotifyPorts & { staleStates: () => Promise<CheckState[]> },
  timeLeft: TimeLeft = countdown(120_000),
): Promise<NotifyOutcome> {
  const config = ports.config();
  const now = ports.clock();
  const zone = config.settings.timezone;
  const entries = digestEntries(config, await ports.staleStates());
  const key = `digest:${format(new TZDate(now, zone), 'yyyy-MM-dd')}`;
  const messages = Object.values(config.settings.contacts).flatMap((contact) => {
    const alert = digestOf(contact, entries, zone, now, key);
    return alert ? [{ contact, alert }] : [];
  });
  return deliverAll(messages, ports, timeLeft);
}
