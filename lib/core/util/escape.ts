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
 * written, and the list and heading markers that start a line of a text written on several lines.
 */
export function escapeTeamsMarkdown(text: string): string {
  return (
    text
      .replace(/[\\`*_[\]]/g, (c) => `\\${c}`)
      // A config text of several lines (a YAML block) may start one with a list or heading marker.
      .replace(/^(\s*)([-+#>])(?=\s)/gm, '$1\\$2')
      .replace(/^(\s*\d+)([.)])(?=\s)/gm, '$1\\$2')
  );
}
