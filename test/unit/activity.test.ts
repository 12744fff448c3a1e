import { evaluate } from '../../lib/core/evaluate/evaluate';
import type { CheckResult, Observation } from '../../lib/core/evaluate/types';
import type { CheckState } from '../../lib/core/model/state';
import { resultMessage } from '../../lib/core/report/message';
import { nextState, toPreviousState } from '../../lib/core/transition';
import { activity } from '../helpers/checks';

const T0 = new Date('2026-11-23T10:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * 3_600_000);
const counter = (n: number): Observation => ({ kind: 'activity', changeCounter: String(n), changedAt: null });
const updateTime = (d: Date | null): Observation => ({ kind: 'activity', changeCounter: null, changedAt: d });
const check = activity({ warnAfter: '12h', failAfter: '36h' });

/** Runs the check on each observation in turn, carrying state as the service does. */
function runs(...steps: Array<[number, Observation]>): CheckResult[] {
  let state: CheckState | null = null;
  return steps.map(([hours, observation], i) => {
    const result = evaluate(check, observation, toPreviousState(state), at(hours));
    state = nextState(state, result, [], at(hours), `run-${i}`);
    return result;
  });
}
const words = (r: CheckResult, hours: number) => resultMessage(r, 'Europe/London', at(hours));

describe('activity checks', () => {
  it('pass before the second run, "watching since" the first', () => {
    // Act
    const [first] = runs([0, counter(5)]);
    // Assess
    expect(first?.status).toBe('pass');
    expect(first?.observed).toMatchObject({ watchingSince: T0.toISOString(), countersReset: false });
    expect(words(first as CheckResult, 0)).toBe(
      "Trainee placements: watching for changes since Monday 23 November 10:00 (just now); whether it changes shows from the next check on (judged from the database's change counters, which are less certain than a timestamp column).",
    );
  });

  it('say "has not changed since" the first run when the counter never moved', () => {
    // Act
    const [, , third] = runs([0, counter(5)], [13, counter(5)], [37, counter(5)]);
    // Assess
    expect(third?.status).toBe('fail');
    expect(third?.lastUpdatedAt).toEqual(T0);
    expect(third?.staleSince).toEqual(at(12));
    expect(third?.breaches).toEqual([{ rule: 'noChange', limit: 'failAfter', duration: '36h' }]);
    expect(words(third as CheckResult, 37)).toMatch(
      /^Trainee placements has not changed since Monday 23 November 10:00 \(1 day ago\), when Stalewatch began watching it: a change was expected within 36 hours/,
    );
  });

  it('take the run at which the counter moved as the last change', () => {
    // Act
    const [, moved, quiet] = runs([0, counter(5)], [1, counter(9)], [14, counter(9)]);
    // Assess
    expect(moved?.status).toBe('pass');
    expect(moved?.lastUpdatedAt).toEqual(at(1));
    expect(quiet?.status).toBe('warn');
    expect(quiet?.staleSince).toEqual(at(13));
    expect(words(quiet as CheckResult, 14)).toMatch(
      /has not changed since Monday 23 November 11:00 \(13 hours ago\)/,
    );
  });

  it('count a counter that went backwards as a change, and say the counters were reset', () => {
    // Act
    const [, , reset] = runs([0, counter(500)], [20, counter(500)], [21, counter(3)]);
    // Assess
    expect(reset?.status).toBe('pass');
    expect(reset?.lastUpdatedAt).toEqual(at(21));
    expect(reset?.observed).toMatchObject({ countersReset: true });
    expect(words(reset as CheckResult, 21)).toMatch(
      /change counters were reset since the last check \(a restart/,
    );
  });

  it('compare counters past 2^53 exactly', () => {
    // Act
    const [, same, moved] = runs(
      [0, { kind: 'activity', changeCounter: '9007199254740993', changedAt: null }],
      [1, { kind: 'activity', changeCounter: '9007199254740993', changedAt: null }],
      [2, { kind: 'activity', changeCounter: '9007199254740994', changedAt: null }],
    );
    // Assess
    expect(same?.lastUpdatedAt).toEqual(T0);
    expect(moved?.lastUpdatedAt).toEqual(at(2));
  });

  it("judge MySQL's UPDATE_TIME from the first run, as the database's own time of the last change", () => {
    // Act
    const [first] = runs([40, updateTime(at(0))]);
    // Assess
    expect(first?.status).toBe('fail');
    expect(first?.lastUpdatedAt).toEqual(T0);
    expect(words(first as CheckResult, 40)).toMatch(
      /has not changed since Monday 23 November 10:00 .*judged from the time the database last saw a change/,
    );
  });

  it('count an UPDATE_TIME forgotten by a restart as a reset, and a table unchanged since as quiet', () => {
    // Act
    const [, restarted, quiet] = runs([1, updateTime(at(0))], [2, updateTime(null)], [20, updateTime(null)]);
    // Assess
    expect(restarted?.status).toBe('pass');
    expect(restarted?.observed).toMatchObject({ countersReset: true });
    expect(quiet?.status).toBe('warn');
    expect(quiet?.lastUpdatedAt).toEqual(at(2));
  });

  it('keep the last change through a run that could not look', () => {
    // Act
    const [, , back] = runs(
      [0, counter(5)],
      [1, { kind: 'error', message: 'connection refused', sql: null }],
      [13, counter(5)],
    );
    // Assess
    expect(back?.status).toBe('warn');
    expect(back?.lastUpdatedAt).toEqual(T0);
  });

  it('report a failure as a warning when the check says severity: warn', () => {
    // Act
    const result = evaluate(
      activity({ failAfter: '1h' }, 'warn'),
      counter(1),
      toPreviousState(nextState(null, evaluate(check, counter(1), null, T0), [], T0, 'r0')),
      at(2),
    );
    // Assess
    expect(result.status).toBe('warn');
  });
});
