import type { CheckEventDetail, DetailType } from '../../lib/core/events/types';
import { type AlertContext, alertOf } from '../../lib/core/messages/build';
import {
  type DigestEntry,
  digestChecks,
  digestEntries,
  digestOf,
  onTimeRates,
} from '../../lib/core/messages/digest';
import { toEmail } from '../../lib/core/messages/email';
import { recipientsOf } from '../../lib/core/messages/recipients';
import { SLACK_LIMITS, toSlack } from '../../lib/core/messages/slack';
import type { Contact, Settings } from '../../lib/core/model/config';
import { sampleContacts, sampleDetail } from '../helpers/events';

const contacts = sampleContacts();
(contacts['placements-lead'] as Contact).email = 'p@example.org';
const settings: AlertContext['settings'] & Pick<Settings, 'notify'> = {
  timezone: 'Europe/London',
  contacts,
  notify: { errorsTo: 'platform', remindEvery: '24h', digest: '0 8 * * 1-5', quietHours: null },
};
const NOW = new Date('2026-11-23T10:00:00Z');

const detail = sampleDetail;

const render = (type: DetailType, d: CheckEventDetail, to: string, now = NOW) => {
  const alert = alertOf(type, d, contacts[to] as Contact, { settings, now });
  if (!alert) throw new Error('no alert');
  const slack = toSlack(alert);
  return { alert, slack, slackJson: JSON.stringify(slack), email: toEmail(alert) };
};

describe('a stale dataset, for its data lead', () => {
  // Prepare, Act: one stale dataset's alert, rendered once for the tests below to read.
  const { alert, slackJson, email } = render('Dataset Stale', detail(), 'placements-lead');

  it('leads with how out of date it is, in plain words', () => {
    // Assess
    expect(alert.headline).toBe('Trainee placements data is 3 days out of date');
    expect(email.subject).toBe('Stale: Trainee placements data is 3 days out of date');
  });

  it('says since when (absolute in the configured zone, and relative), last updated, and what was expected', () => {
    // Assess
    expect(email.text).toContain('Stale since: Monday 23 November 07:00 (3 hours ago)');
    expect(email.text).toContain('Last updated: Friday 20 November 02:10 (3 days ago)');
    expect(email.text).toContain(
      'Expected: New data by 07:00, Monday through Friday (it was due by Monday 23 November 07:00)',
    );
  });

  it('says what it means, what to do, who is on it, and gives a note to forward', () => {
    // Assess
    expect(email.text).toContain(
      'What this means\nTrainees and Local Office admins see out-of-date placement details.',
    );
    expect(email.text).toContain('What to do\nAsk the platform team to re-run the nightly ESR sync.');
    expect(email.text).toContain('Owner: Placements data lead');
    expect(email.text).toContain('Who is on it: nobody has said so yet');
    expect(email.text).toMatch(
      /A note you can forward\n> Trainee placements has been out of date since Monday 23 November 07:00\./,
    );
  });

  it('carries nothing technical: no SQL, table, check id or source', () => {
    // Assess: in Slack, in the email's HTML and in its text.
    for (const text of [slackJson, email.html, email.text]) {
      expect(text).not.toMatch(/SELECT|public\.placement|placements\/nightly-sync|\btis\b|sls invoke/);
    }
  });

  it('uses Slack’s date token, so each reader sees their own time, with the London time as fallback', () => {
    // Assess
    expect(slackJson).toContain(
      '<!date^1795417200^{date_long_pretty} {time}|Monday 23 November 07:00> (3 hours ago)',
    );
  });

  it('shows markup in an impact as text in the email, never as HTML', () => {
    // Prepare
    const d = detail({ impact: '<script>x</script> & more' });
    // Act
    const html = render('Dataset Stale', d, 'placements-lead').email.html;
    // Assess
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt; &amp; more');
  });
});

describe('for the platform team', () => {
  it('adds the check id, source, table, SQL, error and the re-run command', () => {
    // Prepare
    const d = detail({ status: 'error', error: 'relation "public.placement" does not exist', breaches: [] });
    // Act
    const { alert, email } = render('Check Error', d, 'platform');
    // Assess
    expect(alert.headline).toBe('Stalewatch could not check Trainee placements');
    expect(email.text).toContain('Check placements/nightly-sync · source tis · table public.placement');
    expect(email.text).toContain('Error\nrelation "public.placement" does not exist');
    expect(email.text).toContain(
      `SQL\n(SELECT to_json(max("last_modified")) #>> '{}' FROM "public"."placement")`,
    );
    expect(email.text).toContain(`Run it again\nsls invoke -f check --data '{"only":["placements"]}'`);
  });
});

