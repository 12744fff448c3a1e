import { EVENT_SOURCE, type EventEntry } from './types';

/** PutEvents takes at most 10 entries, and 256 KB in all, per call; one entry at most 256 KB. */
export const PUT_EVENTS_LIMITS = { maxEntries: 10, maxBytes: 256 * 1024 } as const;

/**
 * What one event may weigh: EventBridge's entry limit less 4 KB for the envelope (id, account, region,
 * time…) that EventBridge wraps around `detail` when it delivers the event; notify's asynchronous
 * invocation takes 256 KB at most too.
 */
export const EVENT_BUDGET = PUT_EVENTS_LIMITS.maxBytes - 4 * 1024;

/** What is cut first: free texts, then lists. Ids, times and statuses are never cut. */
const TEXTS = ['impact', 'action', 'message', 'error', 'sql', 'title'] as const;
const LISTS = ['errors', 'stale', 'subscribers', 'owners', 'breaches'] as const;
/** A text is not cut below this many characters while a list can be capped instead. */
const TEXT_KEEP = 100;
const ELLIPSIS = '…';

/**
 * An entry's size as EventBridge counts it (docs "Calculating PutEvents event entry size"): the UTF-8
 * bytes of source, detail-type and detail, and 14 bytes for the time.
 */
export function entrySize(entry: { Source?: string; DetailType?: string; Detail?: string }): number {
  return (
    Buffer.byteLength(entry.Source ?? '') +
    Buffer.byteLength(entry.DetailType ?? '') +
    Buffer.byteLength(entry.Detail ?? '') +
    14
  );
}

/** The size of an event as the entry it becomes. */
export function eventSize(event: EventEntry): number {
  return entrySize({
    Source: EVENT_SOURCE,
    DetailType: event.detailType,
    Detail: JSON.stringify(event.detail),
  });
}

/** The bytes a value adds to the JSON of `detail`. */
const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** `text` cut (between characters, never inside one) so that its JSON takes at most `bytes`, ending in "…". */
function cutText(text: string, bytes: number): string {
  let kept = '';
  let used = jsonBytes(ELLIPSIS);
  for (const ch of text) {
    const more = jsonBytes(ch) - 2;
    if (used + more > bytes) break;
    kept += ch;
    used += more;
  }
  return kept + ELLIPSIS;
}

/**
 * The event, fitted under `budget` bytes (docs/events.md "Delivery: nothing lost, nothing counted twice": trimmed, never refused): the longest
 * free texts are cut and end with "…", then the longest lists are capped. `detail.trimmed` says what was
 * cut and how long it was (characters of a text, items of a list), so a reader knows it is not whole.
 * An event that fits is returned as it is.
 */
export function fitEvent(event: EventEntry, budget = EVENT_BUDGET): EventEntry {
  if (eventSize(event) <= budget) return event;
  const detail = { ...event.detail } as Record<string, unknown>;
  const trimmed: Record<string, number> = { ...((detail.trimmed as Record<string, number>) ?? {}) };
  const over = () => eventSize({ ...event, detail: { ...detail, trimmed } } as EventEntry) - budget;

  for (let excess = over(); excess > 0; excess = over()) {
    const field = TEXTS.filter(
      (f) => typeof detail[f] === 'string' && (detail[f] as string).length > TEXT_KEEP,
    )
      .sort((a, b) => jsonBytes(detail[b]) - jsonBytes(detail[a]))
      .at(0);
    if (!field) break;
    const text = detail[field] as string;
    trimmed[field] ??= text.length;
    detail[field] = cutText(text, Math.max(jsonBytes(text.slice(0, TEXT_KEEP)), jsonBytes(text) - excess));
  }

  for (let excess = over(); excess > 0; excess = over()) {
    const field = LISTS.filter((f) => Array.isArray(detail[f]) && (detail[f] as unknown[]).length > 0)
      .sort((a, b) => jsonBytes(detail[b]) - jsonBytes(detail[a]))
      .at(0);
    if (!field) break;
    const list = detail[field] as unknown[];
    trimmed[field] ??= list.length;
    let keep = list.length;
    for (let freed = 0; keep > 0 && freed < excess; keep--) freed += jsonBytes(list[keep - 1]) + 1;
    detail[field] = list.slice(0, keep);
  }

  // Texts under TEXT_KEEP characters go last: only an event made of little else reaches this.
  for (let excess = over(); excess > 0; excess = over()) {
    const field = TEXTS.find((f) => typeof detail[f] === 'string' && (detail[f] as string) !== ELLIPSIS);
    if (!field) break;
    trimmed[field] ??= (detail[field] as string).length;
    detail[field] = ELLIPSIS;
  }

  // Cut fields keep their types (a shorter text, a shorter list): the detail is still of its kind.
  return { ...event, detail: { ...detail, trimmed } } as EventEntry;
}
