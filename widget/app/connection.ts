/**
 * The widget's link to its Conversation: one WebSocket, resumed with a signed token and the
 * last seq it holds, an outbox that resends unacked messages with the same clientMsgId, and
 * jittered exponential backoff. No UI here: it publishes snapshots to whoever listens.
 */
import { newClientMsgId, reconnectDelay } from '../../protocol/client.ts';
import { ConversationSync } from '../../protocol/conversation-sync.ts';
import { CloseCode } from '../../protocol/limits.ts';
import type { ConversationState, Identity, TranscriptMessage, VisitorInbound, VisitorOutbound } from '../../protocol/visitor.ts';

export type LinkStatus = 'idle' | 'connecting' | 'online' | 'reconnecting';

export interface PendingMessage {
  clientMsgId: string;
  text: string;
  /** A frame that the server refused for good (e.g. too long) is marked failed, not retried. */
  failed?: string;
  /** Set for a tapped suggestion chip, which is sent as a choose_article frame. */
  articleId?: string;
}

export interface ChatSnapshot {
  status: LinkStatus;
  state: ConversationState;
  messages: TranscriptMessage[];
  pending: PendingMessage[];
  /** Live place in the queue while waiting for a person. */
  queue: { position: number; estimatedWaitSeconds: number } | null;
  agentName: string | null;
  agentTyping: boolean;
  /** Highest seq the agent has read (for read receipts on the shopper's messages). */
  readByAgent: number;
  rated: boolean;
  /** Last problem the server reported that the shopper should see (e.g. an invalid e-mail). */
  notice: string | null;
}

export interface ConnectionOptions {
  site: string;
  /** Base URL of the widget files, e.g. https://kefu.example.com/widget/ */
  base: string;
  locale: 'en' | 'zh';
  storage: Storage | null;
}

/** What the page can listen to with kefu('on', …). */
export type ChatEvent = { type: 'message'; message: TranscriptMessage } | { type: 'state'; state: ConversationState };

/** Wait before resending messages the server refused as too fast. */
const RATE_LIMIT_RETRY_MS = 1500;