describe('other messages', () => {
  it('closes the story on recovery, saying how long it was stale', () => {
    // Prepare
    const d = detail({
      status: 'pass',
      previousStatus: 'fail',
      staleSince: '2026-11-21T07:00:00.000Z',
      lastUpdatedAt: '2026-11-23T09:40:00.000Z',
      staleForSeconds: 2 * 86_400 + 3 * 3_600,
      breaches: [],
    });
    // Act
    const { alert, email } = render('Dataset Recovered', d, 'placements-lead');
    // Assess
    expect(alert.headline).toBe('Trainee placements is up to date again (was stale for 2 days)');
    expect(email.subject).toBe(
      'Back to normal: Trainee placements is up to date again (was stale for 2 days)',
    );
    expect(email.text).toContain('Was stale since: Saturday 21 November 07:00 (2 days ago)');
    expect(email.text).not.toContain('What this means');
    expect(email.text).not.toContain(d.impact as string);
  });

  it('marks reminders as still stale', () => {
    // Act
    const { email } = render('Dataset Still Stale', detail(), 'placements-lead');
    // Assess
    expect(email.subject).toBe('Still stale: Trainee placements data is 3 days out of date');
  });

  it('words row counts as rows, not as age', () => {
    // Prepare
    const d = detail({
      kind: 'rowCount',
      lastUpdatedAt: null,
      observed: { rowCount: 850, previousRowCount: 1000 },
      breaches: [{ rule: 'failBelow', limit: 1000 }],
    });
    // Act
    const { alert, email } = render('Dataset Stale', d, 'placements-lead');
    // Assess
    expect(alert.headline).toBe('Trainee placements has 850 rows (at least 1,000 expected)');
    expect(email.text).toContain('Rows now: 850 (1,000 at the check before)\nExpected: At least 1,000 rows');
    expect(email.text).toContain('Trainee placements may be incomplete or wrong since');
  });

  it('shows times across the clock change in the zone’s own time (BST after 29 March)', () => {
    // Prepare: stale since the morning the clocks went forward.
    const now = new Date('2026-03-29T09:00:00Z');
    const d = detail({
      staleSince: '2026-03-29T06:00:00.000Z',
      lastUpdatedAt: '2026-03-27T06:00:00.000Z',
      breaches: [],
    });
    // Act
    const { email } = render('Dataset Stale', d, 'placements-lead', now);
    // Assess
    expect(email.text).toContain('Stale since: Sunday 29 March 07:00 (3 hours ago)');
    expect(email.text).toContain('Last updated: Friday 27 March 06:00');
  });
});

describe('who hears of an event', () => {
  it('sends dataset events to the owners, and a copy to subscribers', () => {
    // Act
    const to = recipientsOf('Dataset Stale', detail(), settings).map((r) => [r.contact.id, r.role]);
    // Assess
    expect(to).toEqual([
      ['placements-lead', 'owner'],
      ['placements-product-lead', 'subscriber'],
    ]);
  });

  it('sends check errors to notify.errorsTo', () => {
    // Act
    const to = recipientsOf('Check Error', detail(), settings).map((r) => r.contact.id);
    // Assess
    expect(to).toEqual(['platform']);
  });
});

