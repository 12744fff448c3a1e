import { type Dirent, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { visit } from 'yaml';
import type * as z from 'zod';
import { ConfigError, type ConfigIssue, messageOf } from '../core/errors';
import type { Config } from '../core/model/config';
import { alarmCrossCheck, datasetFieldsIn, isAlarmFile } from './alarm';
import { crossCheck } from './cross-check';
import { envVariablesIn, interpolateEnv } from './interpolate';
import { locate, type ParsedFile, type YamlData } from './parsed-file';
import { resolveConfig } from './resolve';
import {
  type AlarmFile,
  alarmFileSchema,
  type DatasetFile,
  datasetSchema,
  jsonSchemas,
  settingsSchema,
} from './schema';
import { whereIssues } from './where';
import { parseYamlFile, type YamlFile } from './yaml-file';
import { describeIssue, fallbackMessage } from './zod-issues';

/** The settings file's name, inside the checks folder. */
export const SETTINGS_FILE = 'stalewatch.yml';

/**
 * A file of checks: `.yml` or `.yaml` in any case (`placements.YML` is read, never skipped: a file
 * that a pull request adds is either read or refused). Packaging lists files with the same pattern.
 */
export const YAML_FILE = /\.ya?ml$/i;

/** The settings file, `stalewatch.yml` or `stalewatch.yaml` in any case, at the top of the folder. */
const SETTINGS_NAME = /^stalewatch\.ya?ml$/i;

/** Where `loadConfig` reads from: the checks folder, and the environment for `${env:…}`. */
export interface LoadOptions {
  /** The checks folder, as the user wrote it (paths in messages start with it). */
  dir: string;
  /** Where `${env:NAME}` is read from. */
  env: Readonly<Record<string, string | undefined>>;
}

/** The two kinds of file in the checks folder. */
const FILE_KINDS = {
  settings: {
    schema: settingsSchema,
    jsonSchema: 'stalewatch.json',
    whenEmpty: 'is empty — start with sources:',
  },
  dataset: {
    schema: datasetSchema,
    jsonSchema: 'dataset.json',
    whenEmpty: 'is empty — start with dataset: <id>',
  },
  /** A dataset file with `alarm:` instead of `table` is an alarm file (lib/config/alarm.ts). */
  alarm: {
    schema: alarmFileSchema,
    jsonSchema: 'alarm.json',
    whenEmpty: 'is empty — start with alarm: <CloudWatch alarm name>',
  },
} as const;
type FileKind = keyof typeof FILE_KINDS;
type ValueOf<K extends FileKind> = z.output<(typeof FILE_KINDS)[K]['schema']>;

let publishedSchemas: Record<string, unknown> | null = null;

/**
 * Reads every file of the checks folder and returns the config, or throws a `ConfigError` that lists
 * every problem of every file, each with file, line, column, field and how to fix it. Asynchronous
 * because the SQL parsers that read `where` are WebAssembly, loaded on first use.
 */
export async function loadConfig({ dir, env }: LoadOptions): Promise<Config> {
  const issues: ConfigIssue[] = [];
  const { settingsPath, datasetPaths } = listConfigFiles(dir, issues);
  const settings = settingsPath ? readSafely(settingsPath, 'settings', env, issues) : null;
  const datasets = datasetPaths.map((file) => readSafely(file, 'dataset', env, issues));
  const [alarms, tables] = [
    datasets.filter((d) => d.kind === 'alarm'),
    datasets.filter((d) => d.kind !== 'alarm'),
  ];
  if (settings?.yamlData) {
    const yamlDatasets = tables.flatMap((d) => d.yamlData ?? []);
    const yamlAlarms = alarms.flatMap((d) => d.yamlData ?? []);
    // Contacts named by alarm files are checked like those of dataset files.
    issues.push(...crossCheck(settings.yamlData, [...yamlDatasets, ...yamlAlarms]));
    issues.push(...alarmCrossCheck(yamlAlarms));
    issues.push(...(await whereIssues(settings.yamlData, yamlDatasets)));
  }
  const validDatasets = tables.flatMap((d) => (d.parsed ?? []) as ParsedFile<DatasetFile>[]);
  const validAlarms = alarms.flatMap((d) => (d.parsed ?? []) as ParsedFile<AlarmFile>[]);
  if (issues.length > 0 || !settings?.parsed) throw new ConfigError(sortIssues(issues));
  return resolveConfig(settings.parsed, validDatasets, validAlarms);
}

/** The fields of a source whose `${env:NAME}` the deployed functions read again at run time. */
const SOURCE_FIELDS_READ_AT_RUN_TIME = ['resourceArn', 'secretArn', 'database'] as const;

/**
 * The `${env:NAME}` variables that the sources' `resourceArn`, `secretArn` and `database` name, as
 * written in the settings file of `dir` (which `loadConfig` has accepted): the only variables packaging
 * gives the functions. A variable written anywhere else (a comment, a title, a `where`) is read when the
 * config is loaded and never becomes part of the functions' environment (docs/operations.md).
 */
export function sourceVariables(dir: string): string[] {
  const settingsFiles = readdirSync(dir).filter((name) => SETTINGS_NAME.test(name));
  const file = settingsFiles.includes(SETTINGS_FILE) ? SETTINGS_FILE : settingsFiles[0];
  if (!file) return [];
  const data = parseYamlFile(file, readFileSync(join(dir, file), 'utf8')).yaml.doc.toJS() as unknown;
  const sources = (data as { sources?: unknown } | null)?.sources;
  if (!sources || typeof sources !== 'object') return [];
  const names = Object.values(sources).flatMap((source: unknown) =>
    SOURCE_FIELDS_READ_AT_RUN_TIME.flatMap((field) => {
      const value = (source as Record<string, unknown> | null)?.[field];
      return typeof value === 'string' ? envVariablesIn(value) : [];
    }),
  );
  return [...new Set(names)].sort();
}

/** Deepest folder read under the checks folder. */
const MAX_FOLDER_DEPTH = 16;

/** A file of the checks folder: the path shown to the user, and its path inside the folder. */
interface Listed {
  path: string;
  relative: string;
}

/**
 * The settings file and every dataset file under `dir` (not the published JSON Schemas, nor anything
 * in a folder whose name starts with `.`). Links are followed only to files inside the folder: one to
 * a file outside, a loop, a broken link, a link to a folder and anything that is not a regular file
 * are refused, so `validate` reads only the files a pull request shows.
 */
function listConfigFiles(
  dir: string,
  issues: ConfigIssue[],
): { settingsPath: string | null; datasetPaths: string[] } {
  let root: string;
  try {
    root = realpathSync(dir);
    if (!statSync(root).isDirectory()) throw new Error('not a folder');
  } catch {
    issues.push(
      fileIssue(dir, `is not a folder of checks — pass --checks with the folder that holds ${SETTINGS_FILE}`),
    );
    return { settingsPath: null, datasetPaths: [] };
  }
  const found: Listed[] = [];
  const walk = (relative: string, depth: number) => {
    const folder = relative ? join(dir, relative) : dir;
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      issues.push(fileIssue(folder, `could not be read (${codeOf(error)}) — check its permissions`));
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      const path = join(dir, rel);
      const isYaml = YAML_FILE.test(entry.name);
      if (entry.name.startsWith('.') || rel === 'schema') continue;
      if (entry.isSymbolicLink()) {
        const problem = linkProblem(path, root, isYaml);
        if (problem) issues.push(fileIssue(path, problem));
        else if (isYaml) found.push({ path, relative: rel });
      } else if (entry.isDirectory()) {
        if (depth < MAX_FOLDER_DEPTH) walk(rel, depth + 1);
        else
          issues.push(
            fileIssue(path, `is more than ${MAX_FOLDER_DEPTH} folders deep — keep checks/ shallower`),
          );
      } else if (isYaml && !entry.isFile()) {
        issues.push(
          fileIssue(path, 'is not a regular file (a pipe, socket or device) — checks/ holds YAML files'),
        );
      } else if (isYaml) {
        found.push({ path, relative: rel });
      }
    }
  };
  walk('', 0);
  // stalewatch.yml first: with two settings files, the other one is the one to remove.
  const top = found
    .filter((f) => SETTINGS_NAME.test(f.relative))
    .sort((a, b) => Number(b.relative === SETTINGS_FILE) - Number(a.relative === SETTINGS_FILE));
  const [settings, second] = top;
  if (settings && second) {
    issues.push(
      fileIssue(second.path, `is a second settings file beside ${settings.path} — keep one of them`),
    );
  }
  if (!settings) {
    issues.push(
      fileIssue(
        join(dir, SETTINGS_FILE),
        'is missing — it holds the timezone, sources and contacts (see docs/config.md)',
      ),
    );
  }
  return {
    settingsPath: settings?.path ?? null,
    datasetPaths: found.filter((f) => !top.includes(f)).map((f) => f.path),
  };
}

