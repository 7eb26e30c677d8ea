/**
 * The shop's own words, end to end: an owner adds "Spreadly" (a made-up instalment brand, in no lexicon) = "pay later in instalments" on the
 * Setup page; a shopper who then types the abbreviation is offered the payment article, with no
 * restart. Before the word is added the same message finds nothing to offer.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { useChromium } from '../support/chromium.ts';
import { openAgentAndShopper, signInAsDemoAgent } from '../support/demo-console.ts';

const baseUrl = inject('kefuBaseUrl');
const getBrowser = useChromium();

async function siteSettings(page: Page): Promise<{ site: Record<string, unknown>; version: number }> {
  return page.evaluate(async () => (await fetch('/v1/agent/site', { credentials: 'same-origin' })).json());
}

/** A fresh chat (a new browser storage) asks `text`; resolves with the titles the bot offers or answers with. */
async function articlesOffered(shopper: Page, text: string): Promise<string[]> {
  await shopper.goto(`${baseUrl}/`);
  await shopper.evaluate(() => localStorage.clear());
  await shopper.goto(`${baseUrl}/`);
  await shopper.locator('kefu-widget .launcher').click();
  await expect.poll(() => shopper.locator('kefu-widget .status').getAttribute('data-status'), { timeout: 15_000 }).toBe('online');
  await shopper.locator('kefu-widget textarea').fill(text);
  await shopper.locator('kefu-widget .send').click();
  // The bot's reply to this message: the bot message after the shopper's.
  const reply = shopper.locator('kefu-widget .message.shopper', { hasText: text }).locator('xpath=following-sibling::li[contains(@class, "bot")][1]');
  await expect.poll(() => reply.count(), { timeout: 15_000 }).toBe(1);
  const chips = await reply.locator('.chips .chip').allTextContents();
  const answered = await reply.locator('.article-title').allTextContents();
  return [...answered, ...chips].map((title) => title.trim());
}

describe("owner: the shop's own words", () => {
  it('a word added on the Setup page lets the bot understand it at once', async () => {
    const { agent, shopper, problems, close } = await openAgentAndShopper(getBrowser(), { viewport: { width: 1280, height: 800 } });
    let original: { site: Record<string, unknown>; version: number } | null = null;
    try {
      await signInAsDemoAgent(agent, baseUrl);
      original = await siteSettings(agent);
      expect(await articlesOffered(shopper, 'can I use Spreadly')).not.toContain('Payment methods and currencies');

      await agent.getByTestId('setup-button').click();
      await expect.poll(() => agent.getByTestId('synonym-add').count(), { timeout: 15_000 }).toBe(1);
      await agent.getByTestId('synonym-add').click();
      await agent.getByTestId('synonym-term').last().fill('Spreadly');
      await agent.getByTestId('synonym-means').last().fill('pay later in instalments');
      await agent.getByTestId('settings-save').click();
      await expect.poll(() => agent.getByTestId('settings-dirty').textContent(), { timeout: 10_000 }).toBe('All changes saved');
      expect((await siteSettings(agent)).site.synonyms).toEqual([{ locale: 'en', term: 'Spreadly', means: 'pay later in instalments' }]);

      // Saved settings reach new conversations within the cache's trust window: wait for it, don't sleep.
      await expect.poll(() => articlesOffered(shopper, 'can I use Spreadly'), { timeout: 15_000 }).toContain('Payment methods and currencies');
      expect(problems).toEqual([]);
    } finally {
      if (original) {
        const current = await siteSettings(agent);
        await agent.evaluate(
          async (body) =>
            fetch('/v1/agent/site/settings', {
              method: 'PUT',
              credentials: 'same-origin',
              headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify(body),
            }),
          { settings: original.site, baseVersion: current.version },
        );
      }
      await close();
    }
  });
});
