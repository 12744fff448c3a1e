import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { chunkWithin } from '../util/chunk';
import { EVENT_SOURCE, type EventEntry } from './types';

/** PutEvents takes at most 10 entries, and 256 KB in all, per call. */
export const PUT_EVENTS_LIMITS = { maxEntries: 10, maxBytes: 256 * 1024 } as const;

/** Events that EventBridge still refused after every retry: the run fails rather than lose them. */
export class EventsNotPublishedError extends Error {
  override readonly name = 'EventsNotPublishedError';
  constructor(
    readonly failed: Array<{ detailType: string; errorCode: string; errorMessage: string }>,
    readonly bus: string,
  ) {
    const first = failed[0];
    super(
      `${failed.length} event(s) could not be put on the bus "${bus}" after retries` +
        (first ? ` (first: ${first.detailType}: ${first.errorCode} ${first.errorMessage})` : ''),
    );
  }
}

/** An entry's size as EventBridge counts it: source, detail-type, detail and 14 bytes for the time. */
export function entrySize(entry: PutEventsRequestEntry): number {
  return (
    Buffer.byteLength(entry.Source ?? '') +
    Buffer.byteLength(entry.DetailType ?? '') +
    Buffer.byteLength(entry.Detail ?? '') +
    14
  );
}

function toEntry(event: EventEntry, bus: string): PutEventsRequestEntry {
  return {
    EventBusName: bus,
    Source: EVENT_SOURCE,
    DetailType: event.detailType,
    Detail: JSON.stringify(event.detail),
    Time: new Date(event.time),
  };
}

/** Groups entries into PutEvents calls of at most 10 entries and 256 KB. */
export function batchesOf(entries: PutEventsRequestEntry[]): PutEventsRequestEntry[][] {
  for (const entry of entries) {
    const size = entrySize(entry);
    if (size > PUT_EVENTS_LIMITS.maxBytes) {
      throw new RangeError(`A ${entry.DetailType} event is ${size} bytes, over EventBridge's 256 KB limit`);
    }
  }
  return chunkWithin(entries, entrySize, {
    maxItems: PUT_EVENTS_LIMITS.maxEntries,
    maxSize: PUT_EVENTS_LIMITS.maxBytes,
  });
}

export interface PublishOptions {
  /** How many times entries that came back failed are sent again (default 3). */
  retries?: number;
  /** Waits between retries; passed in so tests need not wait (default: 200 ms doubling). */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Puts the events on the bus. Entries that come back failed (`FailedEntryCount`) are sent again, and if
 * they still fail, `EventsNotPublishedError` is thrown: the run fails loudly (and Lambda retries it)
 * rather than losing them.
 */
export async function publishEvents(
  client: EventBridgeClient,
  bus: string,
  events: readonly EventEntry[],
  options: PublishOptions = {},
): Promise<void> {
  const retries = options.retries ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let pending = events.map((e) => toEntry(e, bus));
  let failed: EventsNotPublishedError['failed'] = [];
  for (let attempt = 0; attempt <= retries && pending.length > 0; attempt++) {
    if (attempt > 0) await sleep(200 * 2 ** (attempt - 1));
    const again: PutEventsRequestEntry[] = [];
    failed = [];
    for (const batch of batchesOf(pending)) {
      const answer = await client.send(new PutEventsCommand({ Entries: batch }));
      if (!answer.FailedEntryCount) continue;
      (answer.Entries ?? []).forEach((result, i) => {
        const entry = batch[i];
        if (!result.ErrorCode || !entry) return;
        again.push(entry);
        failed.push({
          detailType: entry.DetailType ?? '',
          errorCode: result.ErrorCode,
          errorMessage: result.ErrorMessage ?? '',
        });
      });
    }
    pending = again;
  }
  if (pending.length > 0) throw new EventsNotPublishedError(failed, bus);
}
