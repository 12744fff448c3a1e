// Property tests of SPEC.md "Wording a reader can trust": over generated ages, thresholds, schedules and
// zones, every message built from a real evaluation says numbers that agree with each other.
import fc from 'fast-check';
import { evaluate } from '../../lib/core/evaluate/evaluate';
import type { Observation } from '../../lib/core/evaluate/types';
import { checkEvent } from '../../lib/core/events/build';
import type { CheckEventDetail, DetailType } from '../../lib/core/events/types';
import { type AlertContext, alertOf } from '../../lib/core/messages/build';
import { type DigestEntry, digestOf } from '../../lib/core/messages/digest';
import { toEmail } from '../../lib/core/messages/email';
import { toSlack } from '../../lib/core/messages/slack';
import { lengthInWords } from '../../lib/core/messages/wording';
import type { Check, Contact } from '../../lib/core/model/config';
import { resultMessage } from '../../lib/core/report/message';
import { freshness, rowCount } from '../helpers/checks';
import { sampleContacts } from '../helpers/events';

const RUNS = { numRuns: 300, seed: 20261123 } as const;
const ZONES = [
  'Europe/London',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'UTC',
];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const contacts = sampleContacts();
const lead = contacts['placements-lead'] as Contact;
const platform = contacts.platform as Contact;

const zoneArb = fc.constantFrom(...ZONES);
/** Any minute from 2020 to 2035: no test depends on the day it runs. */
const nowArb = fc
  .integer({ min: Date.UTC(2020, 0, 1) / 60_000, max: Date.UTC(2035, 0, 1) / 60_000 })
  .map((m) => new Date(m * 60_000));
const durationArb = fc.oneof(
  fc.integer({ min: 1, max: 180 }).map((n) => `${n}m`),
  fc.integer({ min: 1, max: 96 }).map((n) => `${n}h`),
  fc.integer({ min: 1, max: 30 }).map((n) => `${n}d`),
  fc.integer({ min: 1, max: 4 }).map((n) => `${n}w`),
);
const UNIT_MS: Record<string, number> = { m: 60_000, h: HOUR, d: DAY, w: 7 * DAY };
const ms = (duration: string) => Number(duration.slice(0, -1)) * (UNIT_MS[duration.slice(-1)] ?? 0);
const cronArb = fc
  .tuple(
    fc.integer({ min: 0, max: 59 }),
    fc.integer({ min: 0, max: 23 }),
    fc.constantFrom('*', '1-5', '1,3,5', '0', 'MON-FRI', '6'),
  )
  .map(([m, h, dow]) => `${m} ${h} * * ${dow}`);

interface Rendered {
  detail: CheckEventDetail;
  texts: string[];
  emailText: string;
  subject: string;
  html: string;
  slackText: string;
  headline: string;
}

/** Evaluates `check` on `observation` at `now`, and renders the event of `kind` as every channel would. */
function render(
  check: Check,
  observation: Observation,
  now: Date,
  zone: string,
  kind: 'stale' | 'recovered' = 'stale',
  previous: Parameters<typeof checkEvent>[2] = null,
): Rendered | null {
  const result = evaluate(check, observation, null, now);
  if (kind === 'stale' && result.status !== 'warn' && result.status !== 'fail') return null;
  const run = { runId: 'r', now, results: [result] };
  const event = checkEvent(
    kind,
    result,
    previous,
    { subscribers: [], impact: 'People see old data.', action: 'Re-run the sync.' },
    run,
    zone,
    'postgres',
  );
  const detail = event.detail as CheckEventDetail;
  const settings: AlertContext['settings'] = {
    timezone: zone,
    contacts,
    notify: { errorsTo: 'platform', remindEvery: '24h', digest: '0 8 * * 1-5', quietHours: null },
  };
  const texts: string[] = [resultMessage(result, zone, now)];
  let first: Rendered | null = null;
  for (const contact of [lead, platform]) {
    const alert = alertOf(event.detailType as DetailType, detail, contact, { settings, now });
    if (!alert) continue;
    const email = toEmail(alert);
    const slack = toSlack(alert);
    texts.push(email.text, email.subject, ...slack.map((m) => m.text));
    first ??= {
      detail,
      texts,
      emailText: email.text,
      subject: email.subject,
      html: email.html,
      slackText: slack[0]?.text ?? '',
      headline: alert.headline,
    };
  }
  return first;
}

