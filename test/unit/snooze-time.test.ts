import { whoIsOnIt } from '../../lib/core/loop/acknowledgement';
import { nextWorkingMorning } from '../../lib/core/loop/snooze-time';
import { HolidayCalendar } from '../../lib/core/time/holidays';

const england = new HolidayCalendar('england-and-wales');
const at = (iso: string) => new Date(iso);

describe('Snooze until tomorrow 09:00', () => {
  it.each([
    ['a Monday afternoon', '2026-11-23T15:00:00Z', '2026-11-24T09:00:00.000Z'],
    ['a Friday afternoon: Monday', '2026-11-27T15:00:00Z', '2026-11-30T09:00:00.000Z'],
    ['a Saturday: Monday', '2026-11-28T10:00:00Z', '2026-11-30T09:00:00.000Z'],
    [
      'Christmas Eve: past Christmas, Boxing Day and its substitute Monday',
      '2026-12-24T16:00:00Z',
      '2026-12-29T09:00:00.000Z',
    ],
    [
      'Easter Saturday, as the clocks go forward: 09:00 BST on the Tuesday after Easter Monday',
      '2027-03-27T10:00:00Z',
      '2027-03-30T08:00:00.000Z',
    ],
    ['late on a Thursday: Friday', '2026-11-26T23:30:00Z', '2026-11-27T09:00:00.000Z'],
  ])('from %s', (_name, now, expected) => {
    // Act
    const when = nextWorkingMorning(at(now), 'Europe/London', england);
    // Assess
    expect(when.toISOString()).toBe(expected);
  });

  it('reads "tomorrow" in the configured zone, not UTC', () => {
    // Prepare: 23:30 UTC on Monday is Tuesday 10:30 in Auckland: tomorrow there is Wednesday.
    const now = at('2026-11-23T23:30:00Z');
    // Act
    const when = nextWorkingMorning(now, 'Pacific/Auckland', new HolidayCalendar(null));
    // Assess
    expect(when.toISOString()).toBe('2026-11-24T20:00:00.000Z');
  });
});

describe('Who is on it', () => {
  it('gives the time alone on the same day, and the day after that', () => {
    // Prepare: Jane took it on at 10:02 on Monday.
    const ack = { by: 'Jane Smith', at: '2026-11-23T10:02:00.000Z' };
    // Act
    const sameDay = whoIsOnIt(ack, 'Europe/London', at('2026-11-23T15:00:00Z'));
    const dayAfter = whoIsOnIt(ack, 'Europe/London', at('2026-11-24T09:00:00Z'));
    // Assess
    expect(sameDay).toBe('Jane Smith (since 10:02)');
    expect(dayAfter).toBe('Jane Smith (since Monday 23 November 10:02)');
  });
});
