import { watchOf } from '../alarms/watch';
import { isStale } from '../evaluate/status';
import { dailyRecord, type HistoryEntry } from '../history';
import { type Acknowledgement, whoIsOnIt, whoIsOnTheCause } from '../loop/acknowledgement';
import { rootCauseOf } from '../loop/cause';
import type { Config, Contact } from '../model/config';
import { type CheckStateInput, checkStateSchema } from '../model/state';
import type { Alert, DigestItem } from './model';
import { countOf, lengthInWords, whenInWords } from './wording';

/** On-time rate over the last days: on time on `onTime` of the `recorded` days the data was seen. */
export interface OnTimeRate {
  onTime: number;
  /** Days the data was seen (not counting days it could not be checked, or was not watched yet). */
  recorded: number;
  /** The length of the window: 30. */
  days: number;
}

/** What is known of one check for a digest: its state now, or how it recovered. */
export interface DigestCheck {
  checkId: string;
  /** Stale now, or back to normal. */
  state: 'stale' | 'recovered';
  /** When it stopped passing (for `recovered`: when it had); null when not known. */
  staleSince: string | null;
  lastUpdatedAt: string | null;
  /** True when the data is stale because there is none. */
  noData: boolean;
  /** For `recovered`: the run that saw it right again. */
  recoveredAt: string | null;
}

/** One dataset in the digests: stale now, or back to normal since the last digest. */
export interface DigestEntry extends Omit<DigestCheck, 'checkId'> {
  dataset: string;
  title: string;
  owners: string[];
  subscribers: string[];
  impact: string | null;
  action: string | null;
  /** A CloudWatch alarm in ALARM (no "last updated" to say). */
  alarm?: true;
  /** Who said they are on it, and since when: its acknowledgement (absent until someone does). */
  onIt?: Pick<Acknowledgement, 'by' | 'at'> | null;
  onTimeRate?: OnTimeRate | null;
  /** The title of the stale dataset it depends on (`dependsOn`): its root cause. */
  waitingOn?: string | null;
  /** The id of that root cause, to find who is on it. */
  waitingOnDataset?: string | null;
  /** Who is on that root cause: said when no one is on this dataset itself. */
  causeOnIt?: Pick<Acknowledgement, 'by' | 'at'> | null;
}

/** The message model keeps times as ISO-8601 text (as events carry them). */
const iso = (at: Date | null) => (at ? at.toISOString() : null);

/**
 * What a digest says of each check, from the state table: stale now (also while a check errs, when the
 * data was last seen stale), or back to normal since `lastDigestAt` after its history saw it stale. For
 * a recovery only the runs are known, so `staleSince` is the first run of the streak that saw it stale:
 * it had been stale at least since then.
 */
export function digestChecks(
  states: readonly CheckStateInput[],
  history: readonly HistoryEntry[],
  lastDigestAt: Date | null,
): DigestCheck[] {
  const runsOf = new Map<string, HistoryEntry[]>();
  for (const h of history) runsOf.set(h.checkId, [...(runsOf.get(h.checkId) ?? []), h]);
  const out: DigestCheck[] = [];
  for (const given of states) {
    const s = checkStateSchema.parse(given);
    const noData = s.observed !== null && 'ageSeconds' in s.observed && s.observed.ageSeconds === null;
    if (isStale(s.status) || (s.status === 'error' && isStale(s.dataStatus))) {
      out.push({
        checkId: s.checkId,
        state: 'stale',
        staleSince: iso(s.staleSince),
        lastUpdatedAt: iso(s.lastUpdatedAt),
        noData,
        recoveredAt: null,
      });
      continue;
    }
    if (s.status !== 'pass' || (lastDigestAt && s.since.getTime() < lastDigestAt.getTime())) continue;
    const before = (runsOf.get(s.checkId) ?? [])
      .filter((h) => h.status !== 'error' && Date.parse(h.runAt) < s.since.getTime())
      .sort((a, b) => a.runAt.localeCompare(b.runAt));
    let first: string | null = null;
    for (let i = before.length - 1; i >= 0 && isStale(before[i]?.status ?? null); i--)
      first = before[i]?.runAt ?? null;
    if (!first) continue;
    out.push({
      checkId: s.checkId,
      state: 'recovered',
      staleSince: first,
      lastUpdatedAt: iso(s.lastUpdatedAt),
      noData: false,
      recoveredAt: s.since.toISOString(),
    });
  }
  return out;
}

/**
 * The on-time rate of each dataset over the last `days` days, from its checks' history (`dailyRecord`:
 * a day counts as on time when no run saw the data late or stale; days it could not be checked do not
 * count).
 */
