import { loadConfig } from '../../lib/config/load';
import { ConfigError, formatConfigIssue } from '../../lib/core/errors';
import { type AlertContext, alertOf } from '../../lib/core/messages/build';
import { type DigestEntry, digestOf } from '../../lib/core/messages/digest';
import { toSlack } from '../../lib/core/messages/slack';
import { TEAMS_LIMITS, teamsBytes, toTeams } from '../../lib/core/messages/teams';
import type { Contact } from '../../lib/core/model/config';
import { sampleContacts, sampleDetail } from '../helpers/events';
import { PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

const NOW = new Date('2026-11-23T10:00:00Z');
const LEAD: Contact = { ...(sampleContacts()['placements-lead'] as Contact), slackUser: 'U012AB3CD' };
const CTX: AlertContext = {
  settings: {
    timezone: 'Europe/London',
    contacts: { ...sampleContacts(), [LEAD.id]: LEAD },
    notify: { errorsTo: 'platform', remindEvery: '24h', digest: '0 8 * * 1-5', quietHours: null },
  },
  now: NOW,
};

/** A digest entry for dataset `i`, stale since a week ago, with words as long as real ones. */
const entry = (i: number): DigestEntry => ({
  dataset: `dataset-${i}`,
  title: `Trainee placements extract number ${i}`,
  owners: [LEAD.id],
  subscribers: [],
  impact: 'Placement letters sent to trainees may show the wrong hospital or start date.',
  action: 'Check that the nightly ESR sync ran, then re-run it from the integration console.',
  state: 'stale',
  staleSince: '2026-11-16T04:14:00.000Z',
  lastUpdatedAt: '2026-11-16T00:00:00.000Z',
  noData: false,
  recoveredAt: null,
});

/** The issues of a settings file, formatted as `validate` prints them, with the folder shown as `checks`. */
async function problemsOf(settings: string): Promise<string[]> {
  const dir = writeTree({ 'stalewatch.yml': settings, 'placements.yml': PLACEMENTS });
  try {
    await loadConfig({ dir, env: {} });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((i) => formatConfigIssue(i).replaceAll(dir, 'checks'));
  }
  return [];
}

describe('Teams cards', () => {
  it('keeps a digest of 300 datasets under Teams’ size limit, saying how many more there are', () => {
    // Prepare
    const digest = digestOf(
      LEAD,
      Array.from({ length: 300 }, (_, i) => entry(i + 1)),
      { zone: 'Europe/London', now: NOW, lastDigestAt: new Date('2026-11-20T08:00:00Z'), key: 'k' },
    );
    // Act
    const cards = digest ? toTeams(digest) : [];
    // Assess: one card, under the limit, with the first datasets and a count of the rest.
    expect(cards).toHaveLength(1);
    const [card] = cards;
    expect(teamsBytes(card as NonNullable<typeof card>)).toBeLessThanOrEqual(TEAMS_LIMITS.bytes);
    const json = JSON.stringify(card);
    expect(json).toContain('Trainee placements extract number 1**');
    expect(json).toMatch(/and \d+ more \(the email digest lists every one\)/);
    expect(json).not.toContain('Trainee placements extract number 300**');
  });

  it('shows a short digest whole, with no "and N more"', () => {
    // Act
    const digest = digestOf(LEAD, [entry(1), entry(2)], {
      zone: 'Europe/London',
      now: NOW,
      lastDigestAt: new Date('2026-11-20T08:00:00Z'),
      key: 'k',
    });
    const json = JSON.stringify(digest ? toTeams(digest) : []);
    // Assess
    expect(json).toContain('number 2**');
    expect(json).not.toContain(' more (');
  });

  it('shows a title as written, not as markdown, and has no buttons or mention', () => {
    // Prepare: a title that would be a link and bold text in a card.
    const alert = alertOf(
      'Dataset Stale',
      sampleDetail({ title: '[Click](https://evil.example) **now**' }),
      LEAD,
      CTX,
    );
    // Act
    const json = JSON.stringify(alert ? toTeams(alert) : []);
    // Assess
    expect(json).toContain('\\\\[Click\\\\](https://evil.example) \\\\*\\\\*now\\\\*\\\\*');
    expect(json).not.toContain('Action.');
    expect(json).not.toContain('U012AB3CD');
  });

  it('shows an impact written on several lines as written, not as a list or a heading', () => {
    // Prepare: an impact from a YAML block whose lines start like markdown lists and headings.
    const alert = alertOf(
      'Dataset Stale',
      sampleDetail({ impact: 'Affects:\n- letters\n1. rotas\n# payroll' }),
      LEAD,
      CTX,
    );
    // Act
    const json = JSON.stringify(alert ? toTeams(alert) : []);
    // Assess
    expect(json).toContain('Affects:\\n\\\\- letters\\n1\\\\. rotas\\n\\\\# payroll');
  });

  it('says who is on it, as Slack and email do', () => {
    // Prepare: Jane said "I'm on it" at 10:02.
    const alert = alertOf('Dataset Still Stale', sampleDetail(), LEAD, {
      ...CTX,
      acknowledgement: { by: 'Jane Smith', at: '2026-11-23T10:02:00.000Z' },
    });
    // Act
    const [card] = alert ? toTeams(alert) : [];
    // Assess
    const facts = card?.attachments[0]?.content.body?.flatMap((e) => (e.type === 'FactSet' ? e.facts : []));
    expect(facts).toContainEqual({ title: 'Who is on it', value: expect.stringMatching(/^Jane Smith/) });
  });
});

describe('Slack mentions', () => {
  it('starts the first message’s text and first section with the contact’s member id', () => {
    // Prepare
    const alert = alertOf('Dataset Stale', sampleDetail(), LEAD, CTX);
    // Act
    const [message] = alert ? toSlack(alert, { mention: LEAD.slackUser }) : [];
    // Assess
    expect(message?.text).toMatch(/^<@U012AB3CD> Stale: /);
    const section = message?.blocks.find((b) => b.type === 'section');
    expect(section && 'text' in section ? section.text?.text : '').toMatch(/^<@U012AB3CD> /);
  });

  it('mentions nobody when the contact names no member', () => {
    // Act
    const alert = alertOf('Dataset Stale', sampleDetail(), LEAD, CTX);
    const messages = alert ? toSlack(alert) : [];
    // Assess
    expect(JSON.stringify(messages)).not.toContain('<@');
  });
});

describe('contacts’ teams and slackUser in stalewatch.yml', () => {
  it('reads a Teams webhook kept in SSM or Secrets Manager, and a Slack member id', async () => {
    // Act
    const dir = writeTree({
      'stalewatch.yml': SETTINGS.replace(
        'audience: data-lead',
        'audience: data-lead\n    slackUser: U012AB3CD\n    teams: ${secret:stalewatch/teams/placements}',
      ),
      'placements.yml': PLACEMENTS,
    });
    const config = await loadConfig({ dir, env: {} });
    // Assess
    expect(config.settings.contacts['placements-lead']).toMatchObject({
      slackUser: 'U012AB3CD',
      teams: { store: 'secret', name: 'stalewatch/teams/placements' },
    });
  });

  it.each([['u012ab3cd'], ['@jane'], ['C012AB3CD'], ['U1']])(
    'refuses slackUser %s, naming file, line and field, and where to find the id',
    async (value) => {
      // Act
      const problems = await problemsOf(
        SETTINGS.replace('audience: data-lead', `audience: data-lead\n    slackUser: "${value}"`),
      );
      // Assess
      expect(problems).toEqual([
        expect.stringMatching(
          /^checks\/stalewatch\.yml:13:16 contacts\.placements-lead\.slackUser: .* is not a Slack member id — copy it .*e\.g\. U012AB3CD$/,
        ),
      ]);
    },
  );

  it('refuses slackUser on a contact with no slack webhook: nothing would ever mention them', async () => {
    // Act: a Teams-only contact given a Slack member id, expecting a mention in Teams.
    const problems = await problemsOf(
      SETTINGS.replace(
        '    slack: ${ssm:/stalewatch/slack/placements}\n',
        '    slackUser: U012AB3CD\n    teams: ${ssm:/stalewatch/teams/placements}\n',
      ),
    );
    // Assess
    expect(problems).toEqual([
      'checks/stalewatch.yml:13:16 contacts.placements-lead.slackUser: mentions them in Slack messages, and this contact has no slack: webhook (Teams cards mention no one) — add slack: ${ssm:/stalewatch/slack/placements-lead}, or remove slackUser',
    ]);
  });

  it('refuses a Teams webhook URL written in the file, never showing it', async () => {
    // Prepare
    const url =
      'https://prod-12.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=sEcReT';
    // Act
    const problems = await problemsOf(
      SETTINGS.replace('audience: data-lead', `audience: data-lead\n    teams: "${url}"`),
    );
    // Assess
    expect(problems).toEqual([
      expect.stringMatching(
        /^checks\/stalewatch\.yml:13:12 contacts\.placements-lead\.teams: is a secret: keep the webhook URL in SSM .*e\.g\. \$\{ssm:\/stalewatch\/teams\/placements\} .*make a new Workflow in Teams$/,
      ),
    ]);
    expect(problems[0]).not.toContain('sEcReT');
  });
});
