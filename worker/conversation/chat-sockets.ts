/**
 * The sockets attached to one Conversation: the shopper's (one per tab, at most
 * MAX_SHOPPER_SOCKETS) and the agents' (one per console that has the chat open). Hibernatable:
 * what a socket is lives in its attachment, tagged by role.
 */
import {
  type AgentConversationOutbound,
  CloseCode,
  MAX_REPLAY_MESSAGES,
  MAX_SHOPPER_SOCKETS,
  type TranscriptMessage,
  type VisitorOutbound,
} from '../../protocol/index.ts';
import type { FileLinks } from '../attachments/file-links.ts';
import { closeSocket, sendFrame } from '../sockets.ts';
import type { TranscriptStore } from './transcript-store.ts';

export type SocketAttachment =
  | { role: 'visitor'; ready: boolean; resumeToken: string; openedAt: number }
  | { role: 'agent'; ready: boolean; agentId: string; agentName: string; sessionVersion: number };

export type VisitorAttachment = Extract<SocketAttachment, { role: 'visitor' }>;
export type AgentAttachment = Extract<SocketAttachment, { role: 'agent' }>;

export class ChatSockets {
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly store: TranscriptStore,
    /** Adds the signed link to a file's message on its way out (await links.ready() before replaying). */
    private readonly links: FileLinks,
  ) {}

  accept(ws: WebSocket, attachment: SocketAttachment): void {
    this.ctx.acceptWebSocket(ws, [attachment.role]);
    ws.serializeAttachment(attachment);
    if (attachment.role === 'visitor') this.closeOldestShopperSockets();
  }

  attachment(ws: WebSocket): SocketAttachment | null {
    return ws.deserializeAttachment() as SocketAttachment | null;
  }

  /** After its hello the socket gets broadcasts. */
  markReady(ws: WebSocket, attachment: SocketAttachment): void {
    ws.serializeAttachment({ ...attachment, ready: true } satisfies SocketAttachment);
  }

  send(ws: WebSocket, frame: VisitorOutbound | AgentConversationOutbound): void {
    sendFrame(ws, frame);
  }

  /** A stored message goes to every ready socket, shoppers and agents alike, except `skip` (it got an ack). */
  broadcastMessage(message: TranscriptMessage, skip?: WebSocket): void {
    const frame = JSON.stringify({ v: 1, type: 'message', message: this.links.withLink(message) } satisfies VisitorOutbound);
    for (const ws of this.ctx.getWebSockets()) if (ws !== skip && this.attachment(ws)?.ready) sendFrame(ws, frame);
  }

  toVisitors(frame: VisitorOutbound): void {
    for (const ws of this.ready('visitor')) sendFrame(ws, frame);
  }

  toAgents(frame: AgentConversationOutbound): void {
    for (const ws of this.ready('agent')) sendFrame(ws, frame);
  }

  /** Sends what the client missed, or the whole transcript when it claims a future or is too far behind. */
  replay(ws: WebSocket, clientLastSeq: number, lastSeq: number): void {
    if (clientLastSeq > lastSeq || lastSeq - clientLastSeq > MAX_REPLAY_MESSAGES) {
      sendFrame(ws, { v: 1, type: 'resync', messages: this.store.after(0).map((message) => this.links.withLink(message)), lastSeq });
      return;
    }
    for (const message of this.store.after(clientLastSeq)) sendFrame(ws, { v: 1, type: 'message', message: this.links.withLink(message) });
  }

  closeVisitors(code: number, reason: string): void {
    for (const ws of this.ctx.getWebSockets('visitor')) closeSocket(ws, code, reason);
  }

  /** Closes the agents' sockets whose sessions were revoked. */
  closeAgents(isRevoked: (agent: AgentAttachment) => boolean, code: number, reason: string): void {
    for (const ws of this.ctx.getWebSockets('agent')) {
      const attachment = this.attachment(ws);
      if (attachment?.role === 'agent' && isRevoked(attachment)) closeSocket(ws, code, reason);
    }
  }

  private ready(role: SocketAttachment['role']): WebSocket[] {
    return this.ctx.getWebSockets(role).filter((ws) => this.attachment(ws)?.ready);
  }

  /** One token may hold MAX_SHOPPER_SOCKETS sockets (tabs); a new one closes the oldest. */
  private closeOldestShopperSockets(): void {
    const open = this.ctx
      .getWebSockets('visitor')
      .filter((ws) => ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)
      .map((ws) => ({ ws, openedAt: (this.attachment(ws) as { openedAt?: number } | null)?.openedAt ?? 0 }))
      .sort((a, b) => a.openedAt - b.openedAt);
    for (const { ws } of open.slice(0, Math.max(0, open.length - MAX_SHOPPER_SOCKETS))) closeSocket(ws, CloseCode.tooManySockets, 'Too many open chat windows');
  }
}
