import { loadConfig } from '../../lib/config/load';
import { ConfigError, formatConfigIssue } from '../../lib/core/errors';
import { HolidayCalendar } from '../../lib/core/time/holidays';
import { DeadlineSchedule } from '../../lib/core/time/schedule';
import { PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

/**
 * SPEC.md "Crons": the deadlines of every shape of cron, across the 2026 clock changes of
 * Europe/London, America/New_York and Australia/Lord_Howe (a 30-minute change, southern hemisphere).
 */

/** The next `count` deadlines after `from` (UTC ISO), as UTC ISO strings without seconds. */
function deadlines(cron: string, zone: string, from: string, count: number, holidays: string | null = null) {
  const schedule = new DeadlineSchedule(cron, zone, new HolidayCalendar(holidays));
  const times: string[] = [];
  let t: Date | null = new Date(from);
  while (times.length < count && t) {
    t = schedule.after(t);
    if (t) times.push(t.toISOString().slice(0, 16));
  }
  return times;
}

describe('crons across the spring-forward gap: a time that does not exist falls when the clocks jump', () => {
  // Europe/London, Sunday 29 March 2026: 01:00 GMT becomes 02:00 BST at 01:00 UTC.
  it.each([
    ['a single time', '30 1 * * *', ['2026-03-28T01:30', '2026-03-29T01:00', '2026-03-30T00:30']],
    [
      'a list (both times fall at the jump: one deadline)',
      '0,30 1 * * *',
      ['2026-03-28T01:00', '2026-03-28T01:30', '2026-03-29T01:00', '2026-03-30T00:00'],
    ],
    [
      'a range of minutes',
      '10-11 1 * * *',
      ['2026-03-28T01:10', '2026-03-28T01:11', '2026-03-29T01:00', '2026-03-30T00:10'],
    ],
    [
      'a step',
      '*/20 1 * * *',
      ['2026-03-28T01:00', '2026-03-28T01:20', '2026-03-28T01:40', '2026-03-29T01:00', '2026-03-30T00:00'],
    ],
  ])('Europe/London, %s: %s', (_shape, cron, expected) => {
    expect(deadlines(cron, 'Europe/London', '2026-03-27T23:30:00Z', expected.length)).toEqual(expected);
  });

  // America/New_York, Sunday 8 March 2026: 02:00 EST becomes 03:00 EDT at 07:00 UTC.
  it.each([
    ['a single time', '30 2 * * *', ['2026-03-07T07:30', '2026-03-08T07:00', '2026-03-09T06:30']],
    [
      'a list: Sunday keeps its deadline',
      '0,30 2 * * *',
      ['2026-03-07T07:00', '2026-03-07T07:30', '2026-03-08T07:00', '2026-03-09T06:00'],
    ],
    [
      'a step of minutes',
      '*/30 2 * * *',
      ['2026-03-07T07:00', '2026-03-07T07:30', '2026-03-08T07:00', '2026-03-09T06:00'],
    ],
    [
      'a range of hours',
      '15 1-3 * * 0',
      ['2026-03-08T06:15', '2026-03-08T07:00', '2026-03-08T07:15', '2026-03-15T05:15'],
    ],
  ])('America/New_York, %s: %s', (_shape, cron, expected) => {
    expect(deadlines(cron, 'America/New_York', '2026-03-07T06:00:00Z', expected.length)).toEqual(expected);
  });

  it('America/New_York, every hour: 02:00 falls at the jump, which is also 03:00: one deadline', () => {
    expect(deadlines('0 * * * *', 'America/New_York', '2026-03-08T04:30:00Z', 4)).toEqual([
      '2026-03-08T05:00',
      '2026-03-08T06:00',
      '2026-03-08T07:00',
      '2026-03-08T08:00',
    ]);
  });

  it('Australia/Lord_Howe (half an hour forward, 4 October 2026): 02:00 and 02:15 fall at the jump', () => {
    // 02:00 +10:30 becomes 02:30 +11:00 at 15:30 UTC on 3 October.
    expect(deadlines('0,15 2 * * *', 'Australia/Lord_Howe', '2026-10-02T16:00:00Z', 3)).toEqual([
      '2026-10-03T15:30',
      '2026-10-04T15:00',
      '2026-10-04T15:15',
    ]);
  });
});

describe('crons across the fall-back overlap: a time that occurs twice counts once, at its first occurrence', () => {
  it.each([
    ['a single time', '30 1 * * *', ['2026-10-25T00:30', '2026-10-26T01:30']],
    ['a list', '0,45 1 * * *', ['2026-10-25T00:00', '2026-10-25T00:45', '2026-10-26T01:00']],
    ['a step', '*/30 1 * * *', ['2026-10-25T00:00', '2026-10-25T00:30', '2026-10-26T01:00']],
    ['a range', '0 0-2 * * *', ['2026-10-24T23:00', '2026-10-25T00:00', '2026-10-25T02:00']],
  ])('Europe/London (25 October 2026), %s: %s', (_shape, cron, expected) => {
    expect(deadlines(cron, 'Europe/London', '2026-10-24T22:30:00Z', expected.length)).toEqual(expected);
  });

  it.each([
    ['a list', '0,45 1 * * *', ['2026-11-01T05:00', '2026-11-01T05:45', '2026-11-02T06:00']],
    [
      'every hour (the second 01:00 is not a deadline)',
      '0 * * * *',
      ['2026-11-01T04:00', '2026-11-01T05:00', '2026-11-01T07:00'],
    ],
    ['a step', '*/15 1 * * *', ['2026-11-01T05:00', '2026-11-01T05:15', '2026-11-01T05:30']],
  ])('America/New_York (1 November 2026), %s: %s', (_shape, cron, expected) => {
    expect(deadlines(cron, 'America/New_York', '2026-11-01T03:30:00Z', expected.length)).toEqual(expected);
  });

  it('Australia/Lord_Howe (half an hour back, 5 April 2026): 01:45 is 01:45 +11:00, once', () => {
    expect(deadlines('45 1 * * *', 'Australia/Lord_Howe', '2026-04-04T00:00:00Z', 2)).toEqual([
      '2026-04-04T14:45',
      '2026-04-05T15:15',
    ]);
  });
});

describe('day of month and day of week, as Vixie cron reads them', () => {
  it('when day of month starts with * (*/10), a day must match both: 0 8 */10 * 1-5', () => {
    // Days 1, 11, 21, 31 that are weekdays: 11 January is a Sunday, 31 January a Saturday.
    expect(deadlines('0 8 */10 * 1-5', 'Europe/London', '2025-12-31T12:00:00Z', 5)).toEqual([
      '2026-01-01T08:00',
      '2026-01-21T08:00',
      '2026-02-11T08:00',
      '2026-03-11T08:00',
      '2026-03-31T07:00',
    ]);
  });

  it('when both are restricted, a day matching either counts: 0 8 1,15 * MON', () => {
    expect(deadlines('0 8 1,15 * MON', 'UTC', '2026-05-31T12:00:00Z', 6)).toEqual([
      '2026-06-01T08:00',
      '2026-06-08T08:00',
      '2026-06-15T08:00',
      '2026-06-22T08:00',
      '2026-06-29T08:00',
      '2026-07-01T08:00',
    ]);
  });

  it('with day of month *, only the weekdays count: 0 8 * * MON', () => {
    expect(deadlines('0 8 * * MON', 'UTC', '2026-05-31T12:00:00Z', 2)).toEqual([
      '2026-06-01T08:00',
      '2026-06-08T08:00',
    ]);
  });

  it('a restricted day of week with * in day of month counts every such weekday, not every day', () => {
    expect(deadlines('0 8 * * 1-5', 'UTC', '2026-06-05T12:00:00Z', 2)).toEqual([
      '2026-06-08T08:00',
      '2026-06-09T08:00',
    ]);
  });
});

describe('L and #', () => {
  it('L is the last day of each month, 29 February in a leap year', () => {
    expect(deadlines('0 18 L * *', 'Europe/London', '2027-12-01T00:00:00Z', 4)).toEqual([
      '2027-12-31T18:00',
      '2028-01-31T18:00',
      '2028-02-29T18:00',
      '2028-03-31T17:00',
    ]);
  });

  it('MON#1 (and 1#1) is the first Monday of each month', () => {
    const expected = ['2026-01-05T09:00', '2026-02-02T09:00', '2026-03-02T09:00', '2026-04-06T08:00'];
    expect(deadlines('0 9 * * MON#1', 'Europe/London', '2026-01-01T00:00:00Z', 4)).toEqual(expected);
    expect(deadlines('0 9 * * 1#1', 'Europe/London', '2026-01-01T00:00:00Z', 4)).toEqual(expected);
  });

  it('names months and days: 0 7 * JAN,JUL MON-FRI', () => {
    expect(deadlines('0 7 * JAN,JUL MON-FRI', 'UTC', '2026-01-29T12:00:00Z', 3)).toEqual([
      '2026-01-30T07:00',
      '2026-07-01T07:00',
      '2026-07-02T07:00',
    ]);
  });
});

describe('holidays', () => {
  it('are judged by the deadline’s date in the timezone, not in UTC', () => {
    // 22:00 in New York is 03:00 UTC the next day. Thanksgiving is Thursday 26 November 2026.
    expect(deadlines('0 22 * * *', 'America/New_York', '2026-11-25T12:00:00Z', 2, 'US')).toEqual([
      '2026-11-26T03:00',
      '2026-11-28T03:00',
    ]);
  });
});

describe('validate', () => {
  /** The problems `validate` reports for a tree whose check has this `dueBy`. */
  async function problemsWithDueBy(cron: string, more = '', settings = SETTINGS): Promise<string[]> {
    const dataset = PLACEMENTS.replace(
      '      failAfter: 50h\n',
      `      failAfter: 50h\n      dueBy: "${cron}"\n${more}`,
    );
    const dir = writeTree({ 'stalewatch.yml': settings, 'placements.yml': dataset });
    try {
      await loadConfig({ dir, env: {} });
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.issues.map((i) => formatConfigIssue(i).replaceAll(dir, 'checks'));
    }
  }

  it.each([
    ['0 0 8 * * 1-5', '"0 8 * * 1-5"'],
    ['@daily', '"0 0 * * *"'],
    ['@weekly', '"0 0 * * 0"'],
    ['cron(0 8 ? * 2-6 *)', '"0 8 * * MON-FRI"'],
    ['0 9 ? * 2#1 *', '"0 9 * * MON#1"'],
  ])('refuses %s, saying the five-field form to write: %s', async (cron, fiveFields) => {
    const [problem] = await problemsWithDueBy(cron);
    expect(problem).toMatch(/^checks\/placements\.yml:\d+:\d+ checks\[0\]\.freshness\.dueBy: /);
    expect(problem).toContain(
      `write ${cron.startsWith('@') ? 'the five fields instead: ' : ''}${fiveFields}`,
    );
  });

  it.each(['0 0 30 2 *', '0 0 31 4 *', '0 0 31 2,4,6,9,11 *'])(
    'refuses %s, which never fires',
    async (cron) => {
      expect(await problemsWithDueBy(cron)).toEqual([expect.stringContaining('never fires')]);
    },
  );

  it.each(['0 0 29 2 *', '0 8 L * *', '0 9 * * MON#1', '0 7 * * MON-SUN', '*/5 * * * *'])(
    'accepts %s',
    async (cron) => {
      expect(await problemsWithDueBy(cron)).toEqual([]);
    },
  );

  it.each([
    ['60 8 * * *', 'minute 60 is out of range'],
    ['0 8 * * FRI-MON', 'runs backwards'],
    ['0 8 ? * MON', 'write * for "any"'],
    ['0 8 15W * *', 'W (the nearest weekday) is not supported'],
    ['0 8 * * 5L', 'L in day of week'],
    ['0 8 * * MON#6', 'after # comes which one of the month, 1 to 5'],
    ['0 8 * *', 'has 4 fields'],
  ])('refuses %s with a message saying what is wrong (%s)', async (cron, words) => {
    expect(await problemsWithDueBy(cron)).toEqual([expect.stringContaining(words)]);
  });

  it.each([
    ['0 7 25 12 *', 'Christmas Day'],
    ['0 7 1 1 *', "New Year's Day"],
    ['0 7 25,26 12 *', 'Christmas Day and Boxing Day'],
  ])('refuses %s (%s) with England and Wales bank holidays: no deadline would ever come', async (cron) => {
    // Act
    const problems = await problemsWithDueBy(cron);
    // Assess: located on the check's dueBy, saying what to write.
    expect(problems).toEqual([
      expect.stringMatching(
        /^checks\/placements\.yml:14:14 checks\[0\]\.freshness\.dueBy: ".*" only ever falls on public holidays of england-and-wales .* — write times on working days, e\.g\. "0 7 \* \* 1-5" .*, or add holidays: none to this check/,
      ),
    ]);
  });

  it('refuses a cron on holidays of the check’s own region: 4 July with holidays: US', async () => {
    const problems = await problemsWithDueBy('0 7 4 7 *', '      holidays: US\n');
    expect(problems).toEqual([expect.stringContaining('only ever falls on public holidays of US')]);
  });

  it.each([
    ['Christmas Eve, a working day', '0 7 24 12 *', '', SETTINGS],
    ['Christmas Day with the check’s holidays: none', '0 7 25 12 *', '      holidays: none\n', SETTINGS],
    [
      'Christmas Day with no holidays in the settings',
      '0 7 25 12 *',
      '',
      SETTINGS.replace('holidays: england-and-wales\n', ''),
    ],
    ['4 July in England', '0 7 4 7 *', '', SETTINGS],
    ['every minute of Christmas week', '* * 24-31 12 *', '', SETTINGS],
  ])('accepts %s', async (_name, cron, more, settings) => {
    expect(await problemsWithDueBy(cron, more, settings)).toEqual([]);
  });
});
