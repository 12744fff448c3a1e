/** The little of a result that says whether its source answered at all. */
export interface SourceOutcome {
  id: string;
  source: string;
  error: string | null;
  /** The SQL that failed; null when nothing was run for the check (its source was not reached). */
  sql: string | null;
}

/** A source that did not answer: its one error and the checks it held. */
export interface UnreachableSource {
  source: string;
  error: string;
  checkIds: string[];
}

/**
 * The sources that could not be reached (or did not answer in time) in a run: every check of theirs
 * has an error with no SQL behind it. Said once per source, with its checks listed, rather than once
 * per check; a check whose own statement failed (it has SQL) is not among them.
 */
export function unreachableSources(results: readonly SourceOutcome[]): UnreachableSource[] {
  const bySource = new Map<string, UnreachableSource>();
  for (const r of results) {
    if (r.error === null || r.sql !== null) continue;
    const key = `${r.source}\u0000${r.error}`;
    const found = bySource.get(key) ?? { source: r.source, error: r.error, checkIds: [] };
    found.checkIds.push(r.id);
    bySource.set(key, found);
  }
  return [...bySource.values()];
}
