import { escapeHtml } from '../util/escape';
import type { Alert } from './model';

/** An email as SES sends it: HTML and plain text. */
export interface Email {
  /** Starts with the state: `Stale: …`, `Still stale: …`, `Back to normal: …`. */
  subject: string;
  /** Preheader: the line mail clients show after the subject in the inbox. */
  preheader: string;
  html: string;
  text: string;
}

/**
 * The badge of each tone: dark text on a light fill, at least 7:1 contrast, with the state in words so
 * that colour is never the only sign of it.
 */
const BADGE: Record<Alert['tone'], { fg: string; bg: string; mark: string }> = {
  bad: { fg: '#912018', bg: '#fee4e2', mark: '●' },
  warning: { fg: '#7a2e0e', bg: '#fef0c7', mark: '▲' },
  good: { fg: '#074d31', bg: '#dcfae6', mark: '✓' },
  info: { fg: '#194185', bg: '#d1e9ff', mark: 'ℹ' },
};

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const MONO = "ui-monospace,SFMono-Regular,Menlo,Consolas,'Liberation Mono',monospace";

const html = escapeHtml;

/** The subject every channel leads with: the state, then the headline. */
export function subjectOf(alert: Alert): string {
  return `${alert.state}: ${alert.headline}`;
}

/** The inbox preview: the first facts, then what it means. Distinct from the subject, never empty. */
function preheaderOf(alert: Alert): string {
  const parts = alert.facts.slice(0, 2).map((f) => `${f.label}: ${f.value}`);
  for (const section of alert.sections ?? []) {
    if (section.items.length > 0)
      parts.push(`${section.title}: ${section.items.map((i) => i.title).join(', ')}`);
  }
  if (alert.impact) parts.push(alert.impact);
  return parts.join(' · ') || alert.headline;
}

const h2 = (text: string) =>
  `<h2 style="font-size:17px;line-height:1.3;margin:24px 0 8px;color:#101828">${html(text)}</h2>`;
const p = (inner: string) => `<p style="margin:0 0 12px">${inner}</p>`;
const pre = (text: string) =>
  `<pre style="margin:0 0 12px;padding:10px 12px;background:#f2f4f7;border-radius:6px;font-family:${MONO};font-size:13px;line-height:1.45;white-space:pre-wrap;word-break:break-word;overflow-wrap:anywhere">${html(text)}</pre>`;

/** A label above its value: reads on a phone as well as on a desk, without a table to overflow. */
function factHtml(label: string, value: string): string {
  return `<p style="margin:0 0 12px"><strong style="display:block;font-size:14px;color:#475467">${html(label)}</strong>${html(value)}</p>`;
}

function badgeHtml(alert: Alert): string {
  const b = BADGE[alert.tone];
  return `<p style="margin:0 0 12px"><span style="display:inline-block;padding:3px 10px;border:1px solid ${b.fg};border-radius:12px;background:${b.bg};color:${b.fg};font-size:13px;font-weight:700;letter-spacing:0.02em"><span aria-hidden="true">${b.mark}</span> ${html(alert.state)}</span></p>`;
}

function bodyHtml(alert: Alert): string {
  const parts: string[] = [
    badgeHtml(alert),
    `<h1 style="font-size:22px;line-height:1.3;margin:0 0 16px;color:#101828">${html(alert.headline)}</h1>`,
  ];
  for (const f of alert.facts) parts.push(factHtml(f.label, f.value));
  for (const section of alert.sections ?? []) {
    parts.push(h2(section.title));
    if (section.items.length === 0) parts.push(p(html(section.empty)));
    for (const item of section.items) {
      parts.push(
        `<div style="margin:0 0 14px;padding:0 0 0 12px;border-left:3px solid #d0d5dd"><strong>${html(item.title)}</strong>${item.lines.map((l) => `<br>${html(l)}`).join('')}</div>`,
      );
    }
  }
  if (alert.impact) parts.push(h2('What this means'), p(html(alert.impact)));
  if (alert.action) parts.push(h2('What to do'), p(html(alert.action)));
  if (alert.forwardNote) {
    parts.push(
      h2('A note you can forward'),
      `<blockquote style="margin:0 0 12px;padding:8px 12px;border-left:4px solid #98a2b3;background:#f9fafb">${html(alert.forwardNote)}</blockquote>`,
    );
  }
  if (alert.details) {
    // Labels above values, as the facts: a long metric or reason wraps instead of widening a table.
    parts.push(
      '<hr style="border:0;border-top:1px solid #d0d5dd;margin:24px 0">',
      ...alert.details.map(
        (d) =>
          `<p style="margin:0 0 12px"><strong style="display:block;font-size:14px;color:#475467">${html(d.label)}</strong>${d.url ? `<a href="${html(d.url)}" style="color:#175cd3">${html(d.value)}</a>` : html(d.value)}</p>`,
      ),
    );
  }
  const t = alert.technical;
  if (t) {
    parts.push(
      '<hr style="border:0;border-top:1px solid #d0d5dd;margin:24px 0">',
      p(
        `<strong>Check</strong> ${html(t.checkId)} · <strong>source</strong> ${html(t.source)} · <strong>table</strong> ${html(t.table)}`,
      ),
    );
    if (t.error) parts.push(p('<strong>Error</strong>'), pre(t.error));
    if (t.sql) parts.push(p('<strong>SQL</strong>'), pre(t.sql));
    parts.push(p('<strong>Run it again</strong>'), pre(t.rerun));
  }
  return parts.join('\n');
}

