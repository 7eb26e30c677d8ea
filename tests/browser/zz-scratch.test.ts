import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { useChromium } from '../support/chromium.ts';
import { signInAsDemoAgent } from '../support/demo-console.ts';
const baseUrl = inject('kefuBaseUrl');
const getBrowser = useChromium();
async function axe(page: Page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: readFileSync('node_modules/axe-core/axe.min.js', 'utf8') });
  return page.evaluate(async () => {
    const axe = (window as any).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v: any) => `${v.impact} ${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  });
}
describe('scratch', () => {
  it('screens', async () => {
    const context = await getBrowser().newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
    const page = await context.newPage();
    await signInAsDemoAgent(page, baseUrl);
    await page.getByTestId('articles-button').click();
    await expect.poll(() => page.getByTestId('articles-table').count(), { timeout: 10000 }).toBe(1);
    console.log('list', await axe(page));
    await page.getByTestId('try-bot-question').fill('can i bring my dog to the store');
    await page.getByTestId('try-bot-submit').click();
    await expect.poll(() => page.getByTestId('try-bot-result').count(), { timeout: 10000 }).toBe(1);
    await page.getByTestId('try-bot').evaluate((e) => e.scrollIntoView());
    await page.screenshot({ path: 'test-results/scratch-trybot.png' });
    await page.locator('[data-testid="article-row"][data-article-id="returns-policy"] [data-testid="article-cell-en"] [data-testid="article-open"]').click();
    await expect.poll(() => page.getByTestId('article-preview').count(), { timeout: 10000 }).toBe(1);
    await page.getByTestId('article-title').fill('');
    await page.getByTestId('article-save').click();
    await page.waitForTimeout(300);
    console.log('editor', await axe(page));
    await page.screenshot({ path: 'test-results/scratch-editor2.png' });
    await page.getByTestId('knowledge-gaps-button').click();
    await page.waitForTimeout(300);
    const discard = page.getByTestId('article-discard-confirm');
    console.log('discard dialog?', await discard.count());
    await page.getByTestId('articles-button').click();
    await page.getByTestId('article-new').click();
    await page.waitForTimeout(500);
    console.log('new', await axe(page), await page.evaluate(() => document.activeElement?.getAttribute('data-testid')));
    await page.screenshot({ path: 'test-results/scratch-new.png' });
    await context.close();
  });
});
