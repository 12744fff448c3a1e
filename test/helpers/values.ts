import type { Engine as Dialect } from '../../lib/core/model/config';
import { SETTINGS } from './tree';

/** The run's time in the value tests: every "ago" and "ahead" below is from here. */
export const VALUES_NOW = new Date('2026-11-23T10:00:00.000Z');
const hoursFromNow = (h: number) => new Date(VALUES_NOW.getTime() + h * 3_600_000);
/** `2026-11-23 05:00:00.000`: how both engines take a UTC time as a literal (sessions run in UTC). */
const sqlTime = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

/** A value that one check's column holds, what the check must report, and why. */
export interface Poison {
  label: string;
  type: string;
  value: string;
  status: 'error' | 'fail';
  /** The `error` it must give (for `error`). */
  error?: RegExp;
}

/**
 * Values that have broken runs, or could: each in its own table, so that each is the newest value of
 * its check. What they must give: a value that is not a time is that check's `error`; a real time,
 * however old, is read as it is and judged (`fail`).
 */
export const POISONS: Record<Dialect, Poison[]> = {
  postgres: [
    {
      label: 'micro',
      type: 'bigint',
      value: '1795313640000000',
      status: 'error',
      error: /add columnUnit: us/,
    },
    { label: 'millis', type: 'bigint', value: '1795313640000', status: 'error', error: /add columnUnit: ms/ },
    { label: 'infinity', type: 'timestamp', value: "'infinity'", status: 'error', error: /'infinity'/ },
    {
      label: 'minus_infinity',
      type: 'timestamptz',
      value: "'-infinity'",
      status: 'error',
      error: /'-infinity'/,
    },
    { label: 'nan', type: 'float8', value: "'NaN'", status: 'error', error: /NaN/ },
    {
      label: 'forty_digits',
      type: 'numeric(40)',
      value: '1234567890123456789012345678901234567890',
      status: 'error',
      error: /epoch seconds/,
    },
    { label: 'text', type: 'text', value: "'sk_live_not_a_time'", status: 'error', error: /is not a date/ },
    { label: 'year_1', type: 'timestamp', value: "'0001-01-01 00:00:00'", status: 'fail' },
    { label: 'bc', type: 'timestamp', value: "'4713-01-01 00:00:00 BC'", status: 'fail' },
    {
      label: 'year_9999',
      type: 'timestamp',
      value: "'9999-12-31 23:59:59'",
      status: 'error',
      error: /in the future/,
    },
    {
      label: 'beyond_js',
      type: 'timestamp',
      value: "'294276-12-31 00:00:00'",
      status: 'error',
      error: /in the future/,
    },
    {
      label: 'ahead_29h',
      type: 'timestamptz',
      value: `'${sqlTime(hoursFromNow(29))}+00'`,
      status: 'error',
      error: /is 29 hours in the future/,
    },
  ],
  mysql: [
    {
      label: 'micro',
      type: 'BIGINT',
      value: '1795313640000000',
      status: 'error',
      error: /add columnUnit: us/,
    },
    { label: 'millis', type: 'BIGINT', value: '1795313640000', status: 'error', error: /add columnUnit: ms/ },
    { label: 'double', type: 'DOUBLE', value: '1.79531364e15', status: 'error', error: /add columnUnit: us/ },
    {
      label: 'forty_digits',
      type: 'DECIMAL(40)',
      value: '1234567890123456789012345678901234567890',
      status: 'error',
      error: /epoch seconds/,
    },
    {
      label: 'text',
      type: 'VARCHAR(40)',
      value: "'sk_live_not_a_time'",
      status: 'error',
      error: /is not a date/,
    },
    {
      label: 'zero_date',
      type: 'DATETIME',
      value: "'0000-00-00 00:00:00'",
      status: 'error',
      error: /zero date/,
    },
    {
      label: 'zero_timestamp',
      type: 'TIMESTAMP NULL',
      value: "'0000-00-00 00:00:00'",
      status: 'error',
      error: /zero date/,
    },
    { label: 'year_1', type: 'DATETIME', value: "'0001-01-01 00:00:00'", status: 'fail' },
    {
      label: 'year_9999',
      type: 'DATETIME',
      value: "'9999-12-31 23:59:59'",
      status: 'error',
      error: /in the future/,
    },
    {
      label: 'ahead_29h',
      type: 'TIMESTAMP NULL',
      value: `'${sqlTime(hoursFromNow(29))}'`,
      status: 'error',
      error: /is 29 hours in the future/,
    },
  ],
};

/** The healthy checks beside the poisoned ones, and what they must report. */
export const HEALTHY: Record<string, string> = {
  'values/fresh': 'pass',
  'values/rows': 'pass',
  'values-old/stale': 'fail',
};

/** The id of a poison's check. */
export const poisonCheckId = (p: Poison) => `p-${p.label.replaceAll('_', '-')}/newest`;

/** SQL that makes one table per poison, and the healthy tables (updated an hour ago, and 3 days ago). */
export function poisonedTables(dialect: Dialect, namespace: string): string[] {
  const naive = dialect === 'mysql' ? 'DATETIME(3)' : 'timestamp(3)';
  return [
    // MySQL's zero dates need a session sql_mode that allows them (this session only).
    ...(dialect === 'mysql' ? ["SET SESSION sql_mode = ''"] : []),
    `CREATE TABLE ${namespace}.good (id int, updated_at ${naive})`,
    `INSERT INTO ${namespace}.good VALUES (1, '${sqlTime(hoursFromNow(-1))}')`,
    `CREATE TABLE ${namespace}.old (id int, updated_at ${naive})`,
    `INSERT INTO ${namespace}.old VALUES (1, '${sqlTime(hoursFromNow(-72))}')`,
    ...POISONS[dialect].flatMap((p) => [
      `CREATE TABLE ${namespace}.p_${p.label} (v ${p.type})`,
      `INSERT INTO ${namespace}.p_${p.label} VALUES (${p.value})`,
    ]),
  ];
}

/** A dataset file with the given checks (YAML list items). */
const datasetFile = (id: string, table: string, checks: string) =>
  `dataset: ${id}\ntitle: ${id}\nsource: tis\ntable: ${table}\nowner: placements-lead\n` +
  `impact: Users see old data.\naction: Re-run the load.\nchecks:\n${checks}`;

/** A checks tree: a check on each poisoned table, between the healthy checks (file order is run order). */
export function poisonedChecks(dialect: Dialect, namespace: string): Record<string, string> {
  const newest = '  - name: newest\n    freshness: { column: v, failAfter: 2d }\n';
  return {
    'stalewatch.yml': SETTINGS.replace('engine: postgres', `engine: ${dialect}`),
    'a-values.yml': datasetFile(
      'values',
      `${namespace}.good`,
      '  - name: fresh\n    freshness: { column: updated_at, warnAfter: 2h }\n' +
        '  - name: rows\n    rowCount: { failBelow: 1 }\n',
    ),
    ...Object.fromEntries(
      POISONS[dialect].map((p) => [
        `p-${p.label}.yml`,
        datasetFile(poisonCheckId(p).split('/')[0] as string, `${namespace}.p_${p.label}`, newest),
      ]),
    ),
    'z-old.yml': datasetFile(
      'values-old',
      `${namespace}.old`,
      '  - name: stale\n    freshness: { column: updated_at, failAfter: 1d }\n',
    ),
  };
}
