import { ALARM_EVENT_SOURCE, readAlarmEvent } from '../core/alarms/event';
import {
  type AlarmNews,
  type AlarmState,
  type AlarmStep,
  alarmAlert,
  alarmCheckId,
  reminderDue,
  stepOnEvent,
  stepOnReminder,
} from '../core/alarms/news';
import { watchOf } from '../core/alarms/watch';
import { DETAIL_TYPES } from '../core/events/types';
import type { Acknowledgement } from '../core/loop/acknowledgement';
import { recipientsOf } from '../core/messages/recipients';
import type { AlarmWatch, Config } from '../core/model/config';
import {
  countdown,
  type NotifyOutcome,
  notify,
  releaseHeld,
  type Story,
  type TimeLeft,
  tellAll,
} from './notify';
import type { AlarmStore, NotifyPorts } from './ports';

export type { AlarmStore };

/**
 * CloudWatch alarms through the notify pipeline (docs/alerts.md "Alarms"): an alarm event
 * becomes a transition of the alarm's state (`alarm/<name>`), and its news goes out as a dataset's
 * would: to the same people, with the same snoozes, quiet hours, order and once-only sending.
 * Reminders for alarms still in ALARM come from the notify function's 15-minute schedule.
 */

export type AlarmPorts = NotifyPorts & { alarms: AlarmStore };

/** How often a step is tried again when another invocation wrote the same alarm's state first. */
const SAVE_ATTEMPTS = 3;

/** A state kept changing under a step: the invocation fails, and its retry reads it again. */
export class AlarmStateConflictError extends Error {
  override readonly name = 'AlarmStateConflictError';
}

/** Records one step of an alarm's state (read, decide, conditional write) and returns its news. */
async function record(
  store: AlarmStore,
  checkId: string,
  remindEvery: string,
  decide: (previous: AlarmState | null) => AlarmStep,
): Promise<{ news: AlarmNews[]; skipped: string[] }> {
  for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
    const previous = await store.load(checkId);
    const step = decide(previous);
    if (step.action === 'ignore') return { news: [], skipped: [step.reason] };
    if (!step.retry && !(await store.save(step.state, previous?.version ?? 0))) continue;
    const due = reminderDue(step.state, remindEvery);
    if (due) await store.remindAt(checkId, due);
    return { news: step.news, skipped: [] };
  }
  throw new AlarmStateConflictError(
    `The state of ${checkId} changed ${SAVE_ATTEMPTS} times while it was being written; the retry reads it again`,
  );
}

/** The stories of an alarm's news: one per transition, with a message for each contact it concerns. */
function storiesOf(
  news: readonly AlarmNews[],
  watch: AlarmWatch,
  config: Config,
  now: Date,
  acknowledgement: Acknowledgement | null = null,
): Story[] {
  const ctx = { zone: config.settings.timezone, contacts: config.settings.contacts, now, acknowledgement };
  return news.map((n) => ({
    checkId: n.checkId,
    snoozeId: n.checkId,
    snoozeUntil: watch.snoozeUntil,
    eventAt: n.eventAt,
    messages: recipientsOf(
      DETAIL_TYPES[n.kind],
      { owners: watch.owners, subscribers: watch.subscribers },
      config.settings,
    ).map(({ contact }) => ({ contact, alert: alarmAlert(n, watch, contact, ctx) })),
  }));
}

/**
 * One `CloudWatch Alarm State Change` event: its alarm's transition recorded, and its news told. An
 * alarm no file watches is skipped (the rule names only watched alarms; a file removed since it was
 * deployed may still be in it).
 */
export async function notifyAlarm(
  event: unknown,
  ports: AlarmPorts,
  timeLeft: TimeLeft = countdown(60_000),
): Promise<NotifyOutcome> {
  const change = readAlarmEvent(event);
  const config = ports.config();
  const watch = watchOf(config.alarms, change.alarmName);
  if (!watch)
    return tellAll([], ports, timeLeft, [`no file in checks/ watches the alarm ${change.alarmName}`]);
  const remindEvery = config.settings.notify.remindEvery;
  const checkId = alarmCheckId(change.alarmName);
  const { news, skipped } = await record(ports.alarms, checkId, remindEvery, (previous) =>
    stepOnEvent(previous, change, remindEvery),
  );
  const acknowledgement = await onIt(ports, checkId);
  const outcome = await tellAll(
    storiesOf(news, watch, config, ports.clock(), acknowledgement),
    ports,
    timeLeft,
    skipped,
  );
  // As for a dataset: the acknowledgement ends once the alarm is back to normal and that was told.
  if (acknowledgement && news.some((n) => n.kind === 'recovered' || n.kind === 'error-recovered'))
    await ports.loop?.acknowledgements.end(checkId, acknowledgement.at);
  return outcome;
}

