/**
 * How a value someone wrote is shown back in a message: quoted, shortened, and never when it looks
 * like a secret. A message names the setting that is wrong; a webhook URL or a password pasted into
 * the wrong field must not travel on into terminals, CI logs and alerts.
 */

/**
 * C0 controls but tab and newline, DEL, C1 controls, and the invisible formatting characters that can
 * hide or reorder text: bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F,
 * U+202A–U+202E, U+2066–U+2069), zero-width spaces and joiners that join nothing (U+200B, U+2060–U+2064,
 * U+FEFF, U+180E), and the line and paragraph separators (U+2028, U+2029). The zero-width joiner and
 * non-joiner (U+200D, U+200C) are kept: emoji (👩‍💻) and scripts such as Persian need them.
 */
export const CONTROL_CHARACTER =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u180E\u200B\u200E\u200F\u2028\u2029\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;

const SECRET_LOOKING: readonly RegExp[] = [
  /:\/\//, // any URL: webhook URLs and connection strings carry their secret in the path or user info
  /[^\s:@/]+:[^\s@/]*@[^\s]/, // user:password@host
  /hooks\.slack\.com/i,
  /\bxox[abposr]-/i, // Slack tokens
  /\b(AKIA|ASIA)[0-9A-Z]{16}\b/, // AWS access key ids
  /-----BEGIN [A-Z ]*PRIVATE KEY/,
  /\b(password|passwd|pwd|secret|token|api[_-]?key)\s*[:=]/i,
];

/** A run of token characters this long, with letters and digits in it, is taken for a token. */
const TOKEN_RUN = /[A-Za-z0-9+/_-]{32,}/g;

/** How much of a value is looked at: what is shown of it, and a good deal more. */
const LOOKED_AT = 1000;

/** True when `text` looks like a secret: a URL, a password, a token or a key. */
export function looksSecret(text: string): boolean {
  const head = text.slice(0, LOOKED_AT);
  if (SECRET_LOOKING.some((re) => re.test(head))) return true;
  return (head.match(TOKEN_RUN) ?? []).some((run) => /\d/.test(run) && /[A-Za-z]/.test(run));
}

/** Longest value shown in full. */
const SHOWN_LENGTH = 60;

/** What a message says instead of a value it must not show. */
export const NOT_SHOWN = 'this value (not shown: it looks like a secret)';

/** `text` cut to `max` characters, the last of them "…", when it is longer; otherwise `text`. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * A value for a message: `"26 hours"` (a string, quoted), `42` or `[1,2]` (anything else, as JSON),
 * shortened past 60 characters, with control characters written as escapes; `NOT_SHOWN` when it
 * looks like a secret.
 */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  if (looksSecret(text)) return NOT_SHOWN;
  const visible = escapeControlCharacters(truncate(text, SHOWN_LENGTH), true);
  return typeof value === 'string' ? `"${visible}"` : visible;
}

/**
 * `\u001b` for an escape character, and so on: text safe to print on a terminal. With `oneLine`, tabs
 * and line breaks too (a file name or a key, which must not start a line of its own).
 */
export function escapeControlCharacters(text: string, oneLine = false): string {
  const pattern = oneLine ? `${CONTROL_CHARACTER.source}|[\\t\\n]` : CONTROL_CHARACTER.source;
  return text.replace(new RegExp(pattern, 'g'), (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
