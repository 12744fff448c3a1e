// `npm run screenshot:status`: the demo's status page, rendered in Debian's Chromium, as the README shows it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { demoStatusPage } from './status-page';

const CHROMIUM = process.env.STALEWATCH_CHROMIUM ?? '/usr/bin/chromium';
const OUT = join(__dirname, '..', '..', 'docs', 'images', 'status-page.png');

async function main() {
  // A fixed moment, so the picture only changes when the page does.
  const html = await demoStatusPage(new Date('2026-11-23T10:00:00Z'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 900, height: 900, deviceScaleFactor: 1 });
    await page.setContent(html, { waitUntil: 'load' });
    mkdirSync(join(OUT, '..'), { recursive: true });
    await page.screenshot({ path: OUT as `${string}.png`, fullPage: true });
    process.stdout.write(`Wrote ${OUT}\n`);
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.stderr.write(
    `(Chromium is looked for at ${CHROMIUM}: apt-get install chromium, or set STALEWATCH_CHROMIUM)\n`,
  );
  process.exit(1);
});
