import type { Config } from '../core/model/config';
import type { RunReport } from '../core/model/run';
import {
  type CheckNow,
  checkNowOfResult,
  historyOfResults,
  STATUS_DAYS,
  type StatusExtras,
  statusPageModel,
} from '../core/status';
import { renderStatusPage } from '../core/status-page';
import type { StatusStatePort } from './ports';

/** The first moment any day of the strip can start, whatever the zone: a day more than it shows. */
const historyFrom = (now: Date) => new Date(now.getTime() - (STATUS_DAYS + 1) * 86_400_000);

/**
 * The page for a run made here (`stalewatch status`): the run's results are the state now; with the
 * deployed state, "since when" comes from it where the stored status is the same, and the strip from its
 * history with this run added. Without it, the page shows this run alone.
 */
export async function statusPageOfRun(
  config: Config,
  report: RunReport,
  stored: StatusStatePort | null,
): Promise<string> {
  const ids = report.results.map((r) => r.check.id);
  const [states, history] = stored
    ? await Promise.all([stored.states(ids), stored.history(ids, historyFrom(report.now))])
    : [new Map<string, CheckNow>(), []];
  const current = new Map(
    report.results.map((r) => {
      const fromRun = checkNowOfResult(r);
      const before = states.get(r.check.id);
      const since = before && before.status === r.status ? before.since : fromRun.since;
      return [r.check.id, { ...fromRun, since }];
    }),
  );
  const all = [...history, ...historyOfResults(report.results, report.now)];
  return renderStatusPage(statusPageModel(config, current, all, report.now, await extrasOf(config, stored)));
}

/**
 * The page of the deployed service after a run: every check's stored state (the run just recorded its
 * own) and 30 days of history. Each source's run rewrites it whole, so the last one written shows all.
 */
export async function statusPageOfState(config: Config, now: Date, stored: StatusStatePort): Promise<string> {
  const ids = config.checks.map((c) => c.id);
  const [states, history, extras] = await Promise.all([
    stored.states(ids),
    stored.history(ids, historyFrom(now)),
    extrasOf(config, stored),
  ]);
  return renderStatusPage(statusPageModel(config, states, history, now, extras));
}

/**
 * Who is on what (the acknowledgements, the one record of it) and the watched alarms' states, from the
 * deployed state; nothing without it (a page of one run knows no one's acknowledgement and no alarm).
 */
async function extrasOf(config: Config, stored: StatusStatePort | null): Promise<StatusExtras> {
  if (!stored) return {};
  const alarms = await stored.alarms();
  const acknowledgements = await stored.acknowledgements([
    ...config.datasets.map((d) => d.id),
    ...alarms.keys(),
  ]);
  return { acknowledgements, alarms };
}
