/**
 * The console's socket to one conversation: resumes with the last seq it holds, keeps an outbox
 * of messages and notes that resends with the same clientMsgId until the server acks them, and
 * publishes one immutable snapshot per change.
 */
import type { AgentConversationInbound, AgentConversationOutbound, InternalNote, ShopperContext } from '../../protocol/agent.ts';
import { newClientMsgId } from '../../protocol/client.ts';
import { ConversationSync } from '../../protocol/conversation-sync.ts';
import type { ConversationState, TranscriptMessage } from '../../protocol/visitor.ts';
import { type MessageKey, t } from './i18n.ts';
import { type LinkStatus, ReconnectingSocket } from './socket.ts';

export interface PendingItem {
  clientMsgId: string;
  kind: 'message' | 'note';
  text: string;
  at: number;
  /** The server refused it for good (e.g. too long); shown, not retried. */
  failed?: string;
  /** A note the server acked whose `note` frame has not arrived yet: shown, not resent. */
  acked?: boolean;
}

export interface ConversationSnapshot {
  conversationId: string;
  status: LinkStatus;
  welcomed: boolean;
  state: ConversationState | null;
  assignedAgentId: string | null;
  shopper: ShopperContext | null;
  messages: TranscriptMessage[];
  notes: InternalNote[];
  pending: PendingItem[];
  shopperTyping: boolean;
  /** Highest seq the shopper has read. */
  shopperReadSeq: number;
  rating: { score: number; comment: string } | null;
}

export interface ConversationOptions {
  conversationId: string;
  agentName: string;
  onError: (message: string) => void;
  verify: (closeCode: number) => Promise<boolean>;
}

/** A shopper who stops typing without sending must not look busy for ever. */
const TYPING_TIMEOUT_MS = 8_000;

const ERROR_TEXT: Record<string, MessageKey> = {
  not_assigned: 'chatError.not_assigned',
  forbidden: 'chatError.forbidden',
  not_found: 'chatError.not_found',
  unknown_agent: 'inboxError.unknown_agent',
  at_capacity: 'chatError.at_capacity',
  not_now: 'chatError.not_now',
  rate_limited: 'chatError.rate_limited',
};

export class ConversationConnection {
  private readonly socket: ReconnectingSocket<AgentConversationInbound, AgentConversationOutbound>;
  /** The transcript and the outbox of messages and notes (kept in sessionStorage). */
  private readonly sync: ConversationSync<TranscriptMessage, PendingItem>;
  private readonly notes = new Map<number, InternalNote>();
  private value: ConversationSnapshot;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private typingSent = false;
  private readSent = 0;
  private readonly listeners = new Set<(snapshot: ConversationSnapshot) => void>();

  constructor(private readonly options: ConversationOptions) {
    this.sync = new ConversationSync(this.loadOutbox(), (items) => this.saveOutbox(items));
    this.value = {
      conversationId: options.conversationId,
      status: 'connecting',
      welcomed: false,
      state: null,
      assignedAgentId: null,
      shopper: null,
      messages: [],
      notes: [],
      pending: [...this.sync.outbox],
      shopperTyping: false,
      shopperReadSeq: 0,
      rating: null,
    };
    this.socket = new ReconnectingSocket({
      path: `/v1/agent/conversations/${encodeURIComponent(options.conversationId)}`,
      onOpen: () => this.socket.send({ v: 1, type: 'hello', lastSeq: this.sync.lastSeq }),
      onFrame: (frame) => this.receive(frame),
      onStatus: (status) => {
        const welcomed = status === 'online' ? this.value.welcomed : false;
        if (!welcomed) this.typingSent = false;
        this.publish({ status, welcomed });
      },
      verify: options.verify,
    });
  }

  get conversationId(): string {
    return this.options.conversationId;
  }

