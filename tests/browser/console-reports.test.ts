/**
 * The Reports page in the real console against `wrangler dev`: a shopper chats with the bot and
 * asks for a person first, so there is something to draw. Then:
 * - the charts draw (uPlot, loaded only on this page) with no console errors, and the page passes axe;
 * - the figures CSV the page downloads has the same rows as the JSON;
 * - a plain agent sees the site's totals and only their own row;
 * - the console speaks Simplified Chinese when the agent picks it, and remembers it.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import type { ReportResponse } from '../../protocol/reports.ts';
import { parseCsv } from '../../worker/reports/figures.ts';
import { useChromium } from '../support/chromium.ts';
import { openAgentAndShopper, seriousAxeViolations, signInAsDemoAgent, signInAsNewPlainAgent } from '../support/demo-console.ts';

const baseUrl = inject('kefuBaseUrl');
const getBrowser = useChromium();
// A real browser's language tag: Chromium started with LANG=C says "en-US@posix", which
// Intl (and so uPlot, when it loads) refuses.
const CONSOLE_CONTEXT = { viewport: { width: 1280, height: 800 }, bypassCSP: true, acceptDownloads: true, locale: 'en-GB' };

async function ask(page: Page, text: string) {
  const before = await page.locator('kefu-widget .message.bot').count();
  await page.locator('kefu-widget textarea').fill(text);
  await page.locator('kefu-widget .send').click();
  await expect.poll(() => page.locator('kefu-widget .message.bot').count(), { timeout: 15_000 }).toBeGreaterThan(before);
}

/** Console errors too, not only uncaught ones: a chart that fails quietly must fail the test. */
function recordConsoleErrors(page: Page, problems: string[]) {
  page.on('console', (message) => {
    // The console asks /v1/agent/me before signing in: that 401 is the answer it expects.
    if (message.type() === 'error' && !/status of 401/.test(message.text())) problems.push(`console error: ${message.text()}`);
  });
}

async function reportJson(page: Page, from: string, to: string): Promise<ReportResponse> {
  return page.evaluate(async (query) => {
    const response = await fetch(`/v1/agent/reports?${query}`, { credentials: 'same-origin' });
    return (await response.json()) as ReportResponse;
  }, new URLSearchParams({ from, to }).toString());
}

async function openReports(page: Page) {
  await page.getByTestId('reports-button').click();
  await expect.poll(() => page.getByTestId('report').count(), { timeout: 15_000 }).toBe(1);
}

