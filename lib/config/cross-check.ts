import type { ConfigIssue } from '../core/errors';
import { cronProblem } from '../core/time/cron';
import { isKnownRegion, NO_HOLIDAYS } from '../core/time/holidays';
import { holidaysOnlyProblem } from '../core/time/schedule';
import { isTimeZone } from '../core/time/zone';
import { quote } from '../core/util/quote';
import { checkId } from './check-id';
import { locate, type YamlData } from './parsed-file';
import { didYouMean } from './suggest';

/**
 * The rules that span files: every source and contact named exists, dataset ids are unique across the
 * tree, check ids are unique within a dataset, and a `dueBy` has deadlines on days that are not public
 * holidays of its region (the check's `holidays`, else the settings'). They read the data loosely, so that a file with
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

/**
 * @param today where the search for a `dueBy`'s working days starts (holiday calendars are per year)
 */
export function crossCheck(settings: YamlData, datasets: YamlData[], today = new Date()): ConfigIssue[] {
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

  // A Slack member id is only used to mention a contact in Slack: without a Slack webhook it does nothing,
  // and someone on Teams alone would wait for a mention that never comes.
  for (const id of contacts) {
    const contact = isMap(settings.data.contacts) ? settings.data.contacts[id] : null;
    if (isMap(contact) && contact.slackUser !== undefined && contact.slack === undefined)
      issues.push(
        locate(
          settings.yaml,
          ['contacts', id, 'slackUser'],
          `mentions them in Slack messages, and this contact has no slack: webhook (Teams cards mention no one) — add slack: \${ssm:/stalewatch/slack/${id}}, or remove slackUser`,
        ),
      );
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
    if (Array.isArray(data.checks)) issues.push(...holidaysOnly(yaml, data.checks, settings.data, today));
  }
  issues.push(...dependsOnProblems(datasets));
  return issues;
}

/**
 * `dependsOn`: each id names another dataset of the tree, and following them never comes back to where
 * it started (a cycle would make each dataset the other's cause, and neither story could be told). A
 * cycle is reported once, at the entry that closes it, naming every step: `a → b → a`.
 */
function dependsOnProblems(datasets: YamlData[]): ConfigIssue[] {
  const files = new Map<
    string,
    { yaml: YamlData['yaml']; deps: Array<{ name: string; path: Array<string | number> }> }
  >();
  for (const { yaml, data } of datasets) {
    const id = isMap(data) ? str(data.dataset) : null;
    if (id && !files.has(id))
      files.set(id, { yaml, deps: namesIn(isMap(data) ? data.dependsOn : undefined) });
  }
  const ids = [...files.keys()];
  const issues: ConfigIssue[] = [];
  for (const [id, { yaml, deps }] of files) {
    for (const { name, path } of deps) {
      if (name === id) {
        issues.push(
          locate(
            yaml,
            ['dependsOn', ...path],
            `${quote(name)} is this dataset itself — a dataset cannot depend on itself; remove it`,
          ),
        );
      } else if (!files.has(name)) {
        issues.push(
          locate(
            yaml,
            ['dependsOn', ...path],
            `${quote(name)} is not a dataset${didYouMean(name, ids)} — dependsOn names the dataset: id of another file under checks/`,
          ),
        );
      }
    }
  }
  // Depth-first, in file order: an edge to a dataset still on the path closes a cycle.
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (id: string) => {
    const entry = files.get(id);
    if (done.has(id) || !entry) return;
    path.push(id);
    for (const { name, path: at } of entry.deps) {
      if (name === id || !files.has(name)) continue;
      const start = path.indexOf(name);
      if (start !== -1) {
        const cycle = [...path.slice(start), name].join(' → ');
        issues.push(
          locate(
            entry.yaml,
            ['dependsOn', ...at],
            `${quote(name)} closes a cycle: ${cycle} — each dataset would be the other's cause; remove ${quote(name)} from the dependsOn of ${quote(id)} (or the step that is not true)`,
          ),
        );
      } else visit(name);
    }
    path.pop();
    done.add(id);
  };
  for (const id of ids) visit(id);
  return issues;
}

/** Each `dueBy` whose every time falls on a public holiday of its region: no deadline would ever come. */
function holidaysOnly(
  yaml: YamlData['yaml'],
  checks: unknown[],
  settings: Loose,
  today: Date,
): ConfigIssue[] {
  // Deadlines are read in the settings' zone (Europe/London unless it says), holidays by local date.
  const zone = settings.timezone === undefined ? 'Europe/London' : str(settings.timezone);
  if (!zone || !isTimeZone(zone)) return [];
  return checks.flatMap((entry, i) => {
    const freshness = isMap(entry) && isMap(entry.freshness) ? entry.freshness : null;
    const cron = str(freshness?.dueBy);
    const region = str(freshness?.holidays ?? settings.holidays);
    // A cron or region that cannot be read is the schema's to report.
    if (!cron || !region || region === NO_HOLIDAYS || cronProblem(cron) || !isKnownRegion(region)) return [];
    const problem = holidaysOnlyProblem(cron, zone, region, today);
    return problem ? [locate(yaml, ['checks', i, 'freshness', 'dueBy'], problem)] : [];
  });
}

function duplicateCheckIds(yaml: YamlData['yaml'], dataset: string, checks: unknown[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const indexOf = new Map<string, number>();
  checks.forEach((entry, i) => {
    if (!isMap(entry)) return;
    const id = checkId(dataset, {
      name: str(entry.name),
      rowCount: entry.rowCount,
      activity: entry.activity,
    });
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
