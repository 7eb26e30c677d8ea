/**
 * One delivery attempt (a signed POST with a 10 s timeout, redirects not followed) and the retry
 * schedule. The schedule scales with one base delay: 30 s in production, so retries come after
 * 30 s, 1, 2, 4 … minutes, at most 2 h apart, until 24 h after the event; tests shorten the base
 * (WEBHOOK_RETRY_BASE_MS) and the whole schedule shrinks with it.
 */
import { WEBHOOK_HEADERS, type WebhookAttempt } from '../../protocol/webhooks.ts';
import { signatureHeaderValue, webhookSignature } from './signature.ts';

export const DEFAULT_RETRY_BASE_MS = 30_000;
/** 24 h / 30 s: the retry window in base delays. */
const WINDOW_IN_BASES = 2_880;
/** 2 h / 30 s: the longest wait between two attempts. */
const CAP_IN_BASES = 240;
export const ATTEMPT_TIMEOUT_MS = 10_000;

export function retryBaseMs(override: string | undefined): number {
  const value = Number(override);
  return Number.isFinite(value) && value >= 10 ? value : DEFAULT_RETRY_BASE_MS;
}

/**
 * When to try again after `attempts` failed attempts, or null once the next try would fall past
 * the window that began at `windowStart` (the delivery is then failed for good).
 */
export function nextAttemptAt(attempts: number, windowStart: number, now: number, baseMs: number): number | null {
  const wait = Math.min(baseMs * 2 ** Math.max(0, attempts - 1), baseMs * CAP_IN_BASES);
  const at = now + wait;
  return at > windowStart + baseMs * WINDOW_IN_BASES ? null : at;
}

/** Sends one delivery; a 2xx answer is success, anything else (3xx included) a failure to retry. */
export async function attemptDelivery(
  delivery: { url: string; secret: string; eventId: string; type: string; body: string },
  now: number,
): Promise<WebhookAttempt> {
  const timestamp = Math.floor(now / 1000);
  const signature = await webhookSignature(delivery.secret, timestamp, delivery.body);
  try {
    const response = await fetch(delivery.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'kefu-webhooks/1',
        [WEBHOOK_HEADERS.id]: delivery.eventId,
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [WEBHOOK_HEADERS.event]: delivery.type,
        [WEBHOOK_HEADERS.signature]: signatureHeaderValue(signature),
      },
      body: delivery.body,
      // Only the registered URL: a redirect elsewhere is not followed but counts as a failure.
      redirect: 'manual',
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    });
    // The body is not read: only the status counts, and a huge answer must not be loaded.
    await response.body?.cancel();
    const ok = response.status >= 200 && response.status < 300;
    return { at: now, status: response.status, error: ok ? null : `HTTP ${response.status}` };
  } catch (error) {
    const name = (error as Error)?.name;
    const reason = name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${ATTEMPT_TIMEOUT_MS / 1000} s` : 'could not connect';
    return { at: now, status: null, error: reason };
  }
}
