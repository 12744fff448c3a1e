import { type Document, isMap, isScalar, LineCounter, type Node, parseDocument } from 'yaml';

/** A config file parsed with positions, so that any field path can be turned into a line and column. */
export interface YamlFile {
  /** Path as shown to the user. */
  file: string;
  doc: Document;
  lines: LineCounter;
}

/** A path into the file's data, as zod reports it. */
export type FieldPath = readonly PropertyKey[];

/** Parses `source`; syntax errors come back located, and then there is no data to validate. */
export function parseYamlFile(
  file: string,
  source: string,
): { yaml: YamlFile; syntaxErrors: YamlSyntaxError[] } {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntaxErrors = doc.errors.map((e) => {
    const { line, col } = lines.linePos(e.pos[0]);
    return { line, column: col, message: e.message.split('\n')[0] ?? e.message };
  });
  return { yaml: { file, doc, lines }, syntaxErrors };
}

export interface YamlSyntaxError {
  line: number;
  column: number;
  message: string;
}

/**
 * The line and column of the value at `path`, or of its nearest ancestor that exists (a missing field
 * is reported where its parent is). With `key`, the position of that key inside the map at `path`.
 */
export function positionOf(yaml: YamlFile, path: FieldPath, key?: string): { line: number; column: number } {
  let node: Node | null = null;
  for (let depth = path.length; depth >= 0 && !node; depth--) {
    const found = depth === 0 ? yaml.doc.contents : yaml.doc.getIn(path.slice(0, depth) as unknown[], true);
    if (found && typeof found === 'object' && 'range' in found) node = found as Node;
  }
  if (key !== undefined && node && isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
    if (pair && isScalar(pair.key)) node = pair.key;
  }
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = yaml.lines.linePos(offset);
  return { line, column: col };
}

/** `checks[0].freshness.warnAfter` from `['checks', 0, 'freshness', 'warnAfter']`. */
export function formatPath(path: FieldPath): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}
