import { type Browser, chromium } from 'playwright-core';
import { debianToolMissing } from './debian.ts';

/** CHROMIUM is Debian's chromium; no test downloads a browser of its own. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * browserUnavailable says why browser tests cannot run here, or undefined when they can. In CI
 * (.ci/run installs chromium) a missing browser is an error, not a reason to skip.
 */
export function browserUnavailable(): string | undefined {
  return debianToolMissing(CHROMIUM, 'chromium', 'the browser test');
}

/** launchBrowser starts headless Chromium with the flags this workplace's closed network needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-quic',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
