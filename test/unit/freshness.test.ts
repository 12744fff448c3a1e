import { evaluate } from '../../lib/core/evaluate/evaluate';
import type { PreviousState } from '../../lib/core/evaluate/types';
import { at, dueBy, freshness } from '../helpers/checks';

const seen = (lastUpdatedAt: Date | null) => ({ kind: 'freshness' as const, lastUpdatedAt });
const verdict = (
  rule: Parameters<typeof freshness>[0],
  last: string | null,
  now: string,
  previous: PreviousState | null = null,
) => evaluate(freshness(rule), seen(last ? at(last) : null), previous, at(now));

describe('freshness by age (warnAfter 26h, failAfter 50h)', () => {
  const rule = { warnAfter: '26h', failAfter: '50h' };
  const last = '2026-11-22T02:14:00.000Z';

  it.each([
    ['passes at exactly 26 hours old', '2026-11-23T04:14:00.000Z', 'pass', null],
    [
      'warns one second past 26 hours, stale since last update + 26h',
      '2026-11-23T04:14:01.000Z',
      'warn',
      '2026-11-23T04:14:00.000Z',
    ],
    ['still warns at exactly 50 hours old', '2026-11-24T04:14:00.000Z', 'warn', '2026-11-23T04:14:00.000Z'],
    [
      'fails one second past 50 hours, still stale since the warning began',
      '2026-11-24T04:14:01.000Z',
      'fail',
      '2026-11-23T04:14:00.000Z',
    ],
  ])('%s', (_name, now, status, staleSince) => {
    // Act
    const result = verdict(rule, last, now);
    // Assess
    expect(result.status).toBe(status);
    expect(result.staleSince?.toISOString() ?? null).toBe(staleSince);
  });

  it('reports the age in seconds, as in the SPEC example', () => {
    const result = verdict(rule, last, '2026-11-23T10:00:00.000Z');
    expect(result.observed).toEqual({ ageSeconds: 114360 });
    expect(result.status).toBe('warn');
  });

  it('with only failAfter, is stale since last update + failAfter', () => {
    const result = verdict({ failAfter: '2d' }, last, '2026-11-25T00:00:00.000Z');
    expect(result.status).toBe('fail');
    expect(result.staleSince?.toISOString()).toBe('2026-11-24T02:14:00.000Z');
  });

  it('reports a failing check as a warning when it says severity: warn', () => {
    const result = evaluate(freshness(rule, 'warn'), seen(at(last)), null, at('2026-11-25T00:00:00.000Z'));
    expect(result.status).toBe('warn');
  });
});

describe('a newest value in the future (futureTolerance, 1h unless the check or source says)', () => {
  const rule = { warnAfter: '26h', failAfter: '50h' };
  const now = '2026-11-23T10:00:00.000Z';

  it.each([
    ['a minute ahead', '2026-11-23T10:01:00.000Z', {}],
    ['exactly 1 hour ahead', '2026-11-23T11:00:00.000Z', {}],
    ['exactly 2 hours ahead with futureTolerance: 2h', '2026-11-23T12:00:00.000Z', { futureTolerance: '2h' }],
  ])('counts %s as now: fresh, age 0, the value still reported', (_what, last, tolerance) => {
    // Act
    const result = verdict({ ...rule, ...tolerance }, last, now);
    // Assess
    expect(result.status).toBe('pass');
    expect(result.observed).toEqual({ ageSeconds: 0 });
    expect(result.lastUpdatedAt?.toISOString()).toBe(last);
  });

  it.each([
    ['one millisecond past the default hour', '2026-11-23T11:00:00.001Z', {}, '60 minutes'],
    ['29 hours ahead', '2026-11-24T15:00:00.000Z', {}, '29 hours'],
    [
      '2 hours ahead with futureTolerance: 90m',
      '2026-11-23T12:00:00.000Z',
      { futureTolerance: '90m' },
      '2 hours',
    ],
  ])('is an error %s, in SPEC.md’s words', (_what, last, tolerance, ahead) => {
    // Act
    const result = verdict({ ...rule, ...tolerance }, last, now);
    // Assess
    expect(result.status).toBe('error');
    expect(result.error).toBe(
      `the newest last_modified is ${ahead} in the future: a writer's clock is wrong, the column holds planned dates, or it is local time read as UTC`,
    );
    expect(result.lastUpdatedAt).toBeNull();
  });

  it('names the zone the column is read in when it is not UTC', () => {
    const result = verdict({ ...rule, columnTimezone: 'Europe/London' }, '2026-11-24T15:00:00.000Z', now);
    expect(result.error).toMatch(/or it is local time read as Europe\/London$/);
  });

  it('judges a dueBy check by the same rule', () => {
    const result = verdict(dueBy('0 7 * * 1-5'), '2026-11-24T15:00:00.000Z', now);
    expect(result.status).toBe('error');
  });
});

