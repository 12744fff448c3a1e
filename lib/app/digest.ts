import { digestEntries, digestOf } from '../core/messages/digest';
import type { CheckState } from '../core/model/state';
import { CronSchedule } from '../core/time/cron';
import { countdown, deliverAll, type NotifyOutcome, type TimeLeft } from './notify';
import type { NotifyPorts } from './ports';

/**
 * How far ahead of the function's clock a fire may be and still be the one an invocation answers:
 * Scheduler starts the function at the fire time, and two clocks may disagree by a moment.
 */
const CLOCK_GRACE_MS = 60_000;

/** Windows to look back in for the latest fire, shortest first, so a frequent cron takes few steps. */
const LOOK_BACK_MS = [
  3_600_000,
  86_400_000,
  8 * 86_400_000,
  32 * 86_400_000,
  367 * 86_400_000,
  29 * 366 * 86_400_000,
];

/**
 * The fire of the digest cron that an invocation at `now` answers: the latest at or before `now` (a
 * minute's grace for clocks), read in `zone` as the deployed schedule is. Null for a cron that has not
 * fired in 29 years, which `validate` does not let through.
 */
export function digestFire(cron: string, zone: string, now: Date): Date | null {
  const schedule = new CronSchedule(cron, zone);
  const until = now.getTime() + CLOCK_GRACE_MS;
  for (const back of LOOK_BACK_MS) {
    let fire = schedule.next(new Date(until - back));
    if (!fire || fire.at.getTime() > until) continue;
    for (let next = schedule.next(fire.at); next && next.at.getTime() <= until; next = schedule.next(next.at))
      fire = next;
    return fire.at;
  }
  return null;
}

/**
 * The digest: one message per contact listing every dataset of theirs that is stale, oldest first;
 * nothing for a contact with nothing stale. Keyed by the scheduled fire it answers (`notify.digest` read
 * in `timezone`), so a retried or doubled invocation of one fire sends nothing twice, and a digest that
 * fires twice a day (`0 8,16 * * 1-5`) sends at each fire.
 */
export async function runDigest(
  ports: NotifyPorts & { staleStates: () => Promise<CheckState[]> },
  timeLeft: TimeLeft = countdown(120_000),
): Promise<NotifyOutcome> {
  const config = ports.config();
  const now = ports.clock();
  const zone = config.settings.timezone;
  const entries = digestEntries(config, await ports.staleStates());
  const fire = digestFire(config.settings.notify.digest, zone, now) ?? now;
  const key = `digest:${fire.toISOString()}`;
  const messages = Object.values(config.settings.contacts).flatMap((contact) => {
    const alert = digestOf(contact, entries, zone, now, key);
    return alert ? [{ contact, alert }] : [];
  });
  return deliverAll(messages, ports, timeLeft);
}
