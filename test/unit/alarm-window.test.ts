import { dispatchAlarmWindow } from '../../lib/core/time/alarm-window';

describe('the window of the alarm that fires when dispatch has not run for twice runEvery', () => {
  it.each([
    ['1m', { period: 120, evaluationPeriods: 1 }],
    ['15m', { period: 1800, evaluationPeriods: 1 }],
    ['12h', { period: 86_400, evaluationPeriods: 1 }],
    ['1d', { period: 86_400, evaluationPeriods: 2 }],
    ['25h', { period: 36_000, evaluationPeriods: 5 }],
    ['727m', { period: 18_000, evaluationPeriods: 5 }],
    ['84h', { period: 86_400, evaluationPeriods: 7 }],
  ])('runEvery %s alarms after a window of %o', (runEvery, window) => {
    // Act
    const actual = dispatchAlarmWindow(runEvery);
    // Assess
    expect(actual).toEqual(window);
  });

  it('keeps within what CloudWatch takes: at most a day under one-hour periods, at most 7 days in all', () => {
    for (let minutes = 1; minutes <= 84 * 60; minutes += 7) {
      // Act
      const window = dispatchAlarmWindow(`${minutes}m`);
      // Assess: whole minutes, periods of at most a day, and a range that covers twice runEvery.
      if (!window) throw new Error(`no window for ${minutes}m`);
      const range = window.period * window.evaluationPeriods;
      expect(window.period % 60).toBe(0);
      expect(window.period).toBeLessThanOrEqual(86_400);
      expect(range).toBeGreaterThanOrEqual(2 * minutes * 60);
      expect(range).toBeLessThanOrEqual(window.period < 3600 ? 86_400 : 604_800);
    }
  });

  it('has none past 84h: twice that is more than the 7 days CloudWatch looks back', () => {
    // Act
    const over84h = dispatchAlarmWindow('85h');
    const aWeek = dispatchAlarmWindow('1w');
    // Assess
    expect(over84h).toBeNull();
    expect(aWeek).toBeNull();
  });
});
