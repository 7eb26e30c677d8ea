/**
 * IpRateLimiter: one tiny Durable Object per counter and client address (new conversations per
 * site, failed logins), counting in a fixed one-hour window. Kept apart from SiteInbox so a flood from one address never queues
 * behind (or slows) the site's inbox.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Env } from './env.ts';

const WINDOW_MS = 60 * 60 * 1000;

export class IpRateLimiter extends DurableObject<Env> {
  /** Counts one new conversation; false when the window's allowance is used up. */
  async take(limit: number, now = Date.now()): Promise<boolean> {
    const windowStart = Math.floor(now / WINDOW_MS) * WINDOW_MS;
    const stored = (await this.ctx.storage.get<{ windowStart: number; count: number }>('window')) ?? { windowStart, count: 0 };
    const current = stored.windowStart === windowStart ? stored : { windowStart, count: 0 };
    if (current.count >= limit) return false;
    await this.ctx.storage.put('window', { windowStart, count: current.count + 1 });
    return true;
  }

  /** Milliseconds until the window ends when its allowance is used up, else 0 (counts nothing). */
  async exhaustedFor(limit: number, now = Date.now()): Promise<number> {
    const windowStart = Math.floor(now / WINDOW_MS) * WINDOW_MS;
    const stored = await this.ctx.storage.get<{ windowStart: number; count: number }>('window');
    return stored && stored.windowStart === windowStart && stored.count >= limit ? windowStart + WINDOW_MS - now : 0;
  }
}
