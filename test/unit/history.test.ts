import { dailyRecord, type HistoryEntry, historyEntrySchema } from '../../lib/core/history';

const run = (runAt: string, status: HistoryEntry['status'], checkId = 'placements/updated-recently') =>
  historyEntrySchema.parse({ checkId, runAt, status });

const strip = (history: HistoryEntry[], now: string, timezone = 'Europe/London', days = 3) =>
  dailyRecord(history, { now: new Date(now), timezone, days });

const outcomes = (record: ReturnType<typeof dailyRecord>) =>
  Object.fromEntries(record.days.map((d) => [d.date, d.outcome]));

describe('the 30-day strip of daily outcomes', () => {
  it('has one day per calendar day, oldest first, ending today in the zone', () => {
    // Prepare: 23:30 UTC on 23 November is already the 24th in Auckland.
    const now = '2026-11-23T23:30:00Z';

    // Act
    const london = strip([], now, 'Europe/London', 30);
    const auckland = strip([], now, 'Pacific/Auckland', 3);

    // Assess
    expect(london.days).toHaveLength(30);
    expect(london.days[0]?.date).toBe('2026-10-25');
    expect(london.days.at(-1)?.date).toBe('2026-11-23');
    expect(auckland.days.map((d) => d.date)).toEqual(['2026-11-22', '2026-11-23', '2026-11-24']);
  });

  it('says "no record" for a day without a run, and leaves it out of the on-time rate', () => {
    const record = strip([run('2026-11-23T09:00:00Z', 'pass')], '2026-11-23T10:00:00Z');

    expect(outcomes(record)).toEqual({
      '2026-11-21': 'noRecord',
      '2026-11-22': 'noRecord',
      '2026-11-23': 'onTime',
    });
    expect(record).toMatchObject({ onTime: 1, recorded: 1 });
  });

  it('judges a day by the worst the data was seen to be: stale over late over on time', () => {
    const record = strip(
      [
        run('2026-11-21T08:00:00Z', 'pass'),
        run('2026-11-21T09:00:00Z', 'warn'),
        run('2026-11-22T08:00:00Z', 'warn'),
        run('2026-11-22T09:00:00Z', 'fail', 'placements/enough-rows'),
        run('2026-11-22T10:00:00Z', 'pass'),
        run('2026-11-23T08:00:00Z', 'pass'),
      ],
      '2026-11-23T10:00:00Z',
    );

    expect(outcomes(record)).toEqual({
      '2026-11-21': 'late',
      '2026-11-22': 'stale',
      '2026-11-23': 'onTime',
    });
    expect(record).toMatchObject({ onTime: 1, recorded: 3 });
  });

  it('says "could not check" only when every run of the day was an error, and counts such a day neither way', () => {
    const record = strip(
      [
        run('2026-11-22T08:00:00Z', 'error'),
        run('2026-11-22T09:00:00Z', 'error'),
        run('2026-11-23T08:00:00Z', 'error'),
        run('2026-11-23T09:00:00Z', 'pass'),
      ],
      '2026-11-23T10:00:00Z',
    );

    expect(outcomes(record)).toMatchObject({ '2026-11-22': 'couldNotCheck', '2026-11-23': 'onTime' });
    expect(record).toMatchObject({ onTime: 1, recorded: 1 });
  });

  it('puts a run at 23:30 UTC in summer on the next local day in London', () => {
    // British Summer Time: 23:30 UTC on 1 July is 00:30 on 2 July.
    const record = strip([run('2026-07-01T23:30:00Z', 'fail')], '2026-07-02T12:00:00Z');

    expect(outcomes(record)).toEqual({
      '2026-06-30': 'noRecord',
      '2026-07-01': 'noRecord',
      '2026-07-02': 'stale',
    });
  });

  it('keeps the 25 hours of the day the clocks go back (25 October 2026) as one day', () => {
    // 00:30 BST (23:30 UTC the day before) and 23:30 GMT are both 25 October.
    const record = strip(
      [run('2026-10-24T23:30:00Z', 'pass'), run('2026-10-25T23:30:00Z', 'warn')],
      '2026-10-26T12:00:00Z',
    );

    expect(outcomes(record)).toEqual({
      '2026-10-24': 'noRecord',
      '2026-10-25': 'late',
      '2026-10-26': 'noRecord',
    });
  });

  it('keeps the 23 hours of the day the clocks go forward (29 March 2026) as one day', () => {
    // 00:30 GMT and 23:30 BST (22:30 UTC) are both 29 March; 23:30 UTC is already 30 March.
    const record = strip(
      [
        run('2026-03-29T00:30:00Z', 'pass'),
        run('2026-03-29T22:30:00Z', 'pass'),
        run('2026-03-29T23:30:00Z', 'fail'),
      ],
      '2026-03-30T12:00:00Z',
    );

    expect(outcomes(record)).toEqual({
      '2026-03-28': 'noRecord',
      '2026-03-29': 'onTime',
      '2026-03-30': 'stale',
    });
  });

  it('ignores runs before the first day and after now', () => {
    const record = strip(
      [run('2026-11-20T23:59:59Z', 'fail'), run('2026-11-23T10:00:01Z', 'fail')],
      '2026-11-23T10:00:00Z',
    );

    expect(record).toMatchObject({ onTime: 0, recorded: 0 });
    expect(record.days.every((d) => d.outcome === 'noRecord')).toBe(true);
  });

  it('refuses a history entry that is not a run of a check', () => {
    expect(historyEntrySchema.safeParse({ checkId: 'x', runAt: 'yesterday', status: 'pass' }).success).toBe(
      false,
    );
    expect(
      historyEntrySchema.safeParse({ checkId: 'x', runAt: '2026-11-23T10:00:00Z', status: 'ok' }).success,
    ).toBe(false);
  });
});
