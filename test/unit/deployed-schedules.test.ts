import { CronSchedule } from '../../lib/core/time/cron';
import { deployedSchedules, digestProblem, runEveryProblem } from '../../lib/core/time/deployed-schedules';
import { ruleFires, schedulerFires } from '../helpers/eventbridge';

/**
 * SPEC.md: "The schedules the service deploys (runEvery, notify.digest) fire at exactly the times the
 * config means, in timezone, or validate refuses them." Each deployed expression is evaluated by an
 * independent reading of EventBridge's cron (test/helpers/eventbridge.ts) and compared with the cron's
 * own times (lib/time/cron.ts) over 2026, through both clock changes.
 */

const YEAR = { from: new Date('2025-12-31T12:00:00Z'), until: new Date('2027-01-01T12:00:00Z') };
/** Settings are checked against the clock changes from here on (validate uses the clock). */
const CHECKED_FROM = new Date('2026-01-01T00:00:00Z');

/** The cron's own times in `zone` after `from`, before `until`, at most `count`. */
function cronTimes(cron: string, zone: string, from: Date, until: Date, count: number): Date[] {
  const schedule = new CronSchedule(cron, zone);
  const times: Date[] = [];
  for (let t = schedule.next(from); t && t.at < until && times.length < count; t = schedule.next(t.at)) {
    times.push(t.at);
  }
  return times;
}

/** Days around each 2026 clock change of the zone, where a wrong translation shows first. */
const CHANGES: Record<string, string[]> = {
  'Europe/London': ['2026-03-27T00:00:00Z', '2026-10-23T00:00:00Z'],
  'America/New_York': ['2026-03-06T00:00:00Z', '2026-10-30T00:00:00Z'],
  'Australia/Lord_Howe': ['2026-04-02T00:00:00Z', '2026-10-01T00:00:00Z'],
  'Australia/Sydney': ['2026-04-03T00:00:00Z', '2026-10-02T00:00:00Z'],
  'Asia/Kolkata': [],
  UTC: [],
};

