import { DeliveryError } from '../core/errors';
import { parseCheckEvent } from '../core/events/parse';
import { type CheckEventDetail, DETAIL_TYPES, transitionOfDetailType } from '../core/events/types';
import type { Acknowledgement } from '../core/loop/acknowledgement';
import { answerCause, type CauseAnswer, datasetNow, type FollowUp, storyMembers } from '../core/loop/cause';
import { alertOf } from '../core/messages/build';
import { followUpAlert } from '../core/messages/cause';
import type { Alert } from '../core/messages/model';
import { quietUntil } from '../core/messages/quiet-hours';
import { recipientsOf } from '../core/messages/recipients';
import type { Config, Contact } from '../core/model/config';
import type { CheckState } from '../core/model/state';
import { again, budgetOf, done, type RetryPolicy, retry } from '../core/retry';
import type { Claim, NotifyPorts } from './ports';

/** What one notify invocation did: counted, so the log line and tests can say it without the messages. */
export interface NotifyOutcome {
  sent: number;
  alreadySent: number;
  held: number;
  skipped: string[];
  /**
   * Messages a channel accepted but whose record could not be written even after retrying for as long as
   * the invocation had time: they count as sent, and the invocation does not fail for them (a retry
   * would only risk sending them again).
   */
  notRecorded: string[];
}

/** How long the invocation may still run, in milliseconds; it counts down. */
export type TimeLeft = () => number;

/** A countdown from Lambda's remaining time, on a clock that wall-clock changes do not move. */
export function countdown(remainingMs: number, ticks: () => number = () => performance.now()): TimeLeft {
  const end = ticks() + remainingMs;
  return () => end - ticks();
}

/** When notify is called without a deadline (tests, local runs): the notify function's timeout. */
const DEFAULT_REMAINING_MS = 60_000;

/**
 * A claim lasts this much longer than the invocation that made it can run: past the Lambda timeout, with
 * room for clocks that disagree. A claim still there by then belongs to an invocation that crashed.
 */
export const LEASE_MARGIN_MS = 30_000;

/** Waiting for another invocation's send stops when this little time is left, to fail cleanly. */
const WAIT_RESERVE_MS = 5_000;
/**
 * Writing sent records goes on until this little time is left: the invocation then ends cleanly (listing
 * what it could not record) rather than being timed out, which Lambda would retry.
 */
const RECORD_RESERVE_MS = 1_000;
const FIRST_WAIT_MS = 100;
/**
 * Waiting for the datasets of a story to be judged in the news's tick stops when this much time is
 * left: enough to send its messages. Then what is known is told (docs/semantics.md "One story per cause").
 */
const CAUSE_RESERVE_MS = 20_000;
const CAUSE_FIRST_WAIT_MS = 500;
const CAUSE_LONGEST_WAIT_MS = 5_000;
const LONGEST_WAIT_MS = 1_000;

const emptyOutcome = (): NotifyOutcome => ({
  sent: 0,
  alreadySent: 0,
  held: 0,
  skipped: [],
  notRecorded: [],
});

/** Urgent messages (a failing dataset, a check that cannot run) are never held by quiet hours. */
const isUrgent = (alert: Alert) => alert.tone === 'bad' && alert.kind !== 'still-stale';

/** A message a channel accepted whose record could not be written yet. */
interface Unrecorded {
  key: string;
  delivery: string;
  label: string;
  sentAt: Date;
  error: unknown;
}

/** What one invocation is doing: its ports, its deadline, and what it has done so far. */
interface Delivering {
  ports: NotifyPorts;
  timeLeft: TimeLeft;
  outcome: NotifyOutcome;
  failures: string[];
  /** Sent, not yet recorded: written again before the invocation ends (`recordTheRest`). */
  unrecorded: Unrecorded[];
}

const delivering = (ports: NotifyPorts, timeLeft: TimeLeft): Delivering => ({
  ports,
  timeLeft,
  outcome: emptyOutcome(),
  failures: [],
  unrecorded: [],
});

/**
 * Waits from 0.1 s, doubling, up to every second: between polls of another's claim, and between writes,
 * while the invocation has more than `reserveMs` left.
 */
const backoff = (run: Delivering, reserveMs: number): RetryPolicy => ({
  firstDelayMs: FIRST_WAIT_MS,
  maxDelayMs: LONGEST_WAIT_MS,
  sleep: run.ports.sleep,
  ...budgetOf(run.timeLeft, reserveMs),
});

