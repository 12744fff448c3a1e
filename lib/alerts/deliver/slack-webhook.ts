import type { SlackMessage } from '../slack';

/** A message a channel did not accept; the invocation fails so that EventBridge retries it. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
}

export interface RetryOptions {
  /** Tries in all (default 5). */
  attempts?: number;
  /** Waits; passed in so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** The longest `Retry-After` honoured (default 30 s): past it, the invocation fails and is retried later. */
  maxRetryAfterMs?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Posts one message to a Slack incoming webhook. 429 is retried after `Retry-After`; 5xx and network
 * errors with backoff (1 s, 2 s, 4 s…); any other refusal (a revoked webhook: 403, 404) at once fails.
 * The webhook URL is a secret: it is never part of an error message.
 */
export async function postToSlack(
  url: string,
  message: SlackMessage,
  options: RetryOptions = {},
): Promise<void> {
  const attempts = options.attempts ?? 5;
  const sleep = options.sleep ?? defaultSleep;
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let wait = 1000 * 2 ** (attempt - 1);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
      });
      if (response.ok) return;
      last = `Slack answered ${response.status} ${(await response.text()).slice(0, 200)}`;
      if (response.status === 429) {
        wait = Number(response.headers.get('retry-after') ?? '1') * 1000;
        if (wait > (options.maxRetryAfterMs ?? 30_000)) break;
      } else if (response.status < 500) {
        throw new DeliveryError(`${last} (not retried: the webhook refused the message)`);
      }
    } catch (error) {
      if (error instanceof DeliveryError) throw error;
      last = `network error: ${(error as Error).message}`;
    }
    if (attempt < attempts) await sleep(wait);
  }
  throw new DeliveryError(`The Slack message was not accepted after ${attempts} tries: ${last}`);
}
