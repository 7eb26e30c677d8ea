/**
 * What the Conversation and the router pass to the SiteInbox over RPC, and what it answers.
 * Worker-internal (not client protocol, which lives in protocol/).
 */
import type { AgentProfile, HandoffReason, ShopperContext } from '../../protocol/index.ts';

export interface HandoffRequest {
  siteId: string;
  conversationId: string;
  reason: HandoffReason;
  shopper: ShopperContext;
  lastMessage: string;
  /** When the handoff was asked for (defaults to now). */
  at?: number;
  /** An agent who takes the chat at once if online (the one who closed a reopened chat). */
  preferredAgentId?: string;
}

export type HandoffResult =
  | { outcome: 'queued'; position: number; estimatedWaitSeconds: number }
  | { outcome: 'assigned'; agentId: string; agentName: string }
  | { outcome: 'offline'; promisedReplyTime: string };

export type TransferResult = { ok: true; agentName: string } | { ok: false; code: 'unknown_agent' | 'not_assigned'; message: string };

export type ReleaseOutcome = 'back_to_bot' | 'closed';

export type LoginResult =
  | { outcome: 'ok'; agent: AgentProfile; sessionVersion: number }
  | { outcome: 'invalid' }
  | { outcome: 'throttled'; retryAfterMs: number };

/** Headers the router sets when it hands a verified agent upgrade to the SiteInbox. */
export const INBOX_HEADERS = { agentId: 'x-kefu-agent-id', siteId: 'x-kefu-site', sessionVersion: 'x-kefu-session-version' } as const;
