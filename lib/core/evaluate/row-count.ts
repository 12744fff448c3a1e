import type { RowCountRule, Severity, Status } from '../model/config';
import { applySeverity, isStale, worse } from './status';
import type { Breach, PreviousState } from './types';

/** Each bound of a row-count rule: when it is broken, and the status that gives. */
function breachesOf(
  rule: RowCountRule,
  rowCount: number,
  previousRowCount: number | null,
): Array<[Status, Breach]> {
  const found: Array<[Status, Breach]> = [];
  const bound = (
    limit: number | null,
    broken: (l: number) => boolean,
    status: Status,
    name: Breach['rule'],
  ) => {
    if (limit !== null && broken(limit)) found.push([status, { rule: name, limit } as Breach]);
  };
  bound(rule.failBelow, (l) => rowCount < l, 'fail', 'failBelow');
  bound(rule.failAbove, (l) => rowCount > l, 'fail', 'failAbove');
  bound(rule.warnBelow, (l) => rowCount < l, 'warn', 'warnBelow');
  bound(rule.warnAbove, (l) => rowCount > l, 'warn', 'warnAbove');
  if (previousRowCount !== null && previousRowCount > 0) {
    const dropPercent = ((previousRowCount - rowCount) / previousRowCount) * 100;
    const drop = (limit: number | null, status: Status, name: 'warnDropPercent' | 'failDropPercent') => {
      if (limit !== null && dropPercent > limit) found.push([status, { rule: name, limit, dropPercent }]);
    };
    drop(rule.failDropPercent, 'fail', 'failDropPercent');
    drop(rule.warnDropPercent, 'warn', 'warnDropPercent');
  }
  return found;
}

/**
 * The verdict of a row-count check: `fail` below failBelow or above failAbove or after a fall of more
 * than failDropPercent since the previous run; `warn` likewise for the warn bounds. It stopped passing
 * when the state says it did (the last count seen was not passing either), or now.
 */
export function evaluateRowCount(
  rule: RowCountRule,
  severity: Severity,
  rowCount: number,
  previous: PreviousState | null,
  now: Date,
): { status: Status; staleSince: Date | null; previousRowCount: number | null; breaches: Breach[] } {
  const previousRowCount = previous?.rowCounts.at(-1) ?? null;
  const found = breachesOf(rule, rowCount, previousRowCount);
  const status = applySeverity(
    found.reduce<Status>((s, [st]) => worse(s, st), 'pass'),
    severity,
  );
  // What the count looked like when last seen: a run that could not count does not restart "since".
  const wasFailing = isStale(previous?.dataStatus);
  return {
    status,
    staleSince: status === 'pass' ? null : wasFailing ? (previous?.staleSince ?? now) : now,
    previousRowCount,
    breaches: found.map(([, b]) => b),
  };
}
