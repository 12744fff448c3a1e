import type { HistoryEntry } from '../core/history';
import type { Acknowledgement } from '../core/loop/acknowledgement';
import { digestChecks, digestEntries, digestOf, onTimeRates } from '../core/messages/digest';
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

/** The fire before `fire`: where "since the last digest" starts. */
export function previousDigestFire(cron: string, zone: string, fire: Date): Date | null {
  return digestFire(cron, zone, new Date(fire.getTime() - CLOCK_GRACE_MS - 1));
}

/** How many days of history the on-time rate covers. */
export const ON_TIME_DAYS = 30;

/** What the digest reads of the state table: every check's state, and the runs of the last days. */
export interface DigestStatePorts {
  states: () => Promise<CheckState[]>;
  history: (checkIds: readonly string[], from: Date) => Promise<HistoryEntry[]>;
}

/**
 * The digest: one message per contact in three parts (newly stale since the last digest, still stale,
 * back to normal since the last digest), each dataset with its on-time rate over 30 days; nothing for a
 * contact with nothing to report. Keyed by the scheduled fire it answers (`notify.digest` read in
 * `timezone`), so a retried or doubled invocation of one fire sends nothing twice, and a digest that
 * fires twice a day (`0 8,16 * * 1-5`) sends at each fire.
 */
export async function runDigest(
  ports: NotifyPorts & DigestStatePorts,
  timeLeft: TimeLeft = countdown(120_000),
): Promise<NotifyOutcome> {
  const config = ports.config();
  const now = ports.clock();
  const zone = config.settings.timezone;
  const fire = digestFire(config.settings.notify.digest, zone, now) ?? now;
  const lastDigestAt = previousDigestFire(config.settings.notify.digest, zone, fire);
  const from = new Date(now.getTime() - ON_TIME_DAYS * 86_400_000);
  const [states, history] = await Promise.all([
    ports.states(),
    ports.history(
      config.checks.map((c) => c.id),
      from,
    ),
  ]);
  const found = digestEntries(
    config,
    digestChecks(states, history, lastDigestAt),
    onTimeRates(config, history, now, zone, ON_TIME_DAYS),
  );
  // Who said they are on each stale dataset ("I'm on it", `stalewatch ack`), if the loop is wired.
  // A dependant no one is on says who is on its cause (`waitingOnDataset`), if anyone is.
  const stale = found.filter((e) => e.state === 'stale');
  const acknowledgements =
    (await ports.loop?.acknowledgements.current([
      ...new Set(stale.flatMap((e) => [e.dataset, ...(e.waitingOnDataset ? [e.waitingOnDataset] : [])])),
    ])) ?? new Map<string, Acknowledgement>();
  const entries = found.map((e) => {
    if (e.state !== 'stale') return e;
    const ack = acknowledgements.get(e.dataset);
    const causeAck = e.waitingOnDataset ? acknowledgements.get(e.waitingOnDataset) : undefined;
    return {
      ...e,
      ...(ack ? { onIt: { by: ack.by, at: ack.at } } : {}),
      ...(causeAck ? { causeOnIt: { by: causeAck.by, at: causeAck.at } } : {}),
    };
  });
  const ctx = { zone, now, lastDigestAt, key: `digest:${fire.toISOString()}` };
  const messages = Object.values(config.settings.contacts).flatMap((contact) => {
    const alert = digestOf(contact, entries, ctx);
    return alert ? [{ contact, alert }] : [];
  });
  return deliverAll(messages, ports, timeLeft);
}
