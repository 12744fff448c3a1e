import { quote } from '../util/quote';
import { MAX_RUN_EVERY_SECONDS } from './alarm-window';
import { type Cron, CronSyntaxError, DAY_NAMES, firesEver, matchesDay, parseCron } from './cron';
import { durationSeconds, isDuration } from './duration';
import { dayClock, instantsOf } from './zone';

/**
 * The two schedules the service deploys, turned into what EventBridge takes: `runEvery` (dispatch, an
 * EventBridge rule, which runs in UTC) and `notify.digest` (digest, an EventBridge Scheduler schedule in
 * `timezone`). One function per schedule both validates (`validate`, through the config schema) and
 * translates (`sls package`, through serverless/config.js), so that what `validate` accepts deploys to
 * exactly the times the config means, and what cannot is refused with what to write instead
 * (docs/operations.md "Schedules").
 */

/** A schedule that EventBridge cannot run at exactly the times the config means. */
export class UndeployableScheduleError extends Error {
  override readonly name = 'UndeployableScheduleError';
}

/**
 * The dispatch schedule for `runEvery`. A period that divides an hour (or a day, in whole hours) is a
 * cron aligned to the UTC clock, so 15m runs at :00, :15, :30 and :45; any other number of whole
 * minutes, up to 84 hours (lib/core/time/alarm-window.ts), is a rate, which runs exactly that far apart from
 * the time of deployment.
 */
export function dispatchScheduleExpression(runEvery: string): string {
  if (!isDuration(runEvery)) {
    throw new UndeployableScheduleError('is not a duration — write whole minutes or hours, e.g. 15m or 1h');
  }
  const seconds = durationSeconds(runEvery);
  if (seconds % 60 !== 0) {
    const lower = Math.max(1, Math.floor(seconds / 60));
    throw new UndeployableScheduleError(
      `${quote(runEvery)} is not whole minutes — the service runs at most once a minute, on the minute: write ${lower}m${seconds > 60 ? ` or ${lower + 1}m` : ''}`,
    );
  }
  const minutes = seconds / 60;
  if (seconds > MAX_RUN_EVERY_SECONDS) {
    throw new UndeployableScheduleError(
      `${quote(runEvery)} is too long: the alarm that watches the service fires when it has not run for twice runEvery, and CloudWatch looks back at most 7 days — write 84h (3½ days) or less, e.g. 1d`,
    );
  }
  if (minutes < 60 && 60 % minutes === 0) {
    return minutes === 1 ? 'cron(* * * * ? *)' : `cron(0/${minutes} * * * ? *)`;
  }
  if (minutes % 60 === 0 && 24 % (minutes / 60) === 0) {
    const hours = minutes / 60;
    if (hours === 1) return 'cron(0 * * * ? *)';
    return hours === 24 ? 'cron(0 0 * * ? *)' : `cron(0 0/${hours} * * ? *)`;
  }
  if (minutes % 1440 === 0) return `rate(${minutes / 1440} days)`;
  return minutes % 60 === 0 ? `rate(${minutes / 60} hours)` : `rate(${minutes} minutes)`;
}

/** The message of the `UndeployableScheduleError` that `build` throws, or null when it throws none. */
function undeployableProblem(build: () => unknown): string | null {
  try {
    build();
    return null;
  } catch (error) {
    if (error instanceof UndeployableScheduleError) return error.message;
    throw error;
  }
}

/** What is wrong with `runEvery` for the deployed service, or null. */
export function runEveryProblem(runEvery: string): string | null {
  return undeployableProblem(() => dispatchScheduleExpression(runEvery));
}

/**
 * A field as EventBridge writes it: `*` for every value, `a/step` for a progression to the field's
 * end, else ranges and single values. `label` names the values (days of the week).
 */
function fieldOf(
  values: readonly number[],
  min: number,
  max: number,
  label: (value: number) => string = String,
  steps = true,
): string {
  if (values.length === max - min + 1) return '*';
  const [first = min, second = min] = values;
  const step = second - first;
  const isProgression =
    values.length >= 3 &&
    values.every((v, i) => v === first + i * step) &&
    (values[values.length - 1] as number) + step > max;
  if (steps && isProgression && step > 1) return `${first}/${step}`;
  const parts: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === (values[j] as number) + 1) j++;
    const [a, b] = [values[i] as number, values[j] as number];
    if (j - i >= 2) parts.push(`${label(a)}-${label(b)}`);
    else parts.push(...values.slice(i, j + 1).map(label));
    i = j + 1;
  }
  return parts.join(',');
}

