import { type Breach, isActivityObserved } from '../evaluate/types';
import {
  type BreachJson,
  type CheckEventDetail,
  type DetailType,
  transitionOfDetailType,
} from '../events/types';
import { type Acknowledgement, whoIsOnIt, whoIsOnTheCause } from '../loop/acknowledgement';
import type { DatasetNow } from '../loop/cause';
import type { Contact, Settings } from '../model/config';
import { activityBasis, countersResetNote } from '../report/activity-words';
import { affectedFact, dependantWords } from './cause';
import type { Alert, Moment } from './model';
import {
  capitalise,
  countOf,
  dropInWords,
  expectationOf,
  lengthInWords,
  numberInWords,
  outOfDateFor,
} from './wording';
import { moment } from './words';

/** What building a message needs besides the event: the settings (zone, contacts) and the time. */
export interface AlertContext {
  settings: Pick<Settings, 'timezone' | 'contacts' | 'notify'>;
  now: Date;
  /** Who said they are on the dataset, if anyone: "Who is on it: Jane Smith (since 10:02)". */
  acknowledgement?: Pick<Acknowledgement, 'by' | 'at'> | null;
  /**
   * Its place in a story (docs/semantics.md "One story per cause"): the stale or erroring dataset it
   * waits on, and the datasets out of date because of it.
   */
  story?: { cause: DatasetNow | null; affected: readonly DatasetNow[]; key?: string } | null;
  /**
   * Who is on the story's cause, if anyone: a dependant that no one has taken on says who is on what it
   * waits on ("Who is on it: Jane Smith, on Nightly ESR sync (since 10:02)"), not "nobody".
   */
  causeAcknowledgement?: Pick<Acknowledgement, 'by' | 'at'> | null;
  /** Until when alerts about the story's cause are snoozed (its owners hear nothing till then), or null. */
  causeSnoozedUntil?: Date | null;
}

/** The command that runs a dataset's checks again, for the platform team. */
export function rerunCommand(dataset: string): string {
  return `sls invoke -f check --data '{"only":["${dataset}"]}'`;
}

function staleHeadline(d: CheckEventDetail, now: Date): string {
  const breach = d.breaches[0];
  const rows = d.observed && 'rowCount' in d.observed ? d.observed.rowCount : null;
  if (breach?.rule === 'noData') return `${d.title} has no data`;
  if ((breach?.rule === 'failBelow' || breach?.rule === 'warnBelow') && rows !== null)
    return `${d.title} has ${countOf(rows, 'row')} (at least ${numberInWords(breach.limit)} expected)`;
  if ((breach?.rule === 'failAbove' || breach?.rule === 'warnAbove') && rows !== null)
    return `${d.title} has ${countOf(rows, 'row')} (at most ${numberInWords(breach.limit)} expected)`;
  if (breach?.rule === 'failDropPercent' || breach?.rule === 'warnDropPercent') {
    return `${d.title} lost ${dropInWords(breach.dropPercent, breach.limit)} of its rows since the last check`;
  }
  if (d.kind === 'activity' && d.lastUpdatedAt) {
    return `${d.title} has not changed for ${outOfDateFor(new Date(d.lastUpdatedAt), now)}`;
  }
  return d.lastUpdatedAt
    ? `${d.title} data is ${outOfDateFor(new Date(d.lastUpdatedAt), now)} out of date`
    : `${d.title} is out of date`;
}

/**
 * How long a recovered dataset was stale: from when it stopped passing to the run that saw it right
 * again (so that it agrees with "Was stale since" and "Seen right again"), else as the event says.
 */
function staleFor(d: CheckEventDetail): string | null {
  if (d.staleSince) return lengthInWords(new Date(d.now).getTime() - new Date(d.staleSince).getTime());
  return d.staleForSeconds === null ? null : lengthInWords(d.staleForSeconds * 1000);
}

