import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { connectorForUrl } from '../../lib/adapters/sql/connect';
import { runChecks } from '../../lib/app/run';
import { loadConfig } from '../../lib/config/load';
import type { HistoryEntry } from '../../lib/core/history';
import { checkNowOfResult, historyOfResults, STATUS_DAYS, statusPageModel } from '../../lib/core/status';
import { renderStatusPage } from '../../lib/core/status-page';
import { sampleSql } from './sample';

const DAY = 86_400_000;

/**
 * Made-up history for the demo's page: one run a day for the days before `now`, mostly on time, a late
 * or out-of-date day here and there (a fixed pattern per dataset, so the picture is the same every
 * time), a day a source could not be reached, and each check's present status back to when it began.
 */
function sampleHistory(
  results: ReturnType<typeof historyOfResults>,
  staleSince: Map<string, Date | null>,
  now: Date,
) {
  const history: HistoryEntry[] = [];
  results.forEach((run, i) => {
    for (let d = STATUS_DAYS - 1; d >= 1; d--) {
      const at = new Date(now.getTime() - d * DAY);
      const since = staleSince.get(run.checkId);
      const pattern = (d * (i + 3)) % 13;
      const status: HistoryEntry['status'] =
        since && at >= since
          ? run.status
          : d === 17
            ? 'error'
            : pattern === 0
              ? 'fail'
              : pattern === 5
                ? 'warn'
                : 'pass';
      history.push({ checkId: run.checkId, runAt: at.toISOString(), status });
    }
  });
  return history;
}

/**
 * The demo's status page: the shipped checks on the sample data at `now`, with made-up history and
 * one dataset somebody is on, as `npm run screenshot:status` shows it in the README.
 */
export async function demoStatusPage(now: Date): Promise<string> {
  const config = await loadConfig({ dir: join(__dirname, '..', '..', 'checks'), env: {} });
  const db = await PGlite.create();
  try {
    await db.exec(sampleSql(now));
    const connectors = { tis: connectorForUrl('tis', db), warehouse: connectorForUrl('warehouse', db) };
    const report = await runChecks({ config, checks: config.checks, connectors, now, runId: 'demo' });
    const current = new Map(report.results.map((r) => [r.check.id, checkNowOfResult(r)]));
    const staleSince = new Map(report.results.map((r) => [r.check.id, r.staleSince]));
    const runs = historyOfResults(report.results, now);
    const history = [...sampleHistory(runs, staleSince, now), ...runs];
    const firstStale = config.datasets.find((d) =>
      report.results.some((r) => r.check.dataset === d.id && r.status === 'fail'),
    );
    const onIt = new Map(
      firstStale
        ? [[firstStale.id, { by: 'Jane Smith', at: new Date(now.getTime() - 40 * 60_000).toISOString() }]]
        : [],
    );
    return renderStatusPage(statusPageModel(config, current, history, now, { acknowledgements: onIt }));
  } finally {
    await db.close();
  }
}
