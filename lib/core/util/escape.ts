/**
 * Text put into markup, escaped once here for every channel: the email, the status page and the CLI's
 * preview write HTML, Slack messages write mrkdwn, Teams cards markdown. Config texts (titles, impacts,
 * actions) and database messages are written by people and databases, not by us, so none of them may
 * become markup.
 */

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content and attribute values (quoted with `"` or `'`). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML[c] as string);
}

/**
 * Text for Slack's mrkdwn: only `&`, `<` and `>` are control characters there, and Slack asks for
 * exactly these three to be escaped (https://api.slack.com/reference/surfaces/formatting#escaping).
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/[&<>]/g, (c) => HTML[c] as string);
}

/**
 * Text for Adaptive Cards' markdown (Teams): escapes what that subset treats as markup inside a line
 * (emphasis, links, code), so that a title such as `[click](https://…)` or `**urgent**` is shown as
 * written. Lists and the rest only start a line, and every line of a card starts with our own words.
 */
export function escapeTeamsMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]]/g, (c) => `\\${c}`);
}
