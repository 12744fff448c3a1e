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
 * the nightly sync somebody is on (and the datasets waiting on it), and the sample alarms going off, as
 * `npm run screenshot:status` shows it in the README.
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
    // Jane is on the nightly sync, which holds up the datasets made from it ("Waiting on").
    const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();
    const onIt = new Map([['nightly-sync', { by: 'Jane Smith', at: minutesAgo(40) }]]);
    // The sample alarms (tools/demo/alarms.ts): the website down since 09:53, the disk low since 09:20.
    const alarm = (name: string, since: string) =>
      [
        `alarm/${name}`,
        { checkId: `alarm/${name}`, status: 'fail' as const, since, staleSince: since, lastUpdatedAt: null },
      ] as const;
    const alarms = new Map([
      alarm('tis-prod-website-health', minutesAgo(7)),
      alarm('tis-prod-db-free-storage', minutesAgo(40)),
    ]);
    return renderStatusPage(
      statusPageModel(config, current, history, now, { acknowledgements: onIt, alarms }),
    );
  } finally {
    await db.close();
  }
}
