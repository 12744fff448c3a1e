import {
  databaseErrorText,
  redactUrl,
  redactUrlsIn,
  scrubQuotedValues,
  statementErrorOf,
} from '../../lib/adapters/sql/scrub';
import { GUARD_TRIPPED } from '../../lib/core/sql';

describe('a database message, as results and events carry it', () => {
  it.each([
    // PostgreSQL quotes the value it could not read, without escaping the quotes inside it.
    [
      'invalid input syntax for type integer: "sk_live_9f"x\'y"',
      "invalid input syntax for type integer: '…'",
    ],
    ['value "99999999999" is out of range for type integer', "value '…' is out of range for type integer"],
    // MySQL quotes with single quotes, and its own words have apostrophes.
    ["Table 'tis.placement' doesn't exist", "Table '…' doesn't exist"],
    ["Duplicate entry 'sk_live_9f1' for key 'group_key'", "Duplicate entry '…'"],
    // extractvalue() quotes the XPath it could not parse; a long one is cut, with no closing quote.
    ["XPATH syntax error: '~sk_live_9f2a'", "XPATH syntax error: '…'"],
    ["XPATH syntax error: '~sk_live_9f2a3b4c5d6e7f8a9b0c1d2", "XPATH syntax error: '…'"],
    ['Unknown column `secret` in where clause', "Unknown column '…' in where clause"],
    ['division by zero', 'division by zero'],
  ])('%s is shown as %s', (message, scrubbed) => {
    // Act
    const shown = scrubQuotedValues(message);
    // Assess
    expect(shown).toBe(scrubbed);
  });

  it('says the code, keeps only the first line (PostgreSQL DETAIL can quote row data) and drops "ERROR:"', () => {
    // Act
    const withCode = databaseErrorText(
      '22P02',
      'ERROR: invalid input syntax for type json\n  Detail: Token "sk_live_9f" is invalid.',
    );
    const withoutCode = databaseErrorText(null, 'syntax error');
    // Assess
    expect(withCode).toBe('database error 22P02: invalid input syntax for type json');
    expect(withoutCode).toBe('database error: syntax error');
  });

  it("recognises the guard's own error before its quotes are scrubbed", () => {
    // Act
    const guard = statementErrorOf(
      '22P02',
      `invalid input syntax for type integer: "${GUARD_TRIPPED}"`,
      'SQL',
    );
    const other = statementErrorOf('22P02', 'invalid input syntax for type integer: "x"', 'SQL');
    // Assess
    expect(guard.name).toBe('SideEffectError');
    expect(guard.message).toMatch(/wrote to the database or changed a database setting/);
    expect(other.message).toBe("database error 22P02: invalid input syntax for type integer: '…'");
  });
});

describe('a connection string in a message', () => {
  it.each([
    ['postgres://u:s3cret@db.example.org:5432/tis', 'postgres://u:***@db.example.org:5432/tis'],
    // Unencoded '/', '@' or ':' in a password must not let part of it through.
    ['postgres://u:s3c/r@t:x@db.example.org/tis', 'postgres://u:***@db.example.org/tis'],
    ['mysql://root@127.0.0.1:3306/test', 'mysql://root@127.0.0.1:3306/test'],
  ])('%s is shown as %s', (url, shown) => {
    // Act
    const redacted = redactUrl(url);
    // Assess
    expect(redacted).toBe(shown);
  });

  it("loses every password, and the connection's own password wherever a driver repeats it", () => {
    // Prepare: the password is percent-encoded in the URL and written plain in the message.
    const url = 'postgres://u:s3c%2Fret@h/tis';
    // Act
    const message = redactUrlsIn(
      `could not connect to postgres://u:s3c/ret@h/tis with password s3c/ret`,
      url,
    );
    // Assess
    expect(message).toBe('could not connect to postgres://u:***@h/tis with password ***');
  });
});
