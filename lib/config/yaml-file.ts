import {
  type Document,
  isMap,
  isScalar,
  LineCounter,
  type Node,
  parseDocument,
  visit,
  type YAMLError,
} from 'yaml';
import { looksSecret } from '../core/util/quote';

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
  // Merge keys (`<<: *defaults`) are read, as most YAML users expect; anchors are bounded when the data
  // is built (load.ts), so an alias bomb is refused rather than expanded.
  const doc = parseDocument(source, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    merge: true,
  });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  const syntaxErrors = doc.errors.map((e) => ({ ...at(e.pos[0]), message: syntaxMessage(e) }));
  if (syntaxErrors.length === 0) syntaxErrors.push(...unsupportedNodes(doc, at));
  return { yaml: { file, doc, lines }, syntaxErrors };
}

/** The parser's message, first line only, and how to fix the common ones. */
function syntaxMessage(error: YAMLError): string {
  const message = error.message.split('\n')[0] ?? error.message;
  switch (error.code) {
    case 'MULTIPLE_DOCS':
      return 'it holds more than one document (a second ---) — keep one per file: one dataset per file';
    case 'DUPLICATE_KEY':
      return `${message}: this key is already in this map — keep one of them`;
    case 'TAB_AS_INDENT':
      return `${message} — indent with spaces`;
    case 'RESOURCE_EXHAUSTION':
      return 'it is nested too deeply to read — write it flatter';
    default:
      return message;
  }
}

/** The standard tags, which only say what plain YAML already says (`!!str 12`). */
const PLAIN_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);

/** Tags (`!!binary`, `!foo`) and keys that are lists or maps: YAML that config files have no use for. */
function unsupportedNodes(doc: Document, at: (offset: number) => { line: number; column: number }) {
  const found: YamlSyntaxError[] = [];
  visit(doc, {
    Node(_key, node) {
      if (node.tag && !PLAIN_TAGS.has(node.tag)) {
        found.push({
          ...at(node.range?.[0] ?? 0),
          message: `it uses the tag ${node.tag.replace('tag:yaml.org,2002:', '!!')} — write plain values, without tags`,
        });
      }
    },
    Pair(_key, pair) {
      if (pair.key !== null && !isScalar(pair.key)) {
        const node = pair.key as Node;
        found.push({
          ...at(node.range?.[0] ?? 0),
          message: 'a key is a list or a map — keys are plain names',
        });
      }
    },
  });
  return found;
}

/** Where a YAML file does not parse (1-based line and column) and the parser's message. */
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
  // A key is shown as written, unless it looks like a secret pasted where a key goes.
  const name = (part: PropertyKey) =>
    looksSecret(String(part)) ? '(a key not shown: it looks like a secret)' : String(part);
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${name(part)}`))
    .join('');
}