/** Why a link in the checks folder is not followed, or null when it leads to a file inside. */
function linkProblem(path: string, root: string, isYaml: boolean): string | null {
  let target: string;
  try {
    target = realpathSync(path);
  } catch (error) {
    if (!isYaml) return null;
    return codeOf(error) === 'ELOOP'
      ? 'is a link that leads back to itself (a loop) — replace it with the file it should be'
      : 'is a link to a file that does not exist — remove it, or replace it with the file';
  }
  const inside = target === root || target.startsWith(`${root}${sep}`);
  let isFolder = false;
  try {
    isFolder = statSync(target).isDirectory();
  } catch {
    return isYaml ? 'is a link that cannot be followed — replace it with the file it should be' : null;
  }
  if (isFolder) return 'is a link to a folder, which is not followed — move the files into checks/ instead';
  if (!isYaml) return null;
  if (!inside) {
    return 'is a link to a file outside the checks folder, which is not read — copy the file into checks/ instead';
  }
  return statSync(target).isFile()
    ? null
    : 'is a link to something that is not a regular file — replace it with the file';
}

/** The code of a file-system error (`ENOENT`, `EACCES`), or its message. */
function codeOf(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : messageOf(error);
}

function fileIssue(file: string, message: string): ConfigIssue {
  return { file, line: 1, column: 1, field: '', message };
}