export class ChatConnection {
  private socket: WebSocket | null = null;
  private status: LinkStatus = 'idle';
  private state: ConversationState = 'bot';
  /** The transcript and the outbox (saved in storage, so a reload keeps unsent messages). */
  private readonly sync: ConversationSync<TranscriptMessage, PendingMessage>;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private welcomed = false;
  private queue: ChatSnapshot['queue'] = null;
  private agentName: string | null = null;
  private agentTyping = false;
  private readByAgent = 0;
  private rated = false;
  /** Public for attachments.js, which shows upload progress and errors here. */
  notice: string | null = null;
  private readonly listeners = new Set<(snapshot: ChatSnapshot) => void>();
  private readonly eventListeners = new Set<(event: ChatEvent) => void>();
  private identity: Identity | null = null;
  locale: 'en' | 'zh';
  private retryPendingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly options: ConnectionOptions) {
    this.sync = new ConversationSync(this.load<PendingMessage[]>('outbox') ?? [], (items) => this.save('outbox', items));
    this.locale = options.locale;
  }

  /** Listens to new messages and state changes; returns the unsubscribe function. */
  onEvent(listener: (event: ChatEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Who the shopper is; sent now if connected, and with every hello. */
  identify(identity: Identity): void {
    this.identity = { ...this.identity, ...identity };
    if (this.welcomed) this.transmit({ v: 1, type: 'identify', identity: this.identity });
  }

  setLocale(locale: 'en' | 'zh'): void {
    this.locale = locale;
  }

  /** The page changed (navigation, including single-page apps). */
  pageChanged(): void {
    if (this.welcomed) this.transmit({ v: 1, type: 'page', page: currentPage() });
  }

  /** Forgets this browser's conversation (e.g. when the shopper logs out of the shop). */
  shutdown(): void {
    clearTimeout(this.retryTimer);
    clearTimeout(this.retryPendingTimer);
    this.retryTimer = undefined;
    const socket = this.socket;
    this.socket = null;
    // Tell the server first: it then refuses this conversation's token everywhere, so a copy
    // taken earlier (shared computer, logged-out shop account) no longer replays the transcript.
    if (socket && this.welcomed && socket.readyState === WebSocket.OPEN) {
      const frame: VisitorInbound = { v: 1, type: 'shutdown' };
      socket.send(JSON.stringify(frame));
    }
    this.welcomed = false;
    socket?.close(1000, 'shutdown');
    this.sync.clear();
    for (const key of ['token', 'outbox']) {
      try {
        this.options.storage?.removeItem(`kefu:${this.options.site}:${key}`);
      } catch {
        // storage blocked: nothing was kept
      }
    }
    this.identity = null;
    this.queue = null;
    this.agentName = null;
    this.rated = false;
    this.notice = null;
    this.attempt = 0;
    this.state = 'bot';
    this.setStatus('idle');
  }

  /**
   * A returning shopper's tickets, drawn into `host` by widget/tickets (a chunk of its own, which
   * reads the site and token itself). An arrow, so it is a stable Preact ref.
   */
  showTickets = (host: HTMLElement | null): void => {
    if (host) this.chunk<(host: HTMLElement, locale: string) => void>('tickets', 'kefuTickets', (mount) => mount(host, this.locale));
  };

  /** A rarely used part of the widget (tickets.js, attachments.js), loaded on first use only: `use` gets the global it defines. */
  private chunk<T>(name: string, global: string, use: (chunk: T) => void): void {
    const w = window as unknown as Record<string, T>;
    if (w[global]) return use(w[global]);
    const script = document.createElement('script');
    script.src = `${this.options.base}${name}.js`;
    script.onload = () => use(w[global]!);
    document.head.append(script);
  }

  /** True when this browser already has a conversation worth reconnecting to. */
  get hasConversation(): boolean {
    return this.load<string>('token') !== null;
  }

  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: (snapshot: ChatSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.socket || this.retryTimer !== undefined) return;
    this.connect();
  }

  send(text: string): void {
    this.enqueue({ clientMsgId: newClientMsgId(), text });
  }

  chooseArticle(articleId: string, title: string): void {
    this.enqueue({ clientMsgId: newClientMsgId(), text: title, articleId });
  }

  /** The file picked in `input`: attachments.js uploads it and shows its progress as the notice. */
  attach(input: HTMLInputElement): void {
    this.chunk<typeof import('./attachments-upload.ts')>('attachments', 'kefuAttachments', (chunk) => chunk.upload(input, this));
  }

  sendFeedback(seq: number, helpful: boolean): void {
    this.transmit({ v: 1, type: 'feedback', seq, helpful });
  }

  requestHuman(): void {
    this.start();
    this.transmit({ v: 1, type: 'request_human' });
  }

  leaveTicket(email: string, message: string): void {
    this.notice = null;
    this.transmit({ v: 1, type: 'offline_ticket', email, message });
  }

  rate(score: number, comment: string): void {
    this.transmit({ v: 1, type: 'rate', score, comment });
  }

  sendTyping(on: boolean): void {
    this.transmit({ v: 1, type: 'typing', on });
  }

  markRead(): void {
    const last = this.sync.lastSeq;
    if (last > 0) this.transmit({ v: 1, type: 'read', seq: last });
  }

  snapshot(): ChatSnapshot {
    return {
      status: this.status,
      state: this.state,
      messages: this.sync.ordered(),
      pending: [...this.sync.outbox],
      queue: this.state === 'queued' ? this.queue : null,
      agentName: this.agentName,
      agentTyping: this.agentTyping && this.state === 'agent',
      readByAgent: this.readByAgent,
      rated: this.rated,
      notice: this.notice,
    };
  }

  // -------------------------------------------------------------------------------------

  private enqueue(message: PendingMessage): void {
    this.sync.enqueue(message);
    this.publish();
    if (this.welcomed) this.transmitPending(message);
    else this.start();
  }

  private transmitPending(message: PendingMessage): void {
    if (message.articleId) {
      this.transmit({ v: 1, type: 'choose_article', clientMsgId: message.clientMsgId, articleId: message.articleId });
    } else {
      this.transmit({ v: 1, type: 'message', clientMsgId: message.clientMsgId, text: message.text });
    }
  }

  private connect(): void {
    this.retryTimer = undefined;
    this.setStatus(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const url = new URL('../v1/visitor', this.options.base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('site', this.options.site);
    const token = this.load<string>('token');
    if (token) url.searchParams.set('token', token);

    const socket = new WebSocket(url.href);
    this.socket = socket;
    socket.onopen = () => {
      this.transmit({
        v: 1,
        type: 'hello',
        lastSeq: this.sync.lastSeq,
        locale: this.locale,
        page: currentPage(),
        ...(this.identity ? { identity: this.identity } : {}),
      });
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      try {
        this.receive(JSON.parse(event.data) as VisitorOutbound);
      } catch (error) {
        console.warn('kefu: could not read a server frame', error);
      }
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.welcomed = false;
      // Ended for good: another tab shut the chat down, or this was the oldest of too many tabs
      // (it reconnects when the shopper acts again, not on its own, or the tabs would take turns).
      if (event.code === CloseCode.shutdown) return this.shutdown();
      if (event.code === CloseCode.tooManySockets) return this.setStatus('idle');
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    const delay = reconnectDelay(this.attempt);
    this.attempt += 1;
    this.setStatus('reconnecting');
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private receive(frame: VisitorOutbound): void {
    switch (frame.type) {
      case 'welcome':
        this.attempt = 0;
        this.welcomed = true;
        this.state = frame.state;
        this.rated = frame.rated;
        this.agentName = frame.agentName ?? null;
        this.save('token', frame.token);
        this.setStatus('online');
        this.resendPending();
        return;
      case 'message':
        if (this.sync.take(frame.message) === 'new') this.emit({ type: 'message', message: frame.message });
        if (frame.message.author === 'agent') this.agentTyping = false;
        if (frame.message.system?.event === 'rated') this.rated = true;
        if (frame.message.system?.event === 'transferred') this.agentName = frame.message.system.agentName;
        break;
      case 'resync':
        this.sync.resync(frame.messages);
        break;
      case 'ack':
        this.sync.ack(frame.clientMsgId, frame.seq, (sent) => ({
          seq: frame.seq,
          at: Date.now(),
          author: 'shopper',
          text: sent.text,
          clientMsgId: sent.clientMsgId,
        }));
        break;
      case 'state':
        this.state = frame.state;
        this.emit({ type: 'state', state: frame.state });
        if (frame.state === 'agent') this.agentName = frame.agentName ?? this.agentName;
        else this.agentTyping = false;
        if (frame.state === 'closed') this.rated = false;
        break;
      case 'queue':
        this.queue = { position: frame.position, estimatedWaitSeconds: frame.estimatedWaitSeconds };
        break;
      case 'read':
        this.readByAgent = Math.max(this.readByAgent, frame.seq);
        break;
      case 'error': {
        const refused = frame.clientMsgId ? this.sync.find(frame.clientMsgId) : undefined;
        if (frame.code === 'rate_limited' && refused) this.retryPendingSoon();
        else if (refused && frame.code !== 'internal') this.sync.fail(refused.clientMsgId, frame.message);
        else this.notice = frame.message;
        break;
      }
      case 'identity':
        break;
      case 'typing':
        this.agentTyping = frame.from === 'agent' && frame.on;
        break;
    }
    this.publish();
  }

  private retryPendingSoon(): void {
    if (this.retryPendingTimer !== undefined) return;
    this.retryPendingTimer = setTimeout(() => {
      this.retryPendingTimer = undefined;
      if (this.welcomed) this.resendPending();
    }, RATE_LIMIT_RETRY_MS);
  }

  private resendPending(): void {
    for (const message of this.sync.toResend()) this.transmitPending(message);
  }

  private emit(event: ChatEvent): void {
    for (const listener of this.eventListeners) {
      try {
        listener(event);
      } catch (error) {
        console.error('kefu: an event listener threw', error);
      }
    }
  }

  private transmit(frame: VisitorInbound): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  private setStatus(status: LinkStatus): void {
    this.status = status;
    this.publish();
  }

  publish(): void {
    const snapshot = this.snapshot();
    for (const listener of this.listeners) listener(snapshot);
  }

  load<T>(key: string): T | null {
    try {
      const raw = this.options.storage?.getItem(`kefu:${this.options.site}:${key}`);
      return raw ? (JSON.parse(raw) as T) : null;
    } catch {
      return null;
    }
  }

  private save(key: string, value: unknown): void {
    try {
      this.options.storage?.setItem(`kefu:${this.options.site}:${key}`, JSON.stringify(value));
    } catch {
      // Storage full or blocked (private mode): the chat still works for this page view.
    }
  }
}

/** Where the shopper is, cut to the protocol's limits rather than refused. */
function currentPage(): { url: string; title: string } {
  return { url: location.href.slice(0, 2048), title: document.title.slice(0, 300) };
}
