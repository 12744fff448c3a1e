import type { CheckEventDetail, DetailType } from '../../lib/core/events/types';
import { type AlertContext, alertOf } from '../../lib/core/messages/build';
import { type DigestEntry, digestOf } from '../../lib/core/messages/digest';
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
  const { alert, slackJson, email } = render('Dataset Stale', detail(), 'placements-lead');

  it('leads with how out of date it is, in plain words', () => {
    expect(alert.headline).toBe('Trainee placements data is 3 days out of date');
    expect(email.subject).toBe('Trainee placements data is 3 days out of date');
  });

  it('says since when (absolute in the configured zone, and relative), last updated, and what was expected', () => {
    expect(email.text).toContain('Stale since: Monday 23 November 07:00 (3 hours ago)');
    expect(email.text).toContain('Last updated: Friday 20 November 02:10 (3 days ago)');
    expect(email.text).toContain(
      'Expected: New data by 07:00, Monday through Friday; it was due by Monday 23 November 07:00',
    );
  });

  it('says what it means, what to do, who is on it, and gives a note to forward', () => {
    expect(email.text).toContain(
      'What this means\nTrainees and Local Office admins see out-of-date placement details.',
    );
    expect(email.text).toContain('What to do\nAsk the platform team to re-run the nightly ESR sync.');
    expect(email.text).toContain('Who is on it: Placements data lead');
    expect(email.text).toMatch(
      /A note you can forward\n> Trainee placements has been out of date since Monday 23 November 07:00\./,
    );
  });

  it('carries nothing technical: no SQL, table, check id or source', () => {
    for (const text of [slackJson, email.html, email.text]) {
      expect(text).not.toMatch(/SELECT|public\.placement|placements\/nightly-sync|\btis\b|sls invoke/);
    }
  });

  it('uses Slack’s date token, so each reader sees their own time, with the London time as fallback', () => {
    expect(slackJson).toContain(
      '<!date^1795417200^{date_long_pretty} {time}|Monday 23 November 07:00> (3 hours ago)',
    );
  });

  it('escapes HTML in the email', () => {
    const html = render('Dataset Stale', detail({ impact: '<script>x</script> & more' }), 'placements-lead')
      .email.html;
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt; &amp; more');
  });
});

describe('for the platform team', () => {
  it('adds the check id, source, table, SQL, error and the re-run command', () => {
    const d = detail({ status: 'error', error: 'relation "public.placement" does not exist', breaches: [] });
    const { alert, email } = render('Check Error', d, 'platform');
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
    const d = detail({
      status: 'pass',
      previousStatus: 'fail',
      staleForSeconds: 2 * 86_400 + 3_600,
      breaches: [],
    });
    expect(render('Dataset Recovered', d, 'placements-lead').alert.headline).toBe(
      'Trainee placements is up to date again (it was stale for 2 days)',
    );
  });

  it('marks reminders as still out of date', () => {
    expect(render('Dataset Still Stale', detail(), 'placements-lead').alert.headline).toBe(
      'Still out of date: Trainee placements data is 3 days out of date',
    );
  });

  it('words row counts as records, not as age', () => {
    const d = detail({
      kind: 'rowCount',
      lastUpdatedAt: null,
      observed: { rowCount: 850, previousRowCount: 1000 },
      breaches: [{ rule: 'failBelow', limit: 1000 }],
    });
    const { alert, email } = render('Dataset Stale', d, 'placements-lead');
    expect(alert.headline).toBe('Trainee placements has fewer records than expected');
    expect(email.text).toContain(
      'Records now: 850 (1,000 at the check before)\nExpected: At least 1,000 records',
    );
    expect(email.text).toContain('Trainee placements may be incomplete or wrong since');
  });

  it('shows times across the clock change in the zone’s own time (BST after 29 March)', () => {
    const now = new Date('2026-03-29T09:00:00Z');
    const d = detail({
      staleSince: '2026-03-29T06:00:00.000Z',
      lastUpdatedAt: '2026-03-27T06:00:00.000Z',
      breaches: [],
    });
    expect(render('Dataset Stale', d, 'placements-lead', now).email.text).toContain(
      'Stale since: Sunday 29 March 07:00 (3 hours ago)',
    );
    expect(render('Dataset Stale', d, 'placements-lead', now).email.text).toContain(
      'Last updated: Friday 27 March 06:00',
    );
  });
});

describe('who hears of an event', () => {
  it('sends dataset events to the owners, and a copy to subscribers', () => {
    const to = recipientsOf('Dataset Stale', detail(), settings).map((r) => [r.contact.id, r.role]);
    expect(to).toEqual([
      ['placements-lead', 'owner'],
      ['placements-product-lead', 'subscriber'],
    ]);
  });

  it('sends check errors to notify.errorsTo', () => {
    expect(recipientsOf('Check Error', detail(), settings).map((r) => r.contact.id)).toEqual(['platform']);
  });
});

describe('the digest', () => {
  const entry = (i: number, since: string | null): DigestEntry => ({
    dataset: `d${i}`,
    title: `Dataset ${i}`,
    staleSince: since,
    lastUpdatedAt: '2026-11-20T00:00:00.000Z',
    owners: ['placements-lead'],
    subscribers: [],
  });

  it('lists every stale dataset of the contact, oldest first, each with since when', () => {
    const digest = digestOf(
      contacts['placements-lead'] as Contact,
      [
        entry(1, '2026-11-22T00:00:00.000Z'),
        entry(2, '2026-11-20T00:00:00.000Z'),
        entry(3, '2026-11-21T00:00:00.000Z'),
      ],
      'Europe/London',
      NOW,
      'k',
    );
    expect(digest?.headline).toBe('3 datasets are out of date');
    expect(digest?.items?.map((i) => i.title)).toEqual(['Dataset 2', 'Dataset 3', 'Dataset 1']);
    expect(toEmail(digest as never).text).toContain(
      '- Dataset 2: stale since Friday 20 November 00:00 (3 days ago)',
    );
  });

  it('is not sent to a contact with nothing stale', () => {
    expect(digestOf(contacts.platform as Contact, [entry(1, null)], 'Europe/London', NOW, 'k')).toBeNull();
  });

  it('stays within Slack’s limits with 200 stale datasets, splitting into parts', () => {
    const entries = Array.from({ length: 200 }, (_, i) =>
      entry(i, `2026-11-${String(1 + (i % 20)).padStart(2, '0')}T00:00:00.000Z`),
    );
    const digest = digestOf(contacts['placements-lead'] as Contact, entries, 'Europe/London', NOW, 'k');
    const messages = toSlack(digest as never);
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
      expect(message.text).toMatch(/^200 datasets are out of date/);
    }
  });

  it('keeps a long headline within the 150 characters of a Slack header', () => {
    const long = render('Dataset Stale', detail({ title: 'T'.repeat(300) }), 'placements-lead').slack[0];
    const header = long?.blocks[0];
    expect(header?.type === 'header' && header.text.text.length).toBeLessThanOrEqual(150);
  });
});