export function onTimeRates(
  config: Pick<Config, 'checks'>,
  history: readonly HistoryEntry[],
  now: Date,
  timezone: string,
  days = 30,
): (dataset: string) => OnTimeRate | null {
  return (dataset) => {
    const ids = new Set(config.checks.filter((c) => c.dataset === dataset).map((c) => c.id));
    const record = dailyRecord(
      history.filter((h) => ids.has(h.checkId)),
      { now, timezone, days },
    );
    return record.recorded === 0 ? null : { onTime: record.onTime, recorded: record.recorded, days };
  };
}

/**
 * Each dataset with a stale check, or with a check back to normal and none stale, once: a stale dataset
 * with the earliest `staleSince` of its stale checks (an unknown one counts as earliest), a recovered one
 * with its latest recovery.
 */
export function digestEntries(
  config: Pick<Config, 'checks' | 'datasets'> & Partial<Pick<Config, 'alarms'>>,
  checks: readonly DigestCheck[],
  onTimeRate: (dataset: string) => OnTimeRate | null = () => null,
): DigestEntry[] {
  const byDataset = new Map<string, DigestEntry>();
  const rank = (e: Pick<DigestEntry, 'state' | 'staleSince'>) =>
    e.state === 'stale' ? `0${e.staleSince ?? ''}` : `1${e.staleSince ?? ''}`;
  for (const check of checks) {
    // An alarm's state (lib/core/alarms/news.ts): listed under its file's title, once per alarm.
    const watch = check.checkId.startsWith('alarm/')
      ? watchOf(config.alarms ?? [], check.checkId.slice('alarm/'.length))
      : null;
    if (watch) {
      byDataset.set(check.checkId, {
        dataset: check.checkId,
        title: watch.title,
        owners: watch.owners,
        subscribers: watch.subscribers,
        impact: watch.impact,
        action: watch.action,
        state: check.state,
        staleSince: check.staleSince,
        lastUpdatedAt: null,
        noData: false,
        recoveredAt: check.recoveredAt,
        alarm: true,
        onTimeRate: null,
      });
      continue;
    }
    const datasetId = config.checks.find((c) => c.id === check.checkId)?.dataset;
    const dataset = config.datasets.find((d) => d.id === datasetId);
    if (!dataset) continue;
    const known = byDataset.get(dataset.id);
    if (known) {
      if (check.state === 'recovered' && known.state === 'recovered') {
        if ((check.recoveredAt ?? '') <= (known.recoveredAt ?? '')) continue;
      } else if (rank(known) <= rank(check)) continue;
    }
    byDataset.set(dataset.id, {
      dataset: dataset.id,
      title: dataset.title,
      owners: dataset.owners,
      subscribers: dataset.subscribers,
      impact: dataset.impact,
      action: dataset.action,
      state: check.state,
      staleSince: check.staleSince,
      lastUpdatedAt: check.lastUpdatedAt ?? (known?.state === check.state ? known.lastUpdatedAt : null),
      noData: check.noData,
      recoveredAt: check.recoveredAt,
      onTimeRate: onTimeRate(dataset.id),
    });
  }
  // A stale dataset whose cause (`dependsOn`) is stale too says what it waits on. (A check that cannot
  // run is not in a digest's checks, so only a stale cause is named here.)
  const conditionOf = (id: string) => (byDataset.get(id)?.state === 'stale' ? 'stale' : 'ok');
  return [...byDataset.values()].map((e) => {
    if (e.state !== 'stale' || e.alarm) return e;
    const cause = rootCauseOf(config, e.dataset, conditionOf);
    const title = cause ? config.datasets.find((d) => d.id === cause)?.title : undefined;
    return title ? { ...e, waitingOn: title, waitingOnDataset: cause } : e;
  });
}

/** `On time 27 of 30 days`; `On time 5 of the 6 days checked in the last 30`. */
export function onTimeInWords(rate: OnTimeRate): string {
  return rate.recorded === rate.days
    ? `On time ${rate.onTime} of ${countOf(rate.days, 'day')}`
    : `On time ${rate.onTime} of the ${countOf(rate.recorded, 'day')} checked in the last ${rate.days}`;
}

/** What the digest needs besides the entries. */
export interface DigestContext {
  zone: string;
  now: Date;
  /** The previous digest's fire: "since the last digest" starts here (null: everything is new). */
  lastDigestAt: Date | null;
  /** Makes the message unique for the sent-record: the fire it answers. */
  key: string;
}