/** Stops a record's write (and the client's retries of it) when the invocation has only its reserve left. */
const withinTime = (run: Delivering) =>
  AbortSignal.timeout(Math.max(0, Math.floor(run.timeLeft() - RECORD_RESERVE_MS)));

/** Writes the record of a message a channel accepted, or keeps it to write again (`recordTheRest`). */
async function record(run: Delivering, sent: Omit<Unrecorded, 'error'>): Promise<void> {
  try {
    await run.ports.sent.markSent(sent.key, sent.delivery, sent.sentAt, withinTime(run));
  } catch (error) {
    run.unrecorded.push({ ...sent, error });
  }
}

/**
 * Writes again, with backoff, the records that could not be written when their messages were sent
 * (DynamoDB throttling past the client's own retries), for as long as the invocation has time. A record
 * written before the invocation ends always beats the claim, whose lease runs 30 s past that end, so no
 * retry of this event can send the message again. Only what still fails then is `notRecorded`.
 */
async function recordTheRest(run: Delivering) {
  if (run.unrecorded.length === 0) return;
  // The first try was made when each message was sent.
  await retry(
    async (n) => {
      if (n > 0) for (const sent of run.unrecorded.splice(0)) await record(run, sent);
      return run.unrecorded.length === 0 ? done(undefined) : again(undefined);
    },
    backoff(run, RECORD_RESERVE_MS),
  );
  for (const { label, error } of run.unrecorded.splice(0))
    run.outcome.notRecorded.push(`${label}: ${(error as Error).name}: ${(error as Error).message}`);
}

/**
 * Claims one message for this invocation: its claim token, or null when there is nothing to send (a
 * channel already has it) or nothing to send now (another invocation still holds it when this one must
 * stop: a failure, so that a retry comes back after that claim has lapsed). While another invocation
 * holds the claim, waits for it to finish, and counts the message as already sent if it did.
 */
async function claimOrWait(key: string, delivery: string, label: string, run: Delivering) {
  const { ports, outcome, failures } = run;
  const claimed = await retry(
    async () => {
      const now = ports.clock();
      let claim: Claim;
      try {
        claim = await ports.sent.claim(
          key,
          delivery,
          now,
          new Date(now.getTime() + run.timeLeft() + LEASE_MARGIN_MS),
        );
      } catch (error) {
        failures.push(`${label}: could not be claimed for sending: ${(error as Error).message}`);
        return done(null);
      }
      if (claim.status === 'claimed') return done(claim.token);
      if (claim.status === 'sent') {
        outcome.alreadySent++;
        return done(null);
      }
      return again(claim.leaseUntil);
    },
    backoff(run, WAIT_RESERVE_MS),
  );
  if (claimed.done) return claimed.value;
  failures.push(
    `${label}: another invocation is sending it; if it did not, a retry after ` +
      `${claimed.failure.toISOString()} will`,
  );
  return null;
}

/**
 * Sends one message unless a channel already has it: claim, send, record (docs/operations.md "Once-only delivery").
 * A refused send gives its claim back, so that a retry sends it at once.
 */
async function sendOnce(key: string, delivery: string, send: () => Promise<void>, run: Delivering) {
  const { ports } = run;
  const label = delivery.split('#').slice(0, 2).join(' ');
  const token = await claimOrWait(key, delivery, label, run);
  if (token === null) return;
  try {
    await send();
  } catch (error) {
    let failure = `${label}: ${(error as Error).message}`;
    try {
      await ports.sent.release(key, delivery, token);
    } catch {
      failure += ' (its claim could not be given up: a retry sends it once the claim lapses)';
    }
    run.failures.push(failure);
    return;
  }
  run.outcome.sent++;
  await record(run, { key, delivery, label, sentAt: ports.clock() });
}

/**
 * Whether a message of the event at `eventAt` about `checkId` may still go to `contactId`: not when a
 * message of a later event about the same check went to them first (sent, or held), since it would
 * arrive out of order and say what is no longer true ("still out of date" after "up to date again").
 * Such a message is skipped; a failure to find out fails the message, so that it is tried again.
 */