/**
 * A whole HTML document for mail clients: `lang`, a charset, a viewport, the subject as `<title>`, a
 * hidden preheader, and one centred column at most 600 px wide that shrinks to the screen (tables for
 * the layout, styles inline, as mail clients need); long words and code wrap rather than scroll.
 */
export function documentOf(subject: string, preheader: string, bodies: readonly string[]): string {
  // Spacers after the preheader, so that clients do not fill the inbox preview with the body's text.
  const spacer = '&#847;&zwnj;&nbsp;'.repeat(40);
  const cards = bodies
    .map(
      (body) =>
        `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;width:100%;background:#ffffff;border:1px solid #eaecf0;border-radius:8px;margin:0 auto 16px"><tr><td style="padding:24px 20px;font-family:${FONT};font-size:16px;line-height:1.5;color:#101828;word-wrap:break-word;overflow-wrap:anywhere">\n${body}\n</td></tr></table>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en-GB" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="color-scheme" content="light">
<title>${html(subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f2f4f7;-webkit-text-size-adjust:100%">
<div style="display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all">${html(preheader)}${spacer}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f2f4f7"><tr><td align="center" style="padding:16px 8px">
${cards}
<p style="margin:8px 0 0;font-family:${FONT};font-size:13px;line-height:1.4;color:#475467">Sent by Stalewatch, which watches the data your services depend on.</p>
</td></tr></table>
</body>
</html>
`;
}

function textOf(alert: Alert): string {
  const lines = [subjectOf(alert)];
  if (alert.facts.length > 0) lines.push('');
  for (const f of alert.facts) lines.push(`${f.label}: ${f.value}`);
  for (const section of alert.sections ?? []) {
    lines.push('', section.title);
    if (section.items.length === 0) lines.push(section.empty);
    for (const item of section.items) {
      lines.push(`- ${item.title}`, ...item.lines.map((l) => `  ${l}`));
    }
  }
  if (alert.impact) lines.push('', 'What this means', alert.impact);
  if (alert.action) lines.push('', 'What to do', alert.action);
  if (alert.forwardNote) lines.push('', 'A note you can forward', `> ${alert.forwardNote}`);
  if (alert.details) {
    lines.push('', '---');
    for (const d of alert.details) lines.push(`${d.label}: ${d.url ?? d.value}`);
  }
  const t = alert.technical;
  if (t) {
    lines.push('', '---', `Check ${t.checkId} · source ${t.source} · table ${t.table}`);
    if (t.error) lines.push('', 'Error', t.error);
    if (t.sql) lines.push('', 'SQL', t.sql);
    lines.push('', 'Run it again', t.rerun);
  }
  return `${lines.join('\n')}\n`;
}

/** An alert as an email with HTML and plain text; its subject starts with the state. */
export function toEmail(alert: Alert): Email {
  const subject = subjectOf(alert);
  const preheader = preheaderOf(alert);
  return { subject, preheader, html: documentOf(subject, preheader, [bodyHtml(alert)]), text: textOf(alert) };
}

/** The body of an alert's email, for a document that holds several (a preview file). */
export function emailBodyOf(alert: Alert): string {
  return bodyHtml(alert);
}
