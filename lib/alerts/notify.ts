import type { Config, Contact, SecretRef } from '../config/types';
import type { CheckEventDetail, DetailType } from '../events/types';
import { DETAIL_TYPES } from '../events/types';
import { alertOf } from './build';
import type { SentRecord } from './deliver/sent';
import { DeliveryError } from './deliver/slack-webhook';
import { type Email, toEmail } from './email';
import type { Alert } from './model';
import { quietUntil } from './quiet-hours';
import { recipientsOf } from './recipients';
import { type SlackMessage, toSlack } from './slack';

/** A message held back by quiet hours, to deliver when they end. */
export interface HeldMessage {
  releaseAt: string;
  contactId: string;
  alert: Alert;
}

/** What notify needs from the outside world: the real ones in `functions/notify.ts`, local ones in tests. */
export interface NotifyPorts {
  config: () => Config;
  clock: () => Date;
  sent: SentRecord;
  /** The Slack webhook URL kept in SSM or Secrets Manager (cached). */
  slackUrl: (ref: SecretRef) => Promise<string>;
  /** The sender address of emails, from SSM (cached); null: email is not set up. */
  emailFrom: () => Promise<string | null>;
  postSlack: (url: string, message: SlackMessage) => Promise<void>;
  sendEmail: (from: string, to: string, email: Email) => Promise<void>;
  /** A snooze set with `stalewatch snooze` (the dataset file's `snooze` is in the config). */
  snoozedUntil: (dataset: string) => Promise<Date | null>;
  hold: (message: HeldMessage) => Promise<void>;
  /** Held messages whose quiet hours are over, and a way to drop each once delivered. */
  heldDue: (now: Date) => Promise<Array<HeldMessage & { done: () => Promise<void> }>>;
}

export interface NotifyOutcome {
  sent: number;
  alreadySent: number;
  held: number;
  skipped: string[];
}

const KNOWN: readonly string[] = Object.values(DETAIL_TYPES);

/** Urgent messages (a failing dataset, a check that cannot run) are never held by quiet hours. */
const isUrgent = (alert: Alert) => alert.tone === 'bad' && alert.kind !== 'still-stale';

/** Delivers one alert to one contact on each of its channels, each part once. */
async function deliver(
  contact: Contact,
  alert: Alert,
  ports: NotifyPorts,
  outcome: NotifyOutcome,
  failures: string[],
) {
  const sendOnce = async (delivery: string, send: () => Promise<void>) => {
    if (await ports.sent.wasSent(alert.key, delivery)) {
      outcome.alreadySent++;
      return;
    }
    try {
      await send();
      await ports.sent.markSent(alert.key, delivery, ports.clock());
      outcome.sent++;
    } catch (error) {
      failures.push(`${contact.id} ${delivery.split('#')[1]}: ${(error as Error).message}`);
    }
  };
  if (contact.slack) {
    const ref = contact.slack;
    const messages = toSlack(alert);
    for (const [i, message] of messages.entries()) {
      await sendOnce(`${contact.id}#slack#${i}`, async () =>
        ports.postSlack(await ports.slackUrl(ref), message),
      );
    }
  }
  const from = contact.email ? await ports.emailFrom() : null;
  if (contact.email && from) {
    const to = contact.email;
    await sendOnce(`${contact.id}#email#0`, () => ports.sendEmail(from, to, toEmail(alert)));
  }
}

/** Throws when any delivery failed, after every other delivery was tried. */
function failIfAny(failures: string[]) {
  if (failures.length > 0)
    throw new DeliveryError(`${failures.length} message(s) were not delivered: ${failures.join('; ')}`);
}

/**
 * Turns one event from the bus into messages for the people it concerns and delivers them. Nothing
 * about a snoozed dataset is sent; non-urgent messages wait out quiet hours; a message already accepted
 * by a channel is not sent again; and if any delivery fails, the invocation fails after trying the rest,
 * so EventBridge retries it (and the dead-letter queue keeps it).
 */
export async function notify(
  event: { 'detail-type'?: string; detail?: unknown },
  ports: NotifyPorts,
): Promise<NotifyOutcome> {
  const detailType = event['detail-type'] ?? '';
  if (!KNOWN.includes(detailType)) throw new Error(`notify does not handle "${detailType}" events`);
  const detail = event.detail as CheckEventDetail;
  const config = ports.config();
  const now = ports.clock();
  const outcome: NotifyOutcome = { sent: 0, alreadySent: 0, held: 0, skipped: [] };
  const dataset = config.datasets.find((d) => d.id === detail.dataset);
  const snoozed = [dataset?.snoozeUntil ?? null, await ports.snoozedUntil(detail.dataset)].some(
    (until) => until && until > now,
  );
  if (snoozed) {
    outcome.skipped.push(`${detail.dataset} is snoozed`);
    return outcome;
  }
  const failures: string[] = [];
  const quietEnd = quietUntil(now, config.settings.notify.quietHours, config.settings.timezone);
  for (const { contact } of recipientsOf(detailType as DetailType, detail, config.settings)) {
    const alert = alertOf(detailType as DetailType, detail, contact, { settings: config.settings, now });
    if (!alert) continue;
    if (quietEnd && !isUrgent(alert)) {
      await ports.hold({ releaseAt: quietEnd.toISOString(), contactId: contact.id, alert });
      outcome.held++;
      continue;
    }
    await deliver(contact, alert, ports, outcome, failures);
  }
  failIfAny(failures);
  return outcome;
}

/** Delivers the messages held by quiet hours that have now ended (on a schedule). */
export async function releaseHeld(ports: NotifyPorts): Promise<NotifyOutcome> {
  const config = ports.config();
  const outcome: NotifyOutcome = { sent: 0, alreadySent: 0, held: 0, skipped: [] };
  const failures: string[] = [];
  for (const held of await ports.heldDue(ports.clock())) {
    const contact = config.settings.contacts[held.contactId];
    const before = failures.length;
    if (contact) await deliver(contact, held.alert, ports, outcome, failures);
    if (failures.length === before) await held.done();
  }
  failIfAny(failures);
  return outcome;
}

/** Delivers digests (built by the caller) to their contacts, once per digest key. */
export async function deliverAll(
  messages: Array<{ contact: Contact; alert: Alert }>,
  ports: NotifyPorts,
): Promise<NotifyOutcome> {
  const outcome: NotifyOutcome = { sent: 0, alreadySent: 0, held: 0, skipped: [] };
  const failures: string[] = [];
  for (const { contact, alert } of messages) await deliver(contact, alert, ports, outcome, failures);
  failIfAny(failures);
  return outcome;
}
