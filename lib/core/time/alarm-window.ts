import { durationSeconds } from './duration';

const DAY = 86_400;
/**
 * CloudWatch's limits on how far back an alarm looks (PutMetricAlarm): Period × EvaluationPeriods at
 * most 7 days, and at most 1 day when Period is under an hour; Period a multiple of 60 seconds.
 */
export const CLOUDWATCH_ALARM_RANGE = { maxSeconds: 7 * DAY, maxSecondsUnderAnHour: DAY } as const;

/** The longest `runEvery` whose "dispatch has not run for twice runEvery" alarm CloudWatch can express. */
export const MAX_RUN_EVERY_SECONDS = CLOUDWATCH_ALARM_RANGE.maxSeconds / 2;

/**
 * The window of the alarm that fires when dispatch has not run for twice `runEvery`, as CloudWatch takes
 * it: one period of 2 × runEvery up to a day; beyond a day, whole hours (rounded up) in periods of at
 * most a day, every one of which must be empty to alarm. Null when 2 × runEvery is over 7 days.
 */
export function dispatchAlarmWindow(runEvery: string): { period: number; evaluationPeriods: number } | null {
  const window = 2 * durationSeconds(runEvery);
  if (window > CLOUDWATCH_ALARM_RANGE.maxSeconds) return null;
  if (window <= DAY) return { period: window, evaluationPeriods: 1 };
  const hours = Math.ceil(window / 3600);
  let perPeriod = 24;
  while (hours % perPeriod !== 0) perPeriod--;
  return { period: perPeriod * 3600, evaluationPeriods: hours / perPeriod };
}