function headlineOf(kind: Alert['kind'], d: CheckEventDetail, now: Date): string {
  switch (kind) {
    case 'stale':
    case 'still-stale':
      return staleHeadline(d, now);
    case 'recovered': {
      const wrong = staleFor(d);
      if (d.kind === 'rowCount')
        return `${d.title} has the rows expected again${wrong ? ` (was wrong for ${wrong})` : ''}`;
      if (d.kind === 'activity')
        return `${d.title} is changing again${wrong ? ` (was stale for ${wrong})` : ''}`;
      return `${d.title} is up to date again${wrong ? ` (was stale for ${wrong})` : ''}`;
    }
    case 'error':
      return `Stalewatch could not check ${d.title}`;
    default:
      return `Stalewatch can check ${d.title} again`;
  }
}

/** The word a message leads with (email subject, Slack header, badge): what state it reports. */
const STATE: Record<Alert['kind'], string> = {
  stale: 'Stale',
  'still-stale': 'Still stale',
  recovered: 'Back to normal',
  error: 'Error',
  'error-recovered': 'Back to normal',
  digest: 'Digest',
};

function toneOf(kind: Alert['kind'], d: CheckEventDetail): Alert['tone'] {
  if (kind === 'recovered' || kind === 'error-recovered') return 'good';
  if (kind === 'error') return 'bad';
  return d.status === 'fail' ? 'bad' : 'warning';
}

/** The names of a dataset's owners, for "Who is on it". */
function ownersInWords(d: CheckEventDetail, contacts: Record<string, Contact>): string {
  return d.owners.map((id) => contacts[id]?.name ?? id).join(', ');
}

function fact(label: string, m: Moment): Alert['facts'][number] {
  return { label, value: m.text, moment: m };
}

/** A note for the people who use the data: what is wrong, since when, and that someone is on it. */
function forwardNoteOf(kind: Alert['kind'], d: CheckEventDetail, since: Moment | null): string | null {
  if (kind === 'recovered') {
    const right = d.kind === 'rowCount' ? 'is complete again' : 'is up to date again';
    return `${d.title} ${right}. Thank you for your patience.`;
  }
  if (kind !== 'stale' && kind !== 'still-stale') return null;
  const when = since ? ` since ${since.text.replace(/ \(.*\)$/, '')}` : '';
  const impact = d.impact ? ` ${d.impact}` : '';
  const noData = d.breaches.some((b) => b.rule === 'noData');
  const state = noData
    ? 'has had no data'
    : d.kind === 'rowCount'
      ? 'may be incomplete or wrong'
      : 'has been out of date';
  return `${d.title} ${state}${when}.${impact} We know about it and are working on it, and will let you know when it is right again.`;
}

/** The facts of a stale dataset: since when, last updated (or the rows now), what was expected. */
function staleFacts(d: CheckEventDetail, zone: string, now: Date): Alert['facts'] {
  const facts: Alert['facts'] = [];
  const since = moment(d.staleSince, zone, now);
  const lastUpdated = moment(d.lastUpdatedAt, zone, now);
  const noData = d.breaches.some((b) => b.rule === 'noData');
  if (since) facts.push(fact(noData ? 'Empty since' : 'Stale since', since));
  else if (noData) facts.push(fact('Found empty', moment(d.now, zone, now) as Moment));
  const rows = d.observed && 'rowCount' in d.observed ? d.observed : null;
  if (rows) {
    const before =
      rows.previousRowCount === null ? '' : ` (${numberInWords(rows.previousRowCount)} at the check before)`;
    facts.push({ label: 'Rows now', value: `${numberInWords(rows.rowCount)}${before}` });
  } else if (isActivityObserved(d.observed)) {
    // The database knows the table changed, not that its data is new: say what was seen, and how.
    if (lastUpdated) facts.push(fact('No change since', lastUpdated));
    facts.push({
      label: 'How we know',
      value: capitalise(`${activityBasis(d.observed)}${countersResetNote(d.observed)}`),
    });
  } else if (lastUpdated) {
    facts.push(fact('Last updated', lastUpdated));
  }
  const ctx = {
    zone,
    now,
    lastUpdatedAt: d.lastUpdatedAt ? new Date(d.lastUpdatedAt) : null,
    staleSince: d.staleSince ? new Date(d.staleSince) : null,
  };
  const expected = d.breaches.map((b) => expectationOf(breachOf(b), ctx)).join('; ');
  if (expected) facts.push({ label: 'Expected', value: capitalise(expected) });
  return facts;
}

