import { format, parseISO } from 'date-fns';
import type { DayOutcome } from './history';
import { whoIsOnIt, whoIsOnTheCause } from './loop/acknowledgement';
import type { Status } from './model/config';
import type { AlarmStatus, DatasetStatus, StatusPageModel } from './status';
import { formatLocal, formatWhen } from './time/zone';
import { escapeHtml } from './util/escape';

/** The one file the page is: `index.html`, for a folder (`status --out`) or a bucket. */
export const STATUS_PAGE_FILE = 'index.html';

// Every config text goes through it.
const h = escapeHtml;

/** The state of a dataset in words, with a symbol, so that colour is never the only sign. */
const STATE: Record<Status | 'none', { words: string; symbol: string; css: string }> = {
  pass: { words: 'On time', symbol: '✓', css: 'pass' },
  warn: { words: 'Late', symbol: '!', css: 'warn' },
  fail: { words: 'Out of date', symbol: '✕', css: 'fail' },
  error: { words: 'Could not check', symbol: '?', css: 'error' },
  none: { words: 'Not checked yet', symbol: '–', css: 'none' },
};

/** How a day of the strip is said; the legend and the text alternatives use the same words. */
const DAY: Record<DayOutcome, string> = {
  onTime: 'on time',
  late: 'late',
  stale: 'out of date',
  couldNotCheck: 'could not check',
  noRecord: 'no record',
};

