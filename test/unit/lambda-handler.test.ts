import type { Context, ScheduledEvent } from 'aws-lambda';

/** Loads a function's module afresh, as a new Lambda container would. */
function load(name: string): (event: unknown, context?: Context) => Promise<unknown> {
  let handler: (event: unknown, context?: Context) => Promise<unknown> = async () => undefined;
  jest.isolateModules(() => {
    handler = require(`../../functions/${name}`).handler;
  });
  return handler;
}

describe('a deployed function', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('loads without its environment, and its first invocation names the variable that is missing', async () => {
    // Prepare
    delete process.env.STALEWATCH_RUN_SOURCE_FUNCTION;
    // Act
    const handler = load('dispatch');
    const failure = await handler({ id: 'e1', time: '2026-11-23T10:00:00Z' } as ScheduledEvent).catch(
      (e) => e,
    );
    // Assess
    // (isolated modules have their own error classes: compared by name)
    expect((failure as Error).name).toBe('MissingEnvironmentError');
    expect((failure as Error).message).toBe(
      'The runSource function that dispatch invokes comes from the environment variable STALEWATCH_RUN_SOURCE_FUNCTION, which is not set.',
    );
  });

  it('after an invocation failed for a missing variable, works once the variable is set', async () => {
    // Prepare
    delete process.env.STALEWATCH_STATE_TABLE;
    const handler = load('notify');
    const first = await handler({ 'detail-type': 'Dataset Stale', detail: {} }).catch((e) => e);
    process.env.STALEWATCH_STATE_TABLE = 'stalewatch-test-state';
    process.env.STALEWATCH_CONFIG_FILE = '/nonexistent/compiled-checks.json';
    // Act
    const second = await handler({ 'detail-type': 'Check Run Completed', detail: {} }).catch((e) => e);
    // Assess: the first names the table; the second gets past the environment to reading the event.
    expect((first as Error).name).toBe('MissingEnvironmentError');
    expect((first as { variable?: string }).variable).toBe('STALEWATCH_STATE_TABLE');
    expect((second as Error).name).toBe('UnknownEventError');
  });
});