/**
 * Parses and validates one file; its problems go into `issues`. `yamlData` is there when the file is
 * valid YAML (for the cross-file rules), `parsed` when its content is valid too.
 */
function readConfigFile<K extends FileKind>(
  file: string,
  kind: K,
  env: LoadOptions['env'],
  issues: ConfigIssue[],
): { yamlData?: YamlData; parsed?: ParsedFile<ValueOf<K>>; kind?: FileKind } {
  const { whenEmpty } = FILE_KINDS[kind];
  const text = readText(file, issues);
  if (text === null) return {};
  const { yaml, syntaxErrors } = parseYamlFile(file, text);
  if (syntaxErrors.length > 0) {
    issues.push(
      ...syntaxErrors.map((e) => ({ file, ...e, field: '', message: `is not valid YAML: ${e.message}` })),
    );
    return {};
  }
  // `%YAML 1.1` would switch the parser to YAML 1.1, where `no` in a title becomes false: refused, so
  // that every file means what it says under the one version the docs describe.
  const directive = yaml.doc.directives?.yaml;
  if (directive?.explicit && directive.version !== '1.2') {
    issues.push(
      fileIssue(
        file,
        `starts with %YAML ${directive.version}${directive.version === '1.1' ? ', under which yes, no, on and off mean true and false' : ''} — remove the directive: checks are read as YAML 1.2`,
      ),
    );
    return {};
  }
  let raw: unknown;
  try {
    raw = yaml.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    issues.push({
      file,
      ...firstAlias(yaml),
      field: '',
      message:
        'uses its aliases (*name) so many times that it would grow enormous — write the values out instead',
    });
    return {};
  }
  if (raw === null || raw === undefined) {
    issues.push(fileIssue(file, whenEmpty));
    return {};
  }
  if (kind === 'dataset' && looksLikeSettings(raw)) {
    issues.push(
      fileIssue(
        file,
        `looks like a settings file, but settings are read only from ${SETTINGS_FILE} at the top of the checks folder — move it there, or, if it describes a dataset, start it with dataset: <id>`,
      ),
    );
    return {};
  }
  const actual: FileKind = kind === 'dataset' && isAlarmFile(raw) ? 'alarm' : kind;
  const { schema, jsonSchema } = FILE_KINDS[actual];
  if (actual === 'alarm') {
    const mixed = datasetFieldsIn(yaml, raw);
    if (mixed.length > 0) {
      issues.push(...mixed);
      return { kind: actual };
    }
  }
  const { data, unset } = interpolateEnv(raw, env);
  const parsed = (schema as z.ZodType).safeParse(data, { error: fallbackMessage });
  if (parsed.success)
    return {
      yamlData: { yaml, data },
      parsed: { yaml, value: parsed.data as ValueOf<K>, unset },
      kind: actual,
    };
  publishedSchemas ??= jsonSchemas();
  for (const issue of parsed.error.issues) {
    issues.push(
      ...describeIssue(issue, publishedSchemas[jsonSchema]).map((d) =>
        locate(yaml, d.path, d.message, d.key),
      ),
    );
  }
  return { yamlData: { yaml, data }, kind: actual };
}

