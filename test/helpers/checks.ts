import type {
  ActivityCheck,
  ActivityRule,
  FreshnessCheck,
  FreshnessRule,
  RowCountCheck,
  RowCountRule,
  Severity,
} from '../../lib/core/model/config';

const base = {
  dataset: 'placements',
  title: 'Trainee placements',
  source: 'tis',
  table: 'public.placement',
  owners: ['placements-lead'],
};

/** A freshness check with the given rule fields (no thresholds unless given). */
export function freshness(rule: Partial<FreshnessRule>, severity: Severity = 'fail'): FreshnessCheck {
  return {
    ...base,
    id: 'placements/freshness',
    name: 'freshness',
    severity,
    kind: 'freshness',
    freshness: {
      column: 'last_modified',
      where: null,
      warnAfter: null,
      failAfter: null,
      dueBy: null,
      columnTimezone: 'UTC',
      columnUnit: 's',
      futureTolerance: '1h',
      ...rule,
    },
  };
}

/** A `dueBy` freshness rule read in Europe/London with England and Wales bank holidays. */
export function dueBy(cron: string, holidays: string | null = 'england-and-wales'): Partial<FreshnessRule> {
  return { dueBy: { cron, timezone: 'Europe/London', holidays } };
}

/** A row-count check with the given bounds (none unless given). */
export function rowCount(rule: Partial<RowCountRule>, severity: Severity = 'fail'): RowCountCheck {
  return {
    ...base,
    id: 'placements/row-count',
    name: 'row-count',
    severity,
    kind: 'rowCount',
    rowCount: {
      where: null,
      failBelow: null,
      warnBelow: null,
      failAbove: null,
      warnAbove: null,
      warnDropPercent: null,
      failDropPercent: null,
      ...rule,
    },
  };
}

export const at = (iso: string): Date => new Date(iso);

/** An activity check (a table with no timestamp column) with the given limits (none unless given). */
export function activity(rule: Partial<ActivityRule>, severity: Severity = 'fail'): ActivityCheck {
  return {
    ...base,
    id: 'placements/activity',
    name: 'activity',
    severity,
    kind: 'activity',
    activity: { warnAfter: null, failAfter: null, ...rule },
  };
}
