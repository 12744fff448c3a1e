import { SideEffectError, StatementError } from '../../core/errors';
import { GUARD_TRIPPED } from '../../core/sql';

/**
 * What leaves the source layer in an error: the database's code and words, never a value from a row,
 * never a password or a connection string (docs/sources.md "Nothing written, nothing waited on for ever, nothing leaked").
 */

const QUOTES = new Set(["'", '"', '`']);
const WORD = /[\p{L}\p{N}_]/u;

/** A quote between two letters is an apostrophe (`doesn't`), not the start or end of a value. */
function isApostrophe(text: string, i: number): boolean {
  return WORD.test(text[i - 1] ?? '') && WORD.test(text[i + 1] ?? '');
}

/**
 * Replaces every quoted value in a database message by `'…'`: `invalid input syntax for type integer:
 * "sk_live_…"` → `invalid input syntax for type integer: '…'`. The database does not escape quotes
 * inside the values it quotes, so a value is taken to run from its opening quote to the LAST quote of
 * the same kind (or to the end, when there is none): a value with quotes inside cannot end early and
 * leave its tail behind. Two values in one message may become one `'…'`; the code and words stay.
 */
export function scrubQuotedValues(message: string): string {
  let out = '';
  let i = 0;
  while (i < message.length) {
    const ch = message[i] as string;
    if (!QUOTES.has(ch) || isApostrophe(message, i)) {
      out += ch;
      i++;
      continue;
    }
    let end = message.length;
    for (let j = message.length - 1; j > i; j--) {
      if (message[j] === ch && !isApostrophe(message, j)) {
        end = j + 1;
        break;
      }
    }
    out += "'…'";
    i = end;
  }
  // MySQL's extractvalue() quotes the XPath it could not parse, which a query can make a column's value.
  return out.replace(/(XPATH syntax error:).*/i, "$1 '…'");
}

/**
 * The text of a database error as results, events and messages carry it: the code first, then the
 * first line of the database's message with every quoted value replaced (further lines, such as
 * PostgreSQL's DETAIL and WHERE, can quote row data and are dropped).
 */
export function databaseErrorText(code: string | number | null | undefined, message: string): string {
  const firstLine = message.split('\n')[0]?.trim() ?? '';
  const words = scrubQuotedValues(firstLine.replace(/^ERROR:\s*/, ''));
  return code === null || code === undefined || code === ''
    ? `database error: ${words}`
    : `database error ${code}: ${words}`;
}

/**
 * The error of a statement the database refused: the guard's own error when a check wrote or changed a
 * setting (recognised before its quotes are scrubbed), else the database's code and scrubbed words.
 */
export function statementErrorOf(
  code: string | number | null | undefined,
  message: string,
  sql: string,
): StatementError {
  if (message.includes(GUARD_TRIPPED)) return new SideEffectError(sql);
  return new StatementError(databaseErrorText(code, message), sql);
}

/** A character of a URL scheme after its first letter (RFC 3986). */
const SCHEME_CHAR = /[A-Za-z0-9+.-]/;

/**
 * `word` with the password of every `scheme://user:password@host/…` in it replaced by `***`. The password
 * runs to the last `@` of the word (it may hold an unencoded `@`, `/` or `:`), so a URL with `@`
 * further on loses its host too, which is the safe way to be wrong. A scan, not a regular expression:
 * each character is looked at a bounded number of times, whatever the word (docs/sources.md).
 */
function redactWord(word: string): string {
  const lastAt = word.lastIndexOf('@');
  let out = '';
  let from = 0;
  let search = 0;
  for (let sep = word.indexOf('://', search); sep >= 0 && sep < lastAt; sep = word.indexOf('://', search)) {
    search = sep + 3;
    // The scheme: the run of scheme characters before "://", from its first letter.
    let start = sep;
    while (start > from && SCHEME_CHAR.test(word[start - 1] as string)) start--;
    while (start < sep && !/[A-Za-z]/.test(word[start] as string)) start++;
    if (start === sep) continue;
    // The user: up to the first character that ends it; a password follows only after ":".
    let colon = sep + 3;
    while (colon < word.length && !'/?#@:'.includes(word[colon] as string)) colon++;
    if (word[colon] !== ':' || colon > lastAt) continue;
    out += `${word.slice(from, colon + 1)}***`;
    from = lastAt;
    search = lastAt + 1;
  }
  return out + word.slice(from);
}

/** A connection URL without its password, for reports and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    // A password with an unencoded '@' or '/' parses into the wrong field; the pattern below catches it.
    return redactUrlsIn(parsed.toString());
  } catch {
    return redactUrlsIn(url);
  }
}

/**
 * A driver's message with every connection string's password replaced, and `url`'s password wherever
 * it appears on its own (drivers quote URLs and options in their errors).
 */
export function redactUrlsIn(text: string, url?: string): string {
  // Whitespace ends a URL: each word is redacted on its own.
  let out = text
    .split(/(\s+)/)
    .map((part) => (part.includes('://') ? redactWord(part) : part))
    .join('');
  const password = url ? passwordOf(url) : '';
  // A password of one or two characters would blot out letters everywhere and protects little.
  if (password.length >= 3) {
    for (const form of new Set([password, encodeURIComponent(password)])) out = out.replaceAll(form, '***');
  }
  return out;
}

/** The password in a connection URL, decoded; empty when there is none. */
function passwordOf(url: string): string {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^\s]*)@/i.exec(url)?.[1] ?? '';
  const at = authority.indexOf(':');
  if (at < 0) return '';
  const raw = authority.slice(at + 1);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
