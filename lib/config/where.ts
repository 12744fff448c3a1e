import type { ConfigIssue } from '../core/errors';
import type { Engine } from '../core/model/config';
import { locate, type YamlData } from './parsed-file';
import { filterProblems } from './sql/filter';

/**
 * The `where` of every check, read by the SQL parser of its dataset's source engine: a rule that spans
 * the settings file (`sources.<name>.engine`) and the dataset files. Like the other cross-file rules it
 * reads the data loosely, so that a file with other mistakes has its `where` checked too.
 */

type Loose = Record<string, unknown>;
const isMap = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
const ENGINES: readonly Engine[] = ['postgres', 'mysql'];

/** The engine of each source that names one. */
function enginesOf(settings: YamlData): Map<string, Engine> {
  const sources = isMap(settings.data) && isMap(settings.data.sources) ? settings.data.sources : {};
  const engines = new Map<string, Engine>();
  for (const [name, source] of Object.entries(sources)) {
    const engine = isMap(source) ? source.engine : undefined;
    if (ENGINES.includes(engine as Engine)) engines.set(name, engine as Engine);
  }
  return engines;
}

/**
 * Every problem of every `where` in the tree, located at the field. A dataset whose source is unknown
 * (reported elsewhere) has no engine to read its `where` with: it is read once the source is fixed.
 */
export async function whereIssues(settings: YamlData, datasets: YamlData[]): Promise<ConfigIssue[]> {
  const engines = enginesOf(settings);
  const issues: ConfigIssue[] = [];
  for (const { yaml, data } of datasets) {
    if (!isMap(data) || !Array.isArray(data.checks)) continue;
    const engine = typeof data.source === 'string' ? engines.get(data.source) : undefined;
    if (!engine) continue;
    for (const [i, check] of data.checks.entries()) {
      for (const kind of ['freshness', 'rowCount']) {
        const body = isMap(check) ? check[kind] : undefined;
        const where = isMap(body) ? body.where : undefined;
        if (typeof where !== 'string') continue;
        for (const message of await filterProblems(engine, where)) {
          issues.push(locate(yaml, ['checks', i, kind, 'where'], message));
        }
      }
    }
  }
  return issues;
}
