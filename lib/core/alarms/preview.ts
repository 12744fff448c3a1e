import { DETAIL_TYPES } from '../events/types';
import type { Alert } from '../messages/model';
import { recipientsOf } from '../messages/recipients';
import type { Config, Contact } from '../model/config';
import { readAlarmEvent } from './event';
import { alarmAlert, stepOnEvent } from './news';
import { watchOf } from './watch';

/**
 * The messages alarm events would send from an empty state, by contact (`preview --alarm-event`, the
 * demo), and a line per event saying what happened. Events of alarms no file watches are listed, not sent.
 */
export function alarmPreview(
  config: Config,
  events: readonly unknown[],
  now: Date,
): { byContact: Map<string, { contact: Contact; alerts: Alert[] }>; lines: string[] } {
  const byContact = new Map<string, { contact: Contact; alerts: Alert[] }>();
  const lines: string[] = [];
  const ctx = { zone: config.settings.timezone, contacts: config.settings.contacts, now };
  for (const event of events) {
    const change = readAlarmEvent(event);
    const watch = watchOf(config.alarms, change.alarmName);
    if (!watch) {
      lines.push(`  ${change.state.padEnd(17)} ${change.alarmName}: no file in checks/ watches it`);
      continue;
    }
    const step = stepOnEvent(null, change, config.settings.notify.remindEvery);
    if (step.action !== 'tell') continue;
    for (const news of step.news) {
      const people = { owners: watch.owners, subscribers: watch.subscribers };
      const recipients = recipientsOf(DETAIL_TYPES[news.kind], people, config.settings);
      for (const { contact } of recipients) {
        const alert = alarmAlert(news, watch, contact, ctx);
        const entry = byContact.get(contact.id) ?? { contact, alerts: [] };
        entry.alerts.push(alert);
        byContact.set(contact.id, entry);
      }
      const headline = recipients[0] ? alarmAlert(news, watch, recipients[0].contact, ctx).headline : '';
      lines.push(
        `  ${change.state.padEnd(17)} ${change.alarmName}: ${headline} → ${recipients.map((r) => r.contact.id).join(', ')}`,
      );
    }
  }
  return { byContact, lines };
}
