import type * as z from 'zod';
import { didYouMean } from './suggest';
import type { FieldPath } from './yaml-file';

/** One problem to report: where (a path, and a key inside it for unknown keys) and what. */
export interface DescribedIssue {
  path: FieldPath;
  key?: string;
  message: string;
}

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
};

/** The JSON Schema node that describes the value at `path`. */
function schemaAt(root: JsonSchema, path: FieldPath): JsonSchema | null {
  let node: JsonSchema | undefined = root;
  for (const part of path) {
    if (!node) return null;
    const candidates: JsonSchema[] = node.anyOf ?? [node];
    node = candidates
      .map((c) =>
        typeof part === 'number'
          ? c.items
          : (c.properties?.[String(part)] ??
            (typeof c.additionalProperties === 'object' ? c.additionalProperties : undefined)),
      )
      .find(Boolean);
  }
  return node ?? null;
}

/** The fields a map at `path` may have, from the published JSON Schema. */
export function knownKeysAt(root: unknown, path: FieldPath): string[] {
  return Object.keys(schemaAt(root as JsonSchema, path)?.properties ?? {});
}

/** Turns one zod issue into the messages a user reads; an unknown-keys issue gives one per key. */
export function describeIssue(issue: z.core.$ZodIssue, jsonSchema: unknown): DescribedIssue[] {
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(jsonSchema, issue.path);
    return issue.keys.map((key) => ({
      path: issue.path,
      key,
      message: `is not a field here${didYouMean(key, known) || ` — the fields are ${known.join(', ')}`}`,
    }));
  }
  return [{ path: issue.path, message: issue.message }];
}

/**
 * Messages for the issues that the schema does not word itself (maps, lists, missing sections).
 * Passed to `safeParse` as its error map: the schema's own messages take precedence.
 */
export function fallbackMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'is required';
    if (issue.expected === 'object') return 'must be a map of fields (key: value lines, indented under it)';
    if (issue.expected === 'array')
      return 'must be a list — write each item on its own line starting with "- "';
  }
  if (issue.code === 'too_small' && issue.origin === 'array') return 'is empty — list at least one';
  return undefined;
}
