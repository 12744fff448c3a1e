import { eventIdOf } from '../events/build';
import { type Acknowledgement, whoIsOnIt } from '../loop/acknowledgement';
import type { Alert } from '../messages/model';
import { moment } from '../messages/words';
import type { AlarmWatch, Contact, Status } from '../model/config';
import type { CheckState, TransitionKind } from '../model/state';
import { durationSeconds } from '../time/duration';
import { formatAge, formatLocal } from '../time/zone';
import { nextState, transitionsOf } from '../transition';
import type { AlarmChange, AlarmStateValue } from './event';
import { problemInWords, quantityInWords, recoveryInWords, unitOf } from './words';

/**
 * An alarm's story, told like a dataset's (docs/events.md): its state is a
 * check state keyed `alarm/<name>`, its transitions are the datasets' (`transitionsOf`), and each
 * transition becomes news that messages are made of. ALARM is `fail`, OK is `pass`, and
 * INSUFFICIENT_DATA is `error`: like a check that could not run, Stalewatch cannot tell (docs/semantics.md).
 */

/** The state id of an alarm: stable for its name. */
export const alarmCheckId = (alarmName: string) => `alarm/${alarmName}`;

const STATUS: Record<AlarmStateValue, Status> = { ALARM: 'fail', OK: 'pass', INSUFFICIENT_DATA: 'error' };

/** An alarm state as a check status. */
export const alarmStatus = (value: AlarmStateValue): Status => STATUS[value];

/** One transition of one alarm, as messages are made of it (kept in state, so a retry tells the same). */
export interface AlarmNews {
  /** Stable for one change (or reminder) and meaning: the key of its sent records. */
  eventId: string;
  kind: TransitionKind;
  checkId: string;
  change: AlarmChange;
  /** When the alarm went off (kept through INSUFFICIENT_DATA); null when it is not in ALARM. */
  staleSince: string | null;
  /** For `recovered`: how long it was in ALARM. */
  staleForSeconds: number | null;
  /** The time messages are ordered by: the change's. */
  eventAt: string;
}

/** What the service keeps of an alarm: a check state, the last change, and the news of the last step. */
export interface AlarmState extends CheckState {
  alarm: AlarmChange;
  news: AlarmNews[];
}

/** What to do with an alarm event or a reminder: tell `news` and write `state`, or nothing, and why. */
export type AlarmStep =
  | { action: 'tell'; state: AlarmState; news: AlarmNews[]; retry: boolean }
  | { action: 'ignore'; reason: string };

function newsOf(
  kinds: readonly TransitionKind[],
  key: string,
  change: AlarmChange,
  previous: CheckState | null,
  state: CheckState,
  eventAt: string,
): AlarmNews[] {
  return kinds.map((kind) => {
    const wasSince = previous?.staleSince ? previous.staleSince.getTime() : null;
    return {
      eventId: eventIdOf(key, kind),
      kind,
      checkId: state.checkId,
      change,
      staleSince:
        (kind === 'recovered' ? (previous?.staleSince ?? null) : state.staleSince)?.toISOString() ?? null,
      staleForSeconds:
        kind === 'recovered' && wasSince !== null
          ? Math.max(0, Math.round((Date.parse(change.at) - wasSince) / 1000))
          : null,
      eventAt,
    };
  });
}

/**
 * The step for an alarm event. A redelivered event (its change already recorded) tells the same news
 * again, which sent records keep from being sent twice; an event older than what is recorded, or one
 * that repeats the state the alarm is already in, is no transition and tells nothing.
 */
export function stepOnEvent(
  previous: AlarmState | null,
  change: AlarmChange,
  remindEvery: string,
): AlarmStep {
  if (previous?.runId === change.key)
    return { action: 'tell', state: previous, news: previous.news, retry: true };
  if (previous && previous.runAt.getTime() > Date.parse(change.at))
    return { action: 'ignore', reason: `${change.alarmName}: a later change is already recorded` };
  const status = alarmStatus(change.state);
  if (previous && previous.status === status)
    return { action: 'ignore', reason: `${change.alarmName} is already ${change.state}` };
  const at = new Date(change.at);
  const kinds = transitionsOf(previous, { status }, at, remindEvery);
  const keepSince = status === 'fail' && previous?.dataStatus === 'fail' && previous.staleSince;
  const base = nextState(
    previous,
    {
      check: { id: alarmCheckId(change.alarmName) },
      status,
      staleSince: keepSince ? keepSince : status === 'fail' ? at : null,
      lastUpdatedAt: null,
      observed: null,
    },
    kinds,
    at,
    change.key,
  );
  const news = newsOf(kinds, change.key, change, previous, base, change.at);
  return { action: 'tell', state: { ...base, alarm: change, news }, news, retry: false };
}

