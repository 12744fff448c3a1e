import { createHmac, timingSafeEqual } from 'node:crypto';

/** The largest request body accepted (bytes): a Slack interaction payload is a few kilobytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/** How far a request's `X-Slack-Request-Timestamp` may be from the clock (Slack's own advice: 5 minutes). */
export const TIMESTAMP_WINDOW_SECONDS = 5 * 60;

/** Whether a request is Slack's, and why not. */
export type SignatureVerdict = { ok: true } | { ok: false; reason: string };

/** What verifying one request needs: its raw body, two headers, the signing secret and the clock. */
export interface SignedRequest {
  /** The body exactly as it arrived (decoded from base64 when the function URL encoded it). */
  body: Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
}

/**
 * Slack's request signing (api.slack.com/authentication/verifying-requests-from-slack): `v0=` and the
 * hex HMAC-SHA256, keyed by the app's signing secret, of `v0:<timestamp>:<body>`. The timestamp must be
 * within five minutes of `now` (a captured request cannot be replayed later), the body at most
 * `MAX_BODY_BYTES` (checked before hashing), and the signatures are compared in constant time.
 */
export function verifySlackSignature(request: SignedRequest, secret: string, now: Date): SignatureVerdict {
  const { body, timestamp, signature } = request;
  if (body.length > MAX_BODY_BYTES) return { ok: false, reason: `the body is over ${MAX_BODY_BYTES} bytes` };
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'no request timestamp' };
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > TIMESTAMP_WINDOW_SECONDS)
    return { ok: false, reason: 'the request timestamp is more than 5 minutes from the clock' };
  if (!signature?.startsWith('v0=')) return { ok: false, reason: 'no v0 signature' };
  const expected = Buffer.from(
    `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`,
  );
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'the signature does not match' };
  return { ok: true };
}

/** Signs a body as Slack does: for tests and for checking a setup by hand. */
export function slackSignature(body: string | Buffer, timestamp: string, secret: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`;
}
