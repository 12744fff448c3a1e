import type { Channel } from '../../app/ports';
import { type SlackMessage, toSlack } from '../../core/messages/slack';
import type { SecretRef } from '../../core/model/config';
import { checkedWebhookUrl, postToWebhook, type RetryOptions } from '../webhook';

export { type RetryOptions, WebhookSecretError } from '../webhook';

/**
 * The webhook URL held by the secret `ref`: an https URL (or http to a loopback address). Anything else
 * is a `WebhookSecretError` naming the parameter; nothing is posted, and retrying would not help.
 */
export function webhookUrl(ref: SecretRef, value: string): string {
  return checkedWebhookUrl('Slack', ref, value);
}

/**
 * Posts one message to a Slack incoming webhook. 429 is retried after `Retry-After`; 5xx and network
 * errors with backoff (1 s, 2 s, 4 s…); any other refusal (a revoked webhook: 403, 404) at once fails.
 * The webhook URL is a secret: it is never part of an error message, not even when fetch quotes it.
 */
export function postToSlack(url: string, message: SlackMessage, options: RetryOptions = {}): Promise<void> {
  return postToWebhook('Slack', url, message, options);
}

/**
 * The Slack channel: a contact with `slack:` gets Block Kit messages (with "I'm on it" and "Snooze"
 * buttons when the settings name a Slack app, and `<@member>` when the contact names `slackUser`),
 * posted to the webhook URL that `url` reads from SSM or Secrets Manager (checked with `webhookUrl`).
 */
export function slackChannel(deps: {
  url: (ref: SecretRef) => Promise<string>;
  retry?: RetryOptions;
}): Channel<SlackMessage> {
  return {
    name: 'slack',
    async render(alert, contact, settings) {
      if (!contact.slack) return [];
      return toSlack(alert, { buttons: Boolean(settings.slackApp), mention: contact.slackUser });
    },
    async send(contact, message) {
      if (!contact.slack) return;
      await postToSlack(await deps.url(contact.slack), message, deps.retry);
    },
  };
}
