import { eventsOf } from '../core/events/build';
import { type EventEntry, RUN_COMPLETED } from '../core/events/types';
import { type AlertContext, alertOf } from '../core/messages/build';
import { digestEntries, digestOf, type StaleCheck } from '../core/messages/digest';
import { type Email, toEmail } from '../core/messages/email';
import type { Alert } from '../core/messages/model';
import { recipientsOf } from '../core/messages/recipients';
import { blockKitBuilderUrl, type SlackMessage, toSlack } from '../core/messages/slack';
import type { Config, Contact } from '../core/model/config';
import type { RunReport } from '../core/model/run';

/** The events a run causes from an empty state: what the first run of a new deployment would send. */
export function eventsFromEmptyState(config: Config, report: RunReport): EventEntry[] {
  return report.results.flatMap((result) => eventsOf(config, report, result, null).events);
}

/** Every alert of every contact, in event order. */
export function alertsByContact(
  config: Config,
  events: readonly EventEntry[],
  now: Date,
): Map<string, { contact: Contact; alerts: Alert[] }> {
  const ctx: AlertContext = { settings: config.settings, now };
  const byContact = new Map<string, { contact: Contact; alerts: Alert[] }>();
  for (const event of events) {
    if (event.detailType === RUN_COMPLETED) continue;
    const { detail } = event;
    for (const { contact } of recipientsOf(event.detailType, detail, config.settings)) {
      const alert = alertOf(event.detailType, detail, contact, ctx);
      if (!alert) continue;
      const entry = byContact.get(contact.id) ?? { contact, alerts: [] };
      entry.alerts.push(alert);
      byContact.set(contact.id, entry);
    }
  }
  return byContact;
}

/** The checks a run found stale, as digests read them. */
function staleChecksOf(report: RunReport): StaleCheck[] {
  return report.results
    .filter((r) => r.status === 'warn' || r.status === 'fail')
    .map((r) => ({
      checkId: r.check.id,
      staleSince: r.staleSince?.toISOString() ?? null,
      lastUpdatedAt: r.lastUpdatedAt?.toISOString() ?? null,
    }));
}

/** What `preview` writes for one contact. */
export interface ContactPreview {
  contact: Contact;
  slack: SlackMessage[];
  email: Email | null;
}

/** Several alerts as one email document (a preview file), separated by rules. */
function combine(emails: Email[]): Email {
  if (emails.length === 1) return emails[0] as Email;
  const bodies = emails.map((e) => /<body[^>]*>([\s\S]*)<\/body>/.exec(e.html)?.[1] ?? e.html);
  const first = emails[0]?.html ?? '';
  return {
    subject: `${emails.length} messages`,
    html: first.replace(
      /(<body[^>]*>)[\s\S]*(<\/body>)/,
      `$1${bodies.join('\n<hr style="margin:32px 0">\n')}$2`,
    ),
    text: emails.map((e) => e.text).join('\n==========\n\n'),
  };
}

/** The messages of each contact that would hear something: Slack for every contact, email for those with an address. */
export function previews(byContact: Map<string, { contact: Contact; alerts: Alert[] }>): ContactPreview[] {
  return [...byContact.values()].map(({ contact, alerts }) => ({
    contact,
    slack: alerts.flatMap(toSlack),
    email: contact.email ? combine(alerts.map(toEmail)) : null,
  }));
}

/** The files of a contact's preview: `<contact>.slack.json` (and its Block Kit Builder links), and email. */
export function previewFiles(preview: ContactPreview): Record<string, string> {
  const id = preview.contact.id;
  const files: Record<string, string> = {
    [`${id}.slack.json`]: `${JSON.stringify(preview.slack, null, 2)}\n`,
    [`${id}.slack-links.txt`]: `${preview.slack.map((m) => `${m.text}\n${blockKitBuilderUrl(m)}\n`).join('\n')}`,
  };
  if (preview.email) {
    files[`${id}.email.html`] = preview.email.html;
    files[`${id}.email.txt`] = preview.email.text;
  }
  return files;
}

/** The digests of every contact with something stale. */
export function digestAlerts(
  config: Config,
  report: RunReport,
): Map<string, { contact: Contact; alerts: Alert[] }> {
  const entries = digestEntries(config, staleChecksOf(report));
  const byContact = new Map<string, { contact: Contact; alerts: Alert[] }>();
  for (const contact of Object.values(config.settings.contacts)) {
    const digest = digestOf(contact, entries, config.settings.timezone, report.now, `digest:${report.runId}`);
    if (digest) byContact.set(contact.id, { contact, alerts: [digest] });
  }
  return byContact;
}
