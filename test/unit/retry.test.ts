import { again, budgetOf, done, retry } from '../../lib/core/retry';

/** A clock that only moves when the loop waits: no test here waits for real. */
function fakeTime() {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    clock: () => now,
    sleep: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
  };
}

describe('retry', () => {
  it('waits longer after each failure, up to the longest wait, until a try is done', async () => {
    // Prepare
    const time = fakeTime();
    // Act
    const outcome = await retry(async (n) => (n < 5 ? again(`failure ${n}`) : done('answer')), {
      firstDelayMs: 100,
      maxDelayMs: 500,
      sleep: time.sleep,
    });
    // Assess
    expect(outcome).toEqual({ done: true, value: 'answer', attempts: 6 });
    expect(time.waits).toEqual([100, 200, 400, 500, 500]);
  });

  it('gives up with the last failure when the tries run out, without a wait after the last', async () => {
    // Prepare
    const time = fakeTime();
    // Act
    const outcome = await retry(async (n) => again(`failure ${n}`), {
      attempts: 3,
      firstDelayMs: 50,
      sleep: time.sleep,
    });
    // Assess
    expect(outcome).toMatchObject({ done: false, failure: 'failure 2', attempts: 3, reason: 'attempts' });
    expect(time.waits).toEqual([50, 100]);
  });

  it('gives up when the next wait would overrun the time budget, saying how long it tried', async () => {
    // Prepare
    const time = fakeTime();
    // Act
    const outcome = await retry(async () => again('resuming'), {
      firstDelayMs: 1_000,
      budgetMs: 5_000,
      clock: time.clock,
      sleep: time.sleep,
    });
    // Assess
    expect(outcome).toMatchObject({ done: false, reason: 'budget', spentMs: 3_000, attempts: 3 });
    expect(time.waits).toEqual([1_000, 2_000]);
  });

  it('waits as long as the other side asks rather than its own next wait', async () => {
    // Prepare
    const time = fakeTime();
    // Act
    await retry(async (n) => (n === 0 ? again('429', 7_000) : done(undefined)), {
      firstDelayMs: 1_000,
      sleep: time.sleep,
    });
    // Assess
    expect(time.waits).toEqual([7_000]);
  });

  it('does not try again after an error the try throws', async () => {
    // Prepare
    let tries = 0;
    // Act
    const error = await retry(
      async () => {
        tries++;
        throw new Error('refused');
      },
      { firstDelayMs: 1, sleep: async () => undefined },
    ).catch((e: Error) => e);
    // Assess
    expect((error as Error).message).toBe('refused');
    expect(tries).toBe(1);
  });

  it('keeps a reserve of an invocation’s time left', async () => {
    // Prepare
    const time = fakeTime();
    const timeLeft = () => 2_000 - time.clock();
    // Act
    const outcome = await retry(async () => again('busy'), {
      firstDelayMs: 100,
      maxDelayMs: 1_000,
      sleep: time.sleep,
      ...budgetOf(timeLeft, 1_000),
    });
    // Assess: 100 + 200 + 400 = 700 ms waited; 800 more would leave less than the reserve.
    expect(time.waits).toEqual([100, 200, 400]);
    expect(outcome).toMatchObject({ done: false, reason: 'budget' });
  });
});
