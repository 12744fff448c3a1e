// `npm run screenshot:email`: the demo's email as a phone shows it (Debian's Chromium, 375 px wide), to
// docs/images/email.png, the picture in the README. Needs Chromium (`apt-get install -y chromium`, or
// STALEWATCH_CHROMIUM).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import puppeteer from 'puppeteer-core';

const CHROMIUM = process.env.STALEWATCH_CHROMIUM ?? '/usr/bin/chromium';

/** The demo's time, fixed so that the picture does not change from one day to the next. */
const DEMO_NOW = '2026-11-23T10:00';
const ROOT = resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? join(ROOT, 'docs', 'images', 'email.png'));
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium, or set STALEWATCH_CHROMIUM`);
  const work = mkdtempSync(join(tmpdir(), 'stalewatch-email-'));
  try {
    const demo = spawnSync(
      process.execPath,
      [join(ROOT, 'bin', 'stalewatch.js'), 'demo', '--now', DEMO_NOW],
      {
        cwd: work,
        encoding: 'utf8',
      },
    );
    const previews = join(work, 'preview');
    const file = readdirSync(previews)
      .filter((f) => f.endsWith('.email.html'))
      .sort()[0];
    if (!file) throw new Error(`the demo wrote no email (exit ${demo.status}):\n${demo.stderr}`);
    const browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 375, height: 740, deviceScaleFactor: 2 });
      await page.setContent(readFileSync(join(previews, file), 'utf8'), { waitUntil: 'load' });
      mkdirSync(dirname(out), { recursive: true });
      // The preview file holds each of the contact's emails; the picture shows the first, as a phone does.
      const first = await page.$('body > table table');
      if (!first) throw new Error(`${file} has no email in it`);
      await first.screenshot({ path: out as `${string}.png` });
    } finally {
      await browser.close();
    }
    process.stdout.write(`Wrote ${out} (the first email of ${file}, at 375 px)\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
});
