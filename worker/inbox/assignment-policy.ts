/**
 * Who gets a chat, and in what order: the SiteInbox's rules as pure functions (no storage, no
 * clock), so each can be tested in Node. The inbox reads its tables, asks these, and writes.
 */
import type { AgentPresence, HandoffReason, QueuePriority } from '../../protocol/index.ts';

/** Angry or upset first, then VIP, then an explicit request, then the bot being unsure. */
export function priorityOf(reason: HandoffReason, vip: boolean): QueuePriority {
  if (reason === 'angry' || reason === 'complaint') return 0;
  if (vip) return 1;
  // A shopper who came back to a closed chat asked for the shop again, like an explicit request.
  if (reason === 'requested_human' || reason === 'not_helpful_twice' || reason === 'reopened') return 2;
  return 3;
}

export interface WaitingChat {
  conversationId: string;
  priority: QueuePriority;
  queuedAt: number;
  /** Put back after its agent vanished: it waited once already, so it goes first. */
  requeued: boolean;
}

/** The queue's order: requeued chats first, then by priority, then first come first served. */
export function queueOrder<T extends WaitingChat>(chats: readonly T[]): T[] {
  return [...chats].sort(
    (a, b) => Number(b.requeued) - Number(a.requeued) || a.priority - b.priority || a.queuedAt - b.queuedAt || a.conversationId.localeCompare(b.conversationId),
  );
}

/**
 * Where a handoff goes. Nobody online: the offline form. Outside business hours with somebody
 * online: the queue, unless the site prefers the offline form then.
 */
export function handoffRoute(input: {
  agentOnline: boolean;
  withinBusinessHours: boolean;
  outsideHoursWithAgentOnline: 'take_chat' | 'offline_form';
}): 'queue' | 'offline' {
  if (!input.agentOnline) return 'offline';
  if (!input.withinBusinessHours && input.outsideHoursWithAgentOnline === 'offline_form') return 'offline';
  return 'queue';
}

/**
 * Round robin among online agents under their cap, starting after the last one served
 * (`lastServed`, an agent id; '' for none). Returns the chosen agent's id, or null when nobody has room.
 */
export function nextAgent(agents: readonly AgentPresence[], maxChatsPerAgent: number, lastServed: string): string | null {
  const candidates = agents
    .filter((agent) => agent.status === 'online' && agent.activeChats < maxChatsPerAgent)
    .map((agent) => agent.id)
    .sort();
  if (candidates.length === 0) return null;
  return candidates.find((id) => id > lastServed) ?? candidates[0]!;
}

/** With no history yet, a claim is assumed to take this long. */
export const DEFAULT_WAIT_SECONDS = 90;
/** No estimate promises less than this. */
export const MIN_WAIT_SECONDS = 15;

/**
 * The wait to announce at `position`: the recent average time to be claimed, times the
 * position, spread over the agents online.
 */
export function estimatedWaitSeconds(recentClaimWaitsMs: readonly number[], position: number, agentsOnline: number): number {
  const average = recentClaimWaitsMs.length ? recentClaimWaitsMs.reduce((sum, wait) => sum + wait, 0) / recentClaimWaitsMs.length / 1000 : DEFAULT_WAIT_SECONDS;
  return Math.max(MIN_WAIT_SECONDS, Math.round((Math.max(average, MIN_WAIT_SECONDS) * position) / Math.max(1, agentsOnline)));
}
