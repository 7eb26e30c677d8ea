/**
 * Photos and PDFs in chat, in real Chromium against `wrangler dev`: a shopper attaches a photo
 * from the widget and the agent sees its thumbnail (and the shopper's own), an agent sends a PDF
 * from the console and the shopper downloads it, and a fake JPEG is refused with a message.
 */
import { readFileSync } from 'node:fs';
import type { Download, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { fakeJpeg, jpegWithMetadata, pdf } from '../fixtures/images.ts';
import { useChromium } from '../support/chromium.ts';
import { openAgentAndShopper, signInAsDemoAgent } from '../support/demo-console.ts';

const baseUrl = inject('kefuBaseUrl');
const getBrowser = useChromium();

/** The shopper asks for a person and the demo agent claims the chat; returns the console's transcript. */
async function agentTakesAChat(agent: Page, shopper: Page) {
  await signInAsDemoAgent(agent, baseUrl);
  const stamp = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  await shopper.goto(`${baseUrl}/`);
  await shopper.locator('kefu-widget .launcher').click();
  await expect.poll(() => shopper.locator('kefu-widget .status').getAttribute('data-status'), { timeout: 15_000 }).toBe('online');
  await shopper.locator('kefu-widget textarea').fill(`I want to talk to a real person (${stamp})`);
  await shopper.locator('kefu-widget .send').click();
  const entry = agent.getByTestId('queue-entry').filter({ hasText: stamp });
  await expect.poll(() => entry.count(), { timeout: 15_000 }).toBe(1);
  await entry.getByTestId('claim-button').click();
  await expect.poll(() => agent.getByTestId('conversation').getAttribute('data-state'), { timeout: 15_000 }).toBe('agent');
  return agent.getByTestId('transcript');
}

const naturalWidth = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((img) => (img as HTMLImageElement).naturalWidth)
    .catch(() => 0);

describe('files in chat', () => {
  it('a shopper attaches a photo and the agent sees its thumbnail; the agent sends a PDF and the shopper downloads it', async () => {
    const { agent, shopper, problems, close } = await openAgentAndShopper(getBrowser());
    try {
      const transcript = await agentTakesAChat(agent, shopper);

      // The shopper picks a photo (with EXIF and GPS) through the widget's attach button.
      await shopper
        .locator('kefu-widget input[type="file"]')
        .setInputFiles({ name: 'broken-mug.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(jpegWithMetadata()) });
      // The shopper sees their photo as a thumbnail: a real decoded picture, 8x6 turned upright to
      // 6x8 by the EXIF orientation (6) that metadata stripping keeps …
      await expect.poll(() => naturalWidth(shopper, 'kefu-widget .message.shopper img[alt="broken-mug.jpg"]'), { timeout: 15_000 }).toBe(6);
      // … and so does the agent, in the console's transcript.
      const thumbnail = transcript.locator('[data-testid="transcript-message"][data-author="shopper"] [data-testid="attachment"] img');
      await expect.poll(() => thumbnail.count(), { timeout: 15_000 }).toBe(1);
      await expect.poll(() => thumbnail.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(6);
      expect(await thumbnail.getAttribute('alt')).toBe('broken-mug.jpg');
      // The thumbnail opens the photo full size in a new tab.
      const link = transcript.locator('[data-testid="attachment"][data-type="image/jpeg"]');
      expect(await link.getAttribute('target')).toBe('_blank');
      const [tab] = await Promise.all([agent.context().waitForEvent('page'), link.click()]);
      await tab.waitForLoadState();
      expect(await tab.evaluate(() => document.contentType)).toBe('image/jpeg');
      await tab.close();

      // The agent sends a PDF from the console.
      await agent.getByTestId('attach-input').setInputFiles({ name: 'returns-label.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdf()) });
      await expect.poll(() => transcript.locator('[data-testid="attachment"][data-type="application/pdf"]').count(), { timeout: 15_000 }).toBe(1);
      await expect.poll(() => agent.getByTestId('attach-status').textContent()).toBe('');

      // The shopper sees it by name and downloads it.
      const pdfLink = shopper.locator('kefu-widget .message.agent a', { hasText: 'returns-label.pdf' });
      await expect.poll(() => pdfLink.count(), { timeout: 15_000 }).toBe(1);
      const download = new Promise<Download>((resolve) => {
        shopper.on('download', resolve);
        shopper.context().on('page', (popup) => popup.on('download', resolve));
      });
      await pdfLink.click();
      const file = await download;
      expect(file.suggestedFilename()).toBe('returns-label.pdf');
      expect(readFileSync((await file.path())!, 'latin1')).toContain('%PDF-1.4');

      await agent.screenshot({ path: 'test-results/attachments-agent.png' });
      await shopper.screenshot({ path: 'test-results/attachments-shopper.png' });

      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('a fake JPEG is refused with a message, and nothing appears in the chat', async () => {
    const { agent, shopper, problems, close } = await openAgentAndShopper(getBrowser());
    try {
      const transcript = await agentTakesAChat(agent, shopper);
      const before = await shopper.locator('kefu-widget .message').count();
      await shopper.locator('kefu-widget input[type="file"]').setInputFiles({ name: 'holiday.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(fakeJpeg()) });
      const notice = shopper.locator('kefu-widget .notice');
      await expect
        .poll(() => notice.textContent(), { timeout: 15_000 })
        .toBe('holiday.jpg: This file is named or labelled as an image, but its contents are not a JPEG, PNG, WebP or GIF picture.');
      expect(await shopper.locator('kefu-widget .message').count()).toBe(before);
      expect(await transcript.getByTestId('attachment').count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
