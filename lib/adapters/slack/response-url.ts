import { DeliveryError } from '../../core/errors';

/** Plain http only to this machine: the stand-ins of tests. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Whether `url` can be a click's `response_url`: https on a Slack host (hooks.slack.com), or http to a
 * loopback address (tests). The payload is signed, so this only keeps a bug from posting elsewhere.
 */
export function isResponseUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const u = new URL(url);
  if (u.protocol === 'http:') return LOOPBACK.has(u.hostname);
  return u.protocol === 'https:' && (u.hostname === 'slack.com' || u.hostname.endsWith('.slack.com'));
}

/**
 * Posts to a click's `response_url` (api.slack.com/interactivity/handling#message_responses), which
 * replaces the clicked message. A `response_url` is secret-ish (it lets anyone post to the channel for
 * 30 minutes): errors never quote it.
 */
export async function postResponse(url: string, message: unknown): Promise<void> {
  if (!isResponseUrl(url)) throw new DeliveryError('The click’s response_url is not a Slack address');
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(2_000),
    });
  } catch (error) {
    throw new DeliveryError('Slack’s response_url could not be reached', { cause: error });
  }
  if (!response.ok)
    throw new DeliveryError(
      `Slack’s response_url answered ${response.status} ${(await response.text()).slice(0, 200)}`,
    );
}