/** A breach as evaluation gives it, from its JSON form in an event. */
function breachOf(b: BreachJson): Breach {
  return b.rule === 'dueBy' ? { ...b, deadline: new Date(b.deadline) } : b;
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
  const facts: Alert['facts'] = [];
  const activity = isActivityObserved(d.observed) ? d.observed : null;
  if (kind === 'stale' || kind === 'still-stale') {
    facts.push(...staleFacts(d, zone, ctx.now));
  } else if (kind === 'recovered') {
    if (since) facts.push(fact('Was stale since', since));
    facts.push(
      fact(
        d.kind === 'rowCount' ? 'Seen right again' : activity ? 'Seen changing again' : 'Seen up to date',
        moment(d.now, zone, ctx.now) as Moment,
      ),
    );
    const lastUpdated = moment(d.lastUpdatedAt, zone, ctx.now);
    if (lastUpdated) facts.push(fact(activity ? 'Last change seen' : 'Last updated', lastUpdated));
    if (d.observed && 'rowCount' in d.observed)
      facts.push({ label: 'Rows now', value: numberInWords(d.observed.rowCount) });
  } else {
    facts.push(
      fact(
        kind === 'error' ? 'Failing since' : 'Working again since',
        moment(d.now, zone, ctx.now) as Moment,
      ),
    );
  }
  const stale = kind === 'stale' || kind === 'still-stale';
  const cause =
    stale && ctx.story?.cause
      ? dependantWords(ctx.story.cause, d.title, ctx.settings, ctx.now, ctx.causeSnoozedUntil ?? null)
      : null;
  if (cause) facts.push(cause.fact);
  if ((stale || kind === 'error') && ctx.story && ctx.story.affected.length > 0)
    facts.push(affectedFact(ctx.story.affected));
  facts.push({
    label: d.owners.length === 1 ? 'Owner' : 'Owners',
    value: ownersInWords(d, ctx.settings.contacts),
  });
  // Acknowledgements ("I'm on it", `stalewatch ack`) fill this in, and a recovery still says who was on
  // it; until someone says so, a stale or error message does not guess.
  if (ctx.acknowledgement)
    facts.push({ label: 'Who is on it', value: whoIsOnIt(ctx.acknowledgement, zone, ctx.now) });
  else if (cause && ctx.story?.cause && ctx.causeAcknowledgement)
    facts.push({
      label: 'Who is on it',
      value: whoIsOnTheCause(ctx.causeAcknowledgement, ctx.story.cause.title, zone, ctx.now),
    });
  else if (kind === 'stale' || kind === 'still-stale' || kind === 'error')
    facts.push({ label: 'Who is on it', value: 'nobody has said so yet' });
  const platform = contact.audience === 'platform';
  return {
    kind,
    audience: contact.audience,
    state: STATE[kind],
    headline: `${headlineOf(kind, d, ctx.now)}${cause?.because ?? ''}`,
    tone: toneOf(kind, d),
    facts,
    // A recovery says what is right again, not what was wrong as if it still held.
    impact: kind === 'stale' || kind === 'still-stale' ? d.impact : null,
    action: cause ? cause.action : kind === 'stale' || kind === 'still-stale' ? d.action : null,
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
    ...(kind === 'stale' || kind === 'still-stale' || kind === 'error'
      ? { loop: { dataset: d.dataset } }
      : {}),
    // A dependant's stale news has its story's key: one message per dataset and run, whichever check says it.
    key: ctx.story?.key ?? d.eventId,
  };
}
