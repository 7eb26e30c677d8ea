/**
 * Owner self-service in the real console against the real `wrangler dev` (browser project's
 * globalSetup), with the shopper in a second browser context:
 * - an owner turns a knowledge gap into an example question of an article, publishing it; the
 *   shopper asks the same question and the bot answers with that article, with no restart;
 * - the owner changes the greeting and the theme colour; a newly opened widget shows both; a
 *   settings save after another admin's is refused with what they changed;
 * - the article editor: the live preview is the widget's own rendering, bad input is refused at
 *   the field with nothing saved, a second admin's stale save gets the 409 notice with the
 *   current version and keeps their text, a draft is saved, published and deleted after
 *   confirmation; an earlier version is restored; a missing translation is marked; Try the bot
 *   shows decision, articles with confidence, and reasons;
 * - a suggestion chip the shopper chose and found helpful is proposed, and accepted with one click;
 * - agent assist: the bot's top articles for the shopper's latest message, one click into the composer;
 * - a plain agent reads articles without any edit control (and the API refuses their writes).
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { textOn } from '../../widget/app/theme.ts';
import { collectPageProblems, useChromium } from '../support/chromium.ts';
import { openAgentAndShopper, seriousAxeViolations, signInAsDemoAgent, signInAsNewPlainAgent } from '../support/demo-console.ts';

const baseUrl = inject('kefuBaseUrl');
const getBrowser = useChromium();
// bypassCSP only so the test can inject axe-core; the console itself needs no exception.
const CONSOLE_CONTEXT = { viewport: { width: 1280, height: 800 }, bypassCSP: true };

async function openWidget(page: Page, path = '/') {
  await page.goto(`${baseUrl}${path}`);
  await page.locator('kefu-widget .launcher').click();
  await expect.poll(() => page.locator('kefu-widget .status').getAttribute('data-status'), { timeout: 15_000 }).toBe('online');
}

async function ask(page: Page, text: string) {
  const before = await page.locator('kefu-widget .message.bot').count();
  await page.locator('kefu-widget textarea').fill(text);
  await page.locator('kefu-widget .send').click();
  await expect.poll(() => page.locator('kefu-widget .message.bot').count(), { timeout: 15_000 }).toBeGreaterThan(before);
}

/** A same-origin API call with the page's session cookie: status and JSON body. */
async function api(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const response = await fetch(path, {
        method,
        credentials: 'same-origin',
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      let json: unknown = null;
      try {
        json = await response.json();
      } catch {
        json = null;
      }
      return { status: response.status, body: json };
    },
    { method, path, body },
  );
}

async function openArticles(page: Page) {
  await page.getByTestId('articles-button').click();
  await expect.poll(() => page.getByTestId('articles-table').count(), { timeout: 15_000 }).toBe(1);
}

