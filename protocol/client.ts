/**
 * Client-side rules every kefu client follows (widget, console, test clients), kept in one
 * place so they cannot drift apart: message ids and reconnect backoff here, the outbox and
 * transcript in conversation-sync.ts. No dependencies: the widget bundles this file.
 */

const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 15_000;

/** A random clientMsgId (32 hex characters) that makes a retried send idempotent. */
export function newClientMsgId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential up to 15 s, with "equal
 * jitter" (half fixed, half random) so thousands of clients cut off together by a deploy do not
 * come back in lockstep.
 */
export function reconnectDelay(attempt: number, random = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}
