/**
 * What a site owner and a shopper meet: the snippet on a bare page, the JS API before load,
 * the Chinese UI, keyboard-only use, accessibility (axe-core), a phone-sized screen, and
 * suggestion chips.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { collectPageProblems, useChromium } from '../support/chromium.ts';

const baseUrl = inject('kefuBaseUrl');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const getBrowser = useChromium();

const status = (page: Page) => page.locator('kefu-widget .status').getAttribute('data-status');

async function ask(page: Page, text: string) {
  await page.locator('kefu-widget textarea').fill(text);
  await page.locator('kefu-widget textarea').press('Enter');
  await expect
    .poll(() => page.locator('kefu-widget .message.shopper', { hasText: text }).locator('.receipt').getAttribute('data-receipt'), { timeout: 10_000 })
    .toMatch(/sent|seen/);
}

describe('embedding', () => {
  it('works from one snippet at the end of the body of a page with no other scripts', async () => {
    const page = await getBrowser().newPage();
    const problems: string[] = [];
    collectPageProblems(page, problems);
    await page.goto(`${baseUrl}/plain.html`);
    expect(await page.locator('script').count()).toBe(2); // the snippet and the app it loaded
    await page.locator('kefu-widget .launcher').click();
    await expect.poll(() => status(page), { timeout: 15_000 }).toBe('online');
    await ask(page, 'Hello from a plain page');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('runs commands queued before the widget loaded: on, identify, open', async () => {
    const page = await getBrowser().newPage();
    // What a shop's page may do before the async snippet has arrived (the stub from the README).
    await page.addInitScript(() => {
      const w = window as unknown as { kefu: ((...args: unknown[]) => void) & { q?: unknown[][] }; kefuEvents: string[] };
      w.kefuEvents = [];
      w.kefu = w.kefu || ((...args: unknown[]) => (w.kefu.q = w.kefu.q || []).push(args));
      w.kefu('on', 'open', () => w.kefuEvents.push('open'));
      w.kefu('on', 'message', (message: { author: string }) => w.kefuEvents.push(`message:${message.author}`));
      w.kefu('identify', { id: 'cust-42', name: 'Ana', email: 'ana@example.com' });
      w.kefu('open');
    });
    await page.goto(`${baseUrl}/plain.html`);
    await expect.poll(() => status(page), { timeout: 15_000 }).toBe('online');
    const greeting = page.locator('kefu-widget .message.bot').first();
    await expect.poll(() => greeting.textContent(), { timeout: 10_000 }).toContain('Hi Ana!');
    const events = () => page.evaluate(() => (window as unknown as { kefuEvents: string[] }).kefuEvents);
    await expect.poll(events).toEqual(expect.arrayContaining(['open', 'message:bot']));

    // After load the same API works directly, and shutdown forgets the conversation.
    await page.evaluate(() => (window as unknown as { kefu: (...args: unknown[]) => void }).kefu('close'));
    await expect.poll(() => page.locator('kefu-widget .panel').count()).toBe(0);
    await page.evaluate(() => (window as unknown as { kefu: (...args: unknown[]) => void }).kefu('shutdown'));
    expect(await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('kefu:')))).toEqual([]);
    await page.close();
  });

  it('shows the Chinese UI on a Chinese page and answers in Chinese', async () => {
    const context = await getBrowser().newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/zh.html`);
    expect(await page.locator('kefu-widget .launcher').getAttribute('aria-label')).toBe('在线客服');
    await page.locator('kefu-widget .launcher').click();
    await expect.poll(() => status(page), { timeout: 15_000 }).toBe('online');
    expect(await page.locator('kefu-widget textarea').getAttribute('placeholder')).toBe('请输入您的问题…');
    await expect.poll(() => page.locator('kefu-widget .message.bot').first().textContent(), { timeout: 10_000 }).toContain('欢迎光临');
    await ask(page, '我忘记密码了，怎么重置？');
    const answer = page.locator('kefu-widget .message.bot .article-title');
    await expect.poll(() => answer.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await answer.last().textContent()).toMatch(/[\u4e00-\u9fff]/);
    await context.close();
  });
});

describe('page context', () => {
  it('reports single-page-app navigation (History API) and title changes to the conversation', async () => {
    const page = await getBrowser().newPage();
    const pageFrames: { url: string; title: string }[] = [];
    page.on('websocket', (socket) =>
      socket.on('framesent', (frame) => {
        const data = JSON.parse(String(frame.payload)) as { type: string; page?: { url: string; title: string } };
        if (data.page) pageFrames.push(data.page);
      }),
    );
    await page.goto(`${baseUrl}/plain.html`);
    await page.locator('kefu-widget .launcher').click();
    await expect.poll(() => status(page), { timeout: 15_000 }).toBe('online');
    expect(pageFrames[0]).toEqual({ url: page.url(), title: 'A plain page' });
    await page.evaluate(() => {
      history.pushState({}, '', '/products/stoneware-mug');
      document.title = 'Stoneware mug';
    });
    await expect.poll(() => pageFrames.at(-1)).toEqual({ url: `${baseUrl}/products/stoneware-mug`, title: 'Stoneware mug' });
    await page.close();
  });
});

describe('a second site, embedded from another origin', () => {
  it("serves the tea shop's own look and articles to a page on another origin", async () => {
    // The shop's own web server, on another port: another origin than kefu's.
    const shop = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><html lang="en"><head><title>Tea shop</title></head><body><h1>Tea</h1>
        <script async src="${baseUrl}/widget/loader.js" data-site="lantern-tea"></script></body></html>`);
    });
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    const shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}/`;
    try {
      const page = await getBrowser().newPage();
      const problems: string[] = [];
      collectPageProblems(page, problems);
      await page.goto(shopUrl);
      await page.locator('kefu-widget .launcher').click();
      await expect.poll(() => status(page), { timeout: 15_000 }).toBe('online');
      expect(await page.locator('kefu-widget .title').textContent()).toBe('Lantern Tea House');
      await ask(page, 'What water temperature should I use for green tea?');
      const answer = page.locator('kefu-widget .message.bot .article-title');
      await expect.poll(() => answer.last().textContent(), { timeout: 10_000 }).toBe('How to brew our teas');
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      shop.close();
    }
  });
});

describe('accessibility', () => {
  it('is usable with the keyboard alone', async () => {
    const page = await getBrowser().newPage();
    await page.goto(`${baseUrl}/plain.html`);
    await page.locator('kefu-widget .launcher').waitFor();
    // Tab from the top of the page reaches the launcher.
    let focused = '';
    for (let presses = 0; presses < 10 && focused !== 'launcher'; presses += 1) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.querySelector('kefu-widget')?.shadowRoot?.activeElement?.className ?? '');
    }
    expect(focused).toBe('launcher');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.querySelector('kefu-widget')?.shadowRoot?.activeElement?.tagName)).toBe('TEXTAREA');
    await expect.poll(() => status(page), { timeout: 15_000 }).toBe('online');
    await page.keyboard.type('Typed without a mouse');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('kefu-widget .message.shopper', { hasText: 'Typed without a mouse' }).count(), { timeout: 10_000 }).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('kefu-widget .panel').count()).toBe(0);
    // Focus returns in an effect that runs after the panel is gone: wait for it.
    await expect.poll(() => page.evaluate(() => document.querySelector('kefu-widget')?.shadowRoot?.activeElement?.className)).toBe('launcher');
    await page.close();
  });

  const audit = (page: Page) =>
    page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: { run: (context: unknown, options: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: unknown }[] }[] }> };
        }
      ).axe;
      const result = await axe.run({ include: [['kefu-widget']] }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return result.violations.map((violation) => `${violation.id} (${violation.impact}): ${JSON.stringify(violation.nodes.map((node) => node.target))}`);
    });

  it('has no axe-core violations (WCAG 2.1 AA) with the panel open', async () => {
    const page = await getBrowser().newPage();
    await page.goto(`${baseUrl}/plain.html`);
    await page.locator('kefu-widget .launcher').click();
    await expect.poll(() => status(page), { timeout: 15_000 }).toBe('online');
    await ask(page, 'refund');
    await expect.poll(() => page.locator('kefu-widget .chip').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.addScriptTag({ content: axeSource });
    expect(await audit(page)).toEqual([]);
    await page.close();
  });

  it('keeps text readable on a pale custom theme colour (the tea shop picks #f2c14e)', async () => {
    const page = await getBrowser().newPage();
    await page.goto(`${baseUrl}/tea.html`);
    await page.locator('kefu-widget .launcher').click();
    await expect.poll(() => status(page), { timeout: 15_000 }).toBe('online');
    await ask(page, 'How do I brew green tea?');
    // Dark text on the pale header; the site's own position setting puts the widget on the left.
    expect(await page.locator('kefu-widget .header').evaluate((element) => getComputedStyle(element).color)).toBe('rgb(0, 0, 0)');
    const launcher = await page.locator('kefu-widget .launcher').boundingBox();
    expect(launcher!.x).toBeLessThan(100);
    await page.addScriptTag({ content: axeSource });
    expect(await audit(page)).toEqual([]);
    await page.close();
  });

  it('fills a 390×844 phone screen and stops the page scrolling behind it', async () => {
    const context = await getBrowser().newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/`);
    await page.locator('kefu-widget .launcher').click();
    await expect.poll(() => status(page), { timeout: 15_000 }).toBe('online');
    const box = await page.locator('kefu-widget .panel').boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 390, height: 844 });
    // The scroll lock is set in an effect, which Preact runs after paint: wait for it rather than racing it.
    const pageOverflow = () => page.evaluate(() => getComputedStyle(document.documentElement).overflow);
    await expect.poll(pageOverflow).toBe('hidden');
    await page.screenshot({ path: 'test-results/widget-390x844.png' });
    // The close button (the attach control beside the reply box is an icon-button too, but a label).
    await page.locator('kefu-widget button.icon-button').click();
    await expect.poll(pageOverflow).not.toBe('hidden');
    await context.close();
  });
});

describe('suggestions', () => {
  it('a tapped suggestion chip shows that article', async () => {
    const page = await getBrowser().newPage();
    await page.goto(`${baseUrl}/`);
    await page.locator('kefu-widget .launcher').click();
    await expect.poll(() => status(page), { timeout: 15_000 }).toBe('online');
    await ask(page, 'refund');
    const chip = page.locator('kefu-widget .chip').first();
    await expect.poll(() => chip.count(), { timeout: 10_000 }).toBe(1);
    const title = (await chip.textContent())!.trim();
    await chip.click();
    const article = page.locator('kefu-widget .message.bot .article-title', { hasText: title });
    await expect.poll(() => article.count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('kefu-widget .message.bot .article-body').last().textContent()).not.toBe('');
    await page.close();
  });
});