/** Who is on an alarm (`alarm/<name>`), if anyone. */
async function onIt(ports: AlarmPorts, checkId: string): Promise<Acknowledgement | null> {
  return (await ports.loop?.acknowledgements.current([checkId]))?.get(checkId) ?? null;
}

/**
 * Reminders of alarms still in ALARM `remindEvery` after their owners were last told: each due
 * reminder is recorded on the alarm's state (once) and told; it is dropped once told, or when the
 * alarm is no longer in ALARM.
 */
export async function remindAlarms(
  ports: AlarmPorts,
  timeLeft: TimeLeft = countdown(60_000),
): Promise<NotifyOutcome> {
  const config = ports.config();
  const now = ports.clock();
  const remindEvery = config.settings.notify.remindEvery;
  const stories: Story[] = [];
  const skipped: string[] = [];
  const handled: Array<() => Promise<void>> = [];
  for (const due of await ports.alarms.remindersDue(now)) {
    const state = await ports.alarms.load(due.checkId);
    const watch = state ? watchOf(config.alarms, state.alarm.alarmName) : null;
    if (!state || !watch) {
      await due.done();
      continue;
    }
    const acknowledgement = await onIt(ports, due.checkId);
    if (acknowledgement) {
      // Someone is on it: reminders stop until the alarm is back to normal (SPEC.md "Who is on it").
      skipped.push(`${due.checkId}: ${acknowledgement.by} is on it, so no reminder`);
      await due.done();
      continue;
    }
    const told = await record(ports.alarms, due.checkId, remindEvery, (current) =>
      current ? stepOnReminder(current, now, remindEvery, due.dueAt) : { action: 'ignore', reason: '' },
    );
    skipped.push(...told.skipped.filter(Boolean));
    stories.push(...storiesOf(told.news, watch, config, now));
    handled.push(due.done);
  }
  const outcome = await tellAll(stories, ports, timeLeft, skipped);
  for (const done of handled) await done();
  return outcome;
}

/** True for an event CloudWatch put on the default bus. */
const isAlarmEvent = (event: unknown) =>
  (event as { source?: unknown } | null)?.source === ALARM_EVENT_SOURCE;

/**
 * The notify function's whole job: events from Stalewatch's bus, CloudWatch alarm events from the
 * default bus, and (on its schedule) what quiet hours held and the alarm reminders that are due.
 */
export async function notifyAny(
  event: unknown,
  ports: AlarmPorts,
  timeLeft: TimeLeft = countdown(60_000),
): Promise<NotifyOutcome> {
  if (event && typeof event === 'object' && 'release' in event) {
    const results = await Promise.allSettled([releaseHeld(ports, timeLeft)]);
    const reminded = await Promise.allSettled([remindAlarms(ports, timeLeft)]);
    const failed = [...results, ...reminded].find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const [held, remind] = [results[0], reminded[0]] as Array<PromiseFulfilledResult<NotifyOutcome>>;
    return sumOutcomes(held?.value, remind?.value);
  }
  if (isAlarmEvent(event)) return notifyAlarm(event, ports, timeLeft);
  return notify(event as Parameters<typeof notify>[0], ports, timeLeft);
}

function sumOutcomes(a?: NotifyOutcome, b?: NotifyOutcome): NotifyOutcome {
  const none: NotifyOutcome = { sent: 0, alreadySent: 0, held: 0, skipped: [], notRecorded: [] };
  const [x, y] = [a ?? none, b ?? none];
  return {
    sent: x.sent + y.sent,
    alreadySent: x.alreadySent + y.alreadySent,
    held: x.held + y.held,
    skipped: [...x.skipped, ...y.skipped],
    notRecorded: [...x.notRecorded, ...y.notRecorded],
  };
}