/** `30 hours` → the least time it can mean (rounded down), in ms. */
function lowerBound(words: string): number {
  if (words === 'less than a minute' || words === 'just now') return 0;
  const m = /^([\d,]+) (minute|hour|day|year|second)s?$/.exec(words);
  if (!m) throw new Error(`not a length of time: ${words}`);
  const unit = { second: 1000, minute: 60_000, hour: HOUR, day: DAY, year: 365.25 * DAY }[
    m[2] as string
  ] as number;
  return Number((m[1] as string).replace(/,/g, '')) * unit;
}
/** `30 hours` → the least time it cannot mean any more (the next whole unit), in ms. */
function upperBound(words: string): number {
  const unit = /year/.test(words)
    ? 365.25 * DAY
    : /day/.test(words)
      ? DAY
      : /hour/.test(words)
        ? HOUR
        : 60_000;
  return lowerBound(words) + unit;
}

const PLACEHOLDERS =
  /since the first check saw it so|there is no data at all|no data: there is no data|undefined|\bnull\b|NaN|Invalid Date|\[object|every 1 (day|hour|week|minute)\b|within 1 day/;

/** Every `N noun` in the text, with singular and plural agreeing with N. */
function pluralProblems(text: string): string[] {
  const problems: string[] = [];
  for (const m of text.matchAll(
    /(?<![\d:.,])(\d[\d,]*) (row|day|hour|minute|second|week|year|dataset)(s?)\b/g,
  )) {
    const n = Number((m[1] as string).replace(/,/g, ''));
    if ((n === 1) !== (m[3] === '')) problems.push(m[0]);
  }
  if (/\b1 (rows|days|hours|minutes) (were|are)\b|\b(?:[02-9]|\d{2,}) \w+s was expected\b/.test(text))
    problems.push(text);
  return problems;
}

function assertWellWorded(r: Rendered) {
  for (const text of r.texts) {
    expect(text).not.toMatch(PLACEHOLDERS);
    expect(pluralProblems(text)).toEqual([]);
  }
  // The subject leads with the state; the HTML has lang, a charset, a preheader and the subject as title.
  expect(r.subject).toMatch(/^(Stale|Still stale|Back to normal|Error): /);
  expect(r.html).toMatch(/<html lang="en-GB"/);
  expect(r.html).toContain('<meta charset="utf-8">');
  expect(r.html).toContain(
    `<title>${r.subject.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')}</title>`,
  );
  expect(r.html).toMatch(/<div style="display:none[^"]*">[^<]+/);
  expect(r.slackText).toBe(r.subject.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

describe('wording a reader can trust, over generated ages, thresholds, schedules and zones', () => {
  it('a freshness alert by age: the headline age is the "last updated" age, rounded down, and agrees with stale since and the limit', () => {
    fc.assert(
      fc.property(
        zoneArb,
        nowArb,
        durationArb,
        fc.double({ min: 1.0001, max: 40, noNaN: true }),
        (zone, now, warnAfter, factor) => {
          // Prepare: data a whole number of minutes older than warnAfter.
          const age = Math.floor((ms(warnAfter) * factor) / 60_000) * 60_000 + 60_000;
          // Act
          const r = render(
            freshness({ warnAfter }),
            { kind: 'freshness', lastUpdatedAt: new Date(now.getTime() - age) },
            now,
            zone,
          );
          if (!r) return;
          // Assess
          assertWellWorded(r);
          const headlineAge = /data is (.+) out of date$/.exec(r.headline)?.[1] as string;
          const lastUpdatedAgo = /Last updated: .* \((.+) ago\)/.exec(r.emailText)?.[1];
          const sinceAgo = /Stale since: .* \((.+) ago\)/.exec(r.emailText)?.[1] ?? 'just now';
          // The same words for the same instant, and what they say is true (rounded down).
          expect(lastUpdatedAgo).toBe(headlineAge);
          expect(headlineAge).toBe(lengthInWords(age));
          expect(lowerBound(headlineAge)).toBeLessThanOrEqual(age);
          expect(upperBound(headlineAge)).toBeGreaterThan(age);
          expect(headlineAge).not.toMatch(/^1 day$/);
          // Stale since = last updated + the limit: its age is the headline's less the limit.
          expect(lowerBound(sinceAgo)).toBeLessThanOrEqual(age - ms(warnAfter));
          expect(upperBound(sinceAgo)).toBeGreaterThan(age - ms(warnAfter));
          // The limit said as a person would, and never more than the age it was broken by.
          const expected = /Expected: (.+)/.exec(r.emailText)?.[1] as string;
          expect(expected).toMatch(
            /^New data (every (minute|hour|day|week)|at least every \d+ (minutes|hours|days|weeks))$/,
          );
          expect(upperBound(headlineAge)).toBeGreaterThan(ms(warnAfter));
          // The CLI's sentence says the same age.
          expect(r.texts[0]).toContain(`data is ${headlineAge} out of date: last updated`);
          expect(r.texts[0]).toContain(`(${headlineAge} ago)`);
        },
      ),
      RUNS,
    );
  });

  it('a failAfter after a warnAfter: the limits stated agree with "stale since"', () => {
    fc.assert(
      fc.property(
        zoneArb,
        nowArb,
        fc.integer({ min: 1, max: 72 }),
        fc.integer({ min: 1, max: 72 }),
        fc.integer({ min: 1, max: 5000 }),
        (zone, now, warnH, extraH, overMin) => {
          // Prepare: data past failAfter by some minutes.
          const warnAfter = `${warnH}h`;
          const failAfter = `${warnH + extraH}h`;
          const age = (warnH + extraH) * HOUR + overMin * 60_000;
          // Act
          const r = render(
            freshness({ warnAfter, failAfter }),
            { kind: 'freshness', lastUpdatedAt: new Date(now.getTime() - age) },
            now,
            zone,
          );
          if (!r) return;
          // Assess
          assertWellWorded(r);
          const sinceAgo = /Stale since: .* \((.+) ago\)/.exec(r.emailText)?.[1] as string;
          expect(lowerBound(sinceAgo)).toBeLessThanOrEqual(age - warnH * HOUR);
          expect(r.emailText).toMatch(
            /Expected: New data (every (hour|day)|at least every \d+ (hours|days)); it is now more than .+ old/,
          );
        },
      ),
      RUNS,
    );
  });

  it('a freshness alert by schedule: stale since is the missed deadline, and no older than the last update', () => {
    fc.assert(
      fc.property(
        zoneArb,
        nowArb,
        cronArb,
        fc.integer({ min: 1, max: 20 * 24 * 60 }),
        (zone, now, cron, ageMin) => {
          // Prepare
          const age = ageMin * 60_000;
          const check = freshness({ dueBy: { cron, timezone: zone, holidays: null } });
          // Act
          const r = render(
            check,
            { kind: 'freshness', lastUpdatedAt: new Date(now.getTime() - age) },
            now,
            zone,
          );
          if (!r) return;
          // Assess
          assertWellWorded(r);
          const headlineAge = /data is (.+) out of date$/.exec(r.headline)?.[1] as string;
          expect(/Last updated: .* \((.+) ago\)/.exec(r.emailText)?.[1]).toBe(headlineAge);
          const sinceAgo = /Stale since: .* \((.+) ago\)/.exec(r.emailText)?.[1] ?? 'just now';
          expect(lowerBound(sinceAgo)).toBeLessThan(upperBound(headlineAge));
          expect(r.emailText).toMatch(/Expected: New data by .+ \(it was due by .+\)/);
        },
      ),
      RUNS,
    );
  });

  it('row counts: counts and limits in words, singular and plural right', () => {
    fc.assert(
      fc.property(
        zoneArb,
        nowArb,
        fc.integer({ min: 0, max: 5_000_000 }),
        fc.integer({ min: 1, max: 5_000_000 }),
        (zone, now, rows, limit) => {
          // Act
          const r = render(rowCount({ failBelow: limit }), { kind: 'rowCount', rowCount: rows }, now, zone);
          if (!r) return;
          // Assess
          assertWellWorded(r);
          const shown = (n: number) => n.toLocaleString('en-GB');
          expect(r.headline).toBe(
            `Trainee placements has ${shown(rows)} row${rows === 1 ? '' : 's'} (at least ${shown(limit)} expected)`,
          );
          expect(r.emailText).toContain(`Expected: At least ${shown(limit)} row${limit === 1 ? '' : 's'}`);
          expect(r.texts[0]).toContain(
            `at least ${shown(limit)} row${limit === 1 ? ' was' : 's were'} expected`,
          );
        },
      ),
      RUNS,
    );
  });

  it('a drop in rows: the fall shown is more than the limit it broke', () => {
    fc.assert(
      fc.property(
        zoneArb,
        nowArb,
        fc.integer({ min: 100, max: 100_000 }),
        fc.integer({ min: 1, max: 90 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (zone, now, before, limit, f) => {
          // Prepare: a fall from `before` of at least `limit` percent.
          const after = Math.floor(before * (1 - limit / 100 - f * (1 - limit / 100)));
          const check = rowCount({ warnDropPercent: limit });
          // Act
          const result = evaluate(
            check,
            { kind: 'rowCount', rowCount: after },
            {
              status: 'pass',
              since: now,
              dataStatus: 'pass',
              staleSince: null,
              lastUpdatedAt: null,
              rowCounts: [before],
            },
            now,
          );
          if (result.status === 'pass') return;
          const breach = result.breaches[0];
          if (breach?.rule !== 'warnDropPercent') return;
          const said = resultMessage(result, zone, now);
          // Assess
          const shown = /fell by (?:just over )?([\d.]+)%/.exec(said)?.[1] as string;
          expect(Number(shown) > limit || resultMessage(result, zone, now).includes('just over')).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('no data: says so once, with when it was found empty, and no placeholder', () => {
    fc.assert(
      fc.property(zoneArb, nowArb, durationArb, (zone, now, warnAfter) => {
        // Act
        const r = render(freshness({ warnAfter }), { kind: 'freshness', lastUpdatedAt: null }, now, zone);
        if (!r) return;
        // Assess
        assertWellWorded(r);
        expect(r.headline).toBe('Trainee placements has no data');
        expect(r.emailText).toMatch(/(Found empty|Empty since): .+/);
        expect(r.emailText).not.toMatch(/Last updated/);
      }),
      RUNS,
    );
  });

  it('a recovery: says how long it was stale, agreeing with since when, and does not repeat the impact', () => {
    fc.assert(
      fc.property(
        zoneArb,
        nowArb,
        durationArb,
        fc.integer({ min: 1, max: 60 * 24 * 60 }),
        (zone, now, warnAfter, staleMin) => {
          // Prepare: stale for `staleMin` minutes, fresh again now.
          const staleSince = new Date(now.getTime() - staleMin * 60_000);
          const previous = {
            checkId: 'placements/freshness',
            status: 'fail' as const,
            since: staleSince.toISOString(),
            dataStatus: 'fail' as const,
            staleSince: staleSince.toISOString(),
            lastUpdatedAt: null,
            observed: null,
            rowCounts: [],
            lastNotifiedAt: null,
            runId: 'p',
            runAt: staleSince.toISOString(),
            version: 1,
          };
          // Act
          const r = render(
            freshness({ warnAfter }),
            { kind: 'freshness', lastUpdatedAt: now },
            now,
            zone,
            'recovered',
            previous,
          );
          if (!r) return;
          // Assess
          assertWellWorded(r);
          const wasFor = /\(was stale for (.+)\)$/.exec(r.headline)?.[1] as string;
          const sinceAgo = /Was stale since: .* \((.+)\)/.exec(r.emailText)?.[1] as string;
          expect(sinceAgo === 'just now' ? 'less than a minute' : sinceAgo.replace(/ ago$/, '')).toBe(wasFor);
          expect(r.emailText).not.toContain('People see old data.');
          expect(r.emailText).not.toContain('What to do');
        },
      ),
      RUNS,
    );
  });

  it('a digest lists still-stale datasets oldest first, those with no data included', () => {
    const sinceArb = fc.option(fc.integer({ min: 0, max: (60 * DAY) / 60_000 }), { nil: null });
    fc.assert(
      fc.property(
        zoneArb,
        nowArb,
        fc.array(fc.tuple(sinceArb, fc.boolean()), { minLength: 1, maxLength: 12 }),
        (zone, now, rows) => {
          // Prepare: stale datasets, some with no data.
          const entries: DigestEntry[] = rows.map(([mins, noData], i) => ({
            dataset: `d${i}`,
            title: `Dataset ${String(i).padStart(2, '0')}`,
            owners: ['placements-lead'],
            subscribers: [],
            impact: null,
            action: null,
            state: 'stale',
            staleSince:
              mins === null ? null : new Date(now.getTime() - 2 * DAY - mins * 60_000).toISOString(),
            lastUpdatedAt: noData ? null : new Date(now.getTime() - 90 * DAY).toISOString(),
            noData,
            recoveredAt: null,
          }));
          // Act
          const digest = digestOf(lead, entries, {
            zone,
            now,
            lastDigestAt: new Date(now.getTime() - DAY),
            key: 'k',
          });
          // Assess
          const still = digest?.sections?.[1]?.items.map((i) => i.title) ?? [];
          const sinceOf = (title: string) => entries.find((e) => e.title === title)?.staleSince ?? '';
          const sorted = [...still].sort(
            (a, b) => sinceOf(a).localeCompare(sinceOf(b)) || a.localeCompare(b),
          );
          expect(still).toEqual(sorted);
          expect(still).toHaveLength(entries.length);
          const text = toEmail(digest as never).text;
          expect(text).not.toMatch(PLACEHOLDERS);
          expect(pluralProblems(text)).toEqual([]);
        },
      ),
      { numRuns: 100, seed: 20261123 },
    );
  });
});