async function inOrder(run: Delivering, checkId: string, contactId: string, eventAt: string) {
  try {
    if (await run.ports.isLatest(checkId, contactId, eventAt)) return true;
    run.outcome.skipped.push(`${contactId}: a later event about ${checkId} reached them first`);
  } catch (error) {
    run.failures.push(
      `${contactId}: the order of messages about ${checkId} could not be checked: ${(error as Error).message}`,
    );
  }
  return false;
}

/**
 * Delivers one alert to one contact on each channel that reaches them, each part once (claim, send,
 * record). The stages before this one (snoozes, order, quiet hours) are the same for every channel.
 */
async function deliver(contact: Contact, alert: Alert, run: Delivering) {
  const { ports } = run;
  const settings = ports.config().settings;
  for (const channel of ports.channels) {
    const parts = await channel.render(alert, contact, settings);
    for (const [i, part] of parts.entries()) {
      await sendOnce(alert.key, `${contact.id}#${channel.name}#${i}`, () => channel.send(contact, part), run);
    }
  }
}

/** Records what is still unrecorded, then throws when any delivery failed, after every other was tried. */
async function finish(run: Delivering): Promise<NotifyOutcome> {
  await recordTheRest(run);
  const { failures } = run;
  if (failures.length > 0)
    throw new DeliveryError(`${failures.length} message(s) were not delivered: ${failures.join('; ')}`);
  return run.outcome;
}

/**
 * One piece of news about one thing (a check, or an alarm) and its message for each contact it
 * concerns: what `tell` delivers.
 */
export interface Story {
  /** The check (or `alarm/<name>`) it is about: messages about it reach each contact in order. */
  checkId: string;
  /** The id that `stalewatch snooze` snoozes (a dataset id), and the file's own `snooze:`. */
  snoozeId: string;
  snoozeUntil: Date | null;
  /** Its event's time: the order of messages about `checkId`. */
  eventAt: string;
  messages: Array<{ contact: Contact; alert: Alert }>;
}

/** Tells one story: nothing while snoozed; each message in order, held through quiet hours unless urgent. */
async function tell(story: Story, run: Delivering, config: Config, now: Date): Promise<void> {
  if (await snoozedUntil(story.snoozeUntil, story.snoozeId, run.ports, now)) {
    run.outcome.skipped.push(`${story.snoozeId} is snoozed`);
    return;
  }
  const quietEnd = quietUntil(now, config.settings.notify.quietHours, config.settings.timezone);
  for (const { contact, alert } of story.messages) {
    if (!(await inOrder(run, story.checkId, contact.id, story.eventAt))) continue;
    if (quietEnd && !isUrgent(alert)) {
      const held = { releaseAt: quietEnd.toISOString(), contactId: contact.id, alert };
      await run.ports.hold({ ...held, checkId: story.checkId, eventAt: story.eventAt });
      run.outcome.held++;
      continue;
    }
    await deliver(contact, alert, run);
  }
}

/**
 * Tells stories (alarm news: lib/app/alarms.ts) as `notify` tells an event's, and fails after trying
 * all of them when any delivery failed. `skipped` notes are kept in the outcome.
 */
export async function tellAll(
  stories: readonly Story[],
  ports: NotifyPorts,
  timeLeft: TimeLeft = countdown(DEFAULT_REMAINING_MS),
  skipped: readonly string[] = [],
): Promise<NotifyOutcome> {
  const config = ports.config();
  const now = ports.clock();
  const run = delivering(ports, timeLeft);
  run.outcome.skipped.push(...skipped);
  for (const story of stories) await tell(story, run, config, now);
  return finish(run);
}

/**
 * Turns one event from the bus into messages for the people it concerns and delivers them. Nothing
 * about a snoozed dataset is sent; non-urgent messages wait out quiet hours; each message is sent once,
 * also when the event is delivered twice at once (see `sendOnce`); and if any delivery fails, the
 * invocation fails after trying the rest, so EventBridge retries it (and the dead-letter queue keeps it).
 */
