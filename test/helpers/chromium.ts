import { existsSync } from 'node:fs';
import type { Browser } from 'puppeteer-core';

/**
 * Debian's Chromium (`apt-get install -y chromium`, as `.ci/run` does), or `CHROMIUM_PATH`; null when
 * neither is there, and tests that need it are skipped with a message saying how to run them.
 */
export function chromiumPath(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p): p is string => Boolean(p) && existsSync(p as string)) ?? null;
}

/** A message for a test skipped because Chromium is absent. */
export const NO_CHROMIUM =
  'Chromium is not installed: the email rendering tests are skipped (apt-get install -y chromium, or set CHROMIUM_PATH)';

/** Headless Chromium through puppeteer-core. */
export async function launchChromium(path: string): Promise<Browser> {
  const puppeteer = await import('puppeteer-core');
  return puppeteer.launch({
    executablePath: path,
    headless: true,
    // Root in a container: Chromium's sandbox needs user namespaces that CI does not give.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--font-render-hinting=none'],
  });
}
