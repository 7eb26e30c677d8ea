/**
 * Launches Chromium through playwright-core (no downloaded browser builds). By default it is the
 * Chromium inside the npm package @sparticuz/chromium, unpacked by scripts/ensure-chromium.mjs
 * (npm test's pretest), so the tests need only Node and npm. CHROMIUM_PATH picks another browser.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

const PACKAGED_DIR = resolve('.cache/chromium');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? join(PACKAGED_DIR, 'chromium');

export function launchChromium(): Promise<Browser> {
  const packaged = !process.env.CHROMIUM_PATH;
  if (packaged && !existsSync(join(PACKAGED_DIR, '.complete'))) {
    throw new Error('The packaged Chromium is not unpacked: run `node scripts/ensure-chromium.mjs` (npm test does), or set CHROMIUM_PATH.');
  }
  // The packaged browser's own nss, nspr and expat come first on the library path.
  const env = packaged
    ? {
        ...process.env,
        LD_LIBRARY_PATH: [join(PACKAGED_DIR, 'al2023', 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
        FONTCONFIG_PATH: join(PACKAGED_DIR, 'fonts'),
      }
    : process.env;
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    env: env as Record<string, string>,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** One browser per test file: launched before its tests, closed after. Screenshots go to test-results/. */
export function useChromium(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync('test-results', { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('Chromium is not running yet');
    return browser;
  };
}

/**
 * Records every page error and dialog in `problems`, so a test can assert there were none:
 * nothing may throw, and no shopper- or agent-supplied text may ever run as script.
 */
export function collectPageProblems(page: Page, problems: string[], label = ''): void {
  const prefix = label ? `${label} ` : '';
  page.on('pageerror', (error) => problems.push(`${prefix}pageerror: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`${prefix}dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
}