/**
 * The step for a reminder due at `dueAt`: an alarm still in ALARM `remindEvery` after its owners were
 * last told gets `still-stale`, once per reminder (`remind@<dueAt>` is its key).
 */
export function stepOnReminder(state: AlarmState, now: Date, remindEvery: string, dueAt: string): AlarmStep {
  const key = `${state.checkId}#remind@${dueAt}`;
  if (state.runId === key) return { action: 'tell', state, news: state.news, retry: true };
  const told = state.lastNotifiedAt ? state.lastNotifiedAt.getTime() : null;
  if (state.status !== 'fail' || told === null)
    return { action: 'ignore', reason: `${state.checkId} is no longer in ALARM` };
  if (now.getTime() - told < durationSeconds(remindEvery) * 1000)
    return {
      action: 'ignore',
      reason: `${state.checkId}: its owners were told less than ${remindEvery} ago`,
    };
  const next: CheckState = {
    ...state,
    lastNotifiedAt: now,
    runId: key,
    version: state.version + 1,
  };
  // Ordered by the alarm's change: a recovery that comes later is never held back by the reminder.
  const news = newsOf(['still-stale'], key, state.alarm, state, next, state.runAt.toISOString());
  return { action: 'tell', state: { ...next, alarm: state.alarm, news }, news, retry: false };
}

/** When the next reminder is due, after news that told owners the alarm is in ALARM. */
export function reminderDue(state: CheckState, remindEvery: string): Date | null {
  if (state.status !== 'fail' || !state.lastNotifiedAt) return null;
  return new Date(state.lastNotifiedAt.getTime() + durationSeconds(remindEvery) * 1000);
}

