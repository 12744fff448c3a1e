import type { ColumnUnit } from '../../lib/core/model/config';
import { parseTimestamp, UnreadableTimestampError } from '../../lib/core/time/timestamp';

const NOW = new Date('2026-11-23T10:00:00Z');
const reading = (columnTimezone = 'UTC', columnUnit: ColumnUnit = 's') => ({
  column: 'updated_at',
  columnTimezone,
  columnUnit,
  now: NOW,
});
const read = (text: string | null, zone?: string, unit?: ColumnUnit) =>
  parseTimestamp(text, reading(zone, unit))?.toISOString() ?? null;
/** The message a value is refused with. */
const refusal = (text: string, zone?: string, unit?: ColumnUnit): string => {
  try {
    parseTimestamp(text, reading(zone, unit));
  } catch (error) {
    expect(error).toBeInstanceOf(UnreadableTimestampError);
    return (error as Error).message;
  }
  throw new Error(`"${text}" was read as a time`);
};

describe('reading the newest value of a freshness column', () => {
  it.each([
    ['timestamptz as PostgreSQL JSON', '2026-11-22T02:14:00.25+00:00', 'UTC', '2026-11-22T02:14:00.250Z'],
    ['timestamptz in another offset', '2026-11-22T03:14:00+01:00', 'UTC', '2026-11-22T02:14:00.000Z'],
    ['an offset without minutes', '2026-11-22 02:14:00+00', 'UTC', '2026-11-22T02:14:00.000Z'],
    [
      'an offset with seconds (local mean time)',
      '1800-01-01T00:00:00-00:01:15',
      'UTC',
      '1800-01-01T00:01:15.000Z',
    ],
    ['Z, whatever columnTimezone says', '2026-11-22T02:14:00Z', 'Europe/London', '2026-11-22T02:14:00.000Z'],
    [
      'MySQL TIMESTAMP as the SQL gives it (@ epoch seconds), whatever columnTimezone says',
      '@1795313640.123456',
      'America/New_York',
      '2026-11-22T02:14:00.123Z',
    ],
    ['timestamp without zone, as UTC', '2026-11-22T02:14:00.123456', 'UTC', '2026-11-22T02:14:00.123Z'],
    ['MySQL DATETIME', '2026-11-22 02:14:00', 'UTC', '2026-11-22T02:14:00.000Z'],
    [
      'timestamp without zone in summer London time',
      '2026-07-01 09:00:00',
      'Europe/London',
      '2026-07-01T08:00:00.000Z',
    ],
    ['a date', '2026-11-22', 'UTC', '2026-11-22T00:00:00.000Z'],
    ['a date in New York', '2026-11-22', 'America/New_York', '2026-11-22T05:00:00.000Z'],
    ['year 1 as it is, not as 1901', '0001-01-01T00:00:00', 'UTC', '0001-01-01T00:00:00.000Z'],
    [
      'a date BC (PostgreSQL) as the proleptic year',
      '0044-03-15T00:00:00 BC',
      'UTC',
      '-000043-03-15T00:00:00.000Z',
    ],
    ['year 9999', '9999-12-31T23:59:59', 'UTC', '9999-12-31T23:59:59.000Z'],
  ])('reads %s', (_what, text, zone, expected) => {
    // Act
    const instant = read(text, zone);
    // Assess
    expect(instant).toBe(expected);
  });

  it('reads no value as no data', () => {
    // Act
    const instant = read(null);
    // Assess
    expect(instant).toBeNull();
  });

  it('refuses text that is not a time, without repeating the value (it is row data)', () => {
    // Act
    const message = refusal('sk_live_secret');
    const impossibleDay = refusal('2026-02-30 10:00:00');
    // Assess
    expect(message).toBe(
      'the newest updated_at is not a date, a date and time, or a number, so it cannot say when the data was last updated: name a column that holds times',
    );
    expect(impossibleDay).toMatch(/is not a date/);
  });
});

describe('local times at clock changes (columnTimezone), 2026', () => {
  it.each([
    // Europe/London: forward at 01:00 UTC on 29 March, back at 01:00 UTC on 25 October.
    ['London, just before the gap', '2026-03-29 00:59:59', 'Europe/London', '2026-03-29T00:59:59.000Z'],
    [
      'London, in the gap: the offset from before (GMT)',
      '2026-03-29 01:30:00',
      'Europe/London',
      '2026-03-29T01:30:00.000Z',
    ],
    ['London, after the gap (BST)', '2026-03-29 02:00:00', 'Europe/London', '2026-03-29T01:00:00.000Z'],
    [
      'London, the repeated hour: the earlier instant (BST)',
      '2026-10-25 01:30:00',
      'Europe/London',
      '2026-10-25T00:30:00.000Z',
    ],
    [
      'London, after the repeated hour (GMT)',
      '2026-10-25 02:00:00',
      'Europe/London',
      '2026-10-25T02:00:00.000Z',
    ],
    // America/New_York: forward at 07:00 UTC on 8 March, back at 06:00 UTC on 1 November.
    [
      'New York, in the gap: the offset from before (EST)',
      '2026-03-08 02:30:00',
      'America/New_York',
      '2026-03-08T07:30:00.000Z',
    ],
    [
      'New York, the repeated hour: the earlier instant (EDT)',
      '2026-11-01 01:30:00',
      'America/New_York',
      '2026-11-01T05:30:00.000Z',
    ],
    // Australia/Sydney goes back in April and forward in October.
    [
      'Sydney, the repeated hour: the earlier instant (AEDT)',
      '2026-04-05 02:30:00',
      'Australia/Sydney',
      '2026-04-04T15:30:00.000Z',
    ],
    [
      'Sydney, in the gap: the offset from before (AEST)',
      '2026-10-04 02:30:00',
      'Australia/Sydney',
      '2026-10-03T16:30:00.000Z',
    ],
  ])('%s', (_what, text, zone, expected) => {
    // Act
    const instant = read(text, zone);
    // Assess
    expect(instant).toBe(expected);
  });
});

