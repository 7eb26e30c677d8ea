/** Launches Debian's Chromium through playwright-core (no downloaded browser builds). */
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
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
