import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { textOn } from '../../widget/app/theme.ts';
import { collectPageProblems, useChromium } from '../support/chromium.ts';

const baseUrl = inject('kefuBaseUrl');
const getBrowser = useChromium();

async function openWidget(page: Page) {
  await page.locator('kefu-widget .launcher').click();
  await expect.poll(() => page.locator('kefu-widget .status').getAttribute('data-status'), { timeout: 15_000 }).toBe('online');
}

describe('the widget on the demo shop', () => {
  it('opens, sends a message, shows it as sent on ack, and shows the history after a reload', async () => {
    const context = await getBrowser().newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    collectPageProblems(page, problems);
    await page.goto(`${baseUrl}/`);
    await openWidget(page);

    // The greeting arrives as the first message of a new chat.
    await expect.poll(() => page.locator('kefu-widget .message.bot').count()).toBeGreaterThan(0);

    const question = `Do you deliver to Lyon? ${Date.now()}`;
    await page.locator('kefu-widget textarea').fill(question);
    await page.locator('kefu-widget .send').click();
    const mine = page.locator('kefu-widget .message.shopper', { hasText: question });
    await expect.poll(() => mine.locator('.receipt').getAttribute('data-receipt'), { timeout: 10_000 }).toBe('sent');

    await page.reload();
    await openWidget(page);
    await expect.poll(() => page.locator('kefu-widget .message.shopper', { hasText: question }).count(), { timeout: 10_000 }).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('keeps its look on a page with hostile global CSS', async () => {
    const context = await getBrowser().newContext({ viewport: { width: 1280, height: 800 } });
    const styleOf = async (path: string) => {
      const page = await context.newPage();
      await page.goto(`${baseUrl}${path}`);
      await openWidget(page);
      const read = (selector: string) =>
        page.locator(`kefu-widget ${selector}`).evaluate((element) => {
          const style = getComputedStyle(element);
          const box = element.getBoundingClientRect();
          return {
            width: Math.round(box.width),
            height: Math.round(box.height),
            right: Math.round(window.innerWidth - box.right),
            bottom: Math.round(window.innerHeight - box.bottom),
            color: style.color,
            background: style.backgroundColor,
            font: style.fontFamily,
            fontSize: style.fontSize,
            visibility: style.visibility,
            opacity: style.opacity,
            transform: style.transform,
          };
        });
      const result = { launcher: await read('.launcher'), panel: await read('.panel'), input: await read('textarea'), title: await read('.title') };
      await page.screenshot({ path: `test-results/widget-${path === '/' ? 'demo' : 'hostile'}.png` });
      await page.close();
      return result;
    };
    const normal = await styleOf('/');
    const hostile = await styleOf('/hostile.html');
    expect(normal.panel.width).toBeGreaterThan(300);
    expect(normal.launcher.visibility).toBe('visible');
    expect(hostile).toEqual(normal);
    await context.close();
  });
  it('draws the launcher icon as an SVG in the readable text colour on the theme colour (no emoji font needed)', async () => {
    const context = await getBrowser().newContext();
    const page = await context.newPage();
    await page.goto(`${baseUrl}/`);
    const launcher = page.locator('kefu-widget .launcher');
    await expect.poll(() => launcher.locator('svg.launcher-icon').count(), { timeout: 15_000 }).toBe(1);
    const look = await launcher.evaluate((button) => {
      const icon = button.querySelector('svg')!;
      const box = icon.getBoundingClientRect();
      const toHex = (rgb: string) =>
        `#${(rgb.match(/\d+/g) ?? [])
          .slice(0, 3)
          .map((n) => Number(n).toString(16).padStart(2, '0'))
          .join('')}`;
      return {
        text: button.textContent?.trim() ?? '',
        iconWidth: Math.round(box.width),
        iconFill: toHex(getComputedStyle(icon.querySelector('path')!).fill),
        background: toHex(getComputedStyle(button).backgroundColor),
      };
    });
    expect(look.text).toBe('');
    expect(look.iconWidth).toBeGreaterThanOrEqual(20);
    expect(look.iconFill).toBe(textOn(look.background));
    await context.close();
  });
});
