import { existsSync } from 'node:fs';
import type { Browser } from 'puppeteer-core';

/** Debian's Chromium (`apt-get install chromium`), or another one named by STALEWATCH_CHROMIUM. */
export const CHROMIUM = process.env.STALEWATCH_CHROMIUM ?? '/usr/bin/chromium';

/** Whether the browser tests can run here; a laptop without Chromium skips them, saying so. */
export const hasChromium = existsSync(CHROMIUM);

/** `describe`, or, without Chromium, a skipped `describe` and a line saying how to run it. */
export function describeInChromium(name: string, body: () => void): void {
  if (hasChromium) {
    describe(name, body);
    return;
  }
  console.warn(
    `Skipped "${name}": no Chromium at ${CHROMIUM} (apt-get install chromium, or set STALEWATCH_CHROMIUM)`,
  );
  describe.skip(name, body);
}

/** Headless Chromium through puppeteer-core, offline: nothing is downloaded, no network is needed. */
export async function launchChromium(): Promise<Browser> {
  const puppeteer = (await import('puppeteer-core')).default;
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}
