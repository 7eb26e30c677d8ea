/**
 * The resend/resync core every kefu client shares (the widget, the console and the Node test
 * client): a transcript keyed by seq, and an outbox whose items are resent with the same
 * clientMsgId after every welcome until the server has stored them. The server acks a stored
 * item, replays it in a `message`/`resync`, or refuses it with an error naming its clientMsgId.
 * No dependencies and no socket: the widget bundles this file, and each client keeps its own
 * socket, frames and view.
 */

export interface SyncedMessage {
  seq: number;
  clientMsgId?: string;
}

export interface OutboxItem {
  clientMsgId: string;
  /** Why the server refused it for good; failed items are shown, never resent. */
  failed?: string;
  /** Acked, but the server's copy has not arrived yet (console notes): shown, never resent. */
  acked?: boolean;
}

/** What taking a stored message did: new, the same one again, or a different one at a held seq. */
export type TakeResult = 'new' | 'same' | 'different';

export class ConversationSync<Message extends SyncedMessage, Item extends OutboxItem> {
  private readonly messages = new Map<number, Message>();
  private items: Item[];
  private maxSeq = 0;

  /**
   * @param items the outbox as it was saved (a reload of the page keeps unsent messages)
   * @param saveOutbox called after every change to the outbox, to persist it
   * @param sameMessage how to tell a duplicate delivery from a conflicting one
   */
  constructor(
    items: Item[],
    private readonly saveOutbox: (items: readonly Item[]) => void = () => {},
    private readonly sameMessage: (held: Message, incoming: Message) => boolean = () => true,
  ) {
    this.items = items;
  }

  /** The highest seq held: what a hello asks the server to replay after. */
  get lastSeq(): number {
    return this.maxSeq;
  }

  get outbox(): readonly Item[] {
    return this.items;
  }

  has(seq: number): boolean {
    return this.messages.has(seq);
  }

  /** The transcript in seq order. */
  ordered(): Message[] {
    return [...this.messages.values()].sort((a, b) => a.seq - b.seq);
  }

  find(clientMsgId: string): Item | undefined {
    return this.items.find((item) => item.clientMsgId === clientMsgId);
  }

  /** Items to transmit after a welcome (or a rate-limit pause): neither failed nor acked. */
  toResend(): Item[] {
    return this.items.filter((item) => !item.failed && !item.acked);
  }

  enqueue(item: Item): void {
    this.items = [...this.items, item];
    this.saveOutbox(this.items);
  }

  /**
   * A stored message arrived, live or replayed: keep it, and if it is one of ours it leaves the
   * outbox. A message at a seq already held is kept as it was.
   */
  take(message: Message): TakeResult {
    const held = this.messages.get(message.seq);
    if (held) return this.sameMessage(held, message) ? 'same' : 'different';
    this.messages.set(message.seq, message);
    if (message.seq > this.maxSeq) this.maxSeq = message.seq;
    this.settle(message.clientMsgId);
    return 'new';
  }

  /** The server's full replay replaces what we held (it had more than it could send as a delta). */
  resync(messages: readonly Message[]): void {
    this.messages.clear();
    this.maxSeq = 0;
    for (const message of messages) this.take(message);
  }

  /**
   * The server stored our item at `seq`: the transcript gets our copy (built by `toMessage`)
   * unless the server's own arrived first, and the item leaves the outbox. Returns the item, or
   * undefined for an ack of something this client does not hold (another tab's, or settled).
   */
  ack(clientMsgId: string, seq: number, toMessage: (item: Item) => Message): Item | undefined {
    const item = this.find(clientMsgId);
    if (!item) return undefined;
    if (!this.messages.has(seq)) this.take(toMessage(item));
    this.settle(clientMsgId);
    return item;
  }

  /** Acked, but kept (shown, never resent) until the server's copy arrives by another frame. */
  markAcked(clientMsgId: string): Item | undefined {
    return this.update(clientMsgId, { acked: true } as Partial<Item>);
  }

  /** Refused for good: kept to show the shopper or agent why, never resent. */
  fail(clientMsgId: string, reason: string): Item | undefined {
    return this.update(clientMsgId, { failed: reason } as Partial<Item>);
  }

  /** The item is stored on the server (or dismissed): it leaves the outbox. True if it was there. */
  settle(clientMsgId: string | undefined): boolean {
    if (!clientMsgId) return false;
    const before = this.items.length;
    this.items = this.items.filter((item) => item.clientMsgId !== clientMsgId);
    if (this.items.length === before) return false;
    this.saveOutbox(this.items);
    return true;
  }

  /** Forget everything (the shopper's `shutdown`). */
  clear(): void {
    this.messages.clear();
    this.maxSeq = 0;
    this.items = [];
    this.saveOutbox(this.items);
  }

  private update(clientMsgId: string, patch: Partial<Item>): Item | undefined {
    const index = this.items.findIndex((item) => item.clientMsgId === clientMsgId);
    if (index < 0) return undefined;
    const updated = { ...this.items[index]!, ...patch };
    this.items = this.items.map((item, i) => (i === index ? updated : item));
    this.saveOutbox(this.items);
    return updated;
  }
}
