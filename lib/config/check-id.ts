/** What an id is made from: a check's name, or its kind when it has none. */
interface Named {
  name?: string | null;
  rowCount?: unknown;
  activity?: unknown;
}

/** The default name of a check: its kind, as the id shows it. */
export function defaultCheckName(entry: Named): string {
  return entry.rowCount ? 'row-count' : entry.activity ? 'activity' : 'freshness';
}

/** `Updated recently!` → `updated-recently`. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** `<dataset>/<slug of name>`: how `--only`, state and events name a check. */
export function checkId(dataset: string, entry: Named): string {
  return `${dataset}/${slugify(entry.name ?? defaultCheckName(entry)) || defaultCheckName(entry)}`;
}
