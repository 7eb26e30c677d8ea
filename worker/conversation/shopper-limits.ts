/**
 * In-memory brakes on a chat's shoppers. They only matter while frames are arriving, which is
 * exactly when the object is awake, so they need no storage.
 */
import { TYPING_RELAY_INTERVAL_MS } from '../../protocol/index.ts';

/** A token bucket: a burst of `burst` actions, then `perSecond`. Shared by all of a chat's shopper sockets. */
export class ActionBucket {
  private tokens: number;
  private checkedAt = Date.now();

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
  ) {
    this.tokens = burst;
  }

  take(now = Date.now()): boolean {
    // max(0, …): a clock that steps backwards must not drain the bucket.
    const elapsedSeconds = Math.max(0, now - this.checkedAt) / 1000;
    this.tokens = Math.min(this.burst, this.tokens + elapsedSeconds * this.perSecond);
    this.checkedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** At most one typing indicator per side every TYPING_RELAY_INTERVAL_MS; the rest are dropped. */
export class TypingRelay {
  private readonly relayedAt = { shopper: 0, agent: 0 };

  mayRelay(side: 'shopper' | 'agent', now = Date.now()): boolean {
    if (now - this.relayedAt[side] < TYPING_RELAY_INTERVAL_MS && now >= this.relayedAt[side]) return false;
    this.relayedAt[side] = now;
    return true;
  }
}
