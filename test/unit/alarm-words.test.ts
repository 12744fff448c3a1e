import { loadConfig } from '../../lib/config/load';
import { readAlarmEvent } from '../../lib/core/alarms/event';
import { alarmAlert, stepOnEvent } from '../../lib/core/alarms/news';
import type { AlarmWatch, Contact } from '../../lib/core/model/config';
import { compositeAlarmEvent, type MetricAlarm, metricAlarmEvent } from '../helpers/alarm-events';
import { SETTINGS, writeTree } from '../helpers/tree';

const AT = '2026-11-23T10:02:00.000Z';
const NOW = new Date('2026-11-23T10:05:00Z');
const lead: Contact = { id: 'lead', name: 'Data lead', audience: 'data-lead', slack: null, email: null };
const watch = (title: string, unit: AlarmWatch['unit'] = null): AlarmWatch => ({
  pattern: 'x',
  name: 'x',
  prefix: false,
  title,
  owners: ['lead'],
  subscribers: [],
  snoozeUntil: null,
  impact: null,
  action: null,
  unit,
  file: 'checks/x.yml',
});

/** The data lead's headline for an alarm event. */
function headline(event: unknown, w: AlarmWatch): string {
  const step = stepOnEvent(null, readAlarmEvent(event), '24h');
  if (step.action !== 'tell') throw new Error(step.reason);
  return alarmAlert(step.news[0] as never, w, lead, { zone: 'Europe/London', contacts: {}, now: NOW })
    .headline;
}
const metric = (m: Partial<MetricAlarm>) =>
  metricAlarmEvent({ name: 'x', state: 'ALARM', at: AT, namespace: 'Custom', metric: 'M', ...m });

describe('alarm headlines in plain words', () => {
  it.each([
    [
      {
        namespace: 'AWS/RDS',
        metric: 'FreeStorageSpace',
        value: 4.1 * 1024 ** 3,
        threshold: 5 * 1024 ** 3,
        operator: '<',
      },
      'TIS database disk space is running low: 4.1 GB free, the limit is 5 GB',
    ],
    [
      {
        namespace: 'AWS/RDS',
        metric: 'FreeableMemory',
        value: 300 * 1024 ** 2,
        threshold: 512 * 1024 ** 2,
        operator: '<=',
      },
      'TIS database disk space is running low: 300 MB free, the limit is 512 MB',
    ],
    [
      { namespace: 'AWS/RDS', metric: 'CPUUtilization', value: 93.4, threshold: 80, operator: '>' },
      'TIS database disk space is running high: 93% used, the limit is 80%',
    ],
    [
      { unit: 'Count', value: 12, threshold: 5, operator: '>=' },
      'TIS database disk space is too high: 12, the limit is 5',
    ],
    [
      { unit: 'Seconds', value: 2.5, threshold: 1.5, operator: '>' },
      'TIS database disk space is too high: 2.5 seconds, the limit is 1.5 seconds',
    ],
    [
      { unit: 'Milliseconds', value: 850, threshold: 500, operator: '>' },
      'TIS database disk space is too high: 850 milliseconds, the limit is 500 milliseconds',
    ],
    [
      { unit: 'Percent', value: 4, threshold: 10, operator: '<' },
      'TIS database disk space is too low: 4%, the limit is 10%',
    ],
    // Numbers that differ are never shown alike: a digit is added.
    [
      { unit: 'Bytes', value: 4.96 * 1024 ** 3, threshold: 5 * 1024 ** 3, operator: '<' },
      'TIS database disk space is too low: 4.96 GB, the limit is 5 GB',
    ],
    // No reasonData: no numbers, and nothing made up.
    [
      { namespace: 'AWS/RDS', metric: 'FreeStorageSpace' },
      'TIS database disk space has a problem (since 10:02)',
    ],
  ] as Array<[Partial<MetricAlarm>, string]>)('%j tells the data lead: %s', (m, expected) => {
    // Prepare
    const event = metric(m);
    // Act
    const said = headline(event, watch('TIS database disk space'));
    // Assess
    expect(said).toBe(expected);
  });

  it('takes the unit from the alarm file when neither the event nor a known metric says it', () => {
    // Prepare: a custom metric with no unit, watched by a file that says bytes.
    const event = metric({ value: 3 * 1024 ** 4, threshold: 2 * 1024 ** 4, operator: '>' });
    // Act
    const said = headline(event, watch('Warehouse storage', 'bytes'));
    // Assess
    expect(said).toBe('Warehouse storage is too high: 3 TB, the limit is 2 TB');
  });

  it('says a composite alarm has a problem, without its rule', () => {
    // Prepare
    const event = compositeAlarmEvent({
      name: 'x',
      state: 'ALARM',
      at: AT,
      rule: 'ALARM(a) OR ALARM(b)',
      children: ['a'],
    });
    // Act
    const said = headline(event, watch('TIS service'));
    // Assess
    expect(said).toBe('TIS service has a problem (since 10:02)');
  });
});

describe('alarm files', () => {
  const tree = (files: Record<string, string>) => writeTree({ 'stalewatch.yml': SETTINGS, ...files });
  const load = (dir: string) => loadConfig({ dir, env: {} });

  it('reads an alarm file and a prefix file beside the datasets', async () => {
    // Prepare
    const dir = tree({
      'a.yml': 'alarm: tis-prod-web\ntitle: TIS website\nowner: platform\n',
      'b.yml': 'alarm: tis-prod-*\ntitle: TIS\nowner: [platform, placements-lead]\nunit: percent\n',
    });
    // Act
    const config = await load(dir);
    // Assess
    expect(config.alarms.map((a) => [a.name, a.prefix, a.owners, a.unit])).toEqual([
      ['tis-prod-web', false, ['platform'], null],
      ['tis-prod-', true, ['platform', 'placements-lead'], 'percent'],
    ]);
  });

  it('refuses table, checks and source in an alarm file, a bare *, a * inside, an unknown contact and a repeated alarm, all at once', async () => {
    // Prepare: one tree with every mistake.
    const dir = tree({
      'a.yml': 'alarm: tis-prod-web\ntitle: TIS website\nowner: platform\ntable: public.x\nchecks: []\n',
      'b.yml': 'alarm: "*"\ntitle: All\nowner: platform\n',
      'c.yml': 'alarm: tis-*-web\ntitle: Web\nowner: nobody\n',
      'd.yml': 'alarm: tis-prod-api\ntitle: API\nowner: platform\n',
      'e.yml': 'alarm: tis-prod-api\ntitle: API again\nowner: platform\n',
    });
    // Act
    const failure = await load(dir).catch((e: Error) => e.message);
    // Assess: each mistake located and explained.
    expect(failure).toMatch(
      /a\.yml:4:1 table: is not a field of an alarm file: a file watches either a table or an alarm/,
    );
    expect(failure).toMatch(/a\.yml:5:1 checks: is not a field of an alarm file: CloudWatch decides/);
    expect(failure).toMatch(
      /b\.yml:1:8 alarm: would watch every alarm in the account — write a prefix before the \*/,
    );
    expect(failure).toMatch(/c\.yml:1:8 alarm: "tis-\*-web" has a \* that is not at its end/);
    expect(failure).toMatch(/c\.yml:3:8 owner: "nobody" is not a contact/);
    expect(failure).toMatch(
      /e\.yml:1:8 alarm: "tis-prod-api" is already watched by .*d\.yml — one file per alarm/,
    );
  });
});
