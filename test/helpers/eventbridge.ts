import awsCronParser from 'aws-cron-parser';

/**
 * When EventBridge fires a schedule, computed independently of lib/: aws-cron-parser reads the cron
 * expression (AWS's own syntax: `?`, 1 = Sunday, `L`, `#`), and the local times it gives are turned into
 * instants here with Intl, as AWS documents for EventBridge Scheduler: a local time the clocks jump over
 * is skipped, and a time that occurs twice runs once.
 */

const parts = new Map<string, Intl.DateTimeFormat>();

/** The local wall time of `t` in `zone`, as a Date whose UTC fields are that wall time. */
function wallOf(t: number, zone: string): number {
  let format = parts.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    parts.set(zone, format);
  }
  const f: Record<string, number> = Object.fromEntries(
    format.formatToParts(new Date(t)).map((p) => [p.type, Number(p.value)]),
  );
  const field = (name: string) => f[name] ?? Number.NaN;
  return Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'));
}

/** The instants at which `zone` shows the wall time `wall` (0, 1 or 2 of them). */
export function instantsShowing(wall: number, zone: string): number[] {
  const offsetAt = (t: number) => wallOf(t, zone) - t;
  const tried = [offsetAt(wall - 86_400_000), offsetAt(wall + 86_400_000)];
  const found = new Set(tried.map((o) => wall - o).filter((t) => wallOf(t, zone) === wall));
  if (found.size === 0) {
    // None of the day's two offsets shows it: make sure with every quarter-hour offset from -12 to +14 hours.
    for (let offset = -12 * 60; offset <= 14 * 60; offset += 15) {
      const t = wall - offset * 60_000;
      if (wallOf(t, zone) === wall) found.add(t);
    }
  }
  return [...found].sort((a, b) => a - b);
}

/** A fire time and whether AWS's choice there is undocumented (a repeated local time). */
export interface Fire {
  at: Date;
  ambiguous: boolean;
}

/**
 * The fire times of an EventBridge Scheduler `cron(…)` expression read in `zone`, from `from`
 * (exclusive), at most `count` of them, none at or after `until`.
 */
export function schedulerFires(
  expression: string,
  zone: string,
  from: Date,
  until: Date,
  count: number,
): Fire[] {
  const inner = /^cron\((.*)\)$/.exec(expression)?.[1];
  if (!inner) throw new Error(`not a cron expression: ${expression}`);
  const cron = awsCronParser.parse(inner);
  const fires: Fire[] = [];
  // aws-cron-parser works in UTC: give it wall times as if they were UTC.
  let wall: Date | null = new Date(wallOf(from.getTime(), zone) - 86_400_000);
  while (fires.length < count && wall) {
    wall = awsCronParser.next(cron, wall);
    if (!wall) break;
    // aws-cron-parser rolls a day the month lacks (31 February) over into the next month (3 March);
    // AWS has no such day: go on from the start of the month it rolled into.
    const days = cron.daysOfMonth.every((d) => typeof d === 'number') ? (cron.daysOfMonth as number[]) : [];
    const rolledOver =
      !cron.months.includes(wall.getUTCMonth() + 1) || (days.length > 0 && !days.includes(wall.getUTCDate()));
    if (rolledOver) {
      wall = new Date(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), 1) - 60_000);
      continue;
    }
    const instants = instantsShowing(wall.getTime(), zone);
    const [first] = instants;
    if (first === undefined) continue; // skipped: the clocks jumped over it
    if (first >= until.getTime()) break;
    if (first > from.getTime()) fires.push({ at: new Date(first), ambiguous: instants.length > 1 });
  }
  return fires;
}

/** The fire times of an EventBridge rule's `cron(…)` expression, which rules read in UTC. */
export function ruleFires(expression: string, from: Date, until: Date, count: number): Date[] {
  return schedulerFires(expression, 'UTC', from, until, count).map((f) => f.at);
}