describe('freshness by schedule (dueBy "0 7 * * 1-5", Europe/London)', () => {
  const weekdays7 = dueBy('0 7 * * 1-5');

  it('passes on Monday 06:59 after a Friday 02:10 update (the SPEC example)', () => {
    expect(verdict(weekdays7, '2026-11-20T02:10:00Z', '2026-11-23T06:59:00Z').status).toBe('pass');
  });

  it('fails at Monday 07:00, stale since Monday 07:00', () => {
    const result = verdict(weekdays7, '2026-11-20T02:10:00Z', '2026-11-23T07:00:00Z');
    expect(result.status).toBe('fail');
    expect(result.staleSince?.toISOString()).toBe('2026-11-23T07:00:00.000Z');
    expect(result.breaches).toEqual([
      { rule: 'dueBy', deadline: at('2026-11-23T07:00:00Z'), cron: '0 7 * * 1-5' },
    ]);
  });

  it('counts an update made exactly at a deadline for that deadline', () => {
    // Friday 07:00 update counts for Friday; Monday 07:00 is the next one due.
    expect(verdict(weekdays7, '2026-11-20T07:00:00Z', '2026-11-23T06:59:59Z').status).toBe('pass');
    expect(verdict(weekdays7, '2026-11-20T07:00:00Z', '2026-11-23T07:00:00Z').status).toBe('fail');
  });

  it('treats an update one second after a deadline as counting for the next one', () => {
    // Friday 07:00:01 counts for Monday 07:00; Tuesday 07:00 is the first one missed.
    expect(verdict(weekdays7, '2026-11-20T07:00:01Z', '2026-11-23T07:00:00Z').status).toBe('pass');
    expect(verdict(weekdays7, '2026-11-20T07:00:01Z', '2026-11-24T07:00:00Z').status).toBe('fail');
  });

  it('keeps 07:00 local when the clocks go forward (Sunday 29 March 2026)', () => {
    // Daily 07:00: Saturday 07:00 GMT is 07:00Z, Sunday 07:00 BST is 06:00Z.
    const daily = dueBy('0 7 * * *');
    expect(verdict(daily, '2026-03-28T06:00:00Z', '2026-03-29T05:59:59Z').status).toBe('pass');
    const result = verdict(daily, '2026-03-28T06:00:00Z', '2026-03-29T06:00:00Z');
    expect(result.status).toBe('fail');
    expect(result.staleSince?.toISOString()).toBe('2026-03-29T06:00:00.000Z');
  });

  it('keeps 07:00 local when the clocks go back (Sunday 25 October 2026)', () => {
    // Saturday 07:00 BST is 06:00Z, Sunday 07:00 GMT is 07:00Z: at 06:30Z on Sunday nothing is due yet.
    const daily = dueBy('0 7 * * *');
    expect(verdict(daily, '2026-10-24T05:00:00Z', '2026-10-25T06:30:00Z').status).toBe('pass');
    const result = verdict(daily, '2026-10-24T05:00:00Z', '2026-10-25T07:00:00Z');
    expect(result.status).toBe('fail');
    expect(result.staleSince?.toISOString()).toBe('2026-10-25T07:00:00.000Z');
  });

  it('skips the Christmas bank holidays: a Thursday update is next due on Tuesday 29 December', () => {
    // Friday 25 December and Monday 28 December (Boxing Day substitute) are bank holidays in 2026.
    expect(verdict(weekdays7, '2026-12-24T02:00:00Z', '2026-12-29T06:59:00Z').status).toBe('pass');
    const result = verdict(weekdays7, '2026-12-24T02:00:00Z', '2026-12-29T07:00:00Z');
    expect(result.status).toBe('fail');
    expect(result.staleSince?.toISOString()).toBe('2026-12-29T07:00:00.000Z');
  });

  it('skips the Easter weekend: a Thursday update is next due on Tuesday 07:00 BST', () => {
    // Good Friday 3 April and Easter Monday 6 April 2026.
    expect(verdict(weekdays7, '2026-04-02T02:00:00Z', '2026-04-07T05:59:00Z').status).toBe('pass');
    expect(verdict(weekdays7, '2026-04-02T02:00:00Z', '2026-04-07T06:00:00Z').staleSince?.toISOString()).toBe(
      '2026-04-07T06:00:00.000Z',
    );
  });

  it('counts holidays as working days when the check says holidays: none', () => {
    const result = verdict(dueBy('0 7 * * 1-5', null), '2026-12-24T02:00:00Z', '2026-12-25T07:00:00Z');
    expect(result.status).toBe('fail');
  });

  it('with thresholds too, takes the worse status and the earlier staleSince', () => {
    // 26h warning began Saturday 04:10; the schedule fails from Monday 07:00.
    const rule = { ...weekdays7, warnAfter: '26h' };
    const warned = verdict(rule, '2026-11-20T02:10:00Z', '2026-11-23T06:00:00Z');
    expect([warned.status, warned.staleSince?.toISOString()]).toEqual(['warn', '2026-11-21T04:10:00.000Z']);
    const failed = verdict(rule, '2026-11-20T02:10:00Z', '2026-11-23T07:00:00Z');
    expect([failed.status, failed.staleSince?.toISOString()]).toEqual(['fail', '2026-11-21T04:10:00.000Z']);
  });
});

