import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors';
import { crossCheck } from './cross-check';
import { interpolateEnv } from './interpolate';
import { locate, type ParsedFile, type YamlData } from './parsed-file';
import { resolveConfig } from './resolve';
import { datasetSchema, jsonSchemas, settingsSchema } from './schema';
import type { Config } from './types';
import { whereIssues } from './where';
import { parseYamlFile } from './yaml-file';
import { describeIssue, fallbackMessage } from './zod-issues';

/** The settings file's name, inside the checks folder. */
export const SETTINGS_FILE = 'stalewatch.yml';

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
  const settings = settingsPath ? readConfigFile(settingsPath, 'settings', env, issues) : null;
  const datasets = datasetPaths.map((file) => readConfigFile(file, 'dataset', env, issues));
  if (settings?.yamlData) {
    const yamlDatasets = datasets.flatMap((d) => d.yamlData ?? []);
    issues.push(...crossCheck(settings.yamlData, yamlDatasets));
    issues.push(...(await whereIssues(settings.yamlData, yamlDatasets)));
  }
  const validDatasets = datasets.flatMap((d) => d.parsed ?? []);
  if (issues.length > 0 || !settings?.parsed) throw new ConfigError(sortIssues(issues));
  return resolveConfig(settings.parsed, validDatasets);
}

/** The settings file and every dataset file under `dir` (not the published JSON Schemas). */
function listConfigFiles(
  dir: string,
  issues: ConfigIssue[],
): { settingsPath: string | null; datasetPaths: string[] } {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    entries = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    issues.push(
      fileIssue(dir, `is not a folder of checks — pass --checks with the folder that holds ${SETTINGS_FILE}`),
    );
    return { settingsPath: null, datasetPaths: [] };
  }
  const yamlFiles = entries
    .map((e) => e.split('\\').join('/'))
    .filter(
      (e) => /\.ya?ml$/.test(e) && !e.startsWith('schema/') && !e.split('/').some((p) => p.startsWith('.')),
    )
    .sort();
  const settingsName = yamlFiles.find((e) => e === SETTINGS_FILE || e === 'stalewatch.yaml');
  if (!settingsName) {
    issues.push(
      fileIssue(
        join(dir, SETTINGS_FILE),
        'is missing — it holds the timezone, sources and contacts (see docs/config.md)',
      ),
    );
  }
  return {
    settingsPath: settingsName ? join(dir, settingsName) : null,
    datasetPaths: yamlFiles.filter((e) => e !== settingsName).map((e) => join(dir, e)),
  };
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
): { yamlData?: YamlData; parsed?: ParsedFile<ValueOf<K>> } {
  const { schema, jsonSchema, whenEmpty } = FILE_KINDS[kind];
  const { yaml, syntaxErrors } = parseYamlFile(file, readFileSync(file, 'utf8'));
  if (syntaxErrors.length > 0) {
    issues.push(
      ...syntaxErrors.map((e) => ({ file, ...e, field: '', message: `is not valid YAML: ${e.message}` })),
    );
    return {};
  }
  const raw = yaml.doc.toJS();
  if (raw === null || raw === undefined) {
    issues.push(fileIssue(file, whenEmpty));
    return {};
  }
  const { data, unset } = interpolateEnv(raw, env);
  const parsed = schema.safeParse(data, { error: fallbackMessage });
  if (parsed.success)
    return { yamlData: { yaml, data }, parsed: { yaml, value: parsed.data as ValueOf<K>, unset } };
  publishedSchemas ??= jsonSchemas();
  for (const issue of parsed.error.issues) {
    issues.push(
      ...describeIssue(issue, publishedSchemas[jsonSchema]).map((d) =>
        locate(yaml, d.path, d.message, d.key),
      ),
    );
  }
  return { yamlData: { yaml, data } };
}

function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}