/** Largest checks file read: a real one is a few kilobytes. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** How many times a file's aliases may be expanded: enough for any real use, too few for a bomb. */
const MAX_ALIAS_COUNT = 100;

/** C0 control characters YAML does not allow in a file (tab, line feed and carriage return it does). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const FORBIDDEN_IN_FILE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * A file's text: at most `MAX_FILE_BYTES`, UTF-8 (a byte-order mark is dropped; UTF-16 and bytes that are
 * not UTF-8 are refused, where a lenient read would quietly change them), without control characters.
 */
function readText(file: string, issues: ConfigIssue[]): string | null {
  const size = statSync(file).size;
  if (size > MAX_FILE_BYTES) {
    const mb = (size / 1024 / 1024).toFixed(1);
    issues.push(
      fileIssue(
        file,
        `is ${mb} MB; a checks file is at most 1 MB — is it the right file? Split it, one dataset per file`,
      ),
    );
    return null;
  }
  const bytes = readFileSync(file);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    issues.push(fileIssue(file, 'is saved as UTF-16 — save it as UTF-8'));
    return null;
  }
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    const at = firstInvalidUtf8(body);
    issues.push({
      file,
      ...lineAndColumn(body.subarray(0, at).toString('utf8')),
      field: '',
      message: `is not UTF-8 text: byte 0x${(body[at] ?? 0).toString(16).toUpperCase()} here is not UTF-8 — save the file as UTF-8`,
    });
    return null;
  }
  const control = FORBIDDEN_IN_FILE.exec(text);
  if (control) {
    const code = `U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    issues.push({
      file,
      ...lineAndColumn(text.slice(0, control.index)),
      field: '',
      message: `has a control character (${code}) — remove it; YAML files hold printable text`,
    });
    return null;
  }
  return text;
}

/** The offset of the first byte that does not start or continue a UTF-8 character as it should. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lo = 0;
  let hi = bytes.length;
  // The longest prefix that decodes: its end is where the bad sequence starts (a character is ≤ 4 bytes).
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    try {
      decoder.decode(bytes.subarray(0, mid));
      lo = mid;
    } catch {
      hi = mid;
    }
  }
  for (let end = lo; end >= Math.max(0, lo - 4); end--) {
    try {
      decoder.decode(bytes.subarray(0, end));
      return end;
    } catch {}
  }
  return 0;
}

/** Line and column (from 1) of the end of `before`. */
function lineAndColumn(before: string): { line: number; column: number } {
  const lines = before.split('\n');
  return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

/** Where the file's first alias is, for the message about too many of them. */
function firstAlias(yaml: YamlFile): { line: number; column: number } {
  let offset = 0;
  visit(yaml.doc, {
    Alias(_key, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  const { line, col } = yaml.lines.linePos(offset);
  return { line, column: col };
}

/** Settings' own keys, and no dataset: a settings file in the wrong place. */
function looksLikeSettings(raw: unknown): boolean {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
  const keys = Object.keys(raw);
  return (
    !keys.includes('dataset') &&
    !keys.includes('alarm') &&
    keys.some((k) => ['sources', 'contacts', 'notify', 'runEvery', 'timezone'].includes(k))
  );
}

/**
 * Reads one file; whatever goes wrong in it (a bug included) becomes a problem of that file, so that
 * `validate` reports every file and never stops with a stack trace.
 */
function readSafely<K extends FileKind>(
  file: string,
  kind: K,
  env: LoadOptions['env'],
  issues: ConfigIssue[],
): ReturnType<typeof readConfigFile<K>> {
  try {
    return readConfigFile(file, kind, env, issues);
  } catch (error) {
    const reason = codeOf(error);
    issues.push(fileIssue(file, `could not be read (${reason}) — check that it is a readable YAML file`));
    return {};
  }
}

function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}
