/**
 * The console's Setup and Knowledge gaps pages against the real `wrangler dev` (started by the
 * browser project's globalSetup): the seeded demo admin signs in, opens Setup from the keyboard,
 * sees the embed snippet for this deployment and copies it to the clipboard, reads the settings
 * in the editor (business hours, canned replies, …), and axe finds no serious problems at
 * 1280×800. The settings editor refuses a bad colour at the field and previews a good one.
 * A shopper then marks a bot answer as not helpful, and the question shows up under Knowledge gaps. A plain agent gets no Setup (button hidden, API 403) but does get the gaps.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { collectPageProblems, useChromium } from '../support/chromium.ts';
import { openAgentAndShopper, seriousAxeViolations, signInAsDemoAgent, signInAsNewPlainAgent } from '../support/demo-console.ts';

const baseUrl = inject('kefuBaseUrl');
const IDENTIFY = "kefu('identify', { id: '<user id>', name: '<name>', email: '<email>', userHash: '<hmac>' })";

const getBrowser = useChromium();

// bypassCSP only so the test can inject axe-core; the console itself needs no exception.
const CONSOLE_CONTEXT = { viewport: { width: 1280, height: 800 }, permissions: ['clipboard-read', 'clipboard-write'], bypassCSP: true };

async function consoleContext(): Promise<BrowserContext> {
  return getBrowser().newContext(CONSOLE_CONTEXT);
}

const signIn = (page: Page) => signInAsDemoAgent(page, baseUrl);

/** The status of a same-origin API call made by the page with its session cookie. */
async function apiStatus(page: Page, path: string): Promise<number> {
  return page.evaluate(async (url) => (await fetch(url, { credentials: 'same-origin' })).status, path);
}

