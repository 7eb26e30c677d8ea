/**
 * The webhook signature as receivers check it: kefu's crypto.subtle signer must agree with
 * Node's createHmac over `timestamp + "." + body` (the README's verification snippet), and the
 * retry schedule must double from its base, stay under 2 h between tries and end within 24 h.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_BASE_MS, nextAttemptAt, retryBaseMs } from '../../worker/webhooks/delivery.ts';
import { newWebhookSecret, signatureHeaderValue, webhookSignature } from '../../worker/webhooks/signature.ts';

describe('webhook signature', () => {
  it('is hex HMAC-SHA256 of timestamp "." body, as Node computes it', async () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({ id: 'evt_0123456789abcdef01234567', type: 'rating.created', data: { score: 5, note: '好评 ✓' } });
    const timestamp = 1_909_656_000;
    const hex = await webhookSignature(secret, timestamp, body);
    expect(hex).toBe(createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex'));
    expect(signatureHeaderValue(hex)).toMatch(/^v1=[0-9a-f]{64}$/);
    // Any change to the body, the timestamp or the secret gives another signature.
    expect(await webhookSignature(secret, timestamp + 1, body)).not.toBe(hex);
    expect(await webhookSignature(secret, timestamp, `${body} `)).not.toBe(hex);
    expect(await webhookSignature(newWebhookSecret(), timestamp, body)).not.toBe(hex);
  });

  it('secrets are long, random and marked', () => {
    const secrets = new Set(Array.from({ length: 50 }, () => newWebhookSecret()));
    expect(secrets.size).toBe(50);
    for (const secret of secrets) expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  });
});

describe('retry schedule', () => {
  it('production: 30 s, then doubling, at most 2 h apart, for 24 h', () => {
    expect(retryBaseMs(undefined)).toBe(DEFAULT_RETRY_BASE_MS);
    expect(retryBaseMs('nonsense')).toBe(DEFAULT_RETRY_BASE_MS);
    expect(retryBaseMs('5')).toBe(DEFAULT_RETRY_BASE_MS);
    const start = 0;
    const waits: number[] = [];
    let now = start;
    for (let attempts = 1; ; attempts++) {
      const next = nextAttemptAt(attempts, start, now, DEFAULT_RETRY_BASE_MS);
      if (next === null) break;
      waits.push(next - now);
      now = next;
    }
    const minutes = waits.map((wait) => wait / 60_000);
    expect(minutes.slice(0, 9)).toEqual([0.5, 1, 2, 4, 8, 16, 32, 64, 120]);
    expect(Math.max(...minutes)).toBe(120);
    expect(now).toBeLessThanOrEqual(24 * 3_600_000);
    expect(now + 120 * 60_000).toBeGreaterThan(24 * 3_600_000);
    // 8 doubling waits (127.5 min) and 10 of 2 h: 18 retries, 19 attempts in all.
    expect(waits.length).toBe(18);
  });

  it('a shorter base (tests) shrinks the whole schedule alike', () => {
    expect(retryBaseMs('300')).toBe(300);
    expect([1, 2, 3].map((attempts) => nextAttemptAt(attempts, 0, 0, 300))).toEqual([300, 600, 1200]);
    expect(nextAttemptAt(1, 0, 300 * 2_880, 300)).toBeNull();
  });
});
