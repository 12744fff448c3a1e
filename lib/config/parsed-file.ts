import type { ConfigIssue } from '../core/errors';
import type { UnsetVariable } from './interpolate';
import { type FieldPath, formatPath, positionOf, type YamlFile } from './yaml-file';

/** A file that parsed and validated, with what is needed to point at its fields. */
export interface ParsedFile<T> {
  yaml: YamlFile;
  value: T;
  unset: UnsetVariable[];
}

/** A file that is valid YAML, whether or not its content is valid: what the cross-file rules read. */
export interface YamlData {
  yaml: YamlFile;
  /** The data, after `${env:…}` substitution. */
  data: unknown;
}

/** A located issue at `path` (or at the key `key` of the map at `path`). */
export function locate(yaml: YamlFile, path: FieldPath, message: string, key?: string): ConfigIssue {
  const field = formatPath(key === undefined ? path : [...path, key]);
  return { file: yaml.file, ...positionOf(yaml, path, key), field, message };
}
