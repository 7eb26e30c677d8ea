/**
 * The console's socket to its site's inbox: presence, the queue, my chats, offline tickets and
 * canned replies arrive as a whole snapshot on hello and whenever the inbox changes shape; a
 * change inside one chat (a message, a page, an identify) arrives as a small `chat` delta that
 * is applied to the last snapshot here, so the view is still one value.
 */
import type { AgentStatus, ChatDelta, InboxInbound, InboxOutbound } from '../../protocol/agent.ts';
import { type LinkStatus, ReconnectingSocket } from './socket.ts';

export type InboxData = Extract<InboxOutbound, { type: 'inbox' }>;
export type InboxEvent = Exclude<InboxOutbound, { type: 'inbox' | 'chat' }>;

export interface InboxSnapshot {
  status: LinkStatus;
  data: InboxData | null;
  /** The presence the agent picked in this tab, shown at once and restored after a reconnect. */
  chosenStatus: Exclude<AgentStatus, 'offline'> | null;
}

const HEARTBEAT_MS = 20_000;

export class InboxConnection {
  private readonly socket: ReconnectingSocket<InboxInbound, InboxOutbound>;
  private snapshotValue: InboxSnapshot = { status: 'connecting', data: null, chosenStatus: null };
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private readonly listeners = new Set<(snapshot: InboxSnapshot) => void>();
  private readonly eventListeners = new Set<(event: InboxEvent) => void>();

  constructor(verify: (closeCode: number) => Promise<boolean>) {
    this.socket = new ReconnectingSocket<InboxInbound, InboxOutbound>({
      path: '/v1/agent/inbox',
      onOpen: () => {
        this.socket.send({ v: 1, type: 'hello' });
        const chosen = this.snapshotValue.chosenStatus;
        if (chosen) this.socket.send({ v: 1, type: 'presence', status: chosen });
      },
      onFrame: (frame) => this.receive(frame),
      onStatus: (status) => this.update({ status }),
      verify,
    });
  }

  subscribe(listener: (snapshot: InboxSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** claimed / assigned / error frames, for toasts and navigation. */
  onEvent(listener: (event: InboxEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  snapshot(): InboxSnapshot {
    return this.snapshotValue;
  }

  start(): void {
    this.socket.start();
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => this.socket.send({ v: 1, type: 'heartbeat' }), HEARTBEAT_MS);
  }

  stop(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.socket.stop();
  }

  /** Returns false when offline, so the caller can say so instead of waiting for nothing. */
  claim(conversationId: string): boolean {
    return this.socket.send({ v: 1, type: 'claim', conversationId });
  }

  setPresence(status: Exclude<AgentStatus, 'offline'>): void {
    this.update({ chosenStatus: status });
    this.socket.send({ v: 1, type: 'presence', status });
  }

  resolveTicket(ticketId: number): boolean {
    return this.socket.send({ v: 1, type: 'resolve_ticket', ticketId });
  }

  private receive(frame: InboxOutbound): void {
    if (frame.type === 'inbox') {
      this.socket.markHealthy();
      this.update({ data: frame });
      return;
    }
    if (frame.type === 'chat') {
      const data = this.snapshotValue.data;
      if (data) this.update({ data: applyChatDelta(data, frame.chat) });
      return;
    }
    for (const listener of this.eventListeners) listener(frame);
  }

  private update(patch: Partial<InboxSnapshot>): void {
    this.snapshotValue = { ...this.snapshotValue, ...patch };
    for (const listener of this.listeners) listener(this.snapshotValue);
  }
}

/** The snapshot with one chat's latest message and shopper; chats it does not list are ignored. */
export function applyChatDelta(data: InboxData, chat: ChatDelta): InboxData {
  const { conversationId, lastMessage, updatedAt, shopper } = chat;
  return {
    ...data,
    queue: data.queue.map((entry) => (entry.conversationId === conversationId ? { ...entry, lastMessage, shopper } : entry)),
    mine: data.mine.map((summary) => (summary.conversationId === conversationId ? { ...summary, lastMessage, updatedAt, shopper } : summary)),
  };
}
