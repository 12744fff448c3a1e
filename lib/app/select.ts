import { didYouMean } from '../config/suggest';
import { watchOf } from '../core/alarms/watch';
import { UsageError } from '../core/errors';
import type { Check, Config } from '../core/model/config';

/** Splits `--only a,b --only c` into ids. */
export function parseOnly(values: readonly string[] | undefined): string[] {
  const ids = (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  // `--only ""` or `--only ,` names nothing: running every check instead would surprise.
  if ((values ?? []).length > 0 && ids.length === 0) {
    throw new UsageError(
      '--only names no dataset or check id — give one or more, e.g. --only placements or --only placements/updated-recently,posts (leave --only out to run every check)',
    );
  }
  return ids;
}

/**
 * The checks that `only` names, by dataset id (all its checks) or check id, in config order; all of
 * them when `only` is empty. An id that names nothing is a usage error, with the closest id suggested.
 */
export function selectChecks(config: Config, only: readonly string[]): Check[] {
  if (only.length === 0) return config.checks;
  const known = [...config.datasets.map((d) => d.id), ...config.checks.map((c) => c.id)];
  const unknown = only.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    const lines = unknown.map((id) => `"${id}" is not a dataset or check id${didYouMean(id, known)}`);
    throw new UsageError(
      `${lines.join('\n')}\nThe datasets are: ${config.datasets.map((d) => d.id).join(', ')}.`,
    );
  }
  const wanted = new Set(only);
  return config.checks.filter((c) => wanted.has(c.id) || wanted.has(c.dataset));
}

/** What `snooze` and `ack` act on: a dataset, or a CloudWatch alarm that a file under checks/ watches. */
export interface Watched {
  /** The dataset id, or `alarm/<alarm name>`: the key of its snooze and acknowledgement. */
  id: string;
  title: string;
  /** The file it was read from. */
  file: string;
  /** Its file's `snooze:`. */
  snoozeUntil: Date | null;
}

/**
 * The check ids whose states say how a watched dataset or alarm is now: a dataset's checks, or the
 * alarm's own state (`alarm/<name>`).
 */
export function checkIdsOf(config: Config, watched: Pick<Watched, 'id'>): string[] {
  if (watched.id.startsWith('alarm/')) return [watched.id];
  return config.checks.filter((c) => c.dataset === watched.id).map((c) => c.id);
}

/**
 * The dataset or alarm `id` names: a dataset id, or an alarm's name (`tis-prod-website-health`, also
 * written `alarm/tis-prod-website-health`) that a file watches by name or prefix. A check id is refused
 * with its dataset to write instead; anything else with the closest id.
 */
export function watchedOf(config: Config, id: string): Watched {
  const dataset = config.datasets.find((d) => d.id === id);
  if (dataset) return { id, title: dataset.title, file: dataset.file, snoozeUntil: dataset.snoozeUntil };
  const name = id.startsWith('alarm/') ? id.slice('alarm/'.length) : id;
  const watch = name ? watchOf(config.alarms ?? [], name) : null;
  if (watch)
    return { id: `alarm/${name}`, title: watch.title, file: watch.file, snoozeUntil: watch.snoozeUntil };
  const check = config.checks.find((c) => c.id === id);
  if (check) throw new UsageError(`"${id}" is a check id; name its dataset: ${check.dataset}`);
  const known = [
    ...config.datasets.map((d) => d.id),
    ...(config.alarms ?? []).filter((a) => !a.prefix).map((a) => a.name),
  ];
  const prefixes = (config.alarms ?? []).filter((a) => a.prefix).map((a) => `${a.name}…`);
  // "did you mean "x"?" ends a sentence itself.
  const suggestion = didYouMean(id, known);
  throw new UsageError(
    `"${id}" is not a dataset or a watched alarm${suggestion}${suggestion ? ' ' : '. '}The datasets are: ${config.datasets
      .map((d) => d.id)
      .join(
        ', ',
      )}${known.length > config.datasets.length || prefixes.length > 0 ? `; the alarms: ${[...known.slice(config.datasets.length), ...prefixes].join(', ')}` : ''}.`,
  );
}
