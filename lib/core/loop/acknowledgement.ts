import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import * as z from 'zod';
import { formatLocal } from '../time/zone';

/**
 * "Who is on it": someone said they are handling a dataset that is stale or cannot be checked, from
 * Slack's "I'm on it" button or `stalewatch ack`. One per dataset, kept until the dataset recovers.
 * The status page, messages and the digest all read this one shape.
 */
export const acknowledgementSchema = z.strictObject({
  dataset: z.string(),
  /** The name people read: the Slack user's name, or `ack --by`. */
  by: z.string().min(1).max(80),
  /** The Slack user who clicked, to mention them (`<@U…>`); null from the CLI. */
  slackUserId: z.string().nullable(),
  /** When they said so (ISO). */
  at: z.iso.datetime({ offset: true }),
  /** Where it came from, for the record. */
  via: z.enum(['slack', 'cli']),
});

/** Who is on a dataset and since when: the one shape every reader of it uses. */
export type Acknowledgement = z.output<typeof acknowledgementSchema>;

/**
 * "Jane Smith (since 10:02)" in `zone`: the time alone on the day it was said, the day and time on
 * a later day ("since Monday 23 November 10:02").
 */
export function whoIsOnIt(ack: Pick<Acknowledgement, 'by' | 'at'>, zone: string, now: Date): string {
  return `${ack.by} (${sinceWhen(ack, zone, now)})`;
}

/**
 * Who is on a dataset's cause (`dependsOn`), said on the dependant: "Jane Smith, on Nightly ESR sync
 * (since 10:02)". Someone is handling what it waits on, so "nobody has said so yet" would mislead.
 */
export function whoIsOnTheCause(
  ack: Pick<Acknowledgement, 'by' | 'at'>,
  causeTitle: string,
  zone: string,
  now: Date,
): string {
  return `${ack.by}, on ${causeTitle} (${sinceWhen(ack, zone, now)})`;
}

/** Control and invisible formatting characters (line breaks, bidi overrides): no part of a name. */
const UNREADABLE = /[\p{Cc}\p{Cf}]/gu;

/**
 * A name as messages may show it: one line, with no control or invisible formatting character, which
 * could forge a line ("Who is on it: Jane\nWhat to do: …") or reverse the text around it.
 */
export function readableName(name: string): string {
  return name.replace(UNREADABLE, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * Whether there is nothing to be on: the dataset's checks that have a state all pass, and one has. An
 * acknowledgement then would outlive the trouble (it ends at a recovery, and none is coming) and silence
 * the next spell's reminders. Before any run (no state) someone may be on it already: they saw it first.
 */
export function nothingToBeOn(statuses: readonly string[]): boolean {
  return statuses.length > 0 && statuses.every((s) => s === 'pass');
}

/** "since 10:02" on the day it was said, "since Monday 23 November 10:02" later. */
export function sinceWhen(ack: Pick<Acknowledgement, 'at'>, zone: string, now: Date): string {
  const at = new Date(ack.at);
  const sameDay = format(new TZDate(at, zone), 'yyyy-MM-dd') === format(new TZDate(now, zone), 'yyyy-MM-dd');
  return `since ${sameDay ? format(new TZDate(at, zone), 'HH:mm') : formatLocal(at, zone, now)}`;
}
