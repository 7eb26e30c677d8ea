/**
 * What the inbox shows: agents' presence, the snapshot every console gets after a change, the
 * small per-chat deltas, and what a waiting shopper is told (position, estimated wait). Reads
 * the tables; never writes them.
 */
import type { AgentPresence, ShopperContext } from '../../protocol/index.ts';
import type { SiteConfig } from '../sites.ts';
import { sendFrame } from '../sockets.ts';
import { type AgentConsoles, presenceOf, type SharedInboxView } from './agent-consoles.ts';
import type { AgentDirectory } from './agent-directory.ts';
import { estimatedWaitSeconds } from './assignment-policy.ts';
import { queueLastMessage, queueShopper } from './chat-deltas.ts';
import type { ChatRows } from './chat-rows.ts';
import type { TicketDesk } from './ticket-desk.ts';

export interface InboxTables {
  agents: AgentDirectory;
  chats: ChatRows;
  tickets: TicketDesk;
  consoles: AgentConsoles;
  /** The site's settings as last loaded (canned replies). */
  site(): SiteConfig | null;
}

export class InboxViews {
  constructor(private readonly tables: InboxTables) {}

  /** `closing`: a socket being closed right now, which the runtime may still list as open. */
  presence(closing?: WebSocket): AgentPresence[] {
    const { agents, chats, consoles } = this.tables;
    return presenceOf(agents.roster(), chats.activeCounts(), (agentId) => consoles.isConnected(agentId, closing));
  }

  /** One snapshot per change, to every open console. */
  broadcastSnapshots(closing?: WebSocket): void {
    const { agents, chats, consoles } = this.tables;
    if (consoles.open(undefined, closing).length === 0) return;
    consoles.sendSnapshots(this.shared(closing), (id) => agents.profile(id), chats.heldByAgent(), undefined, closing);
  }

  sendSnapshot(ws: WebSocket, agentId: string): void {
    const { agents, chats, consoles } = this.tables;
    consoles.sendSnapshots(this.shared(), (id) => agents.profile(id), chats.heldByAgent(), { ws, agentId });
  }

  /** The chat's delta goes to whoever lists it: every agent while it is queued, its holder once claimed. */
  sendChatDelta(conversationId: string): void {
    const { chats, consoles } = this.tables;
    const row = chats.get(conversationId);
    if (!row || (row.state !== 'queued' && row.state !== 'agent')) return;
    const chat = {
      conversationId,
      lastMessage: queueLastMessage(row.last_message),
      updatedAt: row.updated_at,
      shopper: queueShopper(JSON.parse(row.shopper) as ShopperContext),
    };
    const sockets = row.state === 'queued' ? consoles.open() : row.agent_id ? consoles.open(row.agent_id) : [];
    const frame = JSON.stringify({ v: 1, type: 'chat', chat });
    for (const { ws } of sockets) sendFrame(ws, frame);
  }

  /** 1-based; 0 when the chat is not waiting. */
  queuePosition(conversationId: string): number {
    return this.tables.chats.waiting().findIndex((row) => row.conversation_id === conversationId) + 1;
  }

  estimatedWait(position: number): number {
    const online = this.presence().filter((agent) => agent.status === 'online').length;
    return estimatedWaitSeconds(this.tables.chats.recentClaimWaitsMs(), position, online);
  }

  private shared(closing?: WebSocket): SharedInboxView {
    const { chats, tickets } = this.tables;
    const ticketView = tickets.inboxView(this.tables.site(), Date.now());
    return {
      agents: this.presence(closing),
      queue: chats.queue(),
      tickets: ticketView.tickets,
      ticketsDueToday: ticketView.dueToday,
      cannedReplies: this.tables.site()?.cannedReplies ?? [],
      labels: this.tables.site()?.labels ?? [],
    };
  }
}
