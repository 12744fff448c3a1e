import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import type { CheckResult } from '../evaluate/types';
import type { Config, Status } from '../model/config';
import type { RunReport } from '../model/run';
import { formatWhen } from '../time/zone';
import { resultMessage } from './message';

/** Stale first, then checks that could not run, then passing ones. */
const ORDER: Record<Status, number> = { fail: 0, warn: 1, error: 2, pass: 3 };
const LABEL: Record<Status, string> = { fail: 'FAIL ', warn: 'WARN ', error: 'ERROR', pass: 'ok   ' };
const INDENT = ' '.repeat(10);

function bySeverityThenAge(a: CheckResult, b: CheckResult): number {
  return (
    ORDER[a.status] - ORDER[b.status] ||
    (a.staleSince?.getTime() ?? Number.POSITIVE_INFINITY) -
      (b.staleSince?.getTime() ?? Number.POSITIVE_INFINITY) ||
    a.check.id.localeCompare(b.check.id)
  );
}

function summary(results: readonly CheckResult[]): string {
  const n = (s: Status) => results.filter((r) => r.status === s).length;
  const parts = [
    [n('fail'), 'failing'],
    [n('warn'), n('warn') === 1 ? 'warning' : 'warnings'],
    [n('error'), 'could not run'],
    [n('pass'), 'passing'],
  ].filter(([k]) => Number(k) > 0);
  const total = `${results.length} check${results.length === 1 ? '' : 's'}`;
  return parts.length ? `${total}: ${parts.map(([k, w]) => `${k} ${w}`).join(', ')}` : `${total}`;
}

function resultLines(result: CheckResult, zone: string, now: Date): string[] {
  const head = `  ${LABEL[result.status]}   ${result.check.title} · ${result.check.name}`;
  const lines = [head];
  if (result.staleSince) lines.push(`${INDENT}stale since ${formatWhen(result.staleSince, zone, now)}`);
  lines.push(`${INDENT}${resultMessage(result, zone, now)}`);
  if (result.status === 'error')
    lines.push(`${INDENT}check id ${result.check.id}, source ${result.check.source}`);
  return lines;
}

/**
 * The run as a person reads it at a terminal: a summary, then each owner's datasets, stale first and
 * oldest first, with since when in the configured time zone.
 */
export function formatTextReport(report: RunReport, config: Config): string {
  const zone = config.settings.timezone;
  const { now, results } = report;
  const when = format(new TZDate(now, zone), 'EEEE d MMMM yyyy HH:mm');
  const out = [`Stalewatch — ${when} (${zone})`, summary(results)];
  const owners = [...new Set(results.flatMap((r) => r.check.owners))];
  for (const owner of owners) {
    const contact = config.settings.contacts[owner];
    out.push('', contact ? `${contact.name} (${owner})` : owner);
    const theirs = results.filter((r) => r.check.owners.includes(owner)).sort(bySeverityThenAge);
    for (const result of theirs) out.push(...resultLines(result, zone, now));
  }
  return `${out.join('\n')}\n`;
}
