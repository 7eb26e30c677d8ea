/**
 * The Webhooks page in the real console against `wrangler dev`, with a real receiver on
 * 127.0.0.1 (node:http): the admin adds an endpoint (a refused URL first, with the server's
 * words), copies the secret shown once, sends a test ping, and the delivery log shows it
 * delivered; the receiver checks the signature with that secret. The page passes axe; deleting
 * the endpoint leaves the site as it was.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { useChromium } from '../support/chromium.ts';
import { seriousAxeViolations, signInAsDemoAgent } from '../support/demo-console.ts';

const baseUrl = inject('kefuBaseUrl');
const getBrowser = useChromium();

interface Arrival {
  type: string;
  signedWith: (secret: string) => boolean;
}

describe('the Webhooks page', () => {
  const arrivals: Arrival[] = [];
  let receiver: Server;
  let port = 0;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const timestamp = String(request.headers['kefu-webhook-timestamp']);
        const signature = Buffer.from(String(request.headers['kefu-signature']));
        arrivals.push({
          type: String(request.headers['kefu-webhook-event']),
          signedWith: (secret) => {
            const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`);
            return expected.length === signature.length && timingSafeEqual(expected, signature);
          },
        });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    port = (receiver.address() as AddressInfo).port;
  });

  afterAll(async () => {
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('adds an endpoint, shows its secret once, pings it and logs the delivery', async () => {
    const context = await getBrowser().newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true, locale: 'en-GB' });
    const page = await context.newPage();
    try {
      await signInAsDemoAgent(page, baseUrl);
      await page.getByTestId('webhooks-button').click();
      await expect.poll(() => page.getByTestId('webhooks-page').count(), { timeout: 15_000 }).toBe(1);
      expect(await seriousAxeViolations(page)).toEqual([]);

      const form = page.getByTestId('webhook-new');
      await form.getByRole('checkbox', { name: /ticket\.created/ }).check();
      await page.getByTestId('webhook-url').fill('ftp://127.0.0.1/hook');
      await form.getByRole('button', { name: 'Add endpoint' }).click();
      await expect.poll(() => page.getByTestId('webhook-error').textContent(), { timeout: 10_000 }).toBe('url: must start with https://');

      await page.getByTestId('webhook-url').fill(`http://127.0.0.1:${port}/kefu`);
      await form.getByRole('button', { name: 'Add endpoint' }).click();
      const endpoint = page.getByTestId('webhook-endpoint').filter({ hasText: `127.0.0.1:${port}/kefu` });
      await expect.poll(() => endpoint.getByTestId('webhook-secret').count(), { timeout: 10_000 }).toBe(1);
      const secret = ((await endpoint.locator('[data-testid="webhook-secret"] code').textContent()) ?? '').trim();
      expect(secret).toMatch(/^whsec_/);

      await endpoint.getByTestId('webhook-ping').click();
      await expect.poll(() => arrivals.filter((arrival) => arrival.type === 'ping').length, { timeout: 15_000 }).toBe(1);
      expect(arrivals[0]!.signedWith(secret)).toBe(true);

      await endpoint.getByTestId('webhook-log-toggle').click();
      const row = endpoint.getByTestId('webhook-delivery').first();
      await expect
        .poll(
          async () => {
            await endpoint.getByTestId('webhook-deliveries').getByRole('button', { name: 'Refresh' }).click();
            return (await row.textContent()) ?? '';
          },
          { timeout: 15_000, interval: 500 },
        )
        .toMatch(/^ping\s*delivered\s*1/);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.screenshot({ path: 'test-results/console-webhooks.png', fullPage: true });

      await endpoint.getByRole('button', { name: 'Delete' }).click();
      await page.getByRole('alert').getByRole('button', { name: 'Yes' }).click();
      await expect
        .poll(
          () =>
            page
              .getByTestId('webhook-endpoint')
              .filter({ hasText: `127.0.0.1:${port}/kefu` })
              .count(),
          { timeout: 10_000 },
        )
        .toBe(0);
    } finally {
      await context.close();
    }
  });
});
