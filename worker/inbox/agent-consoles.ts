/**
 * The agents' console sockets on the SiteInbox: who is connected, presence, and the inbox
 * snapshot. A snapshot's shared part (presence, queue, tickets, canned replies) is built once
 * per change and each agent's frame once, however many consoles the agent has open.
 */
import type { AgentPresence, AgentProfile, ChatSummary, InboxOutbound, QueueEntry, TicketSummary } from '../../protocol/index.ts';
import type { SiteConfig } from '../sites.ts';
import { sendFrame } from '../sockets.ts';

export interface AgentAttachment {
  agentId: string;
  /** The session version the socket was opened with: a frame after revocation is refused. */
  sessionVersion: number;
}

/** What every agent's snapshot shares. */
export interface SharedInboxView {
  agents: AgentPresence[];
  queue: QueueEntry[];
  tickets: TicketSummary[];
  ticketsDueToday: number;
  cannedReplies: SiteConfig['cannedReplies'];
  /** The site's conversation labels, for every agent's label picker. */
  labels: string[];
}

export class AgentConsoles {
  constructor(private readonly ctx: DurableObjectState) {}

  accept(ws: WebSocket, attachment: AgentAttachment): void {
    this.ctx.acceptWebSocket(ws, [attachment.agentId]);
    ws.serializeAttachment(attachment);
  }

  attachment(ws: WebSocket): AgentAttachment | null {
    return ws.deserializeAttachment() as AgentAttachment | null;
  }

  /** Whether the agent has an open console; `closing` is a socket being closed right now, which the runtime may still list. */
  isConnected(agentId: string, closing?: WebSocket): boolean {
    return this.ctx.getWebSockets(agentId).some((ws) => ws !== closing && ws.readyState === WebSocket.OPEN);
  }

  /** Open console sockets with their agents (all agents, or one). */
  open(agentId?: string, closing?: WebSocket): { ws: WebSocket; agentId: string; sessionVersion: number }[] {
    return (agentId ? this.ctx.getWebSockets(agentId) : this.ctx.getWebSockets()).flatMap((ws) => {
      const attachment = ws === closing || ws.readyState !== WebSocket.OPEN ? null : this.attachment(ws);
      return attachment ? [{ ws, ...attachment }] : [];
    });
  }

  sendTo(agentId: string, frame: InboxOutbound): void {
    for (const { ws } of this.open(agentId)) sendFrame(ws, frame);
  }

  /**
   * Sends each open console its snapshot. `profile` and `mine` are asked once per agent; the
   * frame is serialised once per agent.
   */
  sendSnapshots(
    shared: SharedInboxView,
    profile: (agentId: string) => AgentProfile | null,
    mine: Map<string, ChatSummary[]>,
    only?: { ws: WebSocket; agentId: string },
    closing?: WebSocket,
  ): void {
    const frames = new Map<string, string | null>();
    const targets = only ? [only] : this.open(undefined, closing);
    for (const { ws, agentId } of targets) {
      if (!frames.has(agentId)) {
        const agent = profile(agentId);
        frames.set(agentId, agent ? JSON.stringify({ v: 1, type: 'inbox', agent, ...shared, mine: mine.get(agentId) ?? [] } satisfies InboxOutbound) : null);
      }
      const frame = frames.get(agentId);
      if (frame) sendFrame(ws, frame);
    }
  }
}

/** Online, away or offline per agent, with how many chats each holds. */
export function presenceOf(
  roster: readonly { id: string; name: string; away: boolean }[],
  activeChats: ReadonlyMap<string, number>,
  isConnected: (agentId: string) => boolean,
): AgentPresence[] {
  return roster.map((agent) => ({
    id: agent.id,
    name: agent.name,
    status: !isConnected(agent.id) ? 'offline' : agent.away ? 'away' : 'online',
    activeChats: activeChats.get(agent.id) ?? 0,
  }));
}
