/// <reference lib="dom" />
// The email as a person reads it: rendered by headless Chromium at a phone's 375 px width.
import type { Browser, Page } from 'puppeteer-core';
import type { CheckEventDetail, DetailType } from '../../lib/core/events/types';
import { alertOf } from '../../lib/core/messages/build';
import { digestOf } from '../../lib/core/messages/digest';
import { type Email, toEmail } from '../../lib/core/messages/email';
import type { Contact } from '../../lib/core/model/config';
import { describeInChromium, launchChromium } from '../helpers/browser';
import { sampleContacts, sampleDetail } from '../helpers/events';

const contacts = sampleContacts();
const settings = {
  timezone: 'Europe/London',
  contacts,
  notify: { errorsTo: 'platform', remindEvery: '24h', digest: '0 8 * * 1-5', quietHours: null },
};
const NOW = new Date('2026-11-23T10:00:00Z');

function email(type: DetailType, overrides: Partial<CheckEventDetail>, to: string): Email {
  const alert = alertOf(type, sampleDetail(overrides), contacts[to] as Contact, { settings, now: NOW });
  if (!alert) throw new Error('no alert');
  return toEmail(alert);
}

// Prepare: one email of each kind, rendered once and loaded into the page before its tests.
const LONG_SQL = `SELECT ${Array.from({ length: 40 }, (_, i) => `"a_really_long_column_name_${i}"`).join(',')} FROM "public"."a_table_with_a_long_name_that_does_not_break"`;
const EMAILS: Record<string, Email> = {
  'a stale dataset, to its data lead': email('Dataset Stale', {}, 'placements-lead'),
  'a check error with long SQL, to the platform team': email(
    'Check Error',
    { status: 'error', error: `relation "${'x'.repeat(200)}" does not exist`, sql: LONG_SQL, breaches: [] },
    'platform',
  ),
  'a recovery': email(
    'Dataset Recovered',
    { status: 'pass', previousStatus: 'fail', breaches: [] },
    'placements-lead',
  ),
  'the digest': toEmail(
    digestOf(
      contacts['placements-lead'] as Contact,
      [
        {
          dataset: 'placements',
          title: 'Trainee placements',
          owners: ['placements-lead'],
          subscribers: [],
          impact: 'Trainees and Local Office admins see out-of-date placement details.',
          action: 'Ask the platform team to re-run the nightly ESR sync.',
          state: 'stale',
          staleSince: '2026-11-23T07:00:00.000Z',
          lastUpdatedAt: '2026-11-20T02:10:00.000Z',
          noData: false,
          recoveredAt: null,
          onTimeRate: { onTime: 27, recorded: 30, days: 30 },
        },
      ],
      { zone: 'Europe/London', now: NOW, lastDigestAt: new Date('2026-11-20T08:00:00Z'), key: 'k' },
    ) as never,
  ),
};

describeInChromium('an email, rendered in Chromium at 375 px', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setViewport({ width: 375, height: 800, deviceScaleFactor: 1 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  describe.each(Object.entries(EMAILS))('%s', (_name, mail) => {
    beforeAll(async () => {
      // Prepare: the page shows this email.
      await page.setContent(mail.html, { waitUntil: 'load' });
    });

    it('fits the screen: nothing scrolls sideways', async () => {
      // Act: measure the page against the screen.
      const widths = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        body: document.body.scrollWidth,
        viewport: window.innerWidth,
      }));
      // Assess
      expect(widths.scroll).toBeLessThanOrEqual(widths.viewport);
      expect(widths.body).toBeLessThanOrEqual(widths.viewport);
    });

    it('has readable text: no visible text smaller than 13 px, and the headline shown', async () => {
      // Act: the smallest font size of any visible text, and the headline's box.
      const smallest = await page.evaluate(() => {
        let min = Number.POSITIVE_INFINITY;
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const el = n.parentElement;
          if (!el || !n.textContent?.trim()) continue;
          const rect = el.getBoundingClientRect();
          if (rect.width === 0 || rect.height === 0 || getComputedStyle(el).opacity === '0') continue;
          min = Math.min(min, Number.parseFloat(getComputedStyle(el).fontSize));
        }
        return min;
      });
      const h1 = await page.$eval('h1', (el) => ({
        text: el.textContent,
        height: el.getBoundingClientRect().height,
      }));
      // Assess
      expect(smallest).toBeGreaterThanOrEqual(13);
      expect(mail.subject).toContain(h1.text);
      expect(h1.height).toBeGreaterThan(0);
    });

    it('says its state in words on a badge, has the subject as title, and hides the preheader', async () => {
      // Act: what the reader's mail client shows.
      const seen = await page.evaluate(() => ({
        title: document.title,
        lang: document.documentElement.lang,
        // biome-ignore lint/performance/useDomNodeTextContent: the text as shown, without what is hidden
        text: document.body.innerText,
      }));
      // Assess
      expect(seen.title).toBe(mail.subject);
      expect(seen.lang).toBe('en-GB');
      expect(seen.text.trimStart()).toMatch(new RegExp(`^\\W*${mail.subject.split(':')[0]}\\b`));
      expect(seen.text).not.toContain(mail.preheader.slice(0, 40));
    });
  });
});
