/**
 * What the inbox sends agents when one chat changes (a shopper message, a new page, an
 * identify): a small `chat` delta for that chat only, never the whole inbox, and at most one per
 * chat every CHAT_DELTA_INTERVAL_MS (a burst is coalesced into one delta carrying the latest
 * state). Whole snapshots remain for what changes the inbox's shape: a chat joining or leaving
 * the queue, a claim, presence, tickets.
 *
 * Shopper-supplied text is capped here for the queue and the chat lists; the conversation view
 * (its own socket) still gets the full values.
 */
import type { ChatDelta, ShopperContext } from '../../protocol/index.ts';

export const CHAT_DELTA_INTERVAL_MS = 250;
export const QUEUE_TEXT_CAPS = { pageUrl: 200, pageTitle: 100, lastMessage: 200 } as const;

function cap(text: string | undefined, length: number): string | undefined {
  return text === undefined || text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

/** The shopper as the queue and the chat lists show them: page URL and title capped. */
export function queueShopper(shopper: ShopperContext): ShopperContext {
  return { ...shopper, pageUrl: cap(shopper.pageUrl, QUEUE_TEXT_CAPS.pageUrl), pageTitle: cap(shopper.pageTitle, QUEUE_TEXT_CAPS.pageTitle) };
}

export function queueLastMessage(text: string): string {
  return cap(text, QUEUE_TEXT_CAPS.lastMessage) ?? '';
}

/**
 * Coalesces per chat: the first change goes out at once, later ones within the interval wait
 * for its end and go out as one. In memory (setTimeout keeps the object awake until it fires);
 * if the object is evicted meanwhile, the agents' next hello brings a whole snapshot.
 */
export class ChatDeltaCoalescer {
  private readonly lastSentAt = new Map<string, number>();
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly send: (conversationId: string) => void) {}

  changed(conversationId: string, now = Date.now()): void {
    if (this.pending.has(conversationId)) return;
    const wait = (this.lastSentAt.get(conversationId) ?? -Infinity) + CHAT_DELTA_INTERVAL_MS - now;
    if (wait <= 0) return this.flush(conversationId, now);
    this.pending.set(
      conversationId,
      setTimeout(() => this.flush(conversationId, Date.now()), wait),
    );
  }

  private flush(conversationId: string, now: number): void {
    this.pending.delete(conversationId);
    this.lastSentAt.set(conversationId, now);
    // Forget chats that have been quiet for a while, so the map does not grow with every chat ever seen.
    for (const [id, at] of this.lastSentAt) if (now - at > 60_000) this.lastSentAt.delete(id);
    this.send(conversationId);
  }
}

export type { ChatDelta };
