import type { CardElement, IAdaptiveCard, IFactSet, ITextBlock } from '@microsoft/teams.cards';
import { escapeTeamsMarkdown } from '../util/escape';
import { truncate } from '../util/quote';
import type { Alert, DigestSection } from './model';

/**
 * A message as a Teams Workflows webhook ("When a Teams webhook request is received", then "Post card
 * in a chat or channel") takes it: one Adaptive Card as an attachment of a `message`.
 */
export interface TeamsMessage {
  type: 'message';
  attachments: Array<{
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: IAdaptiveCard;
  }>;
}

/**
 * Teams' limits as this renderer keeps them. Workflows posts cards of schema 1.4 and refuses a message
 * over about 28 KB ("Request Entity too large"); people report refusals from about 21 KB, so a card is
 * kept under 20,000 bytes of JSON, envelope included. A text past `text` characters is cut.
 */
export const TEAMS_LIMITS = { version: '1.4', bytes: 20_000, text: 2_000, code: 1_200 } as const;

const SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';

/** The colour of the headline by tone; the state is always in words too, so colour is never the only sign. */
const COLOUR: Record<Alert['tone'], ITextBlock['color']> = {
  bad: 'Attention',
  warning: 'Warning',
  good: 'Good',
  info: 'Accent',
};

const md = escapeTeamsMarkdown;

const textBlock = (text: string, more: Partial<ITextBlock> = {}): ITextBlock => ({
  type: 'TextBlock',
  text: truncate(text, TEAMS_LIMITS.text),
  wrap: true,
  ...more,
});

const heading = (text: string): ITextBlock =>
  textBlock(md(text), { weight: 'Bolder', spacing: 'Medium', separator: false });

const factSet = (facts: Array<{ title: string; value: string }>): IFactSet => ({
  type: 'FactSet',
  facts: facts.map((f) => ({ title: truncate(f.title, 200), value: truncate(f.value, TEAMS_LIMITS.text) })),
});

const code = (text: string): ITextBlock =>
  textBlock(truncate(text, TEAMS_LIMITS.code), { fontType: 'Monospace', size: 'Small' });

/** A digest part with at most `shown` of its datasets, and "and N more" for the rest. */
function sectionElements(part: DigestSection, shown: number): CardElement[] {
  const elements: CardElement[] = [heading(part.title)];
  if (part.items.length === 0) elements.push(textBlock(md(part.empty)));
  for (const item of part.items.slice(0, shown)) {
    elements.push(
      textBlock(`**${md(item.title)}**\n\n${item.lines.map((l) => `- ${md(l)}`).join('\n')}`, {
        spacing: 'Small',
      }),
    );
  }
  const rest = part.items.length - shown;
  if (rest > 0)
    elements.push(
      textBlock(`and ${rest.toLocaleString('en-GB')} more (the email digest lists every one)`, {
        isSubtle: true,
        spacing: 'Small',
      }),
    );
  return elements;
}

/** The card's body with at most `shown` datasets in each digest part. */
function bodyOf(alert: Alert, shown: number): CardElement[] {
  const body: CardElement[] = [
    textBlock(md(alert.state), { weight: 'Bolder', color: COLOUR[alert.tone], spacing: 'None' }),
    textBlock(md(alert.headline), { size: 'Large', weight: 'Bolder', spacing: 'Small' }),
  ];
  if (alert.facts.length > 0)
    body.push(factSet(alert.facts.map((f) => ({ title: md(f.label), value: md(f.value) }))));
  if (alert.impact) body.push(heading('What this means'), textBlock(md(alert.impact)));
  if (alert.action) body.push(heading('What to do'), textBlock(md(alert.action)));
  for (const part of alert.sections ?? []) body.push(...sectionElements(part, shown));
  if (alert.forwardNote)
    body.push({
      type: 'Container',
      style: 'emphasis',
      items: [heading('A note you can forward'), textBlock(md(alert.forwardNote))],
    });
  if (alert.details)
    body.push(
      factSet(
        alert.details.map((d) => ({
          title: md(d.label),
          // A link's text is escaped; its address is the console's, built by Stalewatch.
          value: d.url ? `[${md(d.value)}](${d.url.replace(/[()\s]/g, encodeURIComponent)})` : md(d.value),
        })),
      ),
    );
  const t = alert.technical;
  if (t) {
    body.push(
      factSet([
        { title: 'Check', value: md(t.checkId) },
        { title: 'Source', value: md(t.source) },
        { title: 'Table', value: md(t.table) },
      ]),
    );
    if (t.error) body.push(heading('Error'), code(t.error));
    if (t.sql) body.push(heading('SQL'), code(t.sql));
    body.push(heading('Run it again'), code(t.rerun));
  }
  return body;
}

/** The envelope Workflows takes around a card. */
function messageOf(alert: Alert, body: CardElement[]): TeamsMessage {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: SCHEMA,
          type: 'AdaptiveCard',
          version: TEAMS_LIMITS.version,
          fallbackText: `${alert.state}: ${alert.headline}`,
          msteams: { width: 'full' },
          body,
        },
      },
    ],
  };
}

/** The size Teams counts: the JSON posted, in UTF-8 bytes. */
export function teamsBytes(message: TeamsMessage): number {
  return new TextEncoder().encode(JSON.stringify(message)).length;
}

/**
 * An alert as one Teams message (an Adaptive Card): the state and headline, the facts, what it means and
 * what to do, the digest's parts, and (for the platform team) the technical part. A digest too long for
 * Teams shows as many datasets of each part as fit, then "and N more". No buttons: Teams has no
 * interactions endpoint here (docs/alerts.md "Microsoft Teams"), and no mention (a Slack member id means
 * nothing in Teams).
 */
export function toTeams(alert: Alert): TeamsMessage[] {
  const most = Math.max(0, ...(alert.sections ?? []).map((s) => s.items.length));
  const fits = (shown: number) => teamsBytes(messageOf(alert, bodyOf(alert, shown))) <= TEAMS_LIMITS.bytes;
  if (fits(most)) return [messageOf(alert, bodyOf(alert, most))];
  // The most datasets per part that fit: the size only grows with `shown`, so halve the range.
  let low = 0;
  let high = most;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid - 1;
  }
  return [messageOf(alert, bodyOf(alert, low))];
}