export async function notify(
  event: { 'detail-type'?: string; detail?: unknown },
  ports: NotifyPorts,
  timeLeft: TimeLeft = countdown(DEFAULT_REMAINING_MS),
): Promise<NotifyOutcome> {
  const { detailType, detail } = parseCheckEvent(event, 'notify');
  const config = ports.config();
  const dataset = config.datasets.find((d) => d.id === detail.dataset);
  const acknowledgement =
    (await ports.loop?.acknowledgements.current([detail.dataset]))?.get(detail.dataset) ?? null;
  if (acknowledgement && detailType === DETAIL_TYPES['still-stale']) {
    // Someone is on it: reminders stop until the dataset recovers (SPEC.md "Who is on it").
    return tellAll([], ports, timeLeft, [
      `${detail.dataset}: ${acknowledgement.by} is on it, so no reminder`,
    ]);
  }
  const kind = detail.transition ?? transitionOfDetailType(detailType);
  const answer = kind ? await answerOfCause(kind, detail, ports, timeLeft) : null;
  if (answer && !answer.tell) {
    // Its cause's story is being told: no separate reminder for a dependant (SPEC.md "One story per cause").
    return tellAll([], ports, timeLeft, [
      `${detail.dataset}: waiting on ${answer.cause?.id}, so no separate reminder`,
    ]);
  }
  const now = ports.clock();
  // A dependant no one has taken on says who is on its cause, if anyone is.
  const causeAcknowledgement =
    answer?.cause && !acknowledgement
      ? ((await ports.loop?.acknowledgements.current([answer.cause.id]))?.get(answer.cause.id) ?? null)
      : null;
  // A snoozed cause's owners hear nothing of it until the snooze ends: the dependant's message says so.
  const cause = answer?.cause ? config.datasets.find((d) => d.id === answer.cause?.id) : undefined;
  const causeSnoozedUntil = cause ? await snoozedUntil(cause.snoozeUntil, cause.id, ports, now) : null;
  const ctx = {
    settings: config.settings,
    now,
    acknowledgement,
    story: answer,
    causeAcknowledgement,
    causeSnoozedUntil,
  };
  const messages = recipientsOf(detailType, detail, config.settings).flatMap(({ contact }) => {
    const alert = alertOf(detailType, detail, contact, ctx);
    return alert ? [{ contact, alert }] : [];
  });
  const stories: Story[] = [
    {
      checkId: detail.checkId,
      snoozeId: detail.dataset,
      snoozeUntil: dataset?.snoozeUntil ?? null,
      eventAt: detail.now,
      messages,
    },
  ];
  if (answer?.followUp) stories.push(await followUpStory(answer.followUp, detail.now, ports, now));
  const outcome = await tellAll(stories, ports, timeLeft);
  if (acknowledgement) await endIfRecovered(detailType, detail, acknowledgement, ports);
  return outcome;
}

/**
 * What one story per cause makes of this news (lib/core/loop/cause.ts), or null when the dataset has no
 * cause or dependant that matters to it. Sources run in parallel, so the datasets around it may not have
 * been judged in the news's tick yet: their states are read again, waiting a little longer each time,
 * until they have been or the invocation must keep its time for sending; then what is known is told.
 */
async function answerOfCause(
  kind: NonNullable<CheckEventDetail['transition']>,
  detail: CheckEventDetail,
  ports: NotifyPorts,
  timeLeft: TimeLeft,
): Promise<Extract<CauseAnswer, { decided: true }> | null> {
  const config = ports.config();
  const members = storyMembers(config, detail.dataset, kind);
  const read = ports.checkStates;
  if (members.length === 0 || !read) return null;
  const ids = new Set([detail.dataset, ...members]);
  const datasets = config.datasets.filter((d) => ids.has(d.id));
  const checkIds = datasets.flatMap((d) => d.checks.map((c) => c.id));
  const sourceOf = new Map(config.checks.filter((c) => ids.has(c.dataset)).map((c) => [c.id, c.source]));
  const ask = async (waitedOut: boolean) => {
    const states = judgedBy(
      await read(checkIds),
      sourceOf,
      (await ports.lastRuns?.([...new Set(sourceOf.values())])) ?? new Map(),
    );
    return answerCause({
      kind,
      dataset: detail.dataset,
      tick: detail.now,
      now: ports.clock(),
      config,
      datasets: new Map(datasets.map((d) => [d.id, datasetNow(d, states)])),
      waitedOut,
    });
  };
  const waited = await retry(
    async () => {
      const answer = await ask(false);
      return answer.decided ? done(answer) : again(answer.waitingFor);
    },
    {
      firstDelayMs: CAUSE_FIRST_WAIT_MS,
      maxDelayMs: CAUSE_LONGEST_WAIT_MS,
      sleep: ports.sleep,
      ...budgetOf(timeLeft, CAUSE_RESERVE_MS),
    },
  );
  const answer = waited.done ? waited.value : await ask(true);
  return answer.decided ? answer : null;
}

