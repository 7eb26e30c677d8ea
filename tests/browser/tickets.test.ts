/**
 * Work orders and data rights end to end, in two browser contexts against `wrangler dev`: the
 * agent opens a ticket from a chat and solves it; the shopper, back in the same browser, sees
 * it solved in the widget (with the shop's privacy link) and writes on it; the agent sees the
 * message. Then the admin exports the shopper's data from the Data rights page and erases it.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import type { DataExport } from '../../protocol/index.ts';
import { useChromium } from '../support/chromium.ts';
import { openAgentAndShopper, seriousAxeViolations, signInAsDemoAgent } from '../support/demo-console.ts';

const baseUrl = inject('kefuBaseUrl');
const getBrowser = useChromium();

const PRIVACY_URL = 'https://mapleandmoss.example/privacy';

/** Saves the demo site's privacy link (or removes it) as the signed-in admin. */
async function setPrivacyLink(agent: Page, url: string | undefined): Promise<number> {
  return agent.evaluate(async (privacyNoticeUrl) => {
    const setup = (await (await fetch('/v1/agent/site', { credentials: 'same-origin' })).json()) as { site: Record<string, unknown>; version: number };
    const settings = { ...setup.site, privacyNoticeUrl };
    const saved = await fetch('/v1/agent/site/settings', {
      method: 'PUT',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ settings, baseVersion: setup.version }),
    });
    return saved.status;
  }, url);
}

describe('tickets and data rights in the console and the widget', () => {
  it('ticket from a chat → solved → the returning shopper sees it and writes → the agent sees it; then export and erase', async () => {
    // bypassCSP only so the test can inject axe-core; the console itself needs no exception.
    const { agent, shopper, problems, close } = await openAgentAndShopper(getBrowser(), { acceptDownloads: true, bypassCSP: true });
    try {
      await signInAsDemoAgent(agent, baseUrl);
      expect(await setPrivacyLink(agent, PRIVACY_URL)).toBe(200);

      // The shopper asks for a person; the agent claims the chat.
      const stamp = Date.now();
      await shopper.goto(`${baseUrl}/`);
      await shopper.locator('kefu-widget .launcher').click();
      await expect.poll(() => shopper.locator('kefu-widget .status').getAttribute('data-status'), { timeout: 15_000 }).toBe('online');
      await shopper.locator('kefu-widget .composer textarea').fill(`I want to talk to a real person about teapot stock ${stamp}`);
      await shopper.locator('kefu-widget .send').click();
      const entry = agent.getByTestId('queue-entry').filter({ hasText: String(stamp) });
      await expect.poll(() => entry.count(), { timeout: 15_000 }).toBe(1);
      await entry.getByTestId('claim-button').click();
      await expect.poll(() => agent.getByTestId('conversation').getAttribute('data-state'), { timeout: 15_000 }).toBe('agent');
      const conversationId = /chat=([0-9a-f-]{36})/.exec(agent.url())![1]!;

      // A ticket from the chat: the chat lists it, the ticket links back to the chat.
      await agent.getByTestId('new-ticket').click();
      await agent.getByTestId('new-ticket-title').fill(`Warehouse to check teapot stock ${stamp}`);
      await agent.getByTestId('new-ticket-kind').selectOption('order');
      await agent.getByTestId('new-ticket-team').fill('warehouse');
      await agent.getByTestId('new-ticket-submit').click();
      const chatTicket = agent.getByTestId('chat-ticket');
      await expect.poll(() => chatTicket.textContent(), { timeout: 10_000 }).toContain(String(stamp));
      expect(await chatTicket.getByTestId('chat-ticket-status').textContent()).toBe('Open');
      await chatTicket.getByRole('link').click();
      await expect.poll(() => agent.getByTestId('ticket-title').textContent(), { timeout: 10_000 }).toContain(String(stamp));
      expect(await agent.getByTestId('ticket-transcript-link').getAttribute('href')).toBe(`#chat=${conversationId}`);

      // The agent solves it; the activity log says so.
      await agent.getByTestId('ticket-edit-status').selectOption('solved');
      await expect.poll(() => agent.getByTestId('ticket-activity').textContent(), { timeout: 10_000 }).toContain('status: Open → Solved');

      // The shopper comes back in the same browser: the widget shows the ticket solved, and the privacy link.
      await shopper.reload();
      await shopper.locator('kefu-widget .launcher').click();
      const ticketView = shopper.locator('kefu-widget .tk');
      await expect.poll(() => ticketView.count(), { timeout: 15_000 }).toBe(1);
      expect(await ticketView.getByTestId('ticket-status').textContent()).toBe('Solved');
      expect(await ticketView.textContent()).toContain(`Warehouse to check teapot stock ${stamp}`);
      expect(await shopper.locator('kefu-widget a.pv').getAttribute('href')).toBe(PRIVACY_URL);
      await ticketView.locator('textarea').fill(`Any news on the teapot? ${stamp}`);
      await ticketView.getByRole('button', { name: 'Send' }).click();
      await expect.poll(() => shopper.locator('kefu-widget .tk').getByTestId('ticket-status').textContent(), { timeout: 10_000 }).toBe('Open');

      // The agent sees the shopper's message on the ticket, and the ticket open again.
      await agent.reload();
      await expect.poll(() => agent.getByTestId('ticket-comment-shopper').textContent(), { timeout: 15_000 }).toContain(`Any news on the teapot? ${stamp}`);
      expect(await agent.locator('.ticket-badges').first().getByTestId('ticket-status').textContent()).toBe('Open');
      expect(await seriousAxeViolations(agent)).toEqual([]);

      // Data rights: find the shopper by the conversation, download the export, erase with confirmation.
      await agent.getByTestId('data-rights-button').click();
      await agent.getByTestId('data-rights-field').selectOption('conversationId');
      await agent.getByTestId('data-rights-value').fill(conversationId);
      await agent.getByTestId('data-rights-find').click();
      await expect
        .poll(() => agent.getByTestId('data-rights-summary').textContent(), { timeout: 10_000 })
        .toMatch(/^Held: 1 conversations, \d+ messages, 1 tickets\.$/);
      const [download] = await Promise.all([agent.waitForEvent('download'), agent.getByTestId('data-rights-download').click()]);
      const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as DataExport;
      expect(exported.conversations.map((c) => c.conversationId)).toEqual([conversationId]);
      expect(exported.conversations[0]!.tickets[0]!.comments.map((c) => c.text)).toEqual([`Any news on the teapot? ${stamp}`]);

      await agent.getByTestId('data-rights-erase').click();
      const confirm = agent.getByTestId('data-rights-erase-confirm');
      expect(await confirm.isDisabled()).toBe(true);
      await agent.getByTestId('data-rights-typed').fill('ERASE');
      await confirm.click();
      await expect
        .poll(() => agent.getByTestId('data-rights-erased').textContent(), { timeout: 10_000 })
        .toMatch(/^Erased 1 conversations, \d+ messages and 1 tickets\.$/);
      await expect.poll(() => agent.getByTestId('data-rights-audit').textContent()).toContain('erasure · found by conversationId');
      expect(await seriousAxeViolations(agent)).toEqual([]);
      // Found again: no message and no ticket is held (the emptied chat still answers to its id).
      await agent.getByTestId('data-rights-find').click();
      await expect.poll(() => agent.getByTestId('data-rights-summary').textContent(), { timeout: 10_000 }).toMatch(/ 0 messages, 0 tickets\.$/);
      expect(problems).toEqual([]);
    } finally {
      await setPrivacyLink(agent, undefined).catch(() => 0);
      await close();
    }
  });
});
