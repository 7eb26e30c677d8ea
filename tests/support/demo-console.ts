/**
 * The real console against `wrangler dev`, as the demo agent that `npm start` (and the browser
 * suite's global setup) seeds. Shared by the browser tests that drive a shopper and an agent.
 */
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { expect } from 'vitest';
import { collectPageProblems } from './chromium.ts';

export const DEMO_AGENT_EMAIL = 'agent@mapleandmoss.example';
export const DEMO_AGENT_PASSWORD = process.env.KEFU_DEMO_AGENT_PASSWORD ?? 'demo-agent-password';

/** Signs in and waits for the inbox socket's first snapshot; returns the agent's display name. */
export async function signInAsDemoAgent(page: Page, baseUrl: string): Promise<string> {
  await page.goto(`${baseUrl}/console/?site=demo`);
  await page.getByTestId('login-email').fill(DEMO_AGENT_EMAIL);
  await page.getByTestId('login-password').fill(DEMO_AGENT_PASSWORD);
  await page.getByTestId('login-submit').click();
  await expect.poll(() => page.getByTestId('queue-count').count(), { timeout: 15_000 }).toBe(1);
  await expect.poll(() => page.getByTestId('inbox-status').count(), { timeout: 15_000 }).toBe(0);
  return (await page.getByTestId('agent-name').textContent())?.trim() ?? '';
}

/**
 * An agent and a shopper in separate browser contexts (separate cookies and storage), both
 * recording page errors and dialogs in `problems`. `close()` ends both contexts.
 */
export async function openAgentAndShopper(browser: Browser, agentOptions: BrowserContextOptions = {}) {
  const agentContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...agentOptions });
  const shopperContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const agent = await agentContext.newPage();
  const shopper = await shopperContext.newPage();
  const problems: string[] = [];
  collectPageProblems(agent, problems, 'console');
  collectPageProblems(shopper, problems, 'widget');
  const close = async () => {
    await agentContext.close();
    await shopperContext.close();
  };
  return { agent, shopper, problems, close };
}
