import type { ConfigIssue } from '../errors';
import { quote } from '../util/quote';
import { checkId } from './check-id';
import { locate, type YamlData } from './parsed-file';
import { didYouMean } from './suggest';

/**
 * The rules that span files: every source and contact named exists, dataset ids are unique across the
 * tree, and check ids are unique within a dataset. They read the data loosely, so that a file with
 * other mistakes is still checked here, and every problem of the tree comes out in one pass.
 */

type Loose = Record<string, unknown>;
const isMap = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The names in a list field that may also be written as one name. */
function namesIn(value: unknown): Array<{ name: string; path: Array<string | number> }> {
  if (typeof value === 'string') return [{ name: value, path: [] }];
  if (!Array.isArray(value)) return [];
  return value.flatMap((v, i) => (typeof v === 'string' ? [{ name: v, path: [i] }] : []));
}

export function crossCheck(settings: YamlData, datasets: YamlData[]): ConfigIssue[] {
  if (!isMap(settings.data)) return [];
  const sources = isMap(settings.data.sources) ? Object.keys(settings.data.sources) : [];
  const contacts = isMap(settings.data.contacts) ? Object.keys(settings.data.contacts) : [];
  const settingsFile = settings.yaml.file;
  const unknownContact = (name: string) =>
    `${quote(name)} is not a contact${didYouMean(name, contacts)} — contacts are declared under contacts: in ${settingsFile}`;
  const issues: ConfigIssue[] = [];

  const errorsTo = isMap(settings.data.notify) ? str(settings.data.notify.errorsTo) : null;
  if (errorsTo && !contacts.includes(errorsTo)) {
    issues.push(locate(settings.yaml, ['notify', 'errorsTo'], unknownContact(errorsTo)));
  }

  const firstFileOf = new Map<string, string>();
  for (const { yaml, data } of datasets) {
    if (!isMap(data)) continue;
    const id = str(data.dataset);
    const seen = id ? firstFileOf.get(id) : undefined;
    if (id && seen) {
      issues.push(
        locate(
          yaml,
          ['dataset'],
          `${quote(id)} is already the id of the dataset in ${seen} — ids must be unique`,
        ),
      );
    } else if (id) {
      firstFileOf.set(id, yaml.file);
    }
    const source = str(data.source);
    if (source && !sources.includes(source)) {
      issues.push(
        locate(
          yaml,
          ['source'],
          `${quote(source)} is not a source${didYouMean(source, sources)} — sources are declared under sources: in ${settingsFile}`,
        ),
      );
    }
    for (const field of ['owner', 'subscribers']) {
      for (const { name, path } of namesIn(data[field])) {
        if (!contacts.includes(name)) issues.push(locate(yaml, [field, ...path], unknownContact(name)));
      }
    }
    if (id && Array.isArray(data.checks)) issues.push(...duplicateCheckIds(yaml, id, data.checks));
  }
  return issues;
}

function duplicateCheckIds(yaml: YamlData['yaml'], dataset: string, checks: unknown[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const indexOf = new Map<string, number>();
  checks.forEach((entry, i) => {
    if (!isMap(entry)) return;
    const id = checkId(dataset, { name: str(entry.name), rowCount: entry.rowCount });
    const first = indexOf.get(id);
    if (first === undefined) {
      indexOf.set(id, i);
      return;
    }
    issues.push(
      locate(
        yaml,
        ['checks', i],
        `has the id ${quote(id)}, like checks[${first}] — give one of them a different name: (e.g. name: nightly sync)`,
      ),
    );
  });
  return issues;
}