describe('the Reports page', () => {
  it('draws its charts with no errors, passes axe, and downloads a CSV whose rows match the JSON', async () => {
    const { agent, shopper, problems, close } = await openAgentAndShopper(getBrowser(), CONSOLE_CONTEXT);
    recordConsoleErrors(agent, problems);
    try {
      // Something to report: a bot answer and a handoff to the queue.
      await shopper.goto(`${baseUrl}/`);
      await shopper.locator('kefu-widget .launcher').click();
      await expect.poll(() => shopper.locator('kefu-widget .status').getAttribute('data-status'), { timeout: 15_000 }).toBe('online');
      await ask(shopper, 'Do you ship to Canada and who pays customs duties?');
      await ask(shopper, 'I would like to speak to a person please');

      await signInAsDemoAgent(agent, baseUrl);
      await openReports(agent);
      // The three charts are drawn by the lazily loaded library.
      await expect.poll(() => agent.locator('[data-chart-state="drawn"]').count(), { timeout: 15_000 }).toBe(3);
      expect(await agent.locator('.chart-host canvas').count()).toBe(3);
      const report = agent.getByTestId('report');
      const from = (await report.getAttribute('data-from'))!;
      const to = (await report.getAttribute('data-to'))!;
      const json = await reportJson(agent, from, to);
      expect(json.scope).toBe('site');
      expect(json.figures.conversationsStarted.value).toBeGreaterThanOrEqual(1);
      expect(json.figures.handoffs.value).toBeGreaterThanOrEqual(1);
      // The page shows the same figures as the JSON.
      const startedCell = agent.locator('[data-figure="conversationsStarted"] td').first();
      expect(Number((await startedCell.textContent())?.replace(/\D/g, ''))).toBe(json.figures.conversationsStarted.value);

      // Every chart has its table alternative.
      for (const details of await agent.locator('.chart-table').all()) {
        await details.locator('summary').click();
        expect(await details.locator('table tbody tr').count()).toBeGreaterThan(0);
      }

      const [download] = await Promise.all([agent.waitForEvent('download'), agent.getByTestId('csv-figures').first().click()]);
      const rows = parseCsv(readFileSync((await download.path())!, 'utf8'));
      expect(rows[0]).toEqual(['figure', 'value', 'previous']);
      const fresh = await reportJson(agent, from, to);
      expect(rows.slice(1)).toEqual(
        Object.entries(fresh.figures).map(([name, figure]) => [
          name,
          figure.value === null ? '' : String(figure.value),
          figure.previous === null ? '' : String(figure.previous),
        ]),
      );

      expect(await seriousAxeViolations(agent)).toEqual([]);
      // The page scrolls inside its column: a tall window shows all of it.
      await agent.setViewportSize({ width: 1280, height: 3200 });
      await agent.screenshot({ path: 'test-results/console-reports-1280.png' });
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('shows a plain agent the site totals and only their own row; the console speaks Chinese when chosen, and remembers it', async () => {
    const { agent, problems, close } = await openAgentAndShopper(getBrowser(), CONSOLE_CONTEXT);
    recordConsoleErrors(agent, problems);
    try {
      await signInAsNewPlainAgent(agent, baseUrl);
      await openReports(agent);
      const report = agent.getByTestId('report');
      const json = await reportJson(agent, (await report.getAttribute('data-from'))!, (await report.getAttribute('data-to'))!);
      expect(json.scope).toBe('agent');
      expect(json.agents.map((row) => row.name)).toEqual(['Helper Agent']);
      const rows = agent.getByTestId('agents-table').locator('tbody tr');
      await expect.poll(() => rows.count()).toBe(1);
      expect(await rows.first().locator('th').textContent()).toBe('Helper Agent');

      await agent.getByTestId('language-picker').selectOption('zh-CN');
      await expect.poll(() => agent.locator('#reports-title').textContent()).toBe('报表');
      expect(await agent.getByTestId('follow-ups-button').textContent()).toBe('回访');
      await agent.reload();
      await expect.poll(() => agent.getByTestId('handover-button').textContent(), { timeout: 15_000 }).toBe('交班日记');
      expect(await agent.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
      await agent.getByTestId('reports-button').click();
      await expect.poll(() => agent.locator('[data-chart-state="drawn"]').count(), { timeout: 15_000 }).toBe(3);
      expect(await seriousAxeViolations(agent)).toEqual([]);
      await agent.setViewportSize({ width: 1280, height: 3200 });
      await agent.screenshot({ path: 'test-results/console-reports-zh-1280.png' });
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it("shows a handover note written by one agent in another agent's sidebar at login, until it is marked read", async () => {
    // Two agents, each in a console context of their own (separate cookies and storage).
    const first = await openAgentAndShopper(getBrowser(), CONSOLE_CONTEXT);
    const second = await openAgentAndShopper(getBrowser(), CONSOLE_CONTEXT);
    const [writer, reader] = [first.agent, second.agent];
    const problems = [...first.problems, ...second.problems];
    const close = async () => {
      await first.close();
      await second.close();
    };
    recordConsoleErrors(writer, problems);
    recordConsoleErrors(reader, problems);
    try {
      const text = `Order MM-${Date.now().toString(36)} waits for a refund <b>not bold</b>`;
      await signInAsDemoAgent(writer, baseUrl);
      await writer.getByTestId('handover-button').click();
      await writer.locator('#handover-text').fill(text);
      await writer.getByRole('button', { name: 'Post the note' }).click();
      await expect.poll(() => writer.getByTestId('handover-note').filter({ hasText: text }).count(), { timeout: 15_000 }).toBe(1);
      // Searchable: the note is found by a word in it.
      await writer.locator('#handover-search').fill(text.split(' ')[1]!);
      await writer.getByRole('button', { name: 'Search', exact: true }).click();
      await expect.poll(() => writer.getByTestId('handover-note').count()).toBe(1);

      // Another agent signs in: the note is in their sidebar, as text.
      await signInAsNewPlainAgent(reader, baseUrl);
      const notice = reader.getByTestId('handover-at-login');
      await expect.poll(() => notice.getByTestId('handover-login-note').filter({ hasText: text }).count(), { timeout: 15_000 }).toBe(1);
      expect(await notice.locator('b').count()).toBe(0);
      expect(await seriousAxeViolations(reader)).toEqual([]);
      await reader.getByTestId('handover-mark-read').click();
      await expect.poll(() => notice.count()).toBe(0);

      // Read notes do not come back at the next load.
      const listed = reader.waitForResponse((response) => response.url().includes('/v1/agent/handover-notes?view=since-last-session'));
      await reader.reload();
      const response = await listed;
      const body = (await response.json()) as { notes: { text: string; read: boolean }[] };
      expect(body.notes.find((note) => note.text === text)?.read).toBe(true);
      await expect.poll(() => reader.getByTestId('queue-count').count(), { timeout: 15_000 }).toBe(1);
      expect(await reader.getByTestId('handover-at-login').count()).toBe(0);
      expect([...problems, ...first.problems, ...second.problems]).toEqual([]);
    } finally {
      await close();
    }
  });
});