describe('owner: from a knowledge gap to an answer', () => {
  it('adds the gap question to an article and publishes; the shopper then gets that article, with no restart', async () => {
    const { agent, shopper, problems, close } = await openAgentAndShopper(getBrowser(), CONSOLE_CONTEXT);
    try {
      await signInAsDemoAgent(agent, baseUrl);
      // A question the demo help centre cannot answer yet.
      const stamp = Date.now().toString(36);
      const question = `do you sell bicycles zq${stamp}`;
      await openWidget(shopper);
      await ask(shopper, question);
      expect(await shopper.locator('kefu-widget .message.bot .article').count()).toBe(0);

      await agent.getByTestId('knowledge-gaps-button').click();
      const row = agent.getByTestId('gap-row').filter({ hasText: stamp });
      await expect
        .poll(
          async () => {
            if ((await row.count()) === 0 && (await agent.getByTestId('gaps-refresh').isEnabled())) await agent.getByTestId('gaps-refresh').click();
            return row.count();
          },
          { timeout: 15_000 },
        )
        .toBe(1);

      // The picker, prefilled with the bot's suggestions (the first one chosen); the owner picks the availability article.
      await row.getByTestId('gap-add-question').click();
      const dialog = agent.getByTestId('gap-add-dialog');
      await expect.poll(() => dialog.count()).toBe(1);
      expect(await dialog.getByTestId('gap-suggestion').count()).toBeGreaterThan(0);
      expect(await dialog.getByTestId('gap-suggestion').first().isChecked()).toBe(true);
      await expect.poll(() => dialog.getByTestId('gap-article-select').isEnabled(), { timeout: 10_000 }).toBe(true);
      const suggested = await dialog.getByTestId('gap-suggestion').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
      if (suggested.includes('product-availability')) await dialog.locator('[data-testid="gap-suggestion"][value="product-availability"]').check();
      else await dialog.getByTestId('gap-article-select').selectOption('product-availability');
      await dialog.getByTestId('gap-add-confirm').click();
      await expect.poll(() => dialog.count(), { timeout: 10_000 }).toBe(0);
      // The gap is solved: it leaves the list.
      await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(0);

      // The same question in a fresh chat: the bot answers with the payment article.
      await shopper.context().clearCookies();
      await shopper.evaluate(() => localStorage.clear());
      await openWidget(shopper);
      const article = (await api(agent, 'GET', '/v1/agent/articles/en/product-availability')).body as { title: string; questions: string[] };
      expect(article.questions).toContain(question);
      await expect
        .poll(
          async () => {
            await ask(shopper, question);
            return shopper.locator('kefu-widget .message.bot .article-title').last().textContent();
          },
          { timeout: 15_000, interval: 1000 },
        )
        .toBe(article.title);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('owner: learned phrasings', () => {
  it('a chip the shopper chose and found helpful is proposed; one click accepts it into the article', async () => {
    const { agent, shopper, problems, close } = await openAgentAndShopper(getBrowser(), CONSOLE_CONTEXT);
    try {
      await signInAsDemoAgent(agent, baseUrl);
      const stamp = Date.now().toString(36);
      const question = `can i pay with seashells zq${stamp}`;
      await openWidget(shopper);
      await ask(shopper, question);
      const chip = shopper.locator('kefu-widget .message.bot .chips .chip').first();
      await expect.poll(() => chip.count(), { timeout: 10_000 }).toBe(1);
      const chosenTitle = (await chip.textContent()) ?? '';
      await chip.click();
      const yes = shopper.locator('kefu-widget .message.bot .feedback .chip', { hasText: 'Yes' });
      await expect.poll(() => yes.count(), { timeout: 10_000 }).toBe(1);
      await yes.click();

      await agent.getByTestId('knowledge-gaps-button').click();
      const proposal = agent.getByTestId('proposal-row').filter({ hasText: stamp });
      await expect
        .poll(
          async () => {
            if ((await proposal.count()) === 0 && (await agent.getByTestId('gaps-refresh').isEnabled())) await agent.getByTestId('gaps-refresh').click();
            return proposal.count();
          },
          { timeout: 15_000 },
        )
        .toBe(1);
      expect(await proposal.textContent()).toContain(chosenTitle);
      await proposal.getByTestId('proposal-accept').click();
      await expect.poll(() => proposal.count(), { timeout: 10_000 }).toBe(0);
      const articles = (await api(agent, 'GET', '/v1/agent/articles?locale=en')).body.articles as { id: string; title: string }[];
      const chosen = articles.find((article) => article.title === chosenTitle)!;
      const detail = (await api(agent, 'GET', `/v1/agent/articles/en/${chosen.id}`)).body as { questions: string[] };
      expect(detail.questions).toContain(question);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('owner: settings reach the widget', () => {
  it('changes the greeting and the theme colour; a newly opened widget shows both', async () => {
    const { agent, shopper, problems, close } = await openAgentAndShopper(getBrowser(), CONSOLE_CONTEXT);
    let originalSite: unknown = null;
    try {
      await signInAsDemoAgent(agent, baseUrl);
      originalSite = (await api(agent, 'GET', '/v1/agent/site')).body.site;
      await agent.getByTestId('setup-button').click();
      const greeting = agent.getByTestId('setting-greeting.en');
      await expect.poll(() => greeting.count(), { timeout: 15_000 }).toBe(1);

      const newGreeting = `Hello from the owner ${Date.now().toString(36)}! Ask away.`;
      await greeting.fill(newGreeting);
      await agent.getByTestId('setting-theme.color').fill('#ffd400');
      // The live preview follows before saving.
      const preview = agent.getByTestId('theme-preview');
      await expect.poll(() => preview.locator('.message.bot').textContent()).toBe(newGreeting);
      await expect.poll(() => preview.locator('.launcher').evaluate((element) => getComputedStyle(element).backgroundColor)).toBe('rgb(255, 212, 0)');
      const versionBefore = Number(await agent.getByTestId('settings-version').textContent());
      await agent.getByTestId('settings-save').click();
      await expect.poll(() => agent.getByTestId('settings-dirty').textContent(), { timeout: 10_000 }).toBe('All changes saved');
      expect(Number(await agent.getByTestId('settings-version').textContent())).toBeGreaterThan(versionBefore);

      // A newly opened widget: the greeting and the colour, with readable text on it.
      await expect
        .poll(
          async () => {
            await shopper.goto(`${baseUrl}/`);
            return shopper.locator('kefu-widget .launcher').evaluate((element) => getComputedStyle(element).backgroundColor);
          },
          { timeout: 10_000 },
        )
        .toBe('rgb(255, 212, 0)');
      await shopper.locator('kefu-widget .launcher').click();
      await expect.poll(() => shopper.locator('kefu-widget .message.bot').first().textContent(), { timeout: 15_000 }).toBe(newGreeting);
      expect(await shopper.locator('kefu-widget .header').evaluate((element) => getComputedStyle(element).color)).toBe(
        textOn('#ffd400') === '#000000' ? 'rgb(0, 0, 0)' : 'rgb(255, 255, 255)',
      );

      // Another admin saves meanwhile: this save is refused, says what they changed, and overwrites nothing.
      const current = await api(agent, 'GET', '/v1/agent/site');
      const theirs = 'We reply within 2 hours.';
      const saved = await api(agent, 'PUT', '/v1/agent/site/settings', {
        settings: { ...current.body.site, promisedReplyTime: { ...current.body.site.promisedReplyTime, en: theirs } },
        baseVersion: current.body.version,
      });
      expect(saved.status).toBe(200);
      await agent.getByTestId('setting-promisedReplyTime.en').fill('We reply within 5 minutes.');
      await agent.getByTestId('settings-save').click();
      await expect.poll(() => agent.getByTestId('settings-conflict').count(), { timeout: 10_000 }).toBe(1);
      expect(await agent.getByTestId('settings-conflict-sections').textContent()).toBe('Promised reply time');
      expect((await api(agent, 'GET', '/v1/agent/site')).body.site.promisedReplyTime.en).toBe(theirs);
      await agent.getByTestId('settings-conflict-theirs').click();
      expect(await agent.getByTestId('setting-promisedReplyTime.en').inputValue()).toBe(theirs);
      expect(await agent.getByTestId('settings-dirty').textContent()).toBe('All changes saved');

      // An article published meanwhile raises the site version but changes no setting: the save goes through.
      const article = (await api(agent, 'GET', '/v1/agent/articles/en/returns-policy')).body;
      expect((await api(agent, 'POST', '/v1/agent/articles/en/returns-policy/publish', { baseRevision: article.revision })).status).toBe(200);
      expect((await api(agent, 'GET', '/v1/agent/site')).body.version).toBeGreaterThan(Number(await agent.getByTestId('settings-version').textContent()));
      await agent.getByTestId('setting-promisedReplyTime.en').fill('We reply within 3 hours.');
      await agent.getByTestId('settings-save').click();
      await expect.poll(() => agent.getByTestId('settings-dirty').textContent(), { timeout: 10_000 }).toBe('All changes saved');
      expect(await agent.getByTestId('settings-conflict').count()).toBe(0);
      expect((await api(agent, 'GET', '/v1/agent/site')).body.site.promisedReplyTime.en).toBe('We reply within 3 hours.');
      expect(problems).toEqual([]);
    } finally {
      // Put the demo settings back for the other tests sharing this server.
      if (originalSite) {
        const current = await api(agent, 'GET', '/v1/agent/site');
        await api(agent, 'PUT', '/v1/agent/site/settings', { settings: originalSite, baseVersion: current.body.version });
      }
      await close();
    }
  });
});

describe('owner: the article editor', () => {
  it('previews as the widget does, refuses bad input at the field, shows a 409 with the current version, publishes and deletes after confirmation', async () => {
    const browser = getBrowser();
    const first = await browser.newContext(CONSOLE_CONTEXT);
    const second = await browser.newContext(CONSOLE_CONTEXT);
    const problems: string[] = [];
    try {
      const owner = await first.newPage();
      const colleague = await second.newPage();
      collectPageProblems(owner, problems, 'owner');
      collectPageProblems(colleague, problems, 'colleague');
      await signInAsDemoAgent(owner, baseUrl);
      await signInAsDemoAgent(colleague, baseUrl);
      await openArticles(owner);

      // en and zh side by side.
      const returns = owner.locator('[data-testid="article-row"][data-article-id="returns-policy"]');
      expect(await returns.locator('[data-testid="article-cell-en"] [data-testid="article-open"]').count()).toBe(1);
      expect(await returns.locator('[data-testid="article-cell-zh"] [data-testid="article-open"]').count()).toBe(1);

      // A new article.
      const id = `owner-test-${Date.now().toString(36)}`;
      await owner.getByTestId('article-new').click();
      const editor = owner.getByTestId('article-editor');
      await owner.getByTestId('article-title').fill('Gift wrapping');
      await owner.getByTestId('article-id').fill(id);
      await owner.getByTestId('article-tags').fill('gift, wrapping');
      await owner.getByTestId('article-questions').fill('Do you gift wrap?\nCan you wrap my order as a present?');
      await owner
        .getByTestId('article-body')
        .fill('We **gift wrap** any order for free.\n\nTick *gift wrap* at checkout. See [our shop](https://shop.example/gifts).');

      // The live preview: the server's sanitised HTML in the widget's own markup and styles.
      const preview = owner.getByTestId('article-preview');
      await expect.poll(() => preview.locator('.article-body strong').textContent(), { timeout: 10_000 }).toBe('gift wrap');
      expect(await preview.locator('.article-title').textContent()).toBe('Gift wrapping');
      expect(await preview.locator('.article-body a').getAttribute('href')).toBe('https://shop.example/gifts');
      expect(await owner.getByTestId('article-excerpt').textContent()).toContain('We gift wrap any order for free.');
      expect(await seriousAxeViolations(owner)).toEqual([]);

      // Bad input: script in the title is refused at the field, nothing is saved.
      await owner.getByTestId('article-title').fill('Gift <script>alert(1)</script>');
      await owner.getByTestId('article-save').click();
      await expect.poll(() => owner.getByTestId('article-title-error').textContent()).toContain('plain text');
      expect(await owner.getByTestId('article-title').getAttribute('aria-invalid')).toBe('true');
      expect((await api(owner, 'GET', `/v1/agent/articles/en/${id}`)).status).toBe(404);
      await owner.getByTestId('article-title').fill('Gift wrapping');
      await owner.getByTestId('article-save').click();
      await expect.poll(() => editor.getAttribute('data-article-id'), { timeout: 10_000 }).toBe(id);
      await expect.poll(() => owner.getByTestId('article-status').textContent()).toBe('Draft');

      // A second admin opens the same article and saves first.
      await openArticles(colleague);
      await colleague.getByTestId('articles-search').fill('Gift wrapping');
      const colleagueRow = colleague.locator(`[data-testid="article-row"][data-article-id="${id}"]`);
      await expect.poll(() => colleagueRow.count(), { timeout: 10_000 }).toBe(1);
      await colleagueRow.locator('[data-testid="article-cell-en"] [data-testid="article-open"]').click();
      await expect.poll(() => colleague.getByTestId('article-title').inputValue(), { timeout: 10_000 }).toBe('Gift wrapping');
      await colleague.getByTestId('article-title').fill('Gift wrapping and cards');
      await colleague.getByTestId('article-save').click();
      await expect.poll(() => colleague.getByTestId('article-dirty').textContent(), { timeout: 10_000 }).toBe('');

      // The owner, still on the old revision, saves: refused with the current version, their text kept.
      await owner.getByTestId('article-tags').fill('gift, wrapping, present');
      await owner.getByTestId('article-save').click();
      const conflict = owner.getByTestId('article-conflict');
      await expect.poll(() => conflict.count(), { timeout: 10_000 }).toBe(1);
      expect(await owner.getByTestId('article-conflict-title').textContent()).toBe('Gift wrapping and cards');
      expect(await owner.getByTestId('article-tags').inputValue()).toBe('gift, wrapping, present');
      expect((await api(owner, 'GET', `/v1/agent/articles/en/${id}`)).body.tags).toEqual(['gift', 'wrapping']);
      // Keeping their own text and saving again is a deliberate overwrite.
      await owner.getByTestId('article-conflict-mine').click();
      await owner.getByTestId('article-save').click();
      await expect.poll(() => owner.getByTestId('article-dirty').textContent(), { timeout: 10_000 }).toBe('');
      expect((await api(owner, 'GET', `/v1/agent/articles/en/${id}`)).body.tags).toEqual(['gift', 'wrapping', 'present']);

      // Publish; versions list the revisions.
      await owner.getByTestId('article-publish').click();
      await expect.poll(() => owner.getByTestId('article-status').textContent(), { timeout: 10_000 }).toBe('Published');
      await expect.poll(() => owner.getByTestId('article-version').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);

      // Restore the colleague's revision: it becomes the draft, what shoppers see stays published.
      await owner.locator('[data-testid="article-version"][data-revision="2"]').getByTestId('article-restore').click();
      await expect.poll(() => owner.getByTestId('article-title').inputValue(), { timeout: 10_000 }).toBe('Gift wrapping and cards');
      await expect.poll(() => owner.getByTestId('article-status').textContent()).toBe('Published, with unpublished changes');
      expect(await owner.getByTestId('article-tags').inputValue()).toBe('gift, wrapping');

      // No Chinese version yet: marked in the editor and in the list, where only the chosen language shows when filtered.
      expect(await owner.getByTestId('article-translation').getAttribute('data-state')).toBe('missing');
      await owner.getByTestId('article-back').click();
      await expect.poll(() => owner.getByTestId('articles-table').count(), { timeout: 10_000 }).toBe(1);
      const row = owner.locator(`[data-testid="article-row"][data-article-id="${id}"]`);
      await expect.poll(() => row.locator('[data-testid="article-cell-zh"] [data-testid="missing-translation"]').count(), { timeout: 10_000 }).toBe(1);
      await owner.getByTestId('articles-locale').selectOption('zh');
      await expect.poll(() => owner.locator('[data-testid="article-cell-en"]').count(), { timeout: 10_000 }).toBe(0);
      await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(0);
      expect(await owner.locator('[data-testid="article-cell-zh"]').count()).toBeGreaterThan(0);
      await owner.getByTestId('articles-locale').selectOption('');
      await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
      await row.locator('[data-testid="article-cell-en"] [data-testid="article-open"]').click();
      await expect.poll(() => owner.getByTestId('article-title').inputValue(), { timeout: 10_000 }).toBe('Gift wrapping and cards');

      // Try the bot finds it.
      await owner.getByTestId('try-bot-question').fill('Can you wrap my order as a present?');
      await owner.getByTestId('try-bot-submit').click();
      const result = owner.getByTestId('try-bot-result');
      await expect.poll(() => result.count(), { timeout: 10_000 }).toBe(1);
      expect(await result.getByTestId('try-bot-article').first().getAttribute('data-article-id')).toBe(id);
      expect(await result.getByTestId('try-bot-confidence').first().textContent()).toMatch(/^\d\.\d\d$/);
      expect(await result.getByTestId('try-bot-reasons').locator('li').count()).toBeGreaterThan(0);

      // Delete after confirmation; cancelling first keeps it.
      await owner.getByTestId('article-delete').click();
      await owner.getByTestId('article-delete-cancel').click();
      expect((await api(owner, 'GET', `/v1/agent/articles/en/${id}`)).status).toBe(200);
      await owner.getByTestId('article-delete').click();
      await owner.getByTestId('article-delete-confirm').click();
      await expect.poll(() => owner.getByTestId('articles-table').count(), { timeout: 10_000 }).toBe(1);
      expect((await api(owner, 'GET', `/v1/agent/articles/en/${id}`)).status).toBe(404);
      expect(await seriousAxeViolations(owner)).toEqual([]);
      await owner.screenshot({ path: 'test-results/console-articles-1280x800.png' });
      expect(problems).toEqual([]);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe('agent assist in a conversation', () => {
  it("shows the bot's top articles for the shopper's latest message; Insert puts the short answer and a reference into the composer", async () => {
    const { agent, shopper, problems, close } = await openAgentAndShopper(getBrowser(), CONSOLE_CONTEXT);
    try {
      await signInAsDemoAgent(agent, baseUrl);
      const stamp = Date.now().toString(36);
      await openWidget(shopper);
      await ask(shopper, `I want to talk to a real person (${stamp})`);
      const entry = agent.getByTestId('queue-entry').filter({ hasText: stamp });
      await expect.poll(() => entry.count(), { timeout: 15_000 }).toBe(1);
      await entry.getByTestId('claim-button').click();
      await expect.poll(() => agent.getByTestId('conversation').getAttribute('data-state'), { timeout: 15_000 }).toBe('agent');

      // The shopper's next message: assist follows it.
      await shopper.locator('kefu-widget textarea').fill('How long does a refund take to reach my card?');
      await shopper.locator('kefu-widget .send').click();
      const suggestions = agent.getByTestId('assist-article');
      await expect
        .poll(() => suggestions.evaluateAll((items) => items.map((item) => item.getAttribute('data-article-id'))), { timeout: 15_000 })
        .toContain('refund-status');
      expect(await suggestions.count()).toBeLessThanOrEqual(3);

      const refund = agent.locator('[data-testid="assist-article"][data-article-id="refund-status"]');
      const title = (await refund.locator('.assist-article-title').textContent()) ?? '';
      const excerpt = (await refund.locator('.assist-excerpt').textContent()) ?? '';
      expect(excerpt.length).toBeGreaterThan(10);
      await agent.getByTestId('composer').fill('Thanks for waiting!');
      await refund.getByTestId('assist-insert').click();
      // The composer takes the text and the focus in an effect after the click: wait for both.
      await expect.poll(() => agent.getByTestId('composer').inputValue()).toBe(`Thanks for waiting!\n\n${excerpt}\n\nMore in our help article “${title}”.`);
      await expect.poll(() => agent.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('composer');
      // The agent sends it as their own message.
      await agent.getByTestId('composer').press('Enter');
      await expect.poll(() => shopper.locator('kefu-widget .message.agent', { hasText: excerpt.slice(0, 40) }).count(), { timeout: 10_000 }).toBe(1);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('a plain agent and the articles', () => {
  it('reads articles with no edit control, and the API refuses their writes', async () => {
    const context = await getBrowser().newContext(CONSOLE_CONTEXT);
    const page = await context.newPage();
    const problems: string[] = [];
    collectPageProblems(page, problems, 'console');
    try {
      await signInAsNewPlainAgent(page, baseUrl);
      await openArticles(page);
      expect(await page.getByTestId('article-new').count()).toBe(0);
      expect(await page.getByTestId('article-translate').count()).toBe(0);
      await page.locator('[data-testid="article-row"][data-article-id="returns-policy"] [data-testid="article-cell-en"] [data-testid="article-open"]').click();
      await expect.poll(() => page.getByTestId('article-readonly').count(), { timeout: 10_000 }).toBe(1);
      await expect.poll(() => page.getByTestId('article-preview').locator('.article-body').count(), { timeout: 10_000 }).toBe(1);
      const editor = page.getByTestId('article-editor');
      for (const control of ['article-save', 'article-publish', 'article-unpublish', 'article-delete', 'article-restore', 'article-title', 'article-body']) {
        expect(await page.getByTestId(control).count(), control).toBe(0);
      }
      expect(await editor.locator('input, textarea').count()).toBe(0);
      const detail = await api(page, 'GET', '/v1/agent/articles/en/returns-policy');
      expect(detail.status).toBe(200);
      const write = await api(page, 'PUT', '/v1/agent/articles/en/returns-policy', {
        title: detail.body.title,
        tags: detail.body.tags,
        questions: detail.body.questions,
        body: detail.body.body,
        baseRevision: detail.body.revision,
      });
      expect(write.status).toBe(403);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