const EVERY_OCCURRENCE = 0b11111;

/** Day of month and day of week for EventBridge, where one of them is always `?`. */
function dayFields(cron: Cron): [string, string] {
  const days = [...cron.daysOfMonth].sort((a, b) => a - b);
  const weekdays = [...cron.daysOfWeek.entries()].sort(([a], [b]) => a - b);
  const everyMonthDay = !cron.lastDayOfMonth && days.length === 31;
  const everyWeekday = weekdays.length === 7 && weekdays.every(([, bits]) => bits === EVERY_OCCURRENCE);
  const both = cron.dayOfMonthStar || cron.dayOfWeekStar;
  if ((everyMonthDay && everyWeekday) || (!both && (everyMonthDay || everyWeekday))) return ['*', '?'];
  if (both && everyMonthDay) return ['?', weekdayField(cron, weekdays)];
  if (both && everyWeekday) return [monthDayField(cron, days), '?'];
  const [minute, hour, dom, month, dow] = cron.text.split(/\s+/);
  const either = `e.g. "${minute} ${hour} ${dom} ${month} *" or "${minute} ${hour} * ${month} ${dow}"`;
  throw new UndeployableScheduleError(
    both
      ? `${quote(cron.text)} asks for days that are both ${dom} of the month and ${dow} of the week, and an EventBridge schedule restricts only one of the two — write the other as *, ${either}`
      : `${quote(cron.text)} means day ${dom} of the month or ${dow} of the week (Vixie cron's rule when both are given), and an EventBridge schedule restricts only one of the two — write the other as *, ${either}`,
  );
}

function monthDayField(cron: Cron, days: number[]): string {
  if (!cron.lastDayOfMonth) return fieldOf(days, 1, 31);
  if (days.length > 0) {
    throw new UndeployableScheduleError(
      `${quote(cron.text)}: EventBridge takes L (the last day of the month) on its own, not in a list — write L alone, e.g. "0 8 L * *"`,
    );
  }
  return 'L';
}

function weekdayField(cron: Cron, weekdays: Array<[number, number]>): string {
  const nth = weekdays.filter(([, bits]) => bits !== EVERY_OCCURRENCE);
  if (nth.length === 0) {
    // EventBridge numbers Sunday 1 and takes no step here: days go by name, listed or as ranges.
    return fieldOf(
      weekdays.map(([day]) => day),
      0,
      6,
      (day) => DAY_NAMES[day] as string,
      false,
    );
  }
  const [[day, bits] = [0, 0]] = nth;
  const which = Math.log2(bits);
  if (weekdays.length > 1 || !Number.isInteger(which)) {
    throw new UndeployableScheduleError(
      `${quote(cron.text)}: EventBridge takes one # day (such as MON#1, the first Monday), not a list — write one`,
    );
  }
  // `2#1` is the first Monday: EventBridge numbers Sunday 1, and is not said to take names with #.
  return `${day + 1}#${which + 1}`;
}

/** A local wall time as HH:MM. */
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/** How many years of clock changes a digest is checked against. */
export const DIGEST_CHECK_YEARS = 28;

/** The days in [from, from + years) on which the clocks of `zone` change, with their clocks. */
function* clockChangeDays(zone: string, from: Date, years: number) {
  const start = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  const weeks = Math.ceil((years * 366) / 7);
  const WEEK = 7 * 86_400_000;
  for (let w = 0; w < weeks; w++) {
    const weekStart = start + w * WEEK;
    const first = dayClock(...ymd(weekStart), zone);
    const last = dayClock(...ymd(weekStart + 6 * 86_400_000), zone);
    if (first.change === null && last.change === null && first.before === last.after) continue;
    for (let d = 0; d < 7; d++) {
      const day = ymd(weekStart + d * 86_400_000);
      const clock = dayClock(...day, zone);
      // Days next to the change get its clock too: instantsOf reads their times right as well.
      if (clock.change !== null) yield { day, clock };
    }
  }
}