describe('console Setup page (site admins)', () => {
  it('shows the embed snippet ready to copy and the settings in an editor, accessibly at 1280×800', async () => {
    const context = await consoleContext();
    const page = await context.newPage();
    const problems: string[] = [];
    collectPageProblems(page, problems, 'console');
    try {
      await signIn(page);

      // Keyboard: the Setup button in the sidebar opens the page and focus moves into it.
      const setupButton = page.getByTestId('setup-button');
      await setupButton.focus();
      await page.keyboard.press('Enter');
      const setup = page.getByTestId('setup-page');
      await expect.poll(() => setup.count()).toBe(1);
      await expect.poll(() => page.getByTestId('embed-snippet-code').count(), { timeout: 10_000 }).toBe(1);
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('setup-page');
      expect(await setupButton.getAttribute('aria-current')).toBe('page');
      expect(new URL(page.url()).hash).toBe('#setup');

      // The embed snippet for this deployment, and where to paste it.
      const snippet = `<script async src="${baseUrl}/widget/loader.js" data-site="demo"></script>`;
      expect(await page.getByTestId('embed-snippet-code').textContent()).toBe(snippet);
      expect(await setup.textContent()).toContain('Paste it into every page of your shop, in the <head> or before </body>.');
      // Text, never markup: the page holds no <script> element built from the snippet.
      expect(await setup.locator('script').count()).toBe(0);

      // Copy puts exactly the snippet on the clipboard and says so.
      await page.getByTestId('embed-snippet-copy').click();
      const copy = page.getByTestId('embed-snippet-copy');
      await expect.poll(() => copy.getAttribute('data-copy-state')).toBe('copied');
      expect(await copy.textContent()).toBe('Copied the embed snippet');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(snippet);

      // The identify call for logged-in shoppers, with the state of identity verification.
      expect(await page.getByTestId('identify-snippet-code').textContent()).toBe(IDENTIFY);
      // Where the clipboard refuses, Copy selects the text instead, for Ctrl+C.
      await page.evaluate(() => {
        navigator.clipboard.writeText = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
      });
      await page.getByTestId('identify-snippet-copy').click();
      await expect.poll(() => page.getByTestId('identify-snippet-copy').getAttribute('data-copy-state')).toBe('selected');
      expect(await page.evaluate(() => window.getSelection()?.toString())).toBe(IDENTIFY);
      expect(await page.getByTestId('identity-verification').getAttribute('data-state')).toBe('off');
      expect(await page.getByTestId('identity-verification').textContent()).toContain('Identity verification is off');

      // Settings, in an editor, as the site has them.
      expect(await page.getByTestId('setting-name').inputValue()).toBe('Maple & Moss');
      expect(await page.getByTestId('setting-allowedOrigins').inputValue()).toContain('http://127.0.0.1:8787');
      expect(await page.getByTestId('setting-theme.color').inputValue()).toBe('#1f6f5c');
      expect(await page.getByTestId('setting-businessHours.timezone').inputValue()).toBe('Europe/London');
      const monday = page.getByTestId('hours-table').locator('tr[data-day="mon"]');
      expect(await monday.locator('th').textContent()).toBe('Monday');
      expect(await monday.locator('td input').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value))).toEqual(['09:00', '18:00']);
      expect(await page.getByTestId('hours-table').locator('tr[data-day="sun"] td').textContent()).toContain('Closed');
      expect(await page.getByTestId('holidays').textContent()).toContain('2026-12-25');
      expect(await page.getByTestId('setting-assignment.maxChatsPerAgent').inputValue()).toBe('4');
      expect(await page.getByTestId('setting-idle.firstPromptSeconds').inputValue()).toBe('120');
      expect(await page.getByTestId('setting-agentGraceSeconds').inputValue()).toBe('60');
      expect(await page.getByTestId('setting-limits.newConversationsPerIpPerHour').inputValue()).toBe('60');
      const shortcuts = await page.getByTestId('canned-shortcut').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
      expect(shortcuts.filter((shortcut) => shortcut === 'hello')).toHaveLength(2);
      expect(await page.getByTestId('canned-text').first().inputValue()).toContain("I'm {agent} from Maple & Moss");

      // Bad input is refused at the field, before anything is sent, and the live preview keeps a valid colour.
      const colour = page.getByTestId('setting-theme.color');
      await colour.fill('red');
      await page.getByTestId('settings-save').click();
      await expect.poll(() => page.getByTestId('setting-error-theme.color').textContent()).toBe('color must be #rrggbb');
      expect(await page.getByTestId('settings-error').textContent()).toContain('nothing was saved');
      expect(await colour.getAttribute('aria-invalid')).toBe('true');
      // A readable preview: a light colour gets black text and a black launcher icon.
      await colour.fill('#ffd400');
      await expect.poll(() => page.getByTestId('setting-error-theme.color').count()).toBe(0);
      const preview = page.getByTestId('theme-preview');
      await expect.poll(() => preview.locator('.launcher').evaluate((element) => getComputedStyle(element).backgroundColor)).toBe('rgb(255, 212, 0)');
      expect(await preview.locator('.launcher svg path').evaluate((element) => getComputedStyle(element).fill)).toBe('rgb(0, 0, 0)');
      expect(await preview.locator('.header').evaluate((element) => getComputedStyle(element).color)).toBe('rgb(0, 0, 0)');
      expect(await preview.locator('.title').textContent()).toBe('Maple & Moss');
      await page.getByTestId('settings-discard').click();
      expect(await colour.inputValue()).toBe('#1f6f5c');
      expect(await page.getByTestId('settings-dirty').textContent()).toBe('All changes saved');

      // Accessibility and layout at 1280×800.
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
      await page.screenshot({ path: 'test-results/console-setup-1280x800.png' });
      await page.locator('#settings-title').evaluate((element) => element.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: 'test-results/console-setup-settings-1280x800.png' });
      await page.getByTestId('settings-canned').evaluate((element) => element.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: 'test-results/console-setup-canned-1280x800.png' });
      // Only the page scrolls: the sidebar stays put.
      expect(await page.evaluate(() => document.scrollingElement?.scrollTop)).toBe(0);

      // The page survives a reload (the hash keeps it).
      await page.reload();
      await expect.poll(() => page.getByTestId('embed-snippet-code').textContent(), { timeout: 15_000 }).toBe(snippet);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('console Knowledge gaps page', () => {
  it('lists a question the shopper marked as not helpful', async () => {
    const { agent, shopper, problems, close } = await openAgentAndShopper(getBrowser(), CONSOLE_CONTEXT);
    try {
      await signIn(agent);
      await agent.getByTestId('knowledge-gaps-button').click();
      const gapsPage = agent.getByTestId('knowledge-gaps-page');
      await expect.poll(() => gapsPage.count()).toBe(1);
      // Before: the table or the empty state, never stuck on loading or an error.
      await expect
        .poll(async () => (await agent.getByTestId('gaps-table').count()) + (await agent.getByTestId('gaps-empty').count()), { timeout: 10_000 })
        .toBe(1);
      expect(await agent.getByTestId('gaps-error').count()).toBe(0);

      // A shopper asks, gets an answer and says it did not help: that question is a knowledge gap.
      const stamp = String(Date.now());
      const question = `How do I return an item? ${stamp}`;
      await shopper.goto(`${baseUrl}/`);
      await shopper.locator('kefu-widget .launcher').click();
      await expect.poll(() => shopper.locator('kefu-widget .status').getAttribute('data-status'), { timeout: 15_000 }).toBe('online');
      await shopper.locator('kefu-widget textarea').fill(question);
      await shopper.locator('kefu-widget .send').click();
      const no = shopper.locator('kefu-widget .message.bot .feedback button', { hasText: 'No' });
      await expect.poll(() => no.count(), { timeout: 15_000 }).toBe(1);
      await no.click();
      await expect.poll(() => shopper.locator('kefu-widget .message.bot .feedback button').count(), { timeout: 10_000 }).toBe(0);

      // Refresh: the row is there, with its count, language, reason and when it was last asked.
      const row = agent.getByTestId('gap-row').filter({ hasText: stamp });
      const refresh = agent.getByTestId('gaps-refresh');
      for (let attempt = 0; attempt < 20 && (await row.count()) === 0; attempt++) {
        if (attempt > 0) await agent.waitForTimeout(500);
        await refresh.click();
        await expect.poll(() => refresh.textContent(), { timeout: 10_000 }).toBe('Refresh');
      }
      expect(await row.count()).toBe(1);
      expect(await agent.locator('#gaps-table-title').textContent()).toBe('Questions the bot could not answer');
      expect(await row.getByTestId('gap-question').textContent()).toBe(question.toLowerCase());
      expect(await row.getByTestId('gap-count').textContent()).toBe('1');
      expect(await row.getByTestId('gap-reason').textContent()).toBe('Marked not helpful');
      expect(await row.textContent()).toContain('English');
      expect(await row.locator('time').textContent()).toMatch(/just now|min ago/);

      // Sorted by count: never a smaller count above a larger one.
      const counts = (await agent.getByTestId('gap-count').allTextContents()).map(Number);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));

      expect(await seriousAxeViolations(agent)).toEqual([]);
      await agent.screenshot({ path: 'test-results/console-knowledge-gaps-1280x800.png' });
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('console for a plain agent', () => {
  it('hides Setup (and the API refuses it) but shows Knowledge gaps', async () => {
    const context = await consoleContext();
    const page = await context.newPage();
    const problems: string[] = [];
    collectPageProblems(page, problems, 'console');
    try {
      await signInAsNewPlainAgent(page, baseUrl);

      expect(await page.getByTestId('setup-button').count()).toBe(0);
      expect(await page.getByTestId('knowledge-gaps-button').count()).toBe(1);
      expect(await apiStatus(page, '/v1/agent/site')).toBe(403);
      expect(await apiStatus(page, '/v1/agent/knowledge-gaps')).toBe(200);

      // Even a #setup link does not show the page to a plain agent.
      await page.goto(`${baseUrl}/console/?site=demo#setup`);
      await expect.poll(() => page.getByTestId('queue-count').count(), { timeout: 15_000 }).toBe(1);
      expect(await page.getByTestId('setup-page').count()).toBe(0);
      expect(await page.getByTestId('no-conversation').count()).toBe(1);

      await page.getByTestId('knowledge-gaps-button').click();
      await expect.poll(() => page.getByTestId('knowledge-gaps-page').count()).toBe(1);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