describe('freshness with no data', () => {
  const rule = { warnAfter: '26h' };
  const now = '2026-11-23T10:00:00.000Z';

  it('fails with no staleSince when there is no state', () => {
    const result = verdict(rule, null, now);
    expect([result.status, result.lastUpdatedAt, result.staleSince]).toEqual(['fail', null, null]);
    expect(result.breaches).toEqual([{ rule: 'noData' }]);
  });

  it('is stale since the run that first saw no data, from state', () => {
    const previous: PreviousState = {
      status: 'fail',
      since: at('2026-11-20T09:00:00Z'),
      dataStatus: 'fail',
      staleSince: at('2026-11-20T09:00:00Z'),
      lastUpdatedAt: null,
      rowCounts: [],
    };
    expect(verdict(rule, null, now, previous).staleSince?.toISOString()).toBe('2026-11-20T09:00:00.000Z');
  });

  it('is stale since now when the previous run still saw data', () => {
    const previous: PreviousState = {
      status: 'pass',
      since: at('2026-11-20T09:00:00Z'),
      dataStatus: 'pass',
      staleSince: null,
      lastUpdatedAt: at('2026-11-23T09:00:00Z'),
      rowCounts: [],
    };
    expect(verdict(rule, null, now, previous).staleSince?.toISOString()).toBe(now);
  });
});

describe('a check that could not run', () => {
  it('is an error carrying the database message and SQL, not a verdict on the data', () => {
    const result = evaluate(
      freshness({ warnAfter: '1h' }),
      { kind: 'error', message: 'relation "public.placement" does not exist', sql: 'SELECT 1' },
      null,
      at('2026-11-23T10:00:00Z'),
    );
    expect([result.status, result.error, result.sql, result.staleSince]).toEqual([
      'error',
      'relation "public.placement" does not exist',
      'SELECT 1',
      null,
    ]);
  });
});