function staleItem(e: DigestEntry, ctx: DigestContext): DigestItem {
  const since = e.staleSince ? new Date(e.staleSince) : null;
  const first = e.alarm
    ? since
      ? `A problem since ${whenInWords(since, ctx.zone, ctx.now)}`
      : 'A problem since its alarm went off'
    : e.noData
      ? since
        ? `No data since ${whenInWords(since, ctx.zone, ctx.now)}`
        : 'No data since before Stalewatch first looked'
      : [
          since ? `Stale since ${whenInWords(since, ctx.zone, ctx.now)}` : 'Stale',
          e.lastUpdatedAt
            ? `last updated ${whenInWords(new Date(e.lastUpdatedAt), ctx.zone, ctx.now)}`
            : null,
        ]
          .filter(Boolean)
          .join('; ');
  const sentence = (text: string) => (/[.!?…]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);
  const meaning = [
    e.impact ? `What it means: ${sentence(e.impact)}` : null,
    e.action ? `What to do: ${sentence(e.action)}` : null,
  ].filter(Boolean);
  return {
    title: e.title,
    lines: [
      first,
      ...(meaning.length > 0 ? [meaning.join(' ')] : []),
      ...(e.waitingOn ? [`Waiting on: ${e.waitingOn}`] : []),
      e.onIt
        ? `Who is on it: ${whoIsOnIt(e.onIt, ctx.zone, ctx.now)}`
        : e.waitingOn && e.causeOnIt
          ? `Who is on it: ${whoIsOnTheCause(e.causeOnIt, e.waitingOn, ctx.zone, ctx.now)}`
          : 'Who is on it: nobody has said so yet',
      ...(e.onTimeRate ? [onTimeInWords(e.onTimeRate)] : []),
    ],
  };
}

function recoveredItem(e: DigestEntry, ctx: DigestContext): DigestItem {
  const at = e.recoveredAt ? new Date(e.recoveredAt) : null;
  const wrong =
    at && e.staleSince ? `at least ${lengthInWords(at.getTime() - new Date(e.staleSince).getTime())}` : null;
  const right = e.noData ? 'Has data again' : 'Back to normal';
  return {
    title: e.title,
    lines: [
      `${right}${at ? ` since ${whenInWords(at, ctx.zone, ctx.now)}` : ''}${wrong ? `; it was stale for ${wrong}` : ''}`,
      ...(e.onTimeRate ? [onTimeInWords(e.onTimeRate)] : []),
    ],
  };
}

/** Oldest first; a dataset whose since-when is not known has been stale longest, so it leads. */
const oldestFirst = (a: DigestEntry, b: DigestEntry) =>
  (a.staleSince ?? '').localeCompare(b.staleSince ?? '') || a.title.localeCompare(b.title);

/**
 * The digest of one contact (SPEC "Messages"), over the datasets they own or follow, in three parts:
 * newly stale since the last digest, still stale (oldest first), and back to normal since the last
 * digest; each dataset with since when, what it means and what to do in a line, who is on it, and its
 * on-time rate. Null when all three parts are empty: nothing is sent.
 */
export function digestOf(
  contact: Contact,
  entries: readonly DigestEntry[],
  ctx: DigestContext,
): Alert | null {
  const theirs = entries.filter((e) => e.owners.includes(contact.id) || e.subscribers.includes(contact.id));
  const last = ctx.lastDigestAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  const stale = theirs.filter((e) => e.state === 'stale').sort(oldestFirst);
  const isNew = (e: DigestEntry) => e.staleSince !== null && new Date(e.staleSince).getTime() >= last;
  const newly = stale.filter(isNew);
  const still = stale.filter((e) => !isNew(e));
  const recovered = theirs
    .filter((e) => e.state === 'recovered' && e.recoveredAt && new Date(e.recoveredAt).getTime() >= last)
    .sort(
      (a, b) => (a.recoveredAt ?? '').localeCompare(b.recoveredAt ?? '') || a.title.localeCompare(b.title),
    );
  if (stale.length + recovered.length === 0) return null;
  const datasets = stale.filter((e) => !e.alarm).length;
  const alarms = stale.length - datasets;
  const staleWords = [
    datasets > 0 ? `${countOf(datasets, 'dataset')} out of date` : null,
    alarms > 0 ? `${countOf(alarms, 'alarm')} going off` : null,
  ]
    .filter(Boolean)
    .join(' and ');
  const headline = [
    staleWords
      ? `${staleWords}${newly.length > 0 && still.length > 0 ? ` (${newly.length} new)` : ''}`
      : 'Nothing out of date',
    recovered.length > 0 ? `${recovered.length} back to normal` : null,
  ]
    .filter(Boolean)
    .join(', ');
  return {
    kind: 'digest',
    audience: contact.audience,
    state: 'Digest',
    headline,
    tone: stale.length > 0 ? 'warning' : 'good',
    facts: [],
    impact: null,
    action: null,
    forwardNote: null,
    technical: null,
    sections: [
      {
        title: 'Newly stale since the last digest',
        empty: 'None.',
        items: newly.map((e) => staleItem(e, ctx)),
      },
      {
        title: 'Still stale, oldest first',
        empty: 'None.',
        items: still.map((e) => staleItem(e, ctx)),
      },
      {
        title: 'Back to normal since the last digest',
        empty: 'None.',
        items: recovered.map((e) => recoveredItem(e, ctx)),
      },
    ],
    key: ctx.key,
  };
}
