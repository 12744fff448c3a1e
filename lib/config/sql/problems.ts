/** A where's problems, each said once, in the order found. */
export class Problems {
  private readonly seen = new Set<string>();

  add(message: string): void {
    this.seen.add(message);
  }

  get count(): number {
    return this.seen.size;
  }

  list(): string[] {
    return [...this.seen];
  }
}

/**
 * How deep a walk over a parse tree may go: a guard against a tree built to exhaust the stack
 * (`NOT NOT NOT …`, `- - - … 1`), well above any filter a person writes.
 */
export const MAX_TREE_DEPTH = 1000;

/** A string as the SQL wrote it, from its opening quote at `start`, read with or without backslash escapes. */
function stringEnd(sql: string, start: number, backslashEscapes: boolean): number {
  const quote = sql[start];
  for (let i = start + 1; i < sql.length; i++) {
    const c = sql[i];
    if (backslashEscapes && c === '\\') i++;
    else if (c === quote && sql[i + 1] === quote) i++;
    else if (c === quote) return i;
  }
  return sql.length;
}

/**
 * Whether the quoted string at `start` ends at the same place whether or not backslash escapes it:
 * PostgreSQL's `standard_conforming_strings` and MySQL's `NO_BACKSLASH_ESCAPES` decide, and a string
 * read differently by the server than by the parser could carry SQL past the check.
 */
export function readsTheSameEitherWay(sql: string, start: number): boolean {
  return stringEnd(sql, start, true) === stringEnd(sql, start, false);
}
