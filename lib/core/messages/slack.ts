import type { KnownBlock, SectionBlock } from '@slack/types';
import { loopButtons } from '../loop/interaction';
import { escapeMrkdwn } from '../util/escape';
import { truncate } from '../util/quote';
import type { Alert, Moment } from './model';

/** A message as an incoming webhook takes it. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Block Kit's limits (docs.slack.dev/reference/block-kit). */
export const SLACK_LIMITS = { blocks: 50, sectionText: 3000, headerText: 150, contextElements: 10 } as const;

const EMOJI: Record<Alert['tone'], string> = {
  bad: ':red_circle:',
  warning: ':large_orange_circle:',
  good: ':large_green_circle:',
  info: ':information_source:',
};

/** A time each reader sees in their own zone, falling back to the configured zone's wording. */
function slackTime(m: Moment): string {
  const epoch = Math.floor(m.at.getTime() / 1000);
  const [absolute, relative = ''] = m.text.split(/ (?=\()/);
  return `<!date^${epoch}^{date_long_pretty} {time}|${escapeMrkdwn(absolute ?? m.text)}> ${escapeMrkdwn(relative)}`.trim();
}

const section = (text: string): SectionBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) },
});

/** Long text as sections of at most 3,000 characters each, split at line ends. */
function sections(lines: readonly string[]): SectionBlock[] {
  const out: SectionBlock[] = [];
  let current = '';
  for (const line of lines) {
    if (current && current.length + line.length + 1 > SLACK_LIMITS.sectionText) {
      out.push(section(current));
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push(section(current));
  return out;
}

function bodyBlocks(alert: Alert): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  if (alert.facts.length > 0) {
    blocks.push(
      ...sections(
        alert.facts.map((f) => `*${f.label}:* ${f.moment ? slackTime(f.moment) : escapeMrkdwn(f.value)}`),
      ),
    );
  }
  if (alert.impact) blocks.push(section(`*What this means*\n${escapeMrkdwn(alert.impact)}`));
  if (alert.action) blocks.push(section(`*What to do*\n${escapeMrkdwn(alert.action)}`));
  for (const part of alert.sections ?? []) {
    // The same words as the email's, so that both digests say the same things.
    blocks.push(
      ...sections([
        `*${escapeMrkdwn(part.title)}*`,
        ...(part.items.length === 0 ? [escapeMrkdwn(part.empty)] : []),
        ...part.items.map(
          (i) => `• *${escapeMrkdwn(i.title)}*\n${i.lines.map((l) => `    ${escapeMrkdwn(l)}`).join('\n')}`,
        ),
      ]),
    );
  }
  if (alert.forwardNote)
    blocks.push(section(`*A note you can forward*\n>${escapeMrkdwn(alert.forwardNote)}`));
  if (alert.details) {
    blocks.push({ type: 'divider' });
    blocks.push(
      ...sections(
        alert.details.map((d) =>
          d.url
            ? `*${d.label}:* <${d.url}|${escapeMrkdwn(d.value)}>`
            : `*${d.label}:* ${escapeMrkdwn(d.value)}`,
        ),
      ),
    );
  }
  const t = alert.technical;
  if (t) {
    blocks.push({ type: 'divider' });
    const lines = [`*Check* \`${t.checkId}\` · *source* \`${t.source}\` · *table* \`${t.table}\``];
    if (t.error) lines.push(`*Error*\n\`\`\`${truncate(t.error, 1200)}\`\`\``);
    if (t.sql) lines.push(`*SQL*\n\`\`\`${truncate(t.sql, 1200)}\`\`\``);
    lines.push(`*Run it again*\n\`${t.rerun}\``);
    blocks.push(...sections(lines));
  }
  return blocks;
}

/** How a contact's Slack messages are shaped beyond the alert itself. */
export interface SlackOptions {
  /** "I'm on it" and "Snooze" buttons on stale and error messages: only with a Slack app (`slackApp`). */
  buttons?: boolean;
  /**
   * The contact's Slack member id (`slackUser`, validated as `U012AB3CD`): the first part's fallback text
   * and first section start with `<@U012AB3CD>`, so that Slack notifies them.
   */
  mention?: string | null;
}

/** The body with `<@member>` leading its first section (or in a section of its own when it has none). */
function mentioning(body: KnownBlock[], member: string): KnownBlock[] {
  const tag = `<@${member}>`;
  const [first, ...rest] = body;
  if (first?.type === 'section' && first.text?.type === 'mrkdwn')
    return [section(`${tag} ${first.text.text}`), ...rest];
  return [section(tag), ...body];
}

/**
 * An alert as Slack messages: a header, the facts, what it means and what to do, and (for the platform
 * team) the technical part; with a plain `text` for notifications and clients without blocks. Content
 * past 50 blocks goes on in further messages, marked (part 2 of 3).
 */
export function toSlack(alert: Alert, options: SlackOptions = {}): SlackMessage[] {
  const body = options.mention ? mentioning(bodyBlocks(alert), options.mention) : bodyBlocks(alert);
  // The buttons go last, after everything they act on, so they land in the last part.
  if (options.buttons && alert.loop) body.push(loopButtons(alert.loop.dataset));
  const perMessage = SLACK_LIMITS.blocks - 1;
  const parts = Math.max(1, Math.ceil(body.length / perMessage));
  return Array.from({ length: parts }, (_, i) => {
    const suffix = parts > 1 ? ` (part ${i + 1} of ${parts})` : '';
    const headline = truncate(
      `${alert.state}: ${alert.headline}${suffix}`,
      SLACK_LIMITS.headerText - EMOJI[alert.tone].length - 1,
    );
    return {
      // Slack reads the fallback as mrkdwn too (notifications, clients without blocks): a title's `<!channel>`
      // would ping everyone in it.
      text: `${i === 0 && options.mention ? `<@${options.mention}> ` : ''}${escapeMrkdwn(`${alert.state}: ${alert.headline}${suffix}`)}`,
      blocks: [
        {
          type: 'header',
          text: { type: 'plain_text', text: `${EMOJI[alert.tone]} ${headline}`, emoji: true },
        },
        ...body.slice(i * perMessage, (i + 1) * perMessage),
      ],
    };
  });
}

/** A link that opens a message in Slack's Block Kit Builder, for people to look at. */
export function blockKitBuilderUrl(message: SlackMessage): string {
  return `https://app.slack.com/block-kit-builder/#${encodeURIComponent(JSON.stringify({ blocks: message.blocks }))}`;
}
