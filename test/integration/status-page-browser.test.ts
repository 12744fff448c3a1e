/// <reference lib="dom" />
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Browser, Page } from 'puppeteer-core';
import { loadConfig } from '../../lib/config/load';
import { statusPageModel } from '../../lib/core/status';
import { renderStatusPage } from '../../lib/core/status-page';
import { demoStatusPage } from '../../tools/demo/status-page';
import { describeInChromium, launchChromium } from '../helpers/browser';
import { stalewatchAsync } from '../helpers/cli';
import { pgliteFolder } from '../helpers/databases';
import { PLACEMENTS, SETTINGS, writeTree } from '../helpers/tree';

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const NOW = new Date('2026-11-23T10:00:00Z');

/** Opens `html` as a file would be, recording every request that is not the page itself. */
async function open(
  browser: Browser,
  html: string,
  width: number,
): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage();
  const requests: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith('data:') && r.url() !== 'about:blank') requests.push(r.url());
  });
  await page.setViewport({ width, height: 800 });
  await page.setContent(html, { waitUntil: 'load' });
  return { page, requests };
}

/** axe-core's serious and critical violations of WCAG 2 A/AA and best practice on the open page. */
async function seriousViolations(page: Page) {
  await page.addScriptTag({ content: AXE });
  const results = (await page.evaluate(() =>
    (window as unknown as { axe: { run: (o: unknown) => Promise<unknown> } }).axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] },
    }),
  )) as AxeResults;
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