/** What AWS documents a Scheduler cron expression to be: six fields, one day field `?`, no step in day of week. */
const SCHEDULER_CRON =
  /^cron\(([0-9*,/-]+) ([0-9*,/-]+) (\?|L|[0-9*,/-]+) ([0-9*,/-]+) (\?|[1-7]#[1-5]|(SUN|MON|TUE|WED|THU|FRI|SAT)([-,](SUN|MON|TUE|WED|THU|FRI|SAT))*) \*\)$/;

const DIGESTS = [
  '0 8 * * 1-5',
  '30 7 * * MON-FRI',
  '0 8 * * */2',
  '0 9 * * 1#1',
  '0 9 * * MON#2',
  '0 18 L * *',
  '0 8 1,15 * *',
  '0 8 */10 * *',
  '0,30 8-17 * * 1-5',
  '*/20 9 * * *',
  '0 8 * JAN,JUL *',
  '15 6 1-7 * *',
  '0 8 * * 0,6',
  '0 12 * * 7',
  '0 8 15 * 0-6',
  '0 8 * * SUN-SAT',
  '45 23 * * 5',
  '0 0 * * *',
  '0 8 29 2 *',
];

describe.each(Object.keys(CHANGES))('the digest schedule deployed in %s', (zone) => {
  it.each(DIGESTS)('fires at the cron’s own times all year, and across both clock changes: %s', (cron) => {
    // Prepare
    const settings = { runEvery: '15m', timezone: zone, notify: { digest: cron } };
    // Act
    const { digest } = deployedSchedules(settings, CHECKED_FROM);
    // Assess: AWS's syntax, then the times
    expect(digest).toEqual({ expression: expect.stringMatching(SCHEDULER_CRON), timezone: zone });
    const windows = [YEAR, ...(CHANGES[zone] ?? []).map((d) => ({ from: new Date(d), until: YEAR.until }))];
    for (const { from, until } of windows) {
      const deployed = schedulerFires(digest.expression, zone, from, until, 400);
      expect(deployed.filter((f) => f.ambiguous)).toEqual([]);
      expect(deployed.map((f) => f.at.toISOString())).toEqual(
        cronTimes(cron, zone, from, until, 400).map((t) => t.toISOString()),
      );
    }
  });
});

describe('a digest that EventBridge Scheduler cannot run at the cron’s times is refused, saying what to write', () => {
  it.each([
    ['0 8 */10 * 1-5', 'UTC', 'restricts only one of the two — write the other as *'],
    ['0 8 1 * MON', 'UTC', "Vixie cron's rule"],
    ['0 8 L,15 * *', 'UTC', 'L (the last day of the month) on its own'],
    ['0 8 * * MON#1,FRI#1', 'UTC', 'one # day'],
    ['30 1 * * *', 'Europe/London', 'when the clocks in Europe/London jump from 01:00 to 02:00'],
    ['30 2 * * *', 'America/New_York', 'EventBridge Scheduler skips a time that does not exist'],
    [
      '30 1 * * 0',
      'America/New_York',
      'happens twice when the clocks in America/New_York go back (01:00–02:00)',
    ],
    ['15 2 * * *', 'Australia/Lord_Howe', 'jump from 02:00 to 02:30'],
    ['45 1 * * *', 'Australia/Lord_Howe', 'go back (01:30–02:00)'],
    ['0 0 8 * * 1-5', 'UTC', 'write "0 8 * * 1-5"'],
    ['@daily', 'UTC', 'write the five fields instead: "0 0 * * *"'],
    ['0 0 30 2 *', 'UTC', 'never fires'],
    ['0 * * * *', 'Europe/London', 'happens twice when the clocks in Europe/London go back'],
  ])('%s in %s', (cron, zone, words) => {
    expect(digestProblem(cron, zone, CHECKED_FROM)).toContain(words);
  });

  it('but deploys 0 2,3 * * * in America/New_York: the skipped 02:00 falls at the jump, where 03:00 fires', () => {
    // Prepare
    const settings = { runEvery: '15m', timezone: 'America/New_York', notify: { digest: '0 2,3 * * *' } };
    const from = new Date('2026-03-06T00:00:00Z');
    // Act
    const { digest } = deployedSchedules(settings, CHECKED_FROM);
    // Assess: on 8 March, one digest at 07:00 UTC (03:00 EDT), by both readings
    const deployed = schedulerFires(digest.expression, 'America/New_York', from, YEAR.until, 8);
    expect(deployed.map((f) => f.at.toISOString())).toEqual(
      cronTimes('0 2,3 * * *', 'America/New_York', from, YEAR.until, 8).map((t) => t.toISOString()),
    );
    expect(deployed.map((f) => f.at.toISOString())).toContain('2026-03-08T07:00:00.000Z');
  });

  it.each([
    ['30 1 * * *', 'Asia/Kolkata'],
    ['30 1 * * *', 'UTC'],
    ['30 1 * * 1-5', 'Europe/London'],
  ])('but not %s in %s, which meets no clock change', (cron, zone) => {
    expect(digestProblem(cron, zone, CHECKED_FROM)).toBeNull();
  });
});

describe('the dispatch schedule deployed for runEvery', () => {
  const day = { from: new Date('2026-03-28T00:00:00Z'), until: new Date('2026-03-30T00:00:00Z') };

  it.each([
    ['1m', 'cron(* * * * ? *)'],
    ['2m', 'cron(0/2 * * * ? *)'],
    ['5m', 'cron(0/5 * * * ? *)'],
    ['15m', 'cron(0/15 * * * ? *)'],
    ['30m', 'cron(0/30 * * * ? *)'],
    ['120s', 'cron(0/2 * * * ? *)'],
    ['60m', 'cron(0 * * * ? *)'],
    ['1h', 'cron(0 * * * ? *)'],
    ['2h', 'cron(0 0/2 * * ? *)'],
    ['6h', 'cron(0 0/6 * * ? *)'],
    ['12h', 'cron(0 0/12 * * ? *)'],
    ['1d', 'cron(0 0 * * ? *)'],
    ['24h', 'cron(0 0 * * ? *)'],
  ])('runs every %s, on the UTC clock: %s', (runEvery, expression) => {
    // Act
    const { dispatch } = deployedSchedules(
      { runEvery, timezone: 'Europe/London', notify: { digest: '0 8 * * 1-5' } },
      CHECKED_FROM,
    );
    // Assess: the rule's times are exactly every runEvery, from midnight UTC, through the clock change
    expect(dispatch).toBe(expression);
    const period =
      (runEvery.endsWith('s') ? Number.parseInt(runEvery, 10) / 60 : 0) * 60_000 || periodOf(runEvery);
    const fires = ruleFires(dispatch, day.from, day.until, 5000).map((t) => t.getTime());
    const expected = Array.from(
      { length: (day.until.getTime() - day.from.getTime()) / period - 1 },
      (_, i) => day.from.getTime() + (i + 1) * period,
    );
    expect(fires).toEqual(expected);
  });

  it.each([
    ['7m', 'rate(7 minutes)'],
    ['45m', 'rate(45 minutes)'],
    ['90m', 'rate(90 minutes)'],
    ['5h', 'rate(5 hours)'],
    ['7h', 'rate(7 hours)'],
    ['25h', 'rate(25 hours)'],
    ['2d', 'rate(2 days)'],
    ['84h', 'rate(84 hours)'],
  ])(
    'runs every %s that does not divide an hour or a day (or is longer than one) as a rate, exactly that far apart: %s',
    (runEvery, rate) => {
      expect(
        deployedSchedules({ runEvery, timezone: 'UTC', notify: { digest: '0 8 * * 1-5' } }, CHECKED_FROM)
          .dispatch,
      ).toBe(rate);
    },
  );

  it.each([
    ['30s', 'not whole minutes'],
    ['90s', 'write 1m or 2m'],
    ['85h', 'is too long: the alarm that watches the service'],
    ['1w', 'CloudWatch looks back at most 7 days — write 84h'],
  ])('refuses runEvery: %s (%s)', (runEvery, words) => {
    expect(runEveryProblem(runEvery)).toContain(words);
  });
});

/** A duration of minutes, hours or days, in milliseconds. */
function periodOf(duration: string): number {
  const n = Number.parseInt(duration, 10);
  const unit = duration.slice(-1);
  return n * { m: 60_000, h: 3_600_000, d: 86_400_000 }[unit as 'm' | 'h' | 'd'];
}