/** The CloudWatch console page of an alarm. */
export function consoleUrl(region: string, alarmName: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarmName)}`;
}

/** A time of day in `zone` when it is today, else the day and time. */
function clockTime(at: Date, zone: string, now: Date): string {
  const day = (d: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: zone, dateStyle: 'short' }).format(d);
  const local = formatLocal(at, zone, now);
  return day(at) === day(now) ? local.slice(-5) : local;
}

/** The word an alarm's message leads with (email subject, Slack header, badge). */
const ALARM_STATE: Record<AlarmNews['kind'], string> = {
  stale: 'Problem',
  'still-stale': 'Still a problem',
  recovered: 'Back to normal',
  error: 'Error',
  'error-recovered': 'Back to normal',
};

/** What building an alarm's message needs besides the news. */
export interface AlarmAlertContext {
  zone: string;
  contacts: Record<string, Contact>;
  now: Date;
  /** Who said they are on the alarm (`stalewatch ack <alarm name>`), if anyone. */
  acknowledgement?: Pick<Acknowledgement, 'by' | 'at'> | null;
}

function technicalDetails(news: AlarmNews, watch: AlarmWatch): NonNullable<Alert['details']> {
  const c = news.change;
  const details: NonNullable<Alert['details']> = [
    { label: 'Alarm', value: c.alarmName },
    { label: 'Region', value: c.account ? `${c.region} (account ${c.account})` : c.region },
    { label: 'State', value: c.previousState ? `${c.state} (was ${c.previousState})` : c.state },
  ];
  if (c.metric) {
    const dims = Object.entries(c.metric.dimensions)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    const how = [c.metric.stat, c.metric.period ? `over ${formatAge(c.metric.period)}` : null]
      .filter(Boolean)
      .join(' ');
    details.push({
      label: 'Metric',
      value: `${c.metric.namespace} ${c.metric.name}${dims ? ` (${dims})` : ''}${how ? `, ${how}` : ''}`,
    });
  }
  if (c.expression) details.push({ label: 'Expression', value: c.expression });
  if (c.composite) {
    details.push({ label: 'Rule', value: c.composite.rule });
    if (c.composite.triggeredBy.length > 0)
      details.push({ label: 'Set off by', value: c.composite.triggeredBy.join(', ') });
  }
  if (c.value !== null && c.threshold !== null) {
    const { unit, factor } = unitOf(c, watch.unit);
    const said = unit ? ` (${quantityInWords(c.value * factor, unit)})` : '';
    details.push({
      label: 'Latest value',
      value: `${c.value}${said}; threshold ${c.comparison ?? ''} ${c.threshold}`.replace('  ', ' '),
    });
  }
  if (c.reason) details.push({ label: 'Reason', value: c.reason });
  details.push({ label: 'Watched by', value: `${watch.file} (alarm: ${watch.pattern})` });
  details.push({
    label: 'Console',
    value: 'Open the alarm in the CloudWatch console',
    url: consoleUrl(c.region, c.alarmName),
  });
  return details;
}

/**
 * One piece of alarm news as a message for one contact: plain words for data leads and product leads
 * (no alarm name, metric or reason), and the technical details for the platform team.
 */
export function alarmAlert(
  news: AlarmNews,
  watch: AlarmWatch,
  contact: Contact,
  ctx: AlarmAlertContext,
): Alert {
  const { zone, now } = ctx;
  const c = news.change;
  const since = moment(news.staleSince ?? c.at, zone, now);
  const went = clockTime(new Date(news.staleSince ?? c.at), zone, now);
  const problem = `${watch.title} ${problemInWords(c, watch.unit, went)}`;
  const wasFor = news.staleForSeconds !== null ? formatAge(news.staleForSeconds) : null;
  const headline = {
    stale: problem,
    // The state ("Still a problem:") leads the subject and the Slack header: not said twice.
    'still-stale': problem,
    recovered: `${watch.title} ${recoveryInWords(c, watch.unit, wasFor)}`,
    error: `Stalewatch cannot tell whether ${watch.title} is all right: its alarm has no data`,
    'error-recovered': `Stalewatch can tell how ${watch.title} is again: its alarm has data`,
  }[news.kind];
  const facts: Alert['facts'] = [];
  const at = moment(c.at, zone, now);
  if (news.kind === 'stale' || news.kind === 'still-stale') {
    if (since) facts.push({ label: 'A problem since', value: since.text, moment: since });
  } else if (news.kind === 'recovered') {
    if (at) facts.push({ label: 'Back to normal since', value: at.text, moment: at });
    if (since) facts.push({ label: 'Had been a problem since', value: since.text, moment: since });
  } else if (at) {
    facts.push({ label: 'Since', value: at.text, moment: at });
  }
  facts.push({
    label: watch.owners.length === 1 ? 'Owner' : 'Owners',
    value: watch.owners.map((id) => ctx.contacts[id]?.name ?? id).join(', '),
  });
  // Acknowledgements (`stalewatch ack`) fill this in, and a recovery still says who was on it; until
  // someone says so, the message does not guess.
  if (ctx.acknowledgement)
    facts.push({ label: 'Who is on it', value: whoIsOnIt(ctx.acknowledgement, zone, now) });
  else if (news.kind !== 'recovered' && news.kind !== 'error-recovered')
    facts.push({ label: 'Who is on it', value: 'nobody has said so yet' });
  const platform = contact.audience === 'platform';
  const bad = news.kind === 'stale' || news.kind === 'still-stale';
  const sinceDay = since ? since.text.replace(/ \(.*\)$/, '') : '';
  const forwardNote = platform
    ? null
    : bad
      ? `${watch.title} has had a problem since ${sinceDay}.${watch.impact ? ` ${watch.impact}` : ''} We know about it and are working on it, and will let you know when it is right again.`
      : news.kind === 'recovered'
        ? `${watch.title} is working normally again. Thank you for your patience.`
        : null;
  return {
    kind: news.kind,
    audience: contact.audience,
    state: ALARM_STATE[news.kind],
    headline,
    tone: news.kind === 'recovered' || news.kind === 'error-recovered' ? 'good' : 'bad',
    facts,
    impact: bad ? watch.impact : null,
    action: bad ? watch.action : null,
    forwardNote,
    technical: null,
    ...(platform ? { details: technicalDetails(news, watch) } : {}),
    // "I'm on it" and "Snooze" act on the alarm as on a dataset (its snooze and acknowledgement key).
    ...(news.kind === 'stale' || news.kind === 'still-stale' || news.kind === 'error'
      ? { loop: { dataset: news.checkId } }
      : {}),
    key: news.eventId,
  };
}
