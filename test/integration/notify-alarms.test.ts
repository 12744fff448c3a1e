import type { Context } from 'aws-lambda';
import { loadConfig } from '../../lib/config/load';
import { main } from '../../lib/runtime/cli/main';
import { compositeAlarmEvent, metricAlarmEvent } from '../helpers/alarm-events';
import { setServiceEnv, startDynamo } from '../helpers/aws';
import { fakeDateOnly } from '../helpers/clock';
import { EMAIL_FROM_PARAMETER, startNotifyStandIns } from '../helpers/stand-ins';
import { compiledConfigFile, SETTINGS, writeTree } from '../helpers/tree';

const GiB = 1024 ** 3;

const WEBSITE = `alarm: tis-prod-website-health
title: TIS website
owner: platform
subscribers: [placements-lead]
impact: Trainees cannot sign in.
action: Restart the service.
`;
const DATABASE = `alarm: tis-prod-db-*
title: TIS database disk space
owner: placements-lead
subscribers: [platform]
impact: Saving a placement fails when the disk is full.
action: The platform team adds storage.
`;
const SERVICE = `alarm: tis-prod-service
title: TIS service
owner: placements-lead
subscribers: [platform]
`;

describe('CloudWatch alarms through the notify function, with its real clients at local stand-ins', () => {
  const saved = { ...process.env };
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let standIns: Awaited<ReturnType<typeof startNotifyStandIns>>;
  let handler: (event: unknown, context: Context) => Promise<Record<string, unknown>>;
  const context = { getRemainingTimeInMillis: () => 60_000 } as unknown as Context;
  let checksDir = '';
  /** `stalewatch <args>` in this process, on the test's clock, against the test's table. */
  const cli = async (args: string[], at: Date) => {
    let stdout = '';
    let stderr = '';
    const code = await main([...args, '--checks', checksDir, '--table', 'stalewatch-test-state'], {
      env: process.env,
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      clock: () => at,
      monotonic: () => performance.now(),
      newRunId: () => 'run',
    });
    return { code, stdout, stderr };
  };
  /** What each webhook (placements = the data lead, platform) received since the last call. */
  const received = () => {
    const out = standIns.state.slack.splice(0).map((m) => ({
      to: m.path.includes('platform') ? 'platform' : 'lead',
      text: m.body.text as string,
      body: JSON.stringify(m.body),
    }));
    return out;
  };

  beforeAll(async () => {
    fakeDateOnly('2026-11-23T10:05:00Z');
    standIns = await startNotifyStandIns();
    dynamo = await startDynamo();
    await dynamo.createTable('stalewatch-test-state');
    // Prepare: the data lead and the platform team each on Slack; three alarm files.
    const settings = SETTINGS.replace(
      'audience: platform',
      'audience: platform\n    slack: ${ssm:/stalewatch/slack/platform}',
    );
    checksDir = writeTree({
      'stalewatch.yml': settings,
      'alarms/website.yml': WEBSITE,
      'alarms/database.yml': DATABASE,
      'alarms/service.yml': SERVICE,
    });
    const config = await loadConfig({ dir: checksDir, env: {} });
    const configFile = compiledConfigFile(config, [2026]);
    setServiceEnv({
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SSM: standIns.address,
      AWS_ENDPOINT_URL_SESV2: standIns.address,
      STALEWATCH_STATE_TABLE: 'stalewatch-test-state',
      STALEWATCH_CONFIG_FILE: configFile,
      STALEWATCH_EMAIL_FROM_PARAMETER: EMAIL_FROM_PARAMETER,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    handler = require('../../functions/notify').handler;
  });

  afterAll(async () => {
    jest.useRealTimers();
    process.env = saved;
    await Promise.all([dynamo.stop(), standIns.stop()]);
  });

  const diskAlarm = (state: 'ALARM' | 'OK', at: string, value: number) =>
    metricAlarmEvent({
      name: 'tis-prod-db-free-storage',
      state,
      previous: state === 'ALARM' ? 'OK' : 'ALARM',
      at,
      namespace: 'AWS/RDS',
      metric: 'FreeStorageSpace',
      dimensions: { DBInstanceIdentifier: 'tis-prod' },
      value,
      threshold: 5 * GiB,
      operator: '<',
    });

  it('tells the data lead in plain words and the platform team the detail, once, and the recovery once', async () => {
    jest.setSystemTime(new Date('2026-11-23T10:05:00Z'));
    // Act: the alarm goes off; EventBridge delivers it twice; CloudWatch says ALARM again later.
    const alarm = diskAlarm('ALARM', '2026-11-23T10:02:00.000Z', 4.1 * GiB);
    await handler(alarm, context);
    const first = received();
    const redelivered = await handler(alarm, context);
    const repeated = await handler(diskAlarm('ALARM', '2026-11-23T10:07:00.000Z', 4 * GiB), context);
    // Assess: one message each; the lead's has no technical word, the platform's has them all.
    expect(first.map((m) => [m.to, m.text])).toEqual([
      ['lead', 'Problem: TIS database disk space is running low: 4.1 GB free, the limit is 5 GB'],
      ['platform', 'Problem: TIS database disk space is running low: 4.1 GB free, the limit is 5 GB'],
    ]);
    const [lead, platform] = first;
    expect(lead?.body).not.toMatch(/tis-prod-db|FreeStorageSpace|AWS\/RDS|Threshold Crossed|console\.aws/);
    expect(lead?.body).toContain('Saving a placement fails when the disk is full.');
    expect(platform?.body).toContain('tis-prod-db-free-storage');
    expect(platform?.body).toContain('eu-west-2');
    expect(platform?.body).toContain('AWS/RDS FreeStorageSpace (DBInstanceIdentifier=tis-prod)');
    expect(platform?.body).toContain('Threshold Crossed: 1 out of the last 1 datapoints');
    expect(platform?.body).toContain(
      'https://eu-west-2.console.aws.amazon.com/cloudwatch/home?region=eu-west-2#alarmsV2:alarm/tis-prod-db-free-storage',
    );
    expect(redelivered).toMatchObject({ sent: 0, alreadySent: 2 });
    expect(repeated).toMatchObject({ sent: 0, skipped: ['tis-prod-db-free-storage is already ALARM'] });
    expect(received()).toEqual([]);

    // Act: it recovers two hours later; the recovery is delivered twice.
    jest.setSystemTime(new Date('2026-11-23T12:05:00Z'));
    const ok = diskAlarm('OK', '2026-11-23T12:02:00.000Z', 12 * GiB);
    await handler(ok, context);
    await handler(ok, context);
    // Assess
    expect(received().map((m) => [m.to, m.text])).toEqual([
      [
        'lead',
        'Back to normal: TIS database disk space is back to normal: 12 GB free (it was running low for 2 hours)',
      ],
      [
        'platform',
        'Back to normal: TIS database disk space is back to normal: 12 GB free (it was running low for 2 hours)',
      ],
    ]);
  });

  it('says a failing health check is the website not answering, since when', async () => {
    jest.setSystemTime(new Date('2026-11-23T10:05:00Z'));
    const event = metricAlarmEvent({
      name: 'tis-prod-website-health',
      state: 'ALARM',
      at: '2026-11-23T10:02:00.000Z',
      namespace: 'AWS/Route53',
      metric: 'HealthCheckStatus',
      dimensions: { HealthCheckId: 'abc' },
      value: 0,
      threshold: 1,
      operator: '<',
    });
    await handler(event, context);
    expect(received().map((m) => m.text)).toEqual([
      'Problem: TIS website is not answering (health check failing since 10:02)',
      'Problem: TIS website is not answering (health check failing since 10:02)',
    ]);
  });

  it('reminds the owners of an alarm still going off after remindEvery, once, from the schedule', async () => {
    // Prepare: the website alarm went off at 10:02 (the test before); remindEvery is 24h.
    jest.setSystemTime(new Date('2026-11-23T16:00:00Z'));
    const early = await handler({ release: true }, context);
    jest.setSystemTime(new Date('2026-11-24T10:15:00Z'));
    // Act: the schedule fires, and fires again.
    await handler({ release: true }, context);
    await handler({ release: true }, context);
    // Assess
    expect(early).toMatchObject({ sent: 0 });
    expect(received().map((m) => m.text)).toEqual([
      expect.stringMatching(
        /^Still a problem: TIS website is not answering \(health check failing since Monday 23 November 10:02\)$/,
      ),
      expect.stringMatching(/^Still a problem: TIS website is not answering/),
    ]);
  });

  it('names the rule of a composite alarm to the platform team, and only "a problem" to the data lead', async () => {
    jest.setSystemTime(new Date('2026-11-23T10:05:00Z'));
    await handler(
      compositeAlarmEvent({
        name: 'tis-prod-service',
        state: 'ALARM',
        at: '2026-11-23T10:02:00.000Z',
        rule: 'ALARM(tis-prod-api-5xx) OR ALARM(tis-prod-api-latency)',
        children: ['tis-prod-api-5xx'],
      }),
      context,
    );
    const [lead, platform] = received();
    expect(lead?.text).toBe('Problem: TIS service has a problem (since 10:02)');
    expect(lead?.body).not.toContain('ALARM(');
    expect(platform?.body).toContain('ALARM(tis-prod-api-5xx) OR ALARM(tis-prod-api-latency)');
    expect(platform?.body).toContain('Set off by:* tis-prod-api-5xx');
  });

  it('tells only the platform team (errorsTo) when an alarm has no data, like a check that could not run', async () => {
    jest.setSystemTime(new Date('2026-11-23T18:05:00Z'));
    await handler(
      metricAlarmEvent({
        name: 'tis-prod-db-cpu',
        state: 'INSUFFICIENT_DATA',
        at: '2026-11-23T18:00:00.000Z',
        namespace: 'AWS/RDS',
        metric: 'CPUUtilization',
      }),
      context,
    );
    expect(received().map((m) => [m.to, m.text])).toEqual([
      [
        'platform',
        'Error: Stalewatch cannot tell whether TIS database disk space is all right: its alarm has no data',
      ],
    ]);
  });

  it('sends nothing about an alarm that no file watches', async () => {
    const outcome = await handler(
      metricAlarmEvent({
        name: 'billing-alarm',
        state: 'ALARM',
        at: '2026-11-23T10:02:00.000Z',
        namespace: 'AWS/Billing',
        metric: 'EstimatedCharges',
        value: 900,
        threshold: 500,
        operator: '>',
      }),
      context,
    );
    expect(outcome).toMatchObject({
      sent: 0,
      skipped: ['no file in checks/ watches the alarm billing-alarm'],
    });
    expect(received()).toEqual([]);
  });

  it('stalewatch ack and snooze take an alarm’s name: reminders stop, and the recovery says who was on it', async () => {
    // Prepare: the disk alarm goes off on Wednesday at 09:00.
    jest.setSystemTime(new Date('2026-11-25T09:01:00Z'));
    await handler(diskAlarm('ALARM', '2026-11-25T09:00:00.000Z', 4 * GiB), context);
    received();
    // Act 1: Sam says he is on it at 09:10; someone mistypes the name of the other alarm.
    const sam = await cli(
      ['ack', 'tis-prod-db-free-storage', '--by', 'Sam Patel'],
      new Date('2026-11-25T09:10:00Z'),
    );
    const typo = await cli(
      ['snooze', 'tis-prod-servce', '--until', '2026-11-27T09:00'],
      new Date('2026-11-25T09:11:00Z'),
    );
    // Act 2: a day later the schedule finds the reminder due; then the alarm is OK again.
    jest.setSystemTime(new Date('2026-11-26T09:30:00Z'));
    const reminders = await handler({ release: true }, context);
    const remindedOfDisk = received().filter((m) => m.text.includes('disk space'));
    jest.setSystemTime(new Date('2026-11-26T10:01:00Z'));
    await handler(diskAlarm('OK', '2026-11-26T10:00:00.000Z', 9 * GiB), context);

    // Assess
    expect(sam).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('Who is on TIS database disk space: Sam Patel (since 09:10)'),
    });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(
      '"tis-prod-servce" is not a dataset or a watched alarm — did you mean "tis-prod-service"?',
    );
    expect(remindedOfDisk).toEqual([]);
    expect(reminders).toMatchObject({
      skipped: expect.arrayContaining(['alarm/tis-prod-db-free-storage: Sam Patel is on it, so no reminder']),
    });
    const recovery = received().filter((m) => m.text.includes('disk space'));
    expect(recovery).toHaveLength(2);
    expect(recovery[0]?.body).toContain('Sam Patel (since Wednesday 25 November 09:10)');
  });
});
