import { parseTimestamp, UnreadableTimestampError } from '../../lib/sources/timestamp';

describe('reading the newest value of a freshness column', () => {
  it.each([
    ['timestamptz as PostgreSQL JSON', '2026-11-22T02:14:00.25+00:00', 'UTC', '2026-11-22T02:14:00.250Z'],
    ['timestamptz in another offset', '2026-11-22T03:14:00+01:00', 'UTC', '2026-11-22T02:14:00.000Z'],
    ['an offset without minutes', '2026-11-22 02:14:00+00', 'UTC', '2026-11-22T02:14:00.000Z'],
    ['Z', '2026-11-22T02:14:00Z', 'Europe/London', '2026-11-22T02:14:00.000Z'],
    ['timestamp without zone, as UTC', '2026-11-22T02:14:00.123456', 'UTC', '2026-11-22T02:14:00.123Z'],
    ['MySQL DATETIME', '2026-11-22 02:14:00', 'UTC', '2026-11-22T02:14:00.000Z'],
    [
      'timestamp without zone in summer London time',
      '2026-07-01 09:00:00',
      'Europe/London',
      '2026-07-01T08:00:00.000Z',
    ],
    ['a date', '2026-11-22', 'UTC', '2026-11-22T00:00:00.000Z'],
    ['epoch seconds', '1795313640', 'UTC', '2026-11-22T02:14:00.000Z'],
    ['fractional epoch seconds', '1795313640.5', 'UTC', '2026-11-22T02:14:00.500Z'],
  ])('reads %s', (_what, text, zone, expected) => {
    expect(parseTimestamp(text, zone)?.toISOString()).toBe(expected);
  });

  it('reads no value as no data', () => {
    expect(parseTimestamp(null, 'UTC')).toBeNull();
  });

  it('reads infinity as the far future (which the verdict counts as now)', () => {
    expect(parseTimestamp('infinity', 'UTC')?.getTime()).toBe(8.64e15);
  });

  it('refuses text that is not a time, saying what it holds', () => {
    expect(() => parseTimestamp('last tuesday', 'UTC')).toThrow(UnreadableTimestampError);
    expect(() => parseTimestamp('last tuesday', 'UTC')).toThrow('holds "last tuesday", which is not a date');
  });
});
