/**
 * The real console against `wrangler dev`, as the demo agent that `npm start` (and the browser
 * suite's global setup) seeds. Shared by the browser tests that drive a shopper and an agent.
 */
import { readFileSync } from 'node:fs';
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

/**
 * A plain (non-admin) agent of the demo site, created by the demo admin through the API in
 * `page`'s context (which is left signed out), then signed in on `page` with a password of its
 * own. Returns once the console's inbox is up.
 */
export async function signInAsNewPlainAgent(page: Page, baseUrl: string): Promise<{ email: string; password: string }> {
  await page.goto(`${baseUrl}/console/?site=demo`);
  const email = `helper-${Date.now()}-${Math.floor(Math.random() * 1e6)}@mapleandmoss.example`;
  const password = 'helper-password-123';
  const created = await page.evaluate(
    async ({ adminEmail, adminPassword, email }) => {
      const post = (url: string, body: unknown) =>
        fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const login = await post('/v1/agent/login', { site: 'demo', email: adminEmail, password: adminPassword });
      if (!login.ok) return { error: `admin login ${login.status}` };
      const add = await post('/v1/agent/agents', { email, name: 'Helper Agent', role: 'agent' });
      const body = (await add.json()) as { oneTimePassword?: string };
      await post('/v1/agent/logout', {});
      return add.ok && body.oneTimePassword ? { oneTimePassword: body.oneTimePassword } : { error: `add agent ${add.status}` };
    },
    { adminEmail: DEMO_AGENT_EMAIL, adminPassword: DEMO_AGENT_PASSWORD, email },
  );
  if (!('oneTimePassword' in created) || !created.oneTimePassword) throw new Error(`could not create an agent: ${JSON.stringify(created)}`);

  // The new agent signs in with the one-time password and picks their own.
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(created.oneTimePassword);
  await page.getByTestId('login-submit').click();
  await expect.poll(() => page.getByTestId('password-form').count(), { timeout: 10_000 }).toBe(1);
  await page.getByLabel('One-time (current) password').fill(created.oneTimePassword);
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByLabel('Repeat the new password').fill(password);
  await page.getByRole('button', { name: 'Save password' }).click();
  await expect.poll(() => page.getByTestId('queue-count').count(), { timeout: 15_000 }).toBe(1);
  return { email, password };
}

/** axe-core's serious and critical findings on the page (the context needs bypassCSP to inject axe). */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: readFileSync('node_modules/axe-core/axe.min.js', 'utf8') });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  });
}
