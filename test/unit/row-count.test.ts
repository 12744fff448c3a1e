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
    expect(evaluate(rowCount(rule), count(rows), null, NOW).status).toBe(status);
  });

  it('reports the count observed', () => {
    expect(evaluate(rowCount(rule), count(1234), null, NOW).observed).toEqual({
      rowCount: 1234,
      previousRowCount: null,
    });
  });

  it('reports a failure as a warning when the check says severity: warn', () => {
    expect(evaluate(rowCount(rule, 'warn'), count(10), null, NOW).status).toBe('warn');
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
    expect(evaluate(rowCount(rule), count(rows), previousWith([900, 1000]), NOW).status).toBe(status);
  });

  it('is not judged on the first run, with nothing to compare with', () => {
    expect(evaluate(rowCount(rule), count(1), null, NOW).status).toBe('pass');
  });

  it('names the fall in its breach', () => {
    const result = evaluate(rowCount(rule), count(700), previousWith([1000]), NOW);
    expect(result.breaches).toEqual([{ rule: 'warnDropPercent', limit: 20, dropPercent: 30 }]);
  });
});

describe('row count staleSince', () => {
  const rule = { failBelow: 10 };
  it('is now when the check has just stopped passing', () => {
    expect(evaluate(rowCount(rule), count(1), previousWith([50]), NOW).staleSince).toEqual(NOW);
  });
  it('is kept from state while it stays failing', () => {
    expect(evaluate(rowCount(rule), count(1), previousWith([1], 'fail'), NOW).staleSince).toEqual(
      at('2026-11-20T09:00:00Z'),
    );
  });
  it('is null while passing', () => {
    expect(evaluate(rowCount(rule), count(11), null, NOW).staleSince).toBeNull();
  });
});
