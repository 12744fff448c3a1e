import { type CheckEventDetail, type DetailType, RUN_COMPLETED } from '../events/types';
import type { Contact, Settings } from '../model/config';

/** Who hears of an event, and why. */
export interface Recipient {
  contact: Contact;
  role: 'owner' | 'subscriber' | 'errors';
}

/**
 * Dataset events go to the dataset's owners, and a copy to its subscribers; check errors (and their
 * recovery) go to `notify.errorsTo`, or, when no one is named there, to the owners.
 */
export function recipientsOf(
  detailType: DetailType,
  detail: Pick<CheckEventDetail, 'owners' | 'subscribers'>,
  settings: Pick<Settings, 'contacts' | 'notify'>,
): Recipient[] {
  const contact = (id: string) => settings.contacts[id];
  const named = (ids: readonly string[], role: Recipient['role']) =>
    ids.flatMap((id) => {
      const found = contact(id);
      return found ? [{ contact: found, role }] : [];
    });
  if (detailType === RUN_COMPLETED) return [];
  if (detailType === 'Check Error' || detailType === 'Check Recovered') {
    return settings.notify.errorsTo
      ? named([settings.notify.errorsTo], 'errors')
      : named(detail.owners, 'owner');
  }
  const owners = named(detail.owners, 'owner');
  const copies = named(
    detail.subscribers.filter((id) => !detail.owners.includes(id)),
    'subscriber',
  );
  return [...owners, ...copies];
}
