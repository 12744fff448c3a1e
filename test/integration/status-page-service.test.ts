import type { Context } from 'aws-lambda';
import { dynamoAcknowledgements } from '../../lib/adapters/aws/acknowledgements';
import { dynamoAlarmStore } from '../../lib/adapters/aws/alarms';
import { loadConfig } from '../../lib/config/load';
import type { AlarmState } from '../../lib/core/alarms/news';
import { setServiceEnv, startDynamo, startEventRecorder } from '../helpers/aws';
import { fakeDateOnly } from '../helpers/clock';
import { pgliteFolder } from '../helpers/databases';
import { startS3StandIn } from '../helpers/s3';
import { compiledConfigFile, PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

const context = { getRemainingTimeInMillis: () => 60_000, functionName: 'test' } as unknown as Context;
type Handler = (event: unknown, context: Context) => Promise<Record<string, unknown>>;

/** The page's text as a person reads it: tags dropped, entities of the words below decoded. */
const textOf = (html: string) =>
  html
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

describe('the deployed runSource writes the status page to the stack’s bucket after each run', () => {
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let bus: Awaited<ReturnType<typeof startEventRecorder>>;
  let s3: Awaited<ReturnType<typeof startS3StandIn>>;
  const saved = { ...process.env };
  let runSource: Handler;
  const runAt = async (now: string, runId: string) => {
    jest.setSystemTime(new Date(now));
    return runSource({ source: 'tis', runId, now }, context);
  };

  beforeAll(async () => {
    fakeDateOnly('2026-11-21T10:00:00Z');
    // Prepare: placements last changed at 02:14 on 21 November (warn after 26h, fail after 50h).
    const folder = await pgliteFolder(
      "CREATE TABLE public.placement (id int, last_modified timestamp); INSERT INTO public.placement VALUES (1, '2026-11-21 02:14:00')",
    );
    const config = await loadConfig({
      dir: writeTree({
        'stalewatch.yml': SETTINGS,
        'placements.yml': PLACEMENTS,
        'alarms/tis-website.yml':
          'alarm: tis-prod-website-health\ntitle: TIS website is not answering\nowner: platform\n',
      }),
      env: {},
    });
    const configFile = compiledConfigFile(config, [2026, 2027]);
    [dynamo, bus, s3] = await Promise.all([startDynamo(), startEventRecorder(), startS3StandIn()]);
    await dynamo.createTable('stalewatch-test-state');
    setServiceEnv({
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      STALEWATCH_STATE_TABLE: 'stalewatch-test-state',
      STALEWATCH_EVENT_BUS: 'stalewatch-test',
      STALEWATCH_STATUS_BUCKET: 'stalewatch-test-statusbucket-abc123',
      STALEWATCH_CONFIG_FILE: configFile,
      STALEWATCH_SOURCE_TIS: `pglite:${folder}`,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    jest.isolateModules(() => {
      runSource = require('../../functions/run-source').handler;
    });
  });

  afterAll(async () => {
    jest.useRealTimers();
    process.env = saved;
    await Promise.all([dynamo.stop(), bus.stop(), s3.stop()]);
  });

  it('puts index.html, as HTML, in the bucket after a run, showing the dataset as it is now', async () => {
    // Act
    await runAt('2026-11-21T10:00:00.000Z', 'run-1');

    // Assess
    expect(s3.state.puts).toHaveLength(1);
    const [put] = s3.state.puts;
    expect(put).toMatchObject({
      bucket: 'stalewatch-test-statusbucket-abc123',
      key: 'index.html',
      contentType: 'text/html; charset=utf-8',
    });
    expect(textOf(put?.body ?? '')).toContain('Trainee placements ✓ On time');
    expect(textOf(put?.body ?? '')).toContain('On time 1 of 1 day seen in the last 30');
  });

  it('shows the days seen across runs from the state’s history, and the state since when', async () => {
    // Act: late on the 22nd, out of date on the 23rd.
    await runAt('2026-11-22T10:00:00.000Z', 'run-2');
    await runAt('2026-11-23T10:00:00.000Z', 'run-3');

    // Assess: the last page written tells the whole story.
    const text = textOf(s3.state.puts.at(-1)?.body ?? '');
    expect(s3.state.puts).toHaveLength(3);
    expect(text).toContain('Trainee placements ✕ Out of date');
    expect(text).toContain('Since Sunday 22 November 04:14 (29 hours ago)');
    expect(text).toContain('Last updated Saturday 21 November 02:14 (2 days ago)');
    expect(text).toContain('Owner Placements data lead');
    expect(text).toContain('Who is on it Nobody has said yet');
    expect(text).toContain('On time 1 of 3 days seen in the last 30');
    expect(s3.state.puts.at(-1)?.body).toContain(
      'aria-label="Day by day, oldest first: 25 Oct to 20 Nov no record; 21 Nov on time; 22 Nov late; 23 Nov out of date"',
    );
    expect(text).not.toMatch(/placements\/updated-recently|SELECT|public\.placement/);
  });

  it('says who is on a dataset from its acknowledgement, and shows the watched alarms', async () => {
    // Prepare: Jane said she is on placements at 10:20; the website alarm went off at 09:53.
    await dynamoAcknowledgements(dynamo.client, 'stalewatch-test-state').acknowledge({
      dataset: 'placements',
      by: 'Jane Smith',
      slackUserId: null,
      at: '2026-11-23T10:20:00.000Z',
      via: 'slack',
    });
    const alarm = {
      checkId: 'alarm/tis-prod-website-health',
      status: 'fail',
      since: '2026-11-23T09:53:00.000Z',
      dataStatus: 'fail',
      staleSince: '2026-11-23T09:53:00.000Z',
      lastUpdatedAt: null,
      observed: null,
      rowCounts: [],
      lastNotifiedAt: '2026-11-23T09:53:00.000Z',
      runId: 'alarm-event',
      runAt: '2026-11-23T09:53:00.000Z',
      version: 1,
    } as unknown as AlarmState;
    await dynamoAlarmStore(dynamo.client, 'stalewatch-test-state').save(alarm, 0);

    // Act
    await runAt('2026-11-23T10:45:00.000Z', 'run-ack');

    // Assess
    const text = textOf(s3.state.puts.at(-1)?.body ?? '');
    expect(text).toContain('Who is on it Jane Smith (since 10:20)');
    expect(text).toContain('1 dataset: 1 out of date. 1 alarm: 1 going off.');
    expect(text).toContain('Alarms TIS website is not answering ✕ Going off Since Monday 23 November 09:53');
  });

  it('still records the run when the bucket cannot be written; the next run’s page replaces it', async () => {
    // Prepare
    s3.state.down = true;

    // Act
    const answer = await runAt('2026-11-23T11:15:00.000Z', 'run-4');

    // Assess
    expect(answer.runId).toBe('run-4');
    const before = s3.state.puts.length;
    s3.state.down = false;
    await runAt('2026-11-23T11:30:00.000Z', 'run-5');
    expect(s3.state.puts).toHaveLength(before + 1);
  });
});
