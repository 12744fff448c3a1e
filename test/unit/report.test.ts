import { evaluate } from '../../lib/core/evaluate/evaluate';
import type { Config } from '../../lib/core/model/config';
import { toRunJson } from '../../lib/core/report/json';
import { resultMessage } from '../../lib/core/report/message';
import { formatTextReport } from '../../lib/core/report/text';
import { at, dueBy, freshness, rowCount } from '../helpers/checks';
import { sampleContacts } from '../helpers/events';

const NOW = at('2026-11-23T10:00:00Z');
const fresh = (iso: string | null) => ({ kind: 'freshness' as const, lastUpdatedAt: iso ? at(iso) : null });

function configWith(timezone = 'Europe/London'): Config {
  return {
    settings: {
      timezone,
      vpc: null,
      runEvery: '15m',
      holidays: null,
      sources: {},
      contacts: sampleContacts(),
      notify: { errorsTo: null, remindEvery: '24h', digest: '0 8 * * 1-5', quietHours: null },
      metrics: 'run',
    },
    datasets: [],
    checks: [],
    alarms: [],
    warnings: [],
  };
}

describe('result messages', () => {
  it('says how out of date, since when and what was expected, in the configured zone', () => {
    const result = evaluate(freshness({ warnAfter: '26h' }), fresh('2026-11-22T02:14:00Z'), null, NOW);
    expect(resultMessage(result, 'Europe/London', NOW)).toBe(
      'Trainee placements data is 1 day out of date: last updated Sunday 22 November 02:14 (1 day ago); new data was expected within 26 hours.',
    );
  });

  it('shows times in the zone of the config, with its summer time', () => {
    const now = at('2026-07-02T10:00:00Z');
    const result = evaluate(freshness({ warnAfter: '1h' }), fresh('2026-07-01T08:00:00Z'), null, now);
    expect(resultMessage(result, 'Europe/London', now)).toContain('last updated Wednesday 1 July 09:00');
    expect(resultMessage(result, 'America/New_York', now)).toContain('last updated Wednesday 1 July 04:00');
  });

  it('names the missed deadline of a schedule', () => {
    const result = evaluate(freshness(dueBy('0 7 * * 1-5')), fresh('2026-11-20T02:10:00Z'), null, NOW);
    expect(resultMessage(result, 'Europe/London', NOW)).toBe(
      'Trainee placements data is 3 days out of date: last updated Friday 20 November 02:10 (3 days ago); new data was due by Monday 23 November 07:00 (3 hours ago).',
    );
  });

  it('says plainly when there is no data, or too few rows', () => {
    const none = evaluate(freshness({ warnAfter: '1h' }), fresh(null), null, NOW);
    expect(resultMessage(none, 'UTC', NOW)).toBe('Trainee placements has no data: there is no data at all.');
    const few = evaluate(rowCount({ failBelow: 1000 }), { kind: 'rowCount', rowCount: 850 }, null, NOW);
    expect(resultMessage(few, 'UTC', NOW)).toBe(
      'Trainee placements has 850 rows: at least 1,000 rows were expected.',
    );
  });

  it('shows the year of a time that is not in the current one', () => {
    const result = evaluate(freshness({ warnAfter: '1h' }), fresh('2025-12-30T10:00:00Z'), null, NOW);
    expect(resultMessage(result, 'UTC', NOW)).toContain('last updated Tuesday 30 December 2025 10:00');
  });
});

describe('the text report', () => {
  it('groups by owner and lists stale checks first, oldest first, with since when', () => {
    // Prepare
    const results = [
      evaluate(
        { ...freshness({ warnAfter: '1h' }), id: 'a/ok', name: 'ok' },
        fresh('2026-11-23T09:30:00Z'),
        null,
        NOW,
      ),
      evaluate(
        { ...freshness({ warnAfter: '1h' }), id: 'a/recent', name: 'recent' },
        fresh('2026-11-23T07:00:00Z'),
        null,
        NOW,
      ),
      evaluate(
        { ...freshness({ failAfter: '1h' }), id: 'a/old', name: 'old' },
        fresh('2026-11-20T07:00:00Z'),
        null,
        NOW,
      ),
      evaluate(
        { ...freshness({ failAfter: '1h' }), id: 'a/older', name: 'older' },
        fresh('2026-11-19T07:00:00Z'),
        null,
        NOW,
      ),
    ];
    // Act
    const text = formatTextReport({ runId: 'r', now: NOW, results }, configWith());
    // Assess
    const heads = text.split('\n').filter((l) => /^ {2}(FAIL|WARN|ok)/.test(l));
    expect(heads.map((l) => l.trim().replace(/\s+/g, ' '))).toEqual([
      'FAIL Trainee placements · older',
      'FAIL Trainee placements · old',
      'WARN Trainee placements · recent',
      'ok Trainee placements · ok',
    ]);
    expect(text).toContain(
      'Stalewatch — Monday 23 November 2026 10:00 (Europe/London)\n4 checks: 2 failing, 1 warning, 1 passing',
    );
    expect(text).toContain('Placements data lead (placements-lead)');
    expect(text).toContain('stale since Thursday 19 November 08:00 (4 days ago)');
  });
});

describe('the JSON report', () => {
  it('gives times as ISO-8601 UTC with milliseconds', () => {
    const result = evaluate(freshness({ warnAfter: '26h' }), fresh('2026-11-22T02:14:00Z'), null, NOW);
    const json = toRunJson({ runId: 'r1', now: NOW, results: [result] }, configWith());
    expect(json).toEqual({
      runId: 'r1',
      now: '2026-11-23T10:00:00.000Z',
      results: [
        expect.objectContaining({
          id: 'placements/freshness',
          kind: 'freshness',
          status: 'warn',
          lastUpdatedAt: '2026-11-22T02:14:00.000Z',
          staleSince: '2026-11-23T04:14:00.000Z',
          observed: { ageSeconds: 114360 },
          error: null,
        }),
      ],
    });
  });
});
