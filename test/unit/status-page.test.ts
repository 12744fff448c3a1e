import type { Config } from '../../lib/core/model/config';
import { type DatasetStatus, statusPageModel } from '../../lib/core/status';
import { renderStatusPage } from '../../lib/core/status-page';
import { freshness, rowCount } from '../helpers/checks';

const NOW = new Date('2026-11-23T10:00:00Z');
const empty = { days: [], onTime: 0, recorded: 0 };
const dataset = (title: string, status: DatasetStatus['status']): DatasetStatus => ({
  title,
  status,
  since: null,
  lastUpdatedAt: null,
  owners: [],
  onIt: null,
  record: empty,
});

describe('the status page (without a browser)', () => {
  it('lists datasets worst first: out of date, could not check, late, on time, not checked yet', () => {
    // Act
    const html = renderStatusPage({
      now: NOW,
      timezone: 'Europe/London',
      datasets: [
        dataset('A on time', 'pass'),
        dataset('B never', null),
        dataset('C late', 'warn'),
        dataset('D error', 'error'),
        dataset('E stale', 'fail'),
      ],
    });

    // Assess
    const titles = [...html.matchAll(/<h2 id="dataset-\d+">([^<]+)<\/h2>/g)].map((m) => m[1]);
    expect(titles).toEqual(['E stale', 'D error', 'C late', 'A on time', 'B never']);
    expect(html).toContain(
      '5 datasets: 1 on time, 1 late, 1 out of date, 1 could not check, 1 not checked yet.',
    );
  });

  it('takes a dataset’s state from its worst check, and "since" from its stale checks’ earliest staleSince', () => {
    // Prepare: one check late since 04:14, the other out of date since 06:00.
    const late = { ...freshness({}), id: 'placements/updated-recently' };
    const low = { ...rowCount({ failBelow: 5 }), id: 'placements/current' };
    const config = {
      settings: {
        timezone: 'Europe/London',
        contacts: { lead: { id: 'lead', name: 'Placements data lead' } },
      },
      datasets: [{ id: 'placements', title: 'Trainee placements', owners: ['lead'], checks: [late, low] }],
    } as unknown as Config;
    const current = new Map([
      [
        late.id,
        {
          checkId: late.id,
          status: 'warn' as const,
          since: null,
          staleSince: '2026-11-23T04:14:00Z',
          lastUpdatedAt: '2026-11-22T02:14:00Z',
        },
      ],
      [
        low.id,
        {
          checkId: low.id,
          status: 'fail' as const,
          since: null,
          staleSince: '2026-11-23T06:00:00Z',
          lastUpdatedAt: null,
        },
      ],
    ]);

    // Act
    const [d] = statusPageModel(config, current, [], NOW).datasets;

    // Assess
    expect(d).toMatchObject({
      title: 'Trainee placements',
      status: 'fail',
      since: new Date('2026-11-23T04:14:00Z'),
      lastUpdatedAt: new Date('2026-11-22T02:14:00Z'),
      owners: ['Placements data lead'],
      onIt: null,
    });
    expect(d?.record.days).toHaveLength(30);
  });

  it('escapes every config text, and has no script, stylesheet link or image', () => {
    const html = renderStatusPage({
      now: NOW,
      timezone: 'Europe/London',
      datasets: [
        {
          ...dataset('<script>x</script> & "q"', 'fail'),
          owners: ["O'Brien <b>"],
          onIt: { by: '<i>J</i>', at: NOW.toISOString() },
        },
      ],
    });

    expect(html).toContain('&lt;script&gt;x&lt;/script&gt; &amp; &quot;q&quot;');
    expect(html).toContain('O&#39;Brien &lt;b&gt;');
    expect(html).toContain('&lt;i&gt;J&lt;/i&gt; (since 10:00)');
    expect(html).not.toMatch(/<script|<link|<img|url\(|@import/i);
  });

  it('shows what a stale dataset waits on, and who is on it, from the acknowledgement', () => {
    // Prepare: the sync is out of date, and placements, made from it, too.
    const sync = { ...freshness({}), id: 'nightly-sync/succeeded' };
    const placements = { ...freshness({}), id: 'placements/updated-recently' };
    const config = {
      settings: { timezone: 'Europe/London', contacts: {} },
      datasets: [
        { id: 'nightly-sync', title: 'Nightly ESR sync', owners: [], dependsOn: [], checks: [sync] },
        {
          id: 'placements',
          title: 'Trainee placements',
          owners: [],
          dependsOn: ['nightly-sync'],
          checks: [placements],
        },
      ],
    } as unknown as Config;
    const stale = (checkId: string) => ({
      checkId,
      status: 'fail' as const,
      since: '2026-11-23T07:00:00Z',
      staleSince: '2026-11-23T07:00:00Z',
      lastUpdatedAt: null,
    });
    const current = new Map([
      [sync.id, stale(sync.id)],
      [placements.id, stale(placements.id)],
    ]);
    const acknowledgements = new Map([['nightly-sync', { by: 'Jane Smith', at: '2026-11-23T09:02:00Z' }]]);

    // Act
    const html = renderStatusPage(statusPageModel(config, current, [], NOW, { acknowledgements }));

    // Assess
    const text = html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain('Trainee placements ✕ Out of date');
    // No one is on placements itself, but Jane is on what it waits on: the page says so, not "nobody".
    expect(text).toMatch(
      /Trainee placements .* Waiting on Nightly ESR sync Who is on it Jane Smith, on Nightly ESR sync \(since 09:02\)/,
    );
    expect(text).not.toContain('Nobody has said yet');
    expect(text).toMatch(/Nightly ESR sync ✕ Out of date .* Who is on it Jane Smith \(since 09:02\)/);
    expect(text.match(/Waiting on/g)).toHaveLength(1);
  });
});
