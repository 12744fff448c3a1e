import { compileConfig, readCompiledConfig } from '../../lib/config/compiled';
import { evaluate } from '../../lib/core/evaluate/evaluate';
import type { Config } from '../../lib/core/model/config';
import { daysOff, HolidayCalendar } from '../../lib/core/time/holidays';
import { DeadlineSchedule } from '../../lib/core/time/schedule';
import { at, freshness } from '../helpers/checks';

/**
 * Holidays that last more than one day keep every day they cover free of deadlines (docs/semantics.md
 * "Holidays"), whether the calendar is computed on the spot or precomputed into the compiled config.
 */

/** The local dates of the next `count` deadlines of a daily 09:00 cron after `from`, in `zone`. */
function deadlineDates(
  zone: string,
  region: string,
  from: string,
  count: number,
  calendar?: HolidayCalendar,
) {
  const schedule = new DeadlineSchedule('0 9 * * *', zone, calendar ?? new HolidayCalendar(region));
  const dates: string[] = [];
  let t: Date | null = new Date(from);
  while (dates.length < count && t) {
    t = schedule.after(t);
    if (t) dates.push(t.toLocaleDateString('en-CA', { timeZone: zone }));
  }
  return dates;
}

describe('a holiday of several days', () => {
  it.each([
    // Eid al-Fitr 2027 in the United Arab Emirates: 9, 10 and 11 March (it starts at sunset on the 8th).
    ['AE', 'Asia/Dubai', '2027-03-07T12:00:00Z', ['2027-03-08', '2027-03-12', '2027-03-13']],
    // Armenia: New Year's Eve, New Year (1 and 2 January), Christmas Eve holidays (3 to 5), Christmas (6).
    ['AM', 'Asia/Yerevan', '2026-12-29T12:00:00Z', ['2026-12-30', '2027-01-07', '2027-01-08']],
    // Kurban Bayram 2027 in Bosnia and Herzegovina: 16 to 19 May.
    ['BA', 'Europe/Sarajevo', '2027-05-14T12:00:00Z', ['2027-05-15', '2027-05-20', '2027-05-21']],
  ])('%s: no deadline falls on any of its days', (region, zone, from, expected) => {
    // Act
    const dates = deadlineDates(zone, region, from, 3);
    // Assess
    expect(dates).toEqual(expected);
  });

  it('keeps the days it covers in the next year too (Incwala, Eswatini, 28 December to 2 January)', () => {
    // 27 December is Boxing Day, Incwala runs 28 December 2027 to 2 January 2028 (a Sunday).
    expect(deadlineDates('Africa/Mbabane', 'SZ', '2027-12-26T12:00:00Z', 2)).toEqual([
      '2028-01-03',
      '2028-01-04',
    ]);
  });

  it('does not take the evening before: Eid starts at sunset on 8 March, and the 8th keeps its deadline', () => {
    const calendar = new HolidayCalendar('AE');
    expect(['2027-03-08', '2027-03-09', '2027-03-11', '2027-03-12'].map((d) => calendar.isDayOff(d))).toEqual(
      [false, true, true, false],
    );
  });

  it('still takes a day whose holiday starts in the afternoon (Christmas Eve from 14:00 in Austria)', () => {
    expect(new HolidayCalendar('AT').isDayOff('2026-12-24')).toBe(true);
  });

  it('is skipped whole by a cron that fires every minute: the next deadline is the first minute after Eid', () => {
    // Prepare: 23:59 on Monday 8 March in Dubai; Eid takes 9, 10 and 11 March (4,320 minutes).
    const schedule = new DeadlineSchedule('* * * * *', 'Asia/Dubai', new HolidayCalendar('AE'));
    // Act
    const next = schedule.after(at('2027-03-08T19:59:00Z'));
    // Assess: 00:00 on Friday 12 March in Dubai.
    expect(next?.toISOString()).toBe('2027-03-11T20:00:00.000Z');
  });

  it('makes a Monday update in Dubai due only after Eid: stale from Friday 12 March 09:00', () => {
    // Prepare
    const check = freshness({ dueBy: { cron: '0 9 * * *', timezone: 'Asia/Dubai', holidays: 'AE' } });
    const seen = { kind: 'freshness' as const, lastUpdatedAt: at('2027-03-08T04:00:00Z') }; // Monday 8 March, 08:00 in Dubai
    // Act
    const passing = evaluate(check, seen, null, at('2027-03-12T04:59:59Z'));
    const stale = evaluate(check, seen, null, at('2027-03-12T05:00:00Z'));
    // Assess
    expect(passing.status).toBe('pass');
    expect([stale.status, stale.staleSince?.toISOString()]).toEqual(['fail', '2027-03-12T05:00:00.000Z']);
  });
});

describe('the days off precomputed into the compiled config', () => {
  const everyDateOf = (year: number) =>
    Array.from({ length: 366 }, (_, i) =>
      new Date(Date.UTC(year, 0, 1 + i)).toISOString().slice(0, 10),
    ).filter((d) => d.startsWith(String(year)));

  it.each(['AE', 'AM', 'BA', 'SZ', 'TR', 'england-and-wales', 'US'])(
    '%s: agree with the calendar computed on the spot, day by day',
    (region) => {
      // Prepare
      const years = [2027, 2028];
      const precomputed = new HolidayCalendar(region, daysOff(region, years));
      const computed = new HolidayCalendar(region);
      const dates = years.flatMap(everyDateOf);
      // Act
      const differ = dates.filter((d) => precomputed.isDayOff(d) !== computed.isDayOff(d));
      // Assess
      expect(differ).toEqual([]);
      expect(dates.filter((d) => computed.isDayOff(d)).length).toBeGreaterThan(0);
    },
  );

  it('carry every day of a holiday of several days through the compiled JSON', () => {
    // Prepare
    const check = freshness({ dueBy: { cron: '0 9 * * *', timezone: 'Asia/Dubai', holidays: 'AE' } });
    const config = {
      settings: { sources: {} },
      datasets: [{ id: 'placements', snoozeUntil: null, checks: [check] }],
      checks: [check],
    } as unknown as Config;
    // Act
    const [compiled] = readCompiledConfig(compileConfig(config, [2027]), {}).checks;
    // Assess
    const dueBy = compiled?.kind === 'freshness' ? compiled.freshness.dueBy : null;
    expect(dueBy?.daysOff?.dates).toEqual(expect.arrayContaining(['2027-03-09', '2027-03-10', '2027-03-11']));
    expect(dueBy?.daysOff?.dates).not.toContain('2027-03-08');
  });
});
