import { isStale } from '../core/evaluate/status';
import { eventsOf } from '../core/events/build';
import { type EventEntry, RUN_COMPLETED, transitionOfDetailType } from '../core/events/types';
import type { Acknowledgement } from '../core/loop/acknowledgement';
import { answerCause, type DatasetNow, datasetNow } from '../core/loop/cause';
import { type AlertContext, alertOf } from '../core/messages/build';
import { type DigestCheck, digestEntries, digestOf, onTimeRates } from '../core/messages/digest';
import { documentOf, type Email, emailBodyOf, toEmail } from '../core/messages/email';
import type { Alert } from '../core/messages/model';
import { recipientsOf } from '../core/messages/recipients';
import { blockKitBuilderUrl, type SlackMessage, type SlackOptions, toSlack } from '../core/messages/slack';
import { type TeamsMessage, toTeams } from '../core/messages/teams';
import type { Config, Contact } from '../core/model/config';
import type { RunReport } from '../core/model/run';
import { historyOfResults } from '../core/status';
import { escapeHtml } from '../core/util/escape';
import { digestFire, ON_TIME_DAYS, previousDigestFire } from './digest';

/** The events a run causes from an empty state: what the first run of a new deployment would send. */
export function eventsFromEmptyState(config: Config, report: RunReport): EventEntry[] {
  return report.results.flatMap((result) => eventsOf(config, report, result, null).events);
}

/** What a preview knows besides the events: the run they came from, and who is on which dataset. */
export interface PreviewContext {
  /**
   * The run (every source judged at its `now`): with it, a dataset's messages are told as its cause's
   * story (docs/semantics.md "One story per cause"), as notify would tell them.
   */
  report?: RunReport;
  /** Who is on which dataset ("Who is on it: …"). */
  acknowledgements?: ReadonlyMap<string, Pick<Acknowledgement, 'by' | 'at'>>;
}

/** Each dataset now, as a run that judged every check at its `now` leaves them (a first run: since now). */
export function datasetsOfRun(config: Config, report: RunReport): Map<string, DatasetNow> {
  const now = report.now.toISOString();
  const states = new Map(
    report.results.map((r) => [
      r.check.id,
      {
        checkId: r.check.id,
        status: r.status,
        since: now,
        staleSince: r.staleSince?.toISOString() ?? null,
        lastUpdatedAt: r.lastUpdatedAt?.toISOString() ?? null,
        runAt: now,
      },
    ]),
  );
  return new Map(config.datasets.map((d) => [d.id, datasetNow(d, states)]));
}

/**
 * What notify decides of one event when every dataset was judged in its run (docs/semantics.md "One
 * story per cause"): nothing to wait for, so always an answer (null for news that is not a transition).
 */
export function storyIn(
  config: Config,
  datasets: ReadonlyMap<string, DatasetNow>,
  event: Extract<EventEntry, { detail: { checkId: string } }>,
  now: Date,
) {
  const { detail } = event;
  const kind = detail.transition ?? transitionOfDetailType(event.detailType);
  if (!kind) return null;
  const answer = answerCause({ kind, dataset: detail.dataset, tick: detail.now, now, config, datasets });
  return answer.decided ? answer : null;
}

/** Every alert of every contact, in event order. */
export function alertsByContact(
  config: Config,
  events: readonly EventEntry[],
  now: Date,
  preview: PreviewContext = {},
): Map<string, { contact: Contact; alerts: Alert[] }> {
  const datasets = preview.report ? datasetsOfRun(config, preview.report) : null;
  const byContact = new Map<string, { contact: Contact; alerts: Alert[] }>();
  for (const event of events) {
    if (event.detailType === RUN_COMPLETED) continue;
    const { detail } = event;
    const story = datasets ? storyIn(config, datasets, event, now) : null;
    if (story && !story.tell) continue;
    const ctx: AlertContext = {
      settings: config.settings,
      now,
      acknowledgement: preview.acknowledgements?.get(detail.dataset) ?? null,
      story,
      causeAcknowledgement: story?.cause ? (preview.acknowledgements?.get(story.cause.id) ?? null) : null,
    };
    for (const { contact } of recipientsOf(event.detailType, detail, config.settings)) {
      const alert = alertOf(event.detailType, detail, contact, ctx);
      if (!alert) continue;
      const entry = byContact.get(contact.id) ?? { contact, alerts: [] };
      // One message per key, as the sent-record sends it (a dependant's checks share their story's).
      if (entry.alerts.some((a) => a.key === alert.key)) continue;
      entry.alerts.push(alert);
      byContact.set(contact.id, entry);
    }
  }
  return byContact;
}