/**
 * Until when alerts about `id` are snoozed now, by its file's `snooze:` (`inFile`) or by `stalewatch
 * snooze`, whichever ends later; null when neither holds now.
 */
async function snoozedUntil(
  inFile: Date | null,
  id: string,
  ports: NotifyPorts,
  now: Date,
): Promise<Date | null> {
  const set = await ports.snoozedUntil(id);
  const until = [inFile, set].filter((t): t is Date => t !== null && t > now).sort((a, b) => +b - +a)[0];
  return until ?? null;
}

/**
 * The states with each check's run time moved on to its source's run mark where that is later: a run
 * that changed nothing about a check wrote no state for it (docs/operations.md "What a run writes"), but
 * it did judge it.
 */
function judgedBy(
  states: ReadonlyMap<string, CheckState>,
  sourceOf: ReadonlyMap<string, string>,
  marks: ReadonlyMap<string, Date>,
): Map<string, CheckState> {
  return new Map(
    [...states].map(([checkId, state]) => {
      const mark = marks.get(sourceOf.get(checkId) ?? '');
      return [checkId, mark && mark > state.runAt ? { ...state, runAt: mark } : state];
    }),
  );
}

/** The follow-up to a cause's owners and subscribers: one per cause and tick (its key), in its own order. */
async function followUpStory(
  followUp: FollowUp,
  tick: string,
  ports: NotifyPorts,
  now: Date,
): Promise<Story> {
  const config = ports.config();
  const { cause } = followUp;
  const acknowledgement = (await ports.loop?.acknowledgements.current([cause.id]))?.get(cause.id) ?? null;
  const ctx = { settings: config.settings, now, acknowledgement };
  return {
    checkId: `${cause.id}#affected`,
    snoozeId: cause.id,
    snoozeUntil: config.datasets.find((d) => d.id === cause.id)?.snoozeUntil ?? null,
    eventAt: tick,
    messages: recipientsOf(DETAIL_TYPES.stale, cause, config.settings).map(({ contact }) => ({
      contact,
      alert: followUpAlert(followUp, contact, ctx),
    })),
  };
}

/**
 * Ends an acknowledgement once its dataset is back to normal: after the recovery message (which still
 * says who was on it) has gone, and only when every check of the dataset passes again.
 */
async function endIfRecovered(
  detailType: string,
  detail: CheckEventDetail,
  acknowledgement: Acknowledgement,
  ports: NotifyPorts,
) {
  if (detailType !== DETAIL_TYPES.recovered && detailType !== DETAIL_TYPES['error-recovered']) return;
  const checkIds = ports
    .config()
    .checks.filter((c) => c.dataset === detail.dataset)
    .map((c) => c.id);
  if (ports.loop && (await ports.loop.allPassing(checkIds)))
    await ports.loop.acknowledgements.end(detail.dataset, acknowledgement.at);
}

/**
 * Delivers the messages held by quiet hours that have now ended (on a schedule), in the order of their
 * events. A held message is dropped once each of its messages is sent (by this release or an overlapping
 * one), or when a later event about its check has reached its contact since it was held (a reminder held
 * overnight says nothing once "up to date again" went out in the morning).
 */
export async function releaseHeld(
  ports: NotifyPorts,
  timeLeft: TimeLeft = countdown(DEFAULT_REMAINING_MS),
): Promise<NotifyOutcome> {
  const config = ports.config();
  const run = delivering(ports, timeLeft);
  for (const held of await ports.heldDue(ports.clock())) {
    const contact = config.settings.contacts[held.contactId];
    const before = run.failures.length;
    const current = held.checkId === null || (await inOrder(run, held.checkId, held.contactId, held.eventAt));
    if (contact && current) await deliver(contact, held.alert, run);
    if (run.failures.length === before) await held.done();
  }
  return finish(run);
}

/** Delivers digests (built by the caller) to their contacts, once per digest key. */
export async function deliverAll(
  messages: Array<{ contact: Contact; alert: Alert }>,
  ports: NotifyPorts,
  timeLeft: TimeLeft = countdown(DEFAULT_REMAINING_MS),
): Promise<NotifyOutcome> {
  const run = delivering(ports, timeLeft);
  for (const { contact, alert } of messages) await deliver(contact, alert, run);
  return finish(run);
}