/** Worst first: what needs someone's attention is at the top. */
const ORDER: Record<Status | 'none', number> = { fail: 0, error: 1, warn: 2, pass: 3, none: 4 };

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#101828;background:#f9fafb}
header,main,footer{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:0 0 .25rem}
h2{font-size:1.15rem;margin:0;overflow-wrap:anywhere}
h3{font-size:1rem;margin:1rem 0 .25rem}
p{margin:.25rem 0}
.summary{color:#344054}
.legend{display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:0;margin:.5rem 0 0;list-style:none;font-size:.875rem}
.legend li{display:flex;align-items:center;gap:.35rem}
.legend .day{width:.9rem;height:.9rem;display:inline-block}
.dataset{background:#fff;border:1px solid #d0d5dd;border-radius:.5rem;padding:1rem;margin:0 0 1rem}
.top{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem}
.badge{display:inline-flex;align-items:center;gap:.35rem;font-weight:600;border-radius:1rem;padding:.1rem .7rem;border:1px solid currentColor;white-space:nowrap}
.badge.pass{background:#ecfdf3;color:#085d3a}
.badge.warn{background:#fffaeb;color:#7a2e0e}
.badge.fail{background:#fef3f2;color:#912018}
.badge.error,.badge.none{background:#f2f4f7;color:#344054}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.75rem 0 0}
dt{font-weight:600;color:#344054}
dd{margin:0;overflow-wrap:anywhere}
@media (max-width:30rem){dl{grid-template-columns:1fr}dd{margin-bottom:.35rem}}
.strip{display:grid;grid-template-columns:repeat(var(--days),1fr);gap:2px;height:1.75rem;margin:.25rem 0}
.day{border-radius:2px;border:1px solid transparent}
.day.onTime{background:#12b76a}
.day.late{background:repeating-linear-gradient(45deg,#f79009 0 3px,#fec84b 3px 6px)}
.day.stale{background:#d92d20}
.day.couldNotCheck{background:radial-gradient(#475467 30%,#d0d5dd 31%) 0 0/6px 6px}
.day.noRecord{background:#fff;border-color:#98a2b3}
details{margin-top:.5rem}
summary{cursor:pointer;color:#1849a9}
table{border-collapse:collapse;margin-top:.25rem;font-size:.875rem}
th,td{text-align:left;padding:.1rem 1rem .1rem 0}
footer{font-size:.875rem;color:#475467}
`;

/** "23 Nov" or "21 Nov to 23 Nov": runs of equal days, for the strip's text alternative. */
function stripInWords(days: DatasetStatus['record']['days']): string {
  const runs: Array<{ from: string; to: string; outcome: DayOutcome }> = [];
  for (const day of days) {
    const last = runs.at(-1);
    if (last && last.outcome === day.outcome) last.to = day.date;
    else runs.push({ from: day.date, to: day.date, outcome: day.outcome });
  }
  const short = (d: string) => format(parseISO(d), 'd MMM');
  return runs
    .map((r) => `${r.from === r.to ? short(r.from) : `${short(r.from)} to ${short(r.to)}`} ${DAY[r.outcome]}`)
    .join('; ');
}

function rateInWords(record: DatasetStatus['record']): string {
  if (record.recorded === 0) return `No day of the last ${record.days.length} was seen yet`;
  const days = record.recorded === 1 ? 'day' : 'days';
  return `On time ${record.onTime} of ${record.recorded} ${days} seen in the last ${record.days.length}`;
}

/** "Who is on it", from the acknowledgement, in the words every message uses; asked only when something is wrong. */
function whoIsOnItRow(
  d: Pick<DatasetStatus, 'onIt' | 'status' | 'waitingOn' | 'causeOnIt'>,
  model: StatusPageModel,
): Array<[string, string]> {
  if (d.onIt) return [['Who is on it', h(whoIsOnIt(d.onIt, model.timezone, model.now))]];
  // No one on this dataset, but someone on what it waits on: say so rather than "nobody".
  if (d.waitingOn && d.causeOnIt)
    return [['Who is on it', h(whoIsOnTheCause(d.causeOnIt, d.waitingOn, model.timezone, model.now))]];
  if (d.status !== 'pass' && d.status !== null) return [['Who is on it', 'Nobody has said yet']];
  return [];
}

/** An alarm's state in words, with a symbol. */
const ALARM_STATE: Record<Status, { words: string; symbol: string; css: string }> = {
  pass: { words: 'OK', symbol: '✓', css: 'pass' },
  warn: { words: 'Going off', symbol: '!', css: 'warn' },
  fail: { words: 'Going off', symbol: '✕', css: 'fail' },
  error: { words: 'Not enough data', symbol: '?', css: 'error' },
};

function alarmHtml(a: AlarmStatus, n: number, model: StatusPageModel): string {
  const state = ALARM_STATE[a.status];
  const id = `alarm-${n}`;
  const rows: Array<[string, string]> = [
    ['Since', a.since ? h(formatWhen(a.since, model.timezone, model.now)) : 'Not known yet'],
    [
      a.owners.length === 1 ? 'Owner' : 'Owners',
      a.owners.length > 0 ? h(a.owners.join(', ')) : 'Nobody named',
    ],
    ...whoIsOnItRow(a, model),
  ];
  return `<section class="dataset" aria-labelledby="${id}">
<div class="top"><h3 id="${id}">${h(a.title)}</h3><p class="badge ${state.css}"><span aria-hidden="true">${state.symbol}</span> ${state.words}</p></div>
<dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>
</section>`;
}

/** The alarms part of the page: worst first, after the datasets; nothing when none is known. */
function alarmsHtml(model: StatusPageModel): string {
  const alarms = (model.alarms ?? [])
    .map((a, i) => ({ a, i }))
    .sort((x, y) => ORDER[x.a.status] - ORDER[y.a.status] || x.i - y.i)
    .map(({ a }) => a);
  if (alarms.length === 0) return '';
  return `<section aria-labelledby="alarms"><h2 id="alarms">Alarms</h2>
${alarms.map((a, i) => alarmHtml(a, i + 1, model)).join('\n')}
</section>`;
}

function datasetHtml(d: DatasetStatus, n: number, model: StatusPageModel): string {
  const state = STATE[d.status ?? 'none'];
  const when = (t: Date | null, otherwise: string) =>
    t ? h(formatWhen(t, model.timezone, model.now)) : otherwise;
  const rows: Array<[string, string]> = [
    ['Since', when(d.since, d.status === null ? 'Not checked yet' : 'Not known yet')],
    ['Last updated', when(d.lastUpdatedAt, 'Not known')],
    [
      d.owners.length === 1 ? 'Owner' : 'Owners',
      d.owners.length > 0 ? h(d.owners.join(', ')) : 'Nobody named',
    ],
  ];
  if (d.waitingOn) rows.push(['Waiting on', h(d.waitingOn)]);
  rows.push(...whoIsOnItRow(d, model));
  const id = `dataset-${n}`;
  const cells = d.record.days
    .map((day) => {
      const label = `${format(parseISO(day.date), 'EEE d MMM')}: ${DAY[day.outcome]}`;
      return `<span class="day ${day.outcome}" title="${h(label)}"></span>`;
    })
    .join('');
  const table = d.record.days
    .slice()
    .reverse()
    .map(
      (day) =>
        `<tr><td>${format(parseISO(day.date), 'EEE d MMM yyyy')}</td><td>${DAY[day.outcome]}</td></tr>`,
    )
    .join('');
  return `<section class="dataset" aria-labelledby="${id}">
<div class="top"><h2 id="${id}">${h(d.title)}</h2><p class="badge ${state.css}"><span aria-hidden="true">${state.symbol}</span> ${state.words}</p></div>
<dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>
<h3>Last ${d.record.days.length} days</h3>
<p>${rateInWords(d.record)}</p>
<div class="strip" style="--days:${d.record.days.length}" role="img" aria-label="${h(`Day by day, oldest first: ${stripInWords(d.record.days)}`)}">${cells}</div>
<details><summary>Day by day<span class="visually-hidden"> for ${h(d.title)}</span></summary><table><thead><tr><th scope="col">Day</th><th scope="col">Outcome</th></tr></thead><tbody>${table}</tbody></table></details>
</section>`;
}

/** ` 2 alarms: 1 going off, 1 OK.` (alarms are not counted as datasets), or nothing. */
function alarmSummary(model: StatusPageModel): string {
  const alarms = model.alarms ?? [];
  if (alarms.length === 0) return '';
  const words = [...new Set(alarms.map((a) => ALARM_STATE[a.status].words))].map(
    (w) =>
      `${alarms.filter((a) => ALARM_STATE[a.status].words === w).length} ${w === 'OK' ? w : w.toLowerCase()}`,
  );
  return ` ${alarms.length} ${alarms.length === 1 ? 'alarm' : 'alarms'}: ${words.join(', ')}.`;
}

/**
 * The status page: one self-contained HTML document (inline CSS, no script, no font or image from
 * elsewhere) listing every dataset worst first — its state in words and a badge, since when, last
 * updated, owners, who is on it, and the daily strip with the on-time rate. Every config text is
 * escaped; no SQL, check id or table name appears.
 */
export function renderStatusPage(model: StatusPageModel): string {
  const datasets = model.datasets
    .map((d, i) => ({ d, i }))
    .sort((a, b) => ORDER[a.d.status ?? 'none'] - ORDER[b.d.status ?? 'none'] || a.i - b.i)
    .map(({ d }) => d);
  const counts = (Object.keys(STATE) as Array<keyof typeof STATE>)
    .map(
      (s) =>
        [STATE[s].words.toLowerCase(), datasets.filter((d) => (d.status ?? 'none') === s).length] as const,
    )
    .filter(([, n]) => n > 0)
    .map(([words, n]) => `${n} ${words}`);
  const updated = `${formatLocal(model.now, model.timezone, model.now)} (${model.timezone})`;
  const legend = (Object.keys(DAY) as DayOutcome[])
    .map((o) => `<li><span class="day ${o}" aria-hidden="true"></span>${DAY[o]}</li>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Data status</title>
<style>${CSS}.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}</style>
</head>
<body>
<header>
<h1>Data status</h1>
<p class="summary">Updated ${h(updated)}. ${datasets.length} ${datasets.length === 1 ? 'dataset' : 'datasets'}${counts.length > 0 ? `: ${counts.join(', ')}` : ''}.${alarmSummary(model)}</p>
<ul class="legend" aria-label="What the days show">${legend}</ul>
</header>
<main>
${datasets.length > 0 ? datasets.map((d, i) => datasetHtml(d, i + 1, model)).join('\n') : '<p>No datasets are watched yet.</p>'}
${alarmsHtml(model)}
</main>
<footer><p>A day shows the worst its data was seen to be that day; “could not check” means every check that day failed to run. Days run midnight to midnight in ${h(model.timezone)}.</p></footer>
</body>
</html>
`;
}
