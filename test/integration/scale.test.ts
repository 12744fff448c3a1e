import { connectorForUrl } from '../../lib/adapters/sql/connect';
import { runChecks } from '../../lib/app/run';
import { loadConfig } from '../../lib/config/load';
import { runCompletedEvent } from '../../lib/core/events/build';
import { toRunJson } from '../../lib/core/report/json';
import { formatTextReport } from '../../lib/core/report/text';
import { at } from '../helpers/checks';
import { pgliteFolder } from '../helpers/databases';
import { writeTree } from '../helpers/tree';

// 20,000 checks over 50 sources, from config load to the run's summary event: a step that is quadratic
// in the number of checks (a copy per check) would take minutes here. No timed assertion: the bench
// measures time (docs/performance.md); this test only has to finish.
describe('a config of 20,000 checks over 50 sources', () => {
  it('loads, runs every check and reports, with a summary event that stays small', async () => {
    // Prepare: 10,000 datasets of two checks each, spread over 50 sources that share one database.
    const folder = await pgliteFolder(
      "CREATE TABLE public.t (id int, updated_at timestamptz); INSERT INTO public.t VALUES (1, '2026-11-23T09:00:00Z')",
    );
    const sources = Array.from({ length: 50 }, (_, s) =>
      [
        `  s${s}:`,
        '    engine: postgres',
        `    resourceArn: arn:aws:rds:eu-west-2:123456789012:cluster:s${s}`,
        `    secretArn: arn:aws:secretsmanager:eu-west-2:123456789012:secret:s${s}`,
        '    database: d',
      ].join('\n'),
    );
    const files: Record<string, string> = {
      'stalewatch.yml': ['sources:', ...sources, 'contacts:\n  lead: {name: Lead, audience: data-lead}'].join(
        '\n',
      ),
    };
    for (let d = 0; d < 10_000; d++) {
      files[`d${d}.yml`] =
        `dataset: d${d}\ntitle: Dataset ${d}\nsource: s${d % 50}\ntable: public.t\nowner: lead\n` +
        'impact: Reports are late.\naction: Re-run the load.\nchecks:\n' +
        `  - freshness: {column: updated_at, warnAfter: ${d % 2 === 0 ? '1d' : '1m'}}\n  - rowCount: {failBelow: 1}\n`;
    }
    const config = await loadConfig({ dir: writeTree(files), env: {} });
    const connectors = Object.fromEntries(
      Object.keys(config.settings.sources).map((s) => [s, connectorForUrl(s, `pglite:${folder}`)]),
    );

    // Act
    const report = await runChecks({
      config,
      checks: config.checks,
      connectors,
      now: at('2026-11-23T10:00:00Z'),
      runId: 'r1',
    });
    const json = toRunJson(report, config);
    const text = formatTextReport(report, config);
    const summary = runCompletedEvent(report, null);

    // Assess
    expect(json.results).toHaveLength(20_000);
    const counts = { pass: 0, warn: 0, fail: 0, error: 0 };
    for (const r of json.results) counts[r.status as keyof typeof counts]++;
    expect(counts).toEqual({ pass: 15_000, warn: 5_000, fail: 0, error: 0 });
    expect(text).toContain('5000');
    expect(JSON.stringify(summary).length).toBeLessThan(256 * 1024);
  }, 600_000);
});