function ymd(ms: number): [number, number, number] {
  const d = new Date(ms);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

/**
 * A digest time that EventBridge Scheduler would not run as SPEC reads it: Scheduler skips a time the
 * clocks jump over (SPEC: it falls at the jump) and runs a repeated time once without saying which
 * (SPEC: the first). Null when no time of the cron meets a clock change in the years checked.
 */
function clockChangeProblem(cron: Cron, zone: string, from: Date): string | null {
  for (const { day, clock } of clockChangeDays(zone, from, DIGEST_CHECK_YEARS)) {
    if (!matchesDay(cron, ...day)) continue;
    const midnight = Date.UTC(day[0], day[1] - 1, day[2]);
    for (const hour of cron.hours) {
      for (const minute of cron.minutes) {
        const wall = midnight + (hour * 60 + minute) * 60_000;
        const resolved = instantsOf(clock, wall);
        if (resolved.kind === 'single') continue;
        const change = clock.change as number;
        // A skipped time falls at the jump; if the cron also has the time the clocks jump to, Scheduler
        // fires there, at that same moment, and the two agree.
        if (resolved.kind === 'skipped' && firesAtWall(cron, change + clock.after)) continue;
        const [a, b] = [
          change + Math.min(clock.before, clock.after),
          change + Math.max(clock.before, clock.after),
        ];
        const date = new Date(midnight).toISOString().slice(0, 10);
        const range = `${hhmm(a)}–${hhmm(b)}`;
        return resolved.kind === 'skipped'
          ? `${quote(cron.text)} sends a digest at ${hhmm(wall)} on ${date}, when the clocks in ${zone} jump from ${hhmm(a)} to ${hhmm(b)}: EventBridge Scheduler skips a time that does not exist — choose times outside ${range}, e.g. "0 8 * * 1-5"`
          : `${quote(cron.text)} sends a digest at ${hhmm(wall)} on ${date}, which happens twice when the clocks in ${zone} go back (${range}): EventBridge Scheduler runs it once without saying which — choose times outside ${range}, e.g. "0 8 * * 1-5"`;
      }
    }
  }
  return null;
}

/** True when the cron has the wall time `wall` (ms, read as UTC) among its times. */
function firesAtWall(cron: Cron, wall: number): boolean {
  const t = new Date(wall);
  return (
    cron.minutes.includes(t.getUTCMinutes()) &&
    cron.hours.includes(t.getUTCHours()) &&
    matchesDay(cron, t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate())
  );
}

/** Longest schedule expression EventBridge takes. */
const MAX_EXPRESSION = 256;

/**
 * The EventBridge Scheduler expression (`cron(0 8 ? * MON-FRI *)`, read in `timezone`) for a digest
 * cron, or an `UndeployableScheduleError` saying what to write instead. Clock changes are checked for
 * `DIGEST_CHECK_YEARS` from `from`.
 */
export function digestScheduleExpression(text: string, timezone: string, from: Date): string {
  let cron: Cron;
  try {
    cron = parseCron(text);
  } catch (error) {
    if (error instanceof CronSyntaxError) throw new UndeployableScheduleError(error.message);
    throw error;
  }
  if (!firesEver(cron)) {
    throw new UndeployableScheduleError(`${quote(cron.text)} never fires — e.g. "0 8 * * 1-5"`);
  }
  const [dom, dow] = dayFields(cron);
  const months = fieldOf(
    [...cron.months].sort((a, b) => a - b),
    1,
    12,
  );
  const expression = `cron(${fieldOf(cron.minutes, 0, 59)} ${fieldOf(cron.hours, 0, 23)} ${dom} ${months} ${dow} *)`;
  if (expression.length > MAX_EXPRESSION) {
    throw new UndeployableScheduleError(
      `${quote(cron.text)} is ${expression.length} characters as an EventBridge schedule, over its ${MAX_EXPRESSION} — use ranges or steps`,
    );
  }
  const problem = clockChangeProblem(cron, timezone, from);
  if (problem) throw new UndeployableScheduleError(problem);
  return expression;
}

/** What is wrong with a digest cron for the deployed service, or null (clock changes checked from `from`). */
export function digestProblem(text: string, timezone: string, from: Date): string | null {
  return undeployableProblem(() => digestScheduleExpression(text, timezone, from));
}

/** What serverless.yml deploys for the settings' two schedules. */
export interface DeployedSchedules {
  /** dispatch's EventBridge rule, in UTC. */
  dispatch: string;
  /** digest's EventBridge Scheduler schedule and the zone it is read in. */
  digest: { expression: string; timezone: string };
}

/** The service's schedules, or an `UndeployableScheduleError` (clock changes checked from `from`). */
export function deployedSchedules(
  settings: { runEvery: string; timezone: string; notify: { digest: string } },
  from: Date,
): DeployedSchedules {
  return {
    dispatch: dispatchScheduleExpression(settings.runEvery),
    digest: {
      expression: digestScheduleExpression(settings.notify.digest, settings.timezone, from),
      timezone: settings.timezone,
    },
  };
}