describe('the digest', () => {
  const LAST = new Date('2026-11-20T08:00:00Z');
  const ctx = { zone: 'Europe/London', now: NOW, lastDigestAt: LAST, key: 'k' };
  const entry = (i: number, since: string | null, more: Partial<DigestEntry> = {}): DigestEntry => ({
    dataset: `d${i}`,
    title: `Dataset ${i}`,
    owners: ['placements-lead'],
    subscribers: [],
    impact: `Impact ${i}.`,
    action: `Action ${i}.`,
    state: 'stale',
    staleSince: since,
    lastUpdatedAt: '2026-11-19T00:00:00.000Z',
    noData: false,
    recoveredAt: null,
    ...more,
  });
  const parts = (digest: ReturnType<typeof digestOf>) =>
    digest?.sections?.map((s) => [s.title, s.items.map((i) => i.title)]);

  it('has three parts: newly stale since the last digest, still stale oldest first, and back to normal', () => {
    // Prepare, Act: new, still stale (one never seen with data), recovered lately and recovered long ago.
    const digest = digestOf(
      contacts['placements-lead'] as Contact,
      [
        entry(1, '2026-11-22T00:00:00.000Z'),
        entry(2, '2026-11-18T00:00:00.000Z'),
        entry(3, '2026-11-19T00:00:00.000Z'),
        entry(4, null, { noData: true, lastUpdatedAt: null }),
        entry(5, '2026-11-21T00:00:00.000Z', {
          state: 'recovered',
          recoveredAt: '2026-11-22T06:00:00.000Z',
        }),
        entry(6, '2026-11-01T00:00:00.000Z', { state: 'recovered', recoveredAt: '2026-11-19T06:00:00.000Z' }),
      ],
      ctx,
    );
    // Assess
    expect(digest?.headline).toBe('4 datasets out of date (1 new), 1 back to normal');
    expect(parts(digest)).toEqual([
      ['Newly stale since the last digest', ['Dataset 1']],
      ['Still stale, oldest first', ['Dataset 4', 'Dataset 2', 'Dataset 3']],
      ['Back to normal since the last digest', ['Dataset 5']],
    ]);
    const text = toEmail(digest as never).text;
    expect(text).toContain(
      '- Dataset 2\n  Stale since Wednesday 18 November 00:00 (5 days ago); last updated Thursday 19 November 00:00 (4 days ago)\n  What it means: Impact 2. What to do: Action 2.\n  Who is on it: nobody has said so yet',
    );
    expect(text).toContain('- Dataset 4\n  No data since before Stalewatch first looked');
    expect(text).toContain(
      '- Dataset 5\n  Back to normal since Sunday 22 November 06:00 (28 hours ago); it was stale for at least 30 hours',
    );
  });

  it('says who is on it and the on-time rate over 30 days', () => {
    // Prepare, Act: a stale dataset Jane is on, on time 27 of the last 30 days.
    const digest = digestOf(
      contacts['placements-lead'] as Contact,
      [
        entry(1, '2026-11-22T00:00:00.000Z', {
          onIt: { by: 'Jane Smith', at: '2026-11-23T08:12:00.000Z' },
          onTimeRate: { onTime: 27, recorded: 30, days: 30 },
        }),
      ],
      ctx,
    );
    // Assess: in the email and in Slack.
    const text = toEmail(digest as never).text;
    expect(text).toContain('Who is on it: Jane Smith (since 08:12)');
    expect(text).toContain('On time 27 of 30 days');
    expect(
      toSlack(digest as never)[0]
        ?.blocks.map((b) => JSON.stringify(b))
        .join(''),
    ).toContain('On time 27 of 30 days');
  });

  it('reads the state table: stale now (also while a check errs), and back to normal after its history saw it stale', () => {
    // Prepare
    const state = (checkId: string, more: Record<string, unknown>) =>
      ({
        checkId,
        status: 'pass',
        since: '2026-11-01T00:00:00.000Z',
        dataStatus: 'pass',
        staleSince: null,
        lastUpdatedAt: '2026-11-23T05:00:00.000Z',
        observed: { ageSeconds: 60 },
        rowCounts: [],
        lastNotifiedAt: null,
        runId: 'r',
        runAt: '2026-11-23T09:45:00.000Z',
        version: 1,
        ...more,
      }) as never;
    const run = (checkId: string, runAt: string, status: 'pass' | 'warn' | 'fail' | 'error') => ({
      checkId,
      runAt,
      status,
    });
    // Act: a failing, an erring, a recovered, a never-stale and a passing check.
    const checks = digestChecks(
      [
        state('a/x', { status: 'fail', staleSince: '2026-11-22T00:00:00.000Z' }),
        state('b/x', { status: 'error', dataStatus: 'warn', staleSince: '2026-11-21T00:00:00.000Z' }),
        state('c/x', { since: '2026-11-22T06:00:00.000Z' }),
        state('d/x', { since: '2026-11-22T06:00:00.000Z' }),
        state('e/x', {}),
      ],
      [
        run('c/x', '2026-11-21T00:00:00.000Z', 'pass'),
        run('c/x', '2026-11-21T00:15:00.000Z', 'fail'),
        run('c/x', '2026-11-21T12:00:00.000Z', 'error'),
        run('c/x', '2026-11-22T05:45:00.000Z', 'fail'),
        run('c/x', '2026-11-22T06:00:00.000Z', 'pass'),
        run('d/x', '2026-11-22T05:45:00.000Z', 'pass'),
      ],
      LAST,
    );
    // Assess: only the stale and the recovered are in the digest.
    expect(checks.map((c) => [c.checkId, c.state, c.staleSince])).toEqual([
      ['a/x', 'stale', '2026-11-22T00:00:00.000Z'],
      ['b/x', 'stale', '2026-11-21T00:00:00.000Z'],
      ['c/x', 'recovered', '2026-11-21T00:15:00.000Z'],
    ]);
  });

  it('counts the on-time rate over 30 days from the history of the dataset’s checks', () => {
    // Prepare: 30 days of runs, the latest 3 failing.
    const config = {
      checks: [
        { id: 'a/x', dataset: 'a' },
        { id: 'a/y', dataset: 'a' },
      ],
    } as never;
    const history = Array.from({ length: 30 }, (_, i) => ({
      checkId: i % 2 ? 'a/x' : 'a/y',
      runAt: new Date(NOW.getTime() - i * 86_400_000).toISOString(),
      status: (i < 3 ? 'fail' : 'pass') as 'fail' | 'pass',
    }));
    // Act
    const rate = onTimeRates(config, history, NOW, 'Europe/London')('a');
    const withoutHistory = onTimeRates(config, [], NOW, 'Europe/London')('a');
    // Assess
    expect(rate).toEqual({ onTime: 27, recorded: 30, days: 30 });
    expect(withoutHistory).toBeNull();
  });

  it('lists an alarm going off as a problem since when it went off', () => {
    // Prepare
    const config = {
      checks: [],
      datasets: [],
      alarms: [
        {
          name: 'tis-prod-db-disk',
          prefix: false,
          title: 'TIS database disk space',
          owners: ['placements-lead'],
          subscribers: [],
          impact: null,
          action: 'Ask the platform team to grow the disk.',
        },
      ],
    } as never;
    // Act
    const entries = digestEntries(config, [
      {
        checkId: 'alarm/tis-prod-db-disk',
        state: 'stale',
        staleSince: '2026-11-23T08:02:00.000Z',
        lastUpdatedAt: null,
        noData: false,
        recoveredAt: null,
      },
    ]);
    const text = toEmail(digestOf(contacts['placements-lead'] as Contact, entries, ctx) as never).text;
    // Assess
    expect(text).toMatch(/^Digest: 1 alarm going off\n/);
    expect(text).toContain(
      '- TIS database disk space\n  A problem since Monday 23 November 08:02 (118 minutes ago)\n  What to do: Ask the platform team to grow the disk.',
    );
  });

  it('is not sent to a contact with nothing to report', () => {
    // Act
    const digest = digestOf(contacts.platform as Contact, [entry(1, null)], ctx);
    // Assess
    expect(digest).toBeNull();
  });

  it('stays within Slack’s limits with 200 stale datasets, splitting into parts', () => {
    // Prepare
    const entries = Array.from({ length: 200 }, (_, i) =>
      entry(i, `2026-11-${String(1 + (i % 20)).padStart(2, '0')}T00:00:00.000Z`),
    );
    // Act
    const digest = digestOf(contacts['placements-lead'] as Contact, entries, ctx);
    const messages = toSlack(digest as never);
    // Assess: every dataset listed, every message within Slack's limits.
    const listed =
      messages
        .flatMap((m) => m.blocks)
        .map((b) => JSON.stringify(b))
        .join('')
        .match(/Dataset \d+/g) ?? [];
    expect(new Set(listed).size).toBe(200);
    for (const message of messages) {
      expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
      for (const block of message.blocks) {
        if (block.type === 'section')
          expect(block.text?.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
        if (block.type === 'header')
          expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
      }
      expect(message.text).toMatch(/^Digest: 200 datasets out of date/);
    }
  });

  it('keeps a long headline within the 150 characters of a Slack header', () => {
    // Prepare
    const d = detail({ title: 'T'.repeat(300) });
    // Act
    const long = render('Dataset Stale', d, 'placements-lead').slack[0];
    // Assess
    const header = long?.blocks[0];
    expect(header?.type === 'header' && header.text.text.length).toBeLessThanOrEqual(150);
  });
});
