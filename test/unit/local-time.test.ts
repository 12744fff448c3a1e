import { loadConfig } from '../../lib/config/load';
import { ConfigError, formatConfigIssue } from '../../lib/core/errors';
import { parseTimestamp } from '../../lib/core/time/timestamp';
import { parseLocalDateTime } from '../../lib/core/time/zone';
import { parseNow } from '../../lib/runtime/cli/options';
import { PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

/**
 * Local times that people write (`--now`, `snooze --until`, a dataset's `snooze:`) are read by SPEC.md's
 * rule for local times, the one that reads `timestamp without time zone` columns: a time that occurs
 * twice is the earlier instant, one in a spring-forward gap takes the offset from before the change.
 */

const CLOCK_CHANGES: Array<[string, string, string, string]> = [
  ['Europe/London', '2026-10-25T01:30', '2026-10-25T00:30:00.000Z', 'occurs twice: the earlier, BST'],
  ['Europe/London', '2026-10-25T02:00', '2026-10-25T02:00:00.000Z', 'GMT, after the repeated hour'],
  ['Europe/London', '2026-03-29T01:30', '2026-03-29T01:30:00.000Z', 'in the gap: GMT, from before'],
  ['Europe/London', '2026-03-29T02:00', '2026-03-29T01:00:00.000Z', 'BST'],
  ['America/New_York', '2026-03-08T02:30', '2026-03-08T07:30:00.000Z', 'in the gap: EST, from before'],
  ['America/New_York', '2026-11-01T01:30', '2026-11-01T05:30:00.000Z', 'occurs twice: the earlier, EDT'],
  ['Australia/Lord_Howe', '2026-04-05T01:45', '2026-04-04T14:45:00.000Z', 'occurs twice: the earlier, +11'],
  ['Australia/Lord_Howe', '2026-10-04T02:15', '2026-10-03T15:45:00.000Z', 'in the gap: +10:30, from before'],
  ['Europe/London', '2026-11-23T10:00', '2026-11-23T10:00:00.000Z', 'GMT'],
  ['Europe/London', '2026-07-01', '2026-06-30T23:00:00.000Z', 'a date is its 00:00, BST'],
];

describe('a local time written by a person', () => {
  it.each(CLOCK_CHANGES)('%s %s is %s (%s)', (zone, text, instant) => {
    // Act
    const read = parseLocalDateTime(text, zone);
    // Assess
    expect(read?.toISOString()).toBe(instant);
  });

  it.each(CLOCK_CHANGES)('%s %s reads as a timestamp column in that zone reads it', (zone, text) => {
    // Prepare: the instant a timestamp column in that zone holding this text reads as.
    const column = parseTimestamp(text.replace('T', ' '), {
      column: 'updated_at',
      columnTimezone: zone,
      columnUnit: 's',
      now: new Date('2026-11-23T10:00:00Z'),
    });
    // Act
    const read = parseLocalDateTime(text, zone);
    // Assess
    expect(read).toEqual(column);
  });

  it.each([
    ['2026-11-23T10:00:00Z', '2026-11-23T10:00:00.000Z'],
    ['2026-11-23T10:00:00+01:00', '2026-11-23T09:00:00.000Z'],
    ['2026-11-23T10:00-0530', '2026-11-23T15:30:00.000Z'],
    ['2026-11-23 10:00:00.5Z', '2026-11-23T10:00:00.500Z'],
  ])('takes %s, with its offset, as written', (text, instant) => {
    // Act
    const read = parseLocalDateTime(text, 'Europe/London');
    // Assess
    expect(read?.toISOString()).toBe(instant);
  });
});

describe('--now', () => {
  it('in the hour that occurs twice is the earlier instant: 01:30 BST on 25 October 2026', () => {
    // Act
    const now = parseNow('2026-10-25T01:30', 'Europe/London');
    // Assess
    expect(now.toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it.each([
    ['0000-01-01', 'is in the year 0: a time to run or snooze at is from the year 1000 on'],
    ['0999-12-31T10:00', 'is in the year 999'],
    [
      '2026-11-23T10:00:60',
      'is not a time of day: hours go from 00 to 23, minutes and seconds from 00 to 59',
    ],
    ['2026-11-23T10:60', 'is not a time of day'],
    ['2026-11-23T24:00', 'is not a time of day'],
    ['2026-02-29T10:00', 'is not a date: February 2026 has 28 days'],
    ['2026-13-01', 'is not a date: there is no month 13'],
    ['2026-11-23T10:00+25:00', 'has an offset from UTC that no place has'],
    ['yesterday', 'is not a time'],
  ])('refuses %s, saying why and what to write', (text, why) => {
    // Act
    const reading = () => parseNow(text, 'Europe/London');
    // Assess
    expect(reading).toThrow(`--now "${text}" ${why}`);
    expect(reading).toThrow('write it as 2026-11-23T10:00:00Z');
  });

  it('names the flag it was given: snooze --until', () => {
    // Act
    const reading = () => parseNow('2026-11-23T10:00:60', 'Europe/London', '--until');
    // Assess
    expect(reading).toThrow(/^--until "2026-11-23T10:00:60" is not a time of day/);
  });
});

describe("a dataset's snooze:", () => {
  /** A config tree whose placements dataset is snoozed until `snooze`. */
  const snoozedTree = (snooze: string) =>
    writeTree({
      'stalewatch.yml': SETTINGS,
      'placements.yml': PLACEMENTS.replace('checks:\n', `snooze: "${snooze}"\nchecks:\n`),
    });

  async function load(dir: string) {
    try {
      return { config: await loadConfig({ dir, env: {} }), problems: [] };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return {
        config: null,
        problems: error.issues.map((i) => formatConfigIssue(i).replaceAll(dir, 'checks')),
      };
    }
  }

  it('in the hour that occurs twice is the earlier instant', async () => {
    // Prepare
    const dir = snoozedTree('2026-10-25T01:30');
    // Act
    const { config } = await load(dir);
    // Assess
    expect(config?.datasets[0]?.snoozeUntil?.toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it.each([
    ['0000-01-01', 'is in the year 0'],
    ['2026-11-30T09:00:60', 'is not a time of day'],
  ])('refuses %s, located, saying why and what to write', async (snooze, why) => {
    // Prepare
    const dir = snoozedTree(snooze);
    // Act
    const { problems } = await load(dir);
    // Assess
    expect(problems).toEqual([
      `checks/placements.yml:8:9 snooze: "${snooze}" ${why}${problems[0]?.split(why)[1]}`,
    ]);
    expect(problems[0]).toContain('— write it as 2026-11-30T09:00 (in the configured time zone)');
  });
});