describe('numbers: epoch time in columnUnit, between 2000 and 2100', () => {
  it.each([
    ['epoch seconds', '1795313640', 's', '2026-11-22T02:14:00.000Z'],
    ['fractional epoch seconds (a decimal column)', '1795313640.5', 's', '2026-11-22T02:14:00.500Z'],
    ['a float in exponent form (MySQL DOUBLE)', '1.79531364e9', 's', '2026-11-22T02:14:00.000Z'],
    ['epoch milliseconds with columnUnit: ms', '1795313640123', 'ms', '2026-11-22T02:14:00.123Z'],
    ['epoch microseconds with columnUnit: us', '1795313640123456', 'us', '2026-11-22T02:14:00.123Z'],
    ['the first moment of 2000', '946684800', 's', '2000-01-01T00:00:00.000Z'],
    ['the first moment of 2100', '4102444800', 's', '2100-01-01T00:00:00.000Z'],
  ])('reads %s', (_what, text, unit, expected) => {
    // Act
    const instant = read(text, 'UTC', unit as ColumnUnit);
    // Assess
    expect(instant).toBe(expected);
  });

  it('refuses milliseconds read as seconds, naming the unit and what to write', () => {
    // Act
    const message = refusal('1795313640000');
    // Assess
    expect(message).toBe(
      'the newest updated_at read as epoch seconds is 56,833 years ahead (after 2100): if the column holds milliseconds, add columnUnit: ms',
    );
  });

  it('refuses microseconds read as seconds (which threw RangeError before), naming columnUnit: us', () => {
    // Act
    const message = refusal('1795313640000000');
    // Assess
    expect(message).toBe(
      'the newest updated_at read as epoch seconds is 57 million years ahead (after 2100): if the column holds microseconds, add columnUnit: us',
    );
  });

  it('refuses seconds read as milliseconds, saying to remove columnUnit', () => {
    // Act
    const message = refusal('1795313640', 'UTC', 'ms');
    // Assess
    expect(message).toMatch(
      /^the newest updated_at read as epoch milliseconds is 56 years ago \(before 2000\): if the column holds epoch seconds, remove columnUnit/,
    );
  });

  it('refuses an id column (small integers), saying it does not look like a time', () => {
    // Act
    const message = refusal('5000');
    // Assess
    expect(message).toBe(
      'the newest updated_at read as epoch seconds is 56 years ago (before 2000): in no unit Stalewatch reads (columnUnit: s, ms or us) is it a time between 2000 and 2100, so updated_at does not look like a time: name the column that says when a row was written',
    );
  });

  it.each([
    ['one second before 2000', '946684799'],
    ['one second after 2100', '4102444801'],
    ['a negative number', '-5'],
    ['a 40-digit number', '1234567890123456789012345678901234567890'],
    ['a number too big for a double', `1${'0'.repeat(400)}`],
    ['nanoseconds', '1795313640000000000'],
  ])('refuses %s as an error naming the unit', (_what, text) => {
    // Act
    const message = refusal(text);
    // Assess
    expect(message).toMatch(/^the newest updated_at read as epoch seconds is .* (ahead|ago)/);
  });
});

describe('values that are not a time', () => {
  it.each([
    ['infinity', /is 'infinity', which is not a time .*where: "updated_at <> 'infinity'"/],
    ['Infinity', /is 'infinity'/],
    ['-infinity', /is '-infinity', which is not a time/],
    ['NaN', /is NaN \(not a number\): leave such rows out with where: "updated_at <> 'NaN'"/],
    ['0000-00-00 00:00:00', /is MySQL's zero date/],
    ['@0', /is MySQL's zero date/],
    ['300000-01-01T00:00:00 BC', /is not a date, a date and time, or a number/],
    ['294276-12-31T00:00:00', /is 292,243 years in the future: a writer's clock is wrong/],
  ])('refuses %s with what it means', (text, meaning) => {
    // Act
    const message = refusal(text);
    // Assess
    expect(message).toMatch(meaning);
  });
});
