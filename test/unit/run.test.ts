import type { SourceConnector } from '../../lib/app/ports';
import { runChecks } from '../../lib/app/run';
import type { Config } from '../../lib/core/model/config';
import { toRunJson } from '../../lib/core/report/json';
import { dueBy, freshness, rowCount } from '../helpers/checks';

/** A source that answers every batch with the same row: the port the run reads, without a database. */
const answering = (row: Record<string, unknown>): SourceConnector => ({
  dialect: 'postgres',
  source: 'tis',
  statementTimeoutMs: 30_000,
  description: 'a fixed row',
  connect: async () => ({ dialect: 'postgres', queryRow: async () => row, close: async () => undefined }),
});

const config = { settings: { timezone: 'Europe/London', sources: {} } } as unknown as Config;
const now = new Date('2026-11-23T10:00:00Z');

describe('a run, when one check’s verdict cannot be worked out', () => {
  it('gives that check an error saying so, and every other check its verdict', async () => {
    // Prepare: a deadline only on Christmas Day, a bank holiday every year, so no deadline is ever
    // left; beside it a healthy age check and a count. Each on its own table: one column each.
    const checks = [
      { ...freshness({ failAfter: '2d' }), id: 'p/age', table: 'public.a' },
      { ...freshness(dueBy('0 7 25 12 *')), id: 'p/christmas', table: 'public.b' },
      { ...rowCount({ failBelow: 1 }), id: 'p/rows', table: 'public.c' },
    ];
    const row = { c0: '2026-11-23T09:00:00+00:00', c1: '2020-12-24T08:00:00+00:00', c2: '5' };
    // Act
    const report = await runChecks({ config, checks, connectors: { tis: answering(row) }, now, runId: 'r' });
    // Assess
    expect(report.results.map((r) => [r.check.id, r.status])).toEqual([
      ['p/age', 'pass'],
      ['p/christmas', 'error'],
      ['p/rows', 'pass'],
    ]);
    expect(report.results[1]?.error).toMatch(
      /^the verdict could not be worked out from what the source gave: "0 7 25 12 \*" only falls on holidays/,
    );
    expect(toRunJson(report, config).results[1]?.message).toMatch(/^Stalewatch could not check/);
  });
});
