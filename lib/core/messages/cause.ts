/**
 * The words of one story per cause (docs/semantics.md "One story per cause"): a dependant's message
 * names its cause, a cause's message lists the datasets affected, and a follow-up tells a cause's people
 * what went stale after they were told. Times and plurals follow the rules in `wording.ts`.
 */

import { type Acknowledgement, whoIsOnIt } from '../loop/acknowledgement';
import type { DatasetNow, FollowUp } from '../loop/cause';
import type { Contact, Settings } from '../model/config';
import { formatLocal } from '../time/zone';
import type { Alert } from './model';
import { countOf } from './wording';
import { moment } from './words';

/** `a`, `a and b`, `a, b and c`. */
export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * What is wrong with a cause, as the end of "… because …": `Nightly ESR sync has not been updated since
 * Monday 23 November 02:10`, `Stalewatch has not been able to check Nightly ESR sync since …`.
 */
export function causeInWords(cause: DatasetNow, zone: string, now: Date): string {
  const at = (iso: string) => formatLocal(new Date(iso), zone, now);
  if (cause.condition === 'error')
    return cause.enteredAt
      ? `Stalewatch has not been able to check ${cause.title} since ${at(cause.enteredAt)}`
      : `Stalewatch cannot check ${cause.title}`;
  if (cause.lastUpdatedAt) return `${cause.title} has not been updated since ${at(cause.lastUpdatedAt)}`;
  return cause.since
    ? `${cause.title} has been out of date since ${at(cause.since)}`
    : `${cause.title} is out of date`;
}

const namesOf = (ids: readonly string[], contacts: Record<string, Contact>) =>
  listInWords(ids.map((id) => contacts[id]?.name ?? id));

/** What a dependant's message says of its cause: the headline's end, a fact, and what to do. */
export function dependantWords(
  cause: DatasetNow,
  title: string,
  settings: Pick<Settings, 'timezone' | 'contacts'> & { notify?: Pick<Settings['notify'], 'errorsTo'> },
  now: Date,
  causeSnoozedUntil: Date | null = null,
): { because: string; fact: Alert['facts'][number]; action: string } {
  const owners = namesOf(cause.owners, settings.contacts);
  // A check that cannot run is told to `notify.errorsTo` (when named), not to the cause's owners.
  const errorsTo = cause.condition === 'error' ? settings.notify?.errorsTo : undefined;
  const told = errorsTo ? [errorsTo] : cause.owners;
  return {
    because: ` because ${causeInWords(cause, settings.timezone, now)}`,
    fact: {
      label: 'Waiting on',
      value: `${cause.title} (${cause.owners.length === 1 ? 'owner' : 'owners'}: ${owners})`,
    },
    action: `Nothing to do for ${title} itself: it should be right again once ${cause.title} is. ${
      causeSnoozedUntil
        ? `Alerts about ${cause.title} are snoozed until ${formatLocal(causeSnoozedUntil, settings.timezone, now)}: ask ${owners} whether it is being fixed.`
        : `${namesOf(told, settings.contacts)} ${told.length === 1 ? 'has' : 'have'} been told.`
    }`,
  };
}

/** The fact a cause's message carries: the datasets out of date because of it. */
export function affectedFact(affected: readonly DatasetNow[]): Alert['facts'][number] {
  return {
    label: affected.length === 1 ? 'Also affected' : `Also affected (${affected.length})`,
    value: listInWords(affected.map((d) => d.title)),
  };
}

/**
 * The one follow-up a cause's people get for datasets that went stale in one run after they were told:
 * "2 more datasets are out of date because of Nightly ESR sync: Trainee placements and Rotations".
 */
export function followUpAlert(
  followUp: FollowUp,
  contact: Contact,
  ctx: {
    settings: Pick<Settings, 'timezone' | 'contacts'>;
    now: Date;
    acknowledgement?: Pick<Acknowledgement, 'by' | 'at'> | null;
  },
): Alert {
  const { cause, newlyAffected, affected } = followUp;
  const zone = ctx.settings.timezone;
  const n = newlyAffected.length;
  const facts: Alert['facts'] = [];
  const since = moment(cause.since, zone, ctx.now);
  if (since)
    facts.push({
      label: cause.condition === 'error' ? 'Failing since' : 'Stale since',
      value: since.text,
      moment: since,
    });
  facts.push({
    label: 'Newly affected',
    value: listInWords(newlyAffected.map((d) => d.title)),
  });
  if (affected.length > n) facts.push(affectedFact(affected));
  if (ctx.acknowledgement)
    facts.push({ label: 'Who is on it', value: whoIsOnIt(ctx.acknowledgement, zone, ctx.now) });
  return {
    kind: 'stale',
    audience: contact.audience,
    state: 'Stale',
    headline: `${countOf(n, 'more dataset')} ${n === 1 ? 'is' : 'are'} out of date because of ${cause.title}: ${listInWords(
      newlyAffected.map((d) => d.title),
    )}`,
    tone: 'warning',
    facts,
    impact: null,
    action: `Fixing ${cause.title} puts ${n === 1 ? 'it' : 'them'} right too; their owners have been told why.`,
    forwardNote: null,
    technical: null,
    loop: { dataset: cause.id },
    key: followUp.key,
  };
}
