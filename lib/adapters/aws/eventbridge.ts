import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { EventsNotPublishedError, type Refusal } from '../../core/errors';
import { entrySize, fitEvent, PUT_EVENTS_LIMITS } from '../../core/events/fit';
import { EVENT_SOURCE, type EventEntry } from '../../core/events/types';
import { again, done, retry } from '../../core/retry';
import { chunkWithin } from '../../core/util/chunk';
import { abortableSleep } from '../sleep';

export { EventsNotPublishedError, entrySize, PUT_EVENTS_LIMITS };

function toEntry(event: EventEntry, bus: string): PutEventsRequestEntry {
  return {
    EventBusName: bus,
    Source: EVENT_SOURCE,
    DetailType: event.detailType,
    Detail: JSON.stringify(fitEvent(event).detail),
    Time: new Date(event.time),
  };
}

/** Groups entries into PutEvents calls of at most 10 entries and 256 KB. */
export function batchesOf(entries: PutEventsRequestEntry[]): PutEventsRequestEntry[][] {
  return chunkWithin(entries, entrySize, {
    maxItems: PUT_EVENTS_LIMITS.maxEntries,
    maxSize: PUT_EVENTS_LIMITS.maxBytes,
  });
}

/** The check an event is about (null for a run summary): its events are put in order. */
const checkOf = (event: EventEntry) => ('checkId' in event.detail ? event.detail.checkId : null);

/** The events in rounds: the first pending event of every check, then the second, and so on. */
function rounds(events: readonly EventEntry[]): EventEntry[][] {
  const out: EventEntry[][] = [];
  const seen = new Map<string, number>();
  for (const event of events) {
    const check = checkOf(event);
    const round = check === null ? 0 : (seen.get(check) ?? 0);
    if (check !== null) seen.set(check, round + 1);
    const list = out[round] ?? [];
    list.push(event);
    out[round] = list;
  }
  return out;
}

/** How `publishEvents` tries again: the count and the wait, passed in so tests do not wait. */
export interface PublishOptions {
  /** How many times entries that came back failed are sent again (default 3). */
  retries?: number;
  /** Waits between retries; passed in so tests need not wait (default: 200 ms doubling). */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Puts the events on the bus, in the order given. Entries that come back failed (`FailedEntryCount`), or
 * whose call failed, are sent again; if they still fail, `EventsNotPublishedError` names every event not
 * published. A check's events go in order: one is sent only once the one before it was accepted, so a
 * consumer never hears "recovered" before "stale". Other checks' events are not held up.
 */
export async function publishEvents(
  client: EventBridgeClient,
  bus: string,
  events: readonly EventEntry[],
  options: PublishOptions = {},
): Promise<void> {
  const retries = options.retries ?? 3;
  const sleep = options.sleep ?? abortableSleep;
  const notPublished: EventEntry[] = [];
  const blocked = new Set<string>();
  let refusals: Refusal[] = [];
  for (const round of rounds(events)) {
    const ready = round.filter((e) => {
      const check = checkOf(e);
      if (check !== null && blocked.has(check)) notPublished.push(e);
      return check === null || !blocked.has(check);
    });
    const failed = await putWithRetries(client, bus, ready, retries, sleep);
    refusals = [...refusals, ...failed.refusals];
    for (const event of failed.events) {
      notPublished.push(event);
      const check = checkOf(event);
      if (check !== null) blocked.add(check);
    }
  }
  if (notPublished.length > 0) throw new EventsNotPublishedError(refusals, bus, notPublished);
}

/** Sends `events`, and again those that failed, up to `retries` times; answers what still failed. */
async function putWithRetries(
  client: EventBridgeClient,
  bus: string,
  events: readonly EventEntry[],
  retries: number,
  sleep: (ms: number) => Promise<void>,
): Promise<{ events: EventEntry[]; refusals: Refusal[] }> {
  let pending = events.map((event) => ({ event, entry: toEntry(event, bus) }));
  let refusals: Refusal[] = [];
  // Waits of 200 ms doubling; `retries` tries after the first.
  await retry(
    async () => {
      const retryNext: typeof pending = [];
      refusals = [];
      const byEntry = new Map(pending.map((p) => [p.entry, p]));
      for (const batch of batchesOf(pending.map((p) => p.entry))) {
        const sent = batch.map((entry) => byEntry.get(entry) as (typeof pending)[number]);
        try {
          const answer = await client.send(new PutEventsCommand({ Entries: batch }));
          if (!answer.FailedEntryCount) continue;
          (answer.Entries ?? []).forEach((result, i) => {
            const item = sent[i];
            if (!result.ErrorCode || !item) return;
            retryNext.push(item);
            refusals.push({
              detailType: item.event.detailType,
              errorCode: result.ErrorCode,
              errorMessage: result.ErrorMessage ?? '',
            });
          });
        } catch (error) {
          // The call failed whole (the bus unreachable, throttled past the SDK's own retries): each of
          // its entries is tried again, and reported if it never gets through.
          retryNext.push(...sent);
          for (const item of sent) {
            refusals.push({
              detailType: item.event.detailType,
              errorCode: (error as Error).name,
              errorMessage: (error as Error).message,
            });
          }
        }
      }
      pending = retryNext;
      return pending.length === 0 ? done(undefined) : again(pending);
    },
    { attempts: retries + 1, firstDelayMs: 200, sleep },
  );
  return { events: pending.map((p) => p.event), refusals };
}
