import type { Alert } from './model';

/** An email as SES sends it: HTML and plain text. */
export interface Email {
  subject: string;
  html: string;
  text: string;
}

const COLOUR: Record<Alert['tone'], string> = {
  bad: '#b42318',
  warning: '#b54708',
  good: '#067647',
  info: '#175cd3',
};

const html = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function htmlOf(alert: Alert): string {
  const parts: string[] = [
    `<h1 style="font-size:20px;color:${COLOUR[alert.tone]};margin:0 0 16px">${html(alert.headline)}</h1>`,
  ];
  if (alert.facts.length > 0) {
    parts.push(
      `<table style="border-collapse:collapse;margin-bottom:16px">${alert.facts
        .map(
          (f) =>
            `<tr><th style="text-align:left;padding:4px 16px 4px 0;vertical-align:top">${html(f.label)}</th><td style="padding:4px 0">${html(f.value)}</td></tr>`,
        )
        .join('')}</table>`,
    );
  }
  if (alert.items) {
    parts.push(
      `<ul>${alert.items.map((i) => `<li><strong>${html(i.title)}</strong>: ${html(i.line)}</li>`).join('')}</ul>`,
    );
  }
  if (alert.impact) parts.push(`<h2 style="font-size:16px">What this means</h2><p>${html(alert.impact)}</p>`);
  if (alert.action) parts.push(`<h2 style="font-size:16px">What to do</h2><p>${html(alert.action)}</p>`);
  if (alert.forwardNote) {
    parts.push(
      `<h2 style="font-size:16px">A note you can forward</h2><blockquote style="border-left:4px solid #d0d5dd;margin:0;padding:8px 12px">${html(alert.forwardNote)}</blockquote>`,
    );
  }
  if (alert.details) {
    parts.push(
      '<hr>',
      `<table style="border-collapse:collapse">${alert.details
        .map(
          (d) =>
            `<tr><th style="text-align:left;padding:4px 16px 4px 0;vertical-align:top">${html(d.label)}</th><td style="padding:4px 0">${d.url ? `<a href="${html(d.url)}">${html(d.value)}</a>` : html(d.value)}</td></tr>`,
        )
        .join('')}</table>`,
    );
  }
  const t = alert.technical;
  if (t) {
    parts.push(
      '<hr>',
      `<p><strong>Check</strong> ${html(t.checkId)} · <strong>source</strong> ${html(t.source)} · <strong>table</strong> ${html(t.table)}</p>`,
    );
    if (t.error) parts.push(`<p><strong>Error</strong></p><pre>${html(t.error)}</pre>`);
    if (t.sql) parts.push(`<p><strong>SQL</strong></p><pre>${html(t.sql)}</pre>`);
    parts.push(`<p><strong>Run it again</strong></p><pre>${html(t.rerun)}</pre>`);
  }
  return `<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Roboto,Arial,sans-serif;line-height:1.5;color:#101828;max-width:640px">${parts.join('\n')}</body></html>`;
}

function textOf(alert: Alert): string {
  const lines = [alert.headline, ''];
  for (const f of alert.facts) lines.push(`${f.label}: ${f.value}`);
  for (const i of alert.items ?? []) lines.push(`- ${i.title}: ${i.line}`);
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

/** An alert as an email with HTML and plain text. */
export function toEmail(alert: Alert): Email {
  return { subject: alert.headline, html: htmlOf(alert), text: textOf(alert) };
}
