import type { Channel } from '../../app/ports';
import { type TeamsMessage, toTeams } from '../../core/messages/teams';
import type { SecretRef } from '../../core/model/config';
import { checkedWebhookUrl, postToWebhook, type RetryOptions } from '../webhook';

/**
 * The Teams Workflows webhook URL held by the secret `ref`: an https URL (or http to a loopback address).
 * Anything else is a `WebhookSecretError` naming the parameter, never what it holds.
 */
export function teamsWebhookUrl(ref: SecretRef, value: string): string {
  return checkedWebhookUrl('Teams', ref, value);
}

/**
 * Posts one Adaptive Card to a Teams Workflows webhook, with Slack's rules: 429 retried after
 * `Retry-After`, 5xx and network errors with backoff, any other refusal (400: a card Teams will not take;
 * 403, 404: a deleted workflow) not retried. The URL, which carries the workflow's signature, is never in
 * an error message.
 */
export function postToTeams(url: string, message: TeamsMessage, options: RetryOptions = {}): Promise<void> {
  return postToWebhook('Teams', url, message, options);
}

/**
 * The Teams channel: a contact with `teams:` gets each message as an Adaptive Card (no buttons, no
 * mention), posted to the Workflows webhook URL that `url` reads from SSM or Secrets Manager.
 */
export function teamsChannel(deps: {
  url: (ref: SecretRef) => Promise<string>;
  retry?: RetryOptions;
}): Channel<TeamsMessage> {
  return {
    name: 'teams',
    async render(alert, contact) {
      return contact.teams ? toTeams(alert) : [];
    },
    async send(contact, message) {
      if (!contact.teams) return;
      await postToTeams(await deps.url(contact.teams), message, deps.retry);
    },
  };
}
