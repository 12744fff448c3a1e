import { didYouMean } from '../config/suggest';
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