describeInChromium('the status page in headless Chromium', () => {
  let browser: Browser;
  let demo: string;

  beforeAll(async () => {
    [browser, demo] = await Promise.all([launchChromium(), demoStatusPage(NOW)]);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each([
    ['a phone', 375],
    ['a desktop', 1280],
  ])(
    'reads on %s (%i px) without sideways scrolling, and has no serious accessibility violation',
    async (_name, width) => {
      // Act
      const { page, requests } = await open(browser, demo, width);

      // Assess
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(scrollWidth).toBeLessThanOrEqual(width);
      expect(await seriousViolations(page)).toEqual([]);
      expect(requests).toEqual([]);
      await page.close();
    },
  );

  it('says each dataset’s state in words beside its badge, and the strip has a text alternative', async () => {
    // Act
    const { page } = await open(browser, demo, 375);
    const seen = await page.evaluate(() => ({
      headings: [...document.querySelectorAll('h2')].map((h) => h.textContent),
      badges: [...document.querySelectorAll('.badge')].map((b) => b.textContent?.trim()),
      strips: [...document.querySelectorAll('.strip')].map((s) => s.getAttribute('aria-label')),
      onIt: [...document.querySelectorAll('dt')]
        .filter((d) => d.textContent === 'Who is on it')
        .map((d) => d.nextElementSibling?.textContent),
      waitingOn: [...document.querySelectorAll('dt')]
        .filter((d) => d.textContent === 'Waiting on')
        .map((d) => d.nextElementSibling?.textContent),
      alarms: [...document.querySelectorAll('h3[id^="alarm-"]')].map((h) => h.textContent),
      scripts: document.scripts.length,
    }));

    // Assess
    expect(seen.headings).toEqual(expect.arrayContaining(['Trainee placements', 'Programme memberships']));
    expect(seen.badges).toEqual(expect.arrayContaining(['✕ Out of date', '! Late', '✓ On time']));
    expect(
      seen.strips.every((s) =>
        /^Day by day, oldest first: .+ (on time|late|out of date|could not check)$/.test(s ?? ''),
      ),
    ).toBe(true);
    expect(seen.onIt).toContain('Jane Smith (since 09:20)');
    // The datasets made from the nightly sync say so; the alarms have their own part.
    expect(seen.waitingOn).toEqual(['Nightly ESR sync', 'Nightly ESR sync']);
    expect(seen.headings).toContain('Alarms');
    expect(seen.alarms).toEqual(['TIS website', 'TIS database disk space']);
    expect(seen.scripts).toBe(0);
    await page.close();
  });

  it('shows config text as text: a title with markup runs nothing and reads as written', async () => {
    // Prepare
    const config = await loadConfig({
      dir: writeTree({
        'stalewatch.yml': SETTINGS.replace('Placements data lead', '"Ops <b>&</b> \'data\'"'),
        'placements.yml': PLACEMENTS.replace(
          'Trainee placements',
          '"<img src=x onerror=alert(1)><script>alert(2)</script>"',
        ),
      }),
      env: {},
    });
    const model = statusPageModel(config, new Map(), [], NOW);

    // Act
    const { page, requests } = await open(browser, renderStatusPage(model), 375);
    const seen = await page.evaluate(() => ({
      title: document.querySelector('h2')?.textContent,
      owner: [...document.querySelectorAll('dd')].map((d) => d.textContent),
      elements: document.querySelectorAll('img, script, b').length,
    }));

    // Assess
    expect(seen.title).toBe('<img src=x onerror=alert(1)><script>alert(2)</script>');
    expect(seen.owner).toContain("Ops <b>&</b> 'data'");
    expect(seen.elements).toBe(0);
    expect(requests).toEqual([]);
    await page.close();
  });
});

describe('stalewatch status --out DIR', () => {
  it('writes index.html of the run alone without --stage, and exits as run does', async () => {
    // Prepare: placements last changed 3 days before the run (failAfter 50h).
    const folder = await pgliteFolder(
      "CREATE TABLE public.placement (id int, last_modified timestamp); INSERT INTO public.placement VALUES (1, '2026-11-20 09:00:00')",
    );
    const checks = writeTree({ 'stalewatch.yml': SETTINGS, 'placements.yml': PLACEMENTS });
    const out = join(mkdtempSync(join(tmpdir(), 'stalewatch-status-')), 'site');

    // Act
    const { code, stdout } = await stalewatchAsync([
      'status',
      '--checks',
      checks,
      '--source',
      `tis=pglite:${folder}`,
      '--now',
      '2026-11-23T10:00:00Z',
      '--out',
      out,
    ]);

    // Assess
    expect(code).toBe(1);
    expect(stdout).toContain(
      `Wrote the status page of 1 dataset(s) to ${join(out, 'index.html')}, from this run alone`,
    );
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('<h2 id="dataset-1">Trainee placements</h2>');
    expect(html).toContain('✕</span> Out of date');
    expect(html).toContain('Since</dt><dd>Saturday 21 November 11:00 (47 hours ago)');
    expect(html).toContain('On time 0 of 1 day seen in the last 30');
    expect(html).not.toMatch(/updated-recently|SELECT|last_modified/);
  });

  it('refuses an unreadable state table with exit 2, saying what to check, and writes nothing', async () => {
    // Prepare
    const out = join(mkdtempSync(join(tmpdir(), 'stalewatch-status-')), 'site');
    const folder = await pgliteFolder(
      "CREATE TABLE public.placement (id int, last_modified timestamp); INSERT INTO public.placement VALUES (1, '2026-11-23 09:00:00')",
    );
    const checks = writeTree({ 'stalewatch.yml': SETTINGS, 'placements.yml': PLACEMENTS });

    // Act: nothing listens at the endpoint.
    const { code, stderr } = await stalewatchAsync(
      ['status', '--checks', checks, '--source', `tis=pglite:${folder}`, '--stage', 'test', '--out', out],
      {
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
        AWS_REGION: 'eu-west-2',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_MAX_ATTEMPTS: '1',
      },
    );

    // Assess
    expect(code).toBe(2);
    expect(stderr).toContain('Could not read the state table stalewatch-test-state');
    expect(stderr).toContain('check --stage (or --table), --region and your AWS credentials');
    expect(() => readFileSync(join(out, 'index.html'))).toThrow();
  });
});