/** The checks a run found stale, as digests read them. */
function staleChecksOf(report: RunReport): DigestCheck[] {
  return report.results
    .filter((r) => isStale(r.status))
    .map((r) => ({
      checkId: r.check.id,
      state: 'stale',
      staleSince: r.staleSince?.toISOString() ?? null,
      lastUpdatedAt: r.lastUpdatedAt?.toISOString() ?? null,
      noData: r.breaches.some((b) => b.rule === 'noData'),
      recoveredAt: null,
    }));
}

/** What `preview` writes for one contact: each message as Slack, and as email for a contact with an address. */
export interface ContactPreview {
  contact: Contact;
  slack: SlackMessage[];
  /** The emails, for a contact with an address (else none). */
  emails: Email[];
  /** The Adaptive Cards, for a contact with `teams:` (else none). */
  teams: TeamsMessage[];
  alerts: Alert[];
}

/**
 * Several emails as one preview file. The HTML holds each email's body under its subject, and its
 * `<title>` is the first email's subject, as is the text file's first line; each email in the text
 * file starts with its own `Subject: …` line.
 */
export function combineEmails(alerts: readonly Alert[]): { html: string; text: string } {
  const emails = alerts.map(toEmail);
  const first = emails[0];
  if (!first) return { html: '', text: '' };
  const html =
    emails.length === 1
      ? first.html
      : documentOf(
          first.subject,
          first.preheader,
          alerts.map(
            (a, i) =>
              `<p style="margin:0 0 16px;font-size:13px;color:#475467">Email ${i + 1} of ${emails.length} · Subject: ${escapeHtml(emails[i]?.subject ?? '')}</p>\n${emailBodyOf(a)}`,
          ),
        );
  const text = emails.map((e) => `Subject: ${e.subject}\n\n${e.text}`).join('\n==========\n\n');
  return { html, text };
}

/**
 * The messages of each contact that would hear something: Slack for every contact (mentioning its
 * `slackUser`), email for those with an address, Teams cards for those with `teams:`.
 */
export function previews(
  byContact: Map<string, { contact: Contact; alerts: Alert[] }>,
  slack: SlackOptions = {},
): ContactPreview[] {
  return [...byContact.values()].map(({ contact, alerts }) => ({
    contact,
    slack: alerts.flatMap((alert) => toSlack(alert, { ...slack, mention: contact.slackUser ?? null })),
    emails: contact.email ? alerts.map(toEmail) : [],
    teams: contact.teams ? alerts.flatMap(toTeams) : [],
    alerts,
  }));
}

/**
 * The files of a contact's preview: `<contact>.slack.json` (and its Block Kit Builder links), email, and
 * `<contact>.teams.json` (each card's envelope as posted, for the Adaptive Cards Designer).
 */
export function previewFiles(preview: ContactPreview): Record<string, string> {
  const id = preview.contact.id;
  const files: Record<string, string> = {
    [`${id}.slack.json`]: `${JSON.stringify(preview.slack, null, 2)}\n`,
    [`${id}.slack-links.txt`]: `${preview.slack.map((m) => `${m.text}\n${blockKitBuilderUrl(m)}\n`).join('\n')}`,
  };
  if (preview.teams.length > 0) files[`${id}.teams.json`] = `${JSON.stringify(preview.teams, null, 2)}\n`;
  if (preview.emails.length > 0) {
    const { html, text } = combineEmails(preview.alerts);
    files[`${id}.email.html`] = html;
    files[`${id}.email.txt`] = text;
  }
  return files;
}

/**
 * The digests of every contact with something to hear, as the digest due at the run's time would read
 * them: "since the last digest" from the fire before it, on-time rates from this run alone (the CLI has
 * no history).
 */
export function digestAlerts(
  config: Config,
  report: RunReport,
): Map<string, { contact: Contact; alerts: Alert[] }> {
  const zone = config.settings.timezone;
  const fire = digestFire(config.settings.notify.digest, zone, report.now) ?? report.now;
  const history = historyOfResults(report.results, report.now);
  const entries = digestEntries(
    config,
    staleChecksOf(report),
    onTimeRates(config, history, report.now, zone, ON_TIME_DAYS),
  );
  const ctx = {
    zone,
    now: report.now,
    lastDigestAt: previousDigestFire(config.settings.notify.digest, zone, fire),
    key: `digest:${report.runId}`,
  };
  const byContact = new Map<string, { contact: Contact; alerts: Alert[] }>();
  for (const contact of Object.values(config.settings.contacts)) {
    const digest = digestOf(contact, entries, ctx);
    if (digest) byContact.set(contact.id, { contact, alerts: [digest] });
  }
  return byContact;
}
