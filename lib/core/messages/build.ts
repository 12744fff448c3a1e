import { isActivityObserved } from '../evaluate/types';
import { type CheckEventDetail, type DetailType, transitionOfDetailType } from '../events/types';
import type { Contact, Settings } from '../model/config';
import { activityBasis, countersResetNote } from '../report/activity-words';
import { formatAge } from '../time/zone';
import type { Alert, Moment } from './model';
import { ageInWords, expectedInWords, moment } from './words';

/** What building a message needs besides the event: the settings (zone, contacts) and the time. */
export interface AlertContext {
  settings: Pick<Settings, 'timezone' | 'contacts' | 'notify'>;
  now: Date;
}

/** The command that runs a dataset's checks again, for the platform team. */
export function rerunCommand(dataset: string): string {
  return `sls invoke -f check --data '{"only":["${dataset}"]}'`;
}

function staleHeadline(d: CheckEventDetail, now: Date): string {
  const breach = d.breaches[0];
  if (breach?.rule === 'noData') return `${d.title} has no data`;
  if (breach?.rule === 'failBelow' || breach?.rule === 'warnBelow')
    return `${d.title} has fewer records than expected`;
  if (breach?.rule === 'failAbove' || breach?.rule === 'warnAbove')
    return `${d.title} has more records than expected`;
  if (breach?.rule === 'failDropPercent' || breach?.rule === 'warnDropPercent') {
    return `${d.title} lost ${Math.round(breach.dropPercent)}% of its records since the last check`;
  }
  if (d.kind === 'activity' && d.lastUpdatedAt) {
    return `${d.title} has not changed for ${ageInWords(d.lastUpdatedAt, now)}`;
  }
  return d.lastUpdatedAt
    ? `${d.title} data is ${ageInWords(d.lastUpdatedAt, now)} out of date`
    : `${d.title} is out of date`;
}

function headlineOf(kind: Alert['kind'], d: CheckEventDetail, now: Date): string {
  switch (kind) {
    case 'stale':
      return staleHeadline(d, now);
    case 'still-stale':
      return `Still out of date: ${staleHeadline(d, now)}`;
    case 'recovered':
      return d.staleForSeconds
        ? `${d.title} is up to date again (it was stale for ${formatAge(d.staleForSeconds)})`
        : `${d.title} is up to date again`;
    case 'error':
      return `Stalewatch could not check ${d.title}`;
    default:
      return `Stalewatch can check ${d.title} again`;
  }
}

function toneOf(kind: Alert['kind'], d: CheckEventDetail): Alert['tone'] {
  if (kind === 'recovered' || kind === 'error-recovered') return 'good';
  if (kind === 'error') return 'bad';
  return d.status === 'fail' ? 'bad' : 'warning';
}

const capitalised = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

/** The names of a dataset's owners, for "Who is on it". */
function ownersInWords(d: CheckEventDetail, contacts: Record<string, Contact>): string {
  return d.owners.map((id) => contacts[id]?.name ?? id).join(', ');
}

function fact(label: string, m: Moment | null, otherwise: string): Alert['facts'][number] {
  return m ? { label, value: m.text, moment: m } : { label, value: otherwise };
}

/** A note for the people who use the data: what is wrong, since when, and that someone is on it. */
function forwardNoteOf(kind: Alert['kind'], d: CheckEventDetail, since: Moment | null): string | null {
  if (kind === 'recovered') return `${d.title} is up to date again. Thank you for your patience.`;
  if (kind !== 'stale' && kind !== 'still-stale') return null;
  const when = since ? ` since ${since.text.replace(/ \(.*\)$/, '')}` : '';
  const impact = d.impact ? ` ${d.impact}` : '';
  const state = d.kind === 'rowCount' ? 'may be incomplete or wrong' : 'has been out of date';
  return `${d.title} ${state}${when}.${impact} We know about it and are working on it, and will let you know when it is right again.`;
}

/**
 * One event as a message for one contact. Data leads and product leads get plain words: no SQL, table
 * names, check ids or stack traces. The platform team gets the same and what it needs to fix it. What
 * happened is the detail's `transition`; `detailType` tells it only for events from before that field
 * (null for `Check Run Completed`, which is no one's message).
 */
export function alertOf(
  detailType: DetailType,
  d: CheckEventDetail,
  contact: Contact,
  ctx: AlertContext,
): Alert | null {
  // The event says what happened; an event from before `transition` existed says it by its detail-type.
  const kind = d.transition ?? transitionOfDetailType(detailType);
  if (kind === null) return null;
  const zone = ctx.settings.timezone;
  const since = moment(d.staleSince, zone, ctx.now);
  const lastUpdated = moment(d.lastUpdatedAt, zone, ctx.now);
  const expected = d.breaches.map((b) => expectedInWords(b, zone, ctx.now)).join('; ');
  const facts: Alert['facts'] = [];
  const rows = d.observed && 'rowCount' in d.observed ? d.observed : null;
  const activity = isActivityObserved(d.observed) ? d.observed : null;
  if (kind === 'stale' || kind === 'still-stale') {
    facts.push(fact('Stale since', since, 'since the first check saw it so'));
    if (rows) {
      const before =
        rows.previousRowCount === null
          ? ''
          : ` (${rows.previousRowCount.toLocaleString('en-GB')} at the check before)`;
      facts.push({ label: 'Records now', value: `${rows.rowCount.toLocaleString('en-GB')}${before}` });
    } else if (activity) {
      facts.push(fact('No change since', lastUpdated, 'unknown'));
      facts.push({
        label: 'How we know',
        value: capitalised(`${activityBasis(activity)}${countersResetNote(activity)}`),
      });
    } else {
      facts.push(fact('Last updated', lastUpdated, 'never: there is no data'));
    }
    if (expected) facts.push({ label: 'Expected', value: expected });
  } else if (kind === 'recovered') {
    facts.push(fact(activity ? 'Last change seen' : 'Last updated', lastUpdated, 'unknown'));
    if (since) facts.push(fact('Had been stale since', since, ''));
  } else {
    facts.push(fact('Since', moment(d.now, zone, ctx.now), ''));
  }
  facts.push({ label: 'Who is on it', value: ownersInWords(d, ctx.settings.contacts) });
  const platform = contact.audience === 'platform';
  return {
    kind,
    audience: contact.audience,
    headline: headlineOf(kind, d, ctx.now),
    tone: toneOf(kind, d),
    facts,
    impact: kind === 'error' || kind === 'error-recovered' ? null : d.impact,
    action: kind === 'stale' || kind === 'still-stale' ? d.action : null,
    forwardNote: platform ? null : forwardNoteOf(kind, d, since),
    technical: platform
      ? {
          checkId: d.checkId,
          source: d.source,
          table: d.table,
          sql: d.sql,
          error: d.error,
          rerun: rerunCommand(d.dataset),
        }
      : null,
    key: d.eventId,
  };
}
