/**
 * The handoff scenario end to end, in two browser contexts against `wrangler dev`:
 * the shopper asks for a person, the agent sees the chat in the console queue with its reason,
 * claims it and answers, the shopper sees the answer with the agent's name, the agent closes
 * the chat, and the shopper rates it (the agent sees the rating arrive).
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { useChromium } from '../support/chromium.ts';
import { openAgentAndShopper, signInAsDemoAgent } from '../support/demo-console.ts';

const baseUrl = inject('kefuBaseUrl');

const getBrowser = useChromium();

async function shopperAsksForAPerson(page: Page, text: string) {
  await page.goto(`${baseUrl}/`);
  await page.locator('kefu-widget .launcher').click();
  await expect.poll(() => page.locator('kefu-widget .status').getAttribute('data-status'), { timeout: 15_000 }).toBe('online');
  await page.locator('kefu-widget textarea').fill(text);
  await page.locator('kefu-widget .send').click();
}

describe('handoff from the widget to the agent console', () => {
  it('queues the chat with its reason; the agent claims, answers and closes; the shopper sees the agent and rates', async () => {
    const { agent, shopper, problems, close } = await openAgentAndShopper(getBrowser());

    try {
      // The agent is online first, so the handoff goes to the queue rather than the offline form.
      const agentName = await signInAsDemoAgent(agent, baseUrl);
      expect(agentName).not.toBe('');

      const stamp = Date.now();
      const request = `I want to talk to a real person (${stamp})`;
      await shopperAsksForAPerson(shopper, request);

      // The chat appears in the queue, with its reason and the shopper's last message.
      const entry = agent.getByTestId('queue-entry').filter({ hasText: String(stamp) });
      await expect.poll(() => entry.count(), { timeout: 15_000 }).toBe(1);
      expect(await entry.getByTestId('queue-reason').textContent()).toBe('Asked for a person');
      await entry.getByTestId('claim-button').click();

      // The claim opens the conversation, with the transcript so far and the bot's handoff.
      const conversation = agent.getByTestId('conversation');
      await expect.poll(() => conversation.getAttribute('data-state'), { timeout: 15_000 }).toBe('agent');
      const transcript = agent.getByTestId('transcript');
      await expect
        .poll(
          () =>
            transcript
              .getByTestId('transcript-message')
              .filter({ hasText: String(stamp) })
              .count(),
          { timeout: 10_000 },
        )
        .toBe(1);
      await expect.poll(() => transcript.getByTestId('bot-detail').filter({ hasText: 'Handed off' }).count(), { timeout: 10_000 }).toBeGreaterThan(0);

      // The agent answers with Enter.
      const answer = `Hello! I can help with that. Ticket ${stamp}.`;
      const composer = agent.getByTestId('composer');
      await composer.fill(answer);
      await composer.press('Enter');
      const sent = transcript.locator('[data-testid="transcript-message"][data-author="agent"]', { hasText: answer });
      await expect.poll(() => sent.getByTestId('receipt').getAttribute('data-receipt'), { timeout: 10_000 }).toMatch(/^(sent|read)$/);

      // The shopper sees the answer, and who wrote it.
      const reply = shopper.locator('kefu-widget .message.agent', { hasText: answer });
      await expect.poll(() => reply.count(), { timeout: 10_000 }).toBe(1);
      expect(await reply.textContent()).toContain(agentName);

      // The agent closes the chat, confirming in the dialog.
      await agent.getByTestId('close-button').click();
      await agent.getByTestId('close-confirm').click();
      await expect.poll(() => conversation.getAttribute('data-state'), { timeout: 10_000 }).toBe('closed');

      // The shopper is asked for a rating and gives 5; the console shows it.
      const rating = shopper.locator('kefu-widget .rating');
      await expect.poll(() => rating.count(), { timeout: 10_000 }).toBe(1);
      await rating.getByRole('button', { name: 'Rate 5 out of 5' }).click();
      await rating.getByRole('textbox').fill('Quick and friendly, thank you.');
      await rating.getByRole('button', { name: 'Send rating' }).click();
      await expect.poll(() => rating.count(), { timeout: 10_000 }).toBe(0);
      await expect.poll(() => agent.getByTestId('shopper-rating').textContent(), { timeout: 10_000 }).toContain('5');

      await agent.screenshot({ path: 'test-results/console-scenario-agent.png' });
      await shopper.screenshot({ path: 'test-results/console-scenario-shopper.png' });
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
