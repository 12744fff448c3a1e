import { evaluate } from '../../lib/core/evaluate/evaluate';
import type { PreviousState } from '../../lib/core/evaluate/types';
import { at, rowCount } from '../helpers/checks';

const NOW = at('2026-11-23T10:00:00Z');
const count = (n: number) => ({ kind: 'rowCount' as const, rowCount: n });
const previousWith = (rowCounts: number[], status: PreviousState['status'] = 'pass'): PreviousState => ({
  status,
  since: at('2026-11-20T09:00:00Z'),
  dataStatus: status === 'error' ? null : status,
  staleSince: status === 'pass' ? null : at('2026-11-20T09:00:00Z'),
  lastUpdatedAt: null,
  rowCounts,
});

describe('row count bounds', () => {
  const rule = { failBelow: 1000, warnBelow: 5000, warnAbove: 90_000, failAbove: 100_000 };
  it.each([
    [999, 'fail'],
    [1000, 'warn'],
    [4999, 'warn'],
    [5000, 'pass'],
    [90_000, 'pass'],
    [90_001, 'warn'],
    [100_000, 'warn'],
    [100_001, 'fail'],
  ])('%i rows gives %s', (rows, status) => {
    // Act
    const result = evaluate(rowCount(rule), count(rows), null, NOW);
    // Assess
    expect(result.status).toBe(status);
  });

  it('reports the count observed', () => {
    // Act
    const result = evaluate(rowCount(rule), count(1234), null, NOW);
    // Assess
    expect(result.observed).toEqual({ rowCount: 1234, previousRowCount: null });
  });

  it('reports a failure as a warning when the check says severity: warn', () => {
    // Act
    const result = evaluate(rowCount(rule, 'warn'), count(10), null, NOW);
    // Assess
    expect(result.status).toBe('warn');
  });
});

describe('row count drops since the previous run', () => {
  const rule = { warnDropPercent: 20, failDropPercent: 50 };
  it.each([
    [800, 'pass'],
    [799, 'warn'],
    [500, 'warn'],
    [499, 'fail'],
    [1200, 'pass'],
  ])('from 1,000 to %i gives %s', (rows, status) => {
    // Prepare: the last run counted 1,000 (the one before, 900).
    const previous = previousWith([900, 1000]);
    // Act
    const result = evaluate(rowCount(rule), count(rows), previous, NOW);
    // Assess
    expect(result.status).toBe(status);
  });

  it('is not judged on the first run, with nothing to compare with', () => {
    // Act
    const result = evaluate(rowCount(rule), count(1), null, NOW);
    // Assess
    expect(result.status).toBe('pass');
  });

  it('names the fall in its breach', () => {
    // Prepare
    const previous = previousWith([1000]);
    // Act
    const result = evaluate(rowCount(rule), count(700), previous, NOW);
    // Assess
    expect(result.breaches).toEqual([{ rule: 'warnDropPercent', limit: 20, dropPercent: 30 }]);
  });
});

describe('row count staleSince', () => {
  const rule = { failBelow: 10 };
  it('is now when the check has just stopped passing', () => {
    // Prepare: passing at the last run.
    const previous = previousWith([50]);
    // Act
    const result = evaluate(rowCount(rule), count(1), previous, NOW);
    // Assess
    expect(result.staleSince).toEqual(NOW);
  });
  it('is kept from state while it stays failing', () => {
    // Prepare: failing since 20 November.
    const previous = previousWith([1], 'fail');
    // Act
    const result = evaluate(rowCount(rule), count(1), previous, NOW);
    // Assess
    expect(result.staleSince).toEqual(at('2026-11-20T09:00:00Z'));
  });
  it('is null while passing', () => {
    // Act
    const result = evaluate(rowCount(rule), count(11), null, NOW);
    // Assess
    expect(result.staleSince).toBeNull();
  });
});