  subscribe(listener: (snapshot: ConversationSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): ConversationSnapshot {
    return this.value;
  }

  start(): void {
    this.socket.start();
  }

  stop(): void {
    clearTimeout(this.typingTimer);
    this.socket.stop();
  }

  sendMessage(text: string): void {
    this.enqueue({ clientMsgId: newClientMsgId(), kind: 'message', text, at: Date.now() });
    this.setTyping(false);
  }

  sendNote(text: string): void {
    this.enqueue({ clientMsgId: newClientMsgId(), kind: 'note', text, at: Date.now() });
  }

  /** Sends typing on/off only on a change, so every keystroke does not become a frame. */
  setTyping(on: boolean): void {
    if (on === this.typingSent) return;
    if (this.socket.send({ v: 1, type: 'typing', on })) this.typingSent = on;
  }

  /** Tells the shopper we have seen everything up to `seq`; once per new seq. */
  markRead(seq: number): void {
    if (seq <= this.readSent || !this.value.welcomed) return;
    if (this.socket.send({ v: 1, type: 'read', seq })) this.readSent = seq;
  }

  transfer(toAgentId: string, note: string): boolean {
    return this.socket.send({ v: 1, type: 'transfer', toAgentId, note });
  }

  backToBot(): boolean {
    return this.socket.send({ v: 1, type: 'back_to_bot' });
  }

  close(): boolean {
    return this.socket.send({ v: 1, type: 'close' });
  }

  /** Forgets a failed item (the agent dismissed it). */
  discard(clientMsgId: string): void {
    this.sync.settle(clientMsgId);
    this.publishOutbox();
  }

  // -------------------------------------------------------------------------------------

  private enqueue(item: PendingItem): void {
    this.sync.enqueue(item);
    this.publishOutbox();
    if (this.value.welcomed) this.transmit(item);
  }

  private transmit(item: PendingItem): void {
    if (item.failed || item.acked) return;
    this.socket.send({ v: 1, type: item.kind, clientMsgId: item.clientMsgId, text: item.text });
  }

  private receive(frame: AgentConversationOutbound): void {
    switch (frame.type) {
      case 'welcome': {
        this.notes.clear();
        for (const note of frame.notes) this.notes.set(note.id, note);
        this.publish({
          welcomed: true,
          state: frame.state,
          assignedAgentId: frame.assignedAgentId,
          shopper: frame.shopper,
          rating: frame.rating,
          notes: this.sortedNotes(),
        });
        this.socket.markHealthy();
        for (const item of this.sync.toResend()) this.transmit(item);
        return;
      }
      case 'message':
        this.sync.take(frame.message);
        if (frame.message.author === 'shopper') this.publish({ shopperTyping: false });
        this.publishTranscript();
        return;
      case 'resync':
        this.sync.resync(frame.messages);
        this.publishTranscript();
        return;
      case 'ack': {
        if (this.sync.find(frame.clientMsgId)?.kind === 'note') {
          // The note itself arrives as a `note` frame; until then keep showing it, but never resend it.
          this.sync.markAcked(frame.clientMsgId);
          this.publishOutbox();
          return;
        }
        this.sync.ack(frame.clientMsgId, frame.seq, (item) => ({
          seq: frame.seq,
          at: item.at,
          author: 'agent',
          text: item.text,
          clientMsgId: item.clientMsgId,
          agentName: this.options.agentName,
        }));
        this.publishTranscript();
        return;
      }
      case 'note':
        this.notes.set(frame.note.id, frame.note);
        this.sync.settle(frame.clientMsgId);
        this.publish({ notes: this.sortedNotes(), pending: [...this.sync.outbox] });
        return;
      case 'typing':
        clearTimeout(this.typingTimer);
        if (frame.on) this.typingTimer = setTimeout(() => this.publish({ shopperTyping: false }), TYPING_TIMEOUT_MS);
        this.publish({ shopperTyping: frame.on });
        return;
      case 'read':
        this.publish({ shopperReadSeq: Math.max(this.value.shopperReadSeq, frame.seq) });
        return;
      case 'state':
        this.publish({ state: frame.state, assignedAgentId: frame.assignedAgentId });
        return;
      case 'shopper':
        this.publish({ shopper: frame.shopper });
        return;
      case 'rating':
        this.publish({ rating: { score: frame.score, comment: frame.comment } });
        return;
      case 'error': {
        const item = frame.clientMsgId ? this.sync.find(frame.clientMsgId) : undefined;
        const key = ERROR_TEXT[frame.code];
        const text = key ? t(key) : frame.message;
        if (item && frame.code !== 'rate_limited' && frame.code !== 'internal') {
          this.sync.fail(item.clientMsgId, text);
          this.publishOutbox();
        } else {
          this.options.onError(text);
        }
        return;
      }
    }
  }

  /** A stored message may also have settled an outbox item: publish both. */
  private publishTranscript(): void {
    this.publish({ messages: this.sync.ordered(), pending: [...this.sync.outbox] });
  }

  private publishOutbox(): void {
    this.publish({ pending: [...this.sync.outbox] });
  }

  private sortedNotes(): InternalNote[] {
    return [...this.notes.values()].sort((a, b) => a.afterSeq - b.afterSeq || a.id - b.id);
  }

  private publish(patch: Partial<ConversationSnapshot>): void {
    this.value = { ...this.value, ...patch };
    for (const listener of this.listeners) listener(this.value);
  }

  // The outbox survives a reload of the tab (sessionStorage: this tab only, gone with it).
  private get outboxKey(): string {
    return `kefu-console:outbox:${this.options.conversationId}`;
  }

  private loadOutbox(): PendingItem[] {
    try {
      const raw = sessionStorage.getItem(this.outboxKey);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      return Array.isArray(parsed) ? (parsed as PendingItem[]) : [];
    } catch {
      return [];
    }
  }

  private saveOutbox(items: readonly PendingItem[]): void {
    try {
      if (items.length === 0) sessionStorage.removeItem(this.outboxKey);
      else sessionStorage.setItem(this.outboxKey, JSON.stringify(items));
    } catch {
      // Storage blocked: the outbox still lives for this page view.
    }
  }
}
