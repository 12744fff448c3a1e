import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { loadConfig } from '../../lib/config/load';
import { setServiceEnv, startDynamo, startEventRecorder } from '../helpers/aws';
import { fakeDateOnly } from '../helpers/clock';
import { pgliteFolder } from '../helpers/databases';
import { compiledConfigFile, PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

/** A local Lambda that records `Invoke` calls (REST: POST /2015-03-31/functions/{name}/invocations). */
async function startLambdaRecorder() {
  const invocations: Array<{ functionName: string; type: string | undefined; payload: unknown }> = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => {
      const functionName = decodeURIComponent(request.url?.split('/')[3] ?? '');
      const type = request.headers['x-amz-invocation-type'] as string | undefined;
      invocations.push({ functionName, type, payload: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    invocations,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const context = { getRemainingTimeInMillis: () => 60_000, functionName: 'test' } as unknown as Context;
type Handler = (event: unknown, context: Context) => Promise<Record<string, unknown>>;

describe('the deployed functions, with their real clients pointed at local stand-ins', () => {
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let bus: Awaited<ReturnType<typeof startEventRecorder>>;
  let lambda: Awaited<ReturnType<typeof startLambdaRecorder>>;
  const saved = { ...process.env };
  let handlers: { check: Handler; runSource: Handler; dispatch: Handler };

  beforeAll(async () => {
    // The wall clock is each run's time, as in Lambda (a run ahead of the clock is refused).
    fakeDateOnly('2026-11-23T10:00:00Z');
    // Prepare: a source in a PGlite folder, the compiled config, and every AWS endpoint local.
    const folder = await pgliteFolder(
      "CREATE TABLE public.placement (id int, last_modified timestamp); INSERT INTO public.placement VALUES (1, '2026-11-22 02:14:00')",
    );
    const config = await loadConfig({
      dir: writeTree({ 'stalewatch.yml': SETTINGS, 'placements.yml': PLACEMENTS }),
      env: {},
    });
    const configFile = compiledConfigFile(config, [2026, 2027]);
    [dynamo, bus, lambda] = await Promise.all([startDynamo(), startEventRecorder(), startLambdaRecorder()]);
    await dynamo.createTable('stalewatch-test-state');
    setServiceEnv({
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
      AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
      STALEWATCH_STATE_TABLE: 'stalewatch-test-state',
      STALEWATCH_EVENT_BUS: 'stalewatch-test',
      STALEWATCH_RUN_SOURCE_FUNCTION: 'stalewatch-test-runSource',
      STALEWATCH_CONFIG_FILE: configFile,
      STALEWATCH_SOURCE_TIS: `pglite:${folder}`,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    handlers = {
      check: require('../../functions/check').handler,
      runSource: require('../../functions/run-source').handler,
      dispatch: require('../../functions/dispatch').handler,
    };
  });

  afterAll(async () => {
    jest.useRealTimers();
    process.env = saved;
    await Promise.all([dynamo.stop(), bus.stop(), lambda.stop()]);
  });

  it('dispatch starts one asynchronous runSource per source, with the schedule event as the run', async () => {
    const answer = await handlers.dispatch({ id: 'sched-1', time: '2026-11-23T10:00:00Z' }, context);
    expect(answer).toEqual({ runId: 'sched-1', now: '2026-11-23T10:00:00.000Z', sources: ['tis'] });
    expect(lambda.invocations).toEqual([
      {
        functionName: 'stalewatch-test-runSource',
        type: 'Event',
        payload: { source: 'tis', runId: 'sched-1', now: '2026-11-23T10:00:00.000Z' },
      },
    ]);
  });

  it('runSource records the transition and publishes Dataset Stale once, however often it is delivered', async () => {
    const payload = { source: 'tis', runId: 'sched-1', now: '2026-11-23T10:00:00.000Z' };
    await handlers.runSource(payload, context);
    await handlers.runSource(payload, context);
    expect(bus.transitions().map((e) => [e.type, e.checkId, e.runId])).toEqual([
      ['Dataset Stale', 'placements/updated-recently', 'sched-1'],
    ]);
  });

  it('runSource fails loudly while the bus is down, and the next scheduled run publishes what it kept', async () => {
    // Act 1: a day later the reminder is due, and the bus is down.
    bus.reset();
    bus.state.down = true;
    jest.setSystemTime(new Date('2026-11-24T10:00:00Z'));
    await expect(
      handlers.runSource({ source: 'tis', runId: 'sched-2', now: '2026-11-24T10:00:00.000Z' }, context),
    ).rejects.toThrow(/could not be put on the bus "stalewatch-test" after retries/);
    expect(bus.transitions()).toEqual([]);
    // Act 2: the next scheduled run, with the bus back.
    bus.state.down = false;
    jest.setSystemTime(new Date('2026-11-24T10:15:00Z'));
    await handlers.runSource({ source: 'tis', runId: 'sched-3', now: '2026-11-24T10:15:00.000Z' }, context);
    // Assess
    expect(bus.transitions().map((e) => [e.type, e.runId])).toEqual([['Dataset Still Stale', 'sched-2']]);
  });

  it('check answers the text report with SPEC.md JSON; dryRun publishes nothing', async () => {
    bus.reset();
    const answer = await handlers.check(
      { only: ['placements'], now: '2026-11-23T10:00:00Z', dryRun: true },
      context,
    );
    expect(answer.report).toContain('stale since Monday 23 November 04:14');
    expect(answer).toMatchObject({
      now: '2026-11-23T10:00:00.000Z',
      results: [expect.objectContaining({ status: 'warn' })],
    });
    expect(bus.state.calls).toBe(0);
  });

  it('check refuses a bad payload, naming the field', async () => {
    await expect(handlers.check({ onyl: ['placements'] }, context)).rejects.toThrow(
      'Bad check payload: "onyl" is not a field of the check payload — did you mean "only"?',
    );
    await expect(handlers.check({ now: 'yesterday' }, context)).rejects.toThrow(
      'now: must be an ISO time such as 2026-11-23T10:00:00Z',
    );
  });
});
