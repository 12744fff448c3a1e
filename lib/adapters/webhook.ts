import { DeliveryError } from '../core/errors';
import type { SecretRef } from '../core/model/config';
import { again, done, retry } from '../core/retry';
import { abortableSleep } from './sleep';

/** A webhook secret that holds something other than a webhook URL. Says where it is kept, never what it holds. */
export class WebhookSecretError extends DeliveryError {
  override readonly name = 'WebhookSecretError';
}

/** Plain http only to this machine: the local stand-ins of tests and `sls invoke local`. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The webhook URL held by the secret `ref`: an https URL (or http to a loopback address). Anything else
 * is a `WebhookSecretError` naming the parameter; nothing is posted, and retrying would not help.
 * `service` names who gave the URL (`Slack`, `Teams`), for the fix.
 */
export function checkedWebhookUrl(service: string, ref: SecretRef, value: string): string {
  const url = URL.canParse(value) ? new URL(value) : null;
  if (url?.protocol === 'https:' || (url?.protocol === 'http:' && LOOPBACK.has(url.hostname))) return value;
  throw new WebhookSecretError(
    `the ${service} webhook in ${ref.store}:${ref.name} is not an https URL: store the whole URL ${service} gave, ` +
      'starting with https://',
  );
}

/** `text` with every form of the secret `url` in it replaced: fetch's errors can quote the URL. */
function withoutUrl(text: string, url: string): string {
  const forms = [
    url,
    URL.canParse(url) ? new URL(url).href : '',
    URL.canParse(url) ? new URL(url).pathname : '',
    URL.canParse(url) ? new URL(url).search : '',
  ];
  return forms
    .filter((form) => form.length > 1)
    .reduce((clean, form) => clean.split(form).join('<the webhook URL>'), text);
}

/** A network error in words that never include the webhook URL: the error, and what caused it. */
function networkError(error: unknown, url: string): string {
  const cause = (error as Error).cause as (Error & { code?: string }) | undefined;
  const text = [(error as Error).message, cause?.message].filter(Boolean).join(': ');
  return withoutUrl(text, url);
}

/**
 * How long a 429's `Retry-After` asks to wait, in ms: delay-seconds, or an HTTP-date (RFC 9110
 * §10.2.3), which a gateway in front of a webhook may send. Without the header, 1 s; a value that is
 * neither form gives undefined, so the usual backoff applies rather than no wait at all (NaN).
 */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return 1000;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** How a webhook is tried again. */
export interface RetryOptions {
  /** Tries in all (default 5). */
  attempts?: number;
  /** Waits; passed in so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** The longest `Retry-After` honoured (default 30 s): past it, the invocation fails and is retried later. */
  maxRetryAfterMs?: number;
}

/**
 * Posts one JSON message to a chat webhook (Slack's incoming webhooks, Teams' Workflows). 429 is retried
 * after `Retry-After`; 5xx and network errors with backoff (1 s, 2 s, 4 s…); any other refusal (a
 * revoked webhook: 400, 403, 404) fails at once. A slow answer is waited for, not cut short and tried
 * again: the webhook may have posted it, and a second try would post it twice. The webhook URL is a
 * secret: it is never part of an error message, not even when fetch quotes it.
 */
export async function postToWebhook(
  service: string,
  url: string,
  message: unknown,
  options: RetryOptions = {},
): Promise<void> {
  const attempts = options.attempts ?? 5;
  const notAccepted = (last: string) =>
    new DeliveryError(`The ${service} message was not accepted after ${attempts} tries: ${last}`);
  const posted = await retry(
    async () => {
      let last: string;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(message),
        });
        if (response.ok) return done(undefined);
        last = withoutUrl(
          `${service} answered ${response.status} ${(await response.text()).slice(0, 200)}`,
          url,
        );
        if (response.status === 429) {
          const wait = retryAfterMs(response.headers.get('retry-after'));
          // Longer than the invocation should wait: it fails, and is retried later.
          if (wait !== undefined && wait > (options.maxRetryAfterMs ?? 30_000)) throw notAccepted(last);
          return again(last, wait);
        }
        if (response.status < 500)
          throw new DeliveryError(`${last} (not retried: the webhook refused the message)`);
      } catch (error) {
        if (error instanceof DeliveryError) throw error;
        last = `network error: ${networkError(error, url)}`;
      }
      return again(last);
    },
    { attempts, firstDelayMs: 1000, sleep: options.sleep ?? abortableSleep },
  );
  if (!posted.done) throw notAccepted(posted.failure);
}
