/**
 * The agent-side wire format: the console's HTTP API bodies, its socket to the site's inbox,
 * and its socket to each conversation it has open. Inbound shapes are zod schemas (the Worker
 * validates them); outbound shapes are types.
 */
import * as z from 'zod';
import { PROTOCOL_VERSION } from './limits.ts';
import type { SiteConfig } from './site-config.ts';
import type { TicketSummary } from './tickets.ts';
import { CONTROL_CHARACTERS, type ConversationState, clientMsgIdSchema, type ErrorCode, messageTextSchema, type TranscriptMessage } from './visitor.ts';

const version = z.literal(PROTOCOL_VERSION);
const conversationIdSchema = z.string().regex(/^[0-9a-f-]{36}$/, 'conversationId must be a UUID');
const agentIdSchema = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/);

// ---- HTTP bodies -----------------------------------------------------------------------

export const agentLoginSchema = z.strictObject({
  site: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  email: z.string().trim().toLowerCase().pipe(z.email().max(254)),
  password: z.string().min(1).max(200),
});

export const agentCreateSchema = z.strictObject({
  email: z.string().trim().toLowerCase().pipe(z.email().max(254)),
  // The name travels in headers and into every transcript: no control characters (CR, LF, NUL, …).
  name: z
    .string()
    .trim()
    .min(1)
    .max(80)
    .refine((name) => !CONTROL_CHARACTERS.test(name), 'name must not contain control characters'),
  role: z.enum(['agent', 'admin']).default('agent'),
  /** Omit to have the server generate a one-time password and return it once. */
  password: z.string().min(10).max(200).optional(),
});

export const passwordChangeSchema = z.strictObject({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().min(10, 'the new password needs at least 10 characters').max(200),
});

export type AgentLogin = z.infer<typeof agentLoginSchema>;
export type AgentCreate = z.infer<typeof agentCreateSchema>;

export type AgentRole = 'agent' | 'admin';
export type AgentStatus = 'online' | 'away' | 'offline';

export interface AgentProfile {
  id: string;
  site: string;
  email: string;
  name: string;
  role: AgentRole;
  mustChangePassword: boolean;
}

/** Response of POST /v1/agent/login and GET /v1/agent/me. */
export interface AgentSessionResponse {
  agent: AgentProfile;
}

/** GET /v1/agent/site (admins): the embed snippet and the site's settings, with the settings' version. */
export interface SiteSetupResponse {
  site: SiteConfig;
  /** Goes up on every settings save or publish; a save must name the version it started from. */
  version: number;
  embed: { loaderUrl: string; snippet: string };
}

/** Every HTTP error body. */
export interface ApiError {
  error: string;
  message: string;
}

// ---- the inbox socket (GET /v1/agent/inbox) ---------------------------------------------

export const inboxInboundSchema = z.discriminatedUnion('type', [
  z.strictObject({ v: version, type: z.literal('hello') }),
  z.strictObject({ v: version, type: z.literal('presence'), status: z.enum(['online', 'away']) }),
  z.strictObject({ v: version, type: z.literal('claim'), conversationId: conversationIdSchema }),
  z.strictObject({ v: version, type: z.literal('resolve_ticket'), ticketId: z.number().int().min(1) }),
  z.strictObject({ v: version, type: z.literal('heartbeat') }),
]);
export type InboxInbound = z.infer<typeof inboxInboundSchema>;

/** Why a chat went to a person. `reopened`: the shopper wrote again into a closed chat within the site's reopen window. */
export const HANDOFF_REASONS = ['angry', 'requested_human', 'complaint', 'low_confidence', 'not_helpful_twice', 'out_of_scope', 'reopened'] as const;
export type HandoffReason = (typeof HANDOFF_REASONS)[number];

/** Lower is served first: angry, then VIP, then an explicit request, then the rest. */
export type QueuePriority = 0 | 1 | 2 | 3;

export interface ShopperContext {
  /** The shop's user id, when the page identified the shopper. */
  userId?: string;
  /** True when the identity came with a valid userHash: the user id is proven. */
  verified?: boolean;
  /** The fields the shop's server signed too (profileHash); the others are only claimed by the page. */
  provenFields?: ProvenField[];
  name?: string;
  email?: string;
  vip: boolean;
  locale: 'en' | 'zh';
  pageUrl?: string;
  pageTitle?: string;
  /** True when pageUrl is on one of the site's allowed origins: only then does the console link it. */
  pageOnSite?: boolean;
  visits: number;
}

export type ProvenField = 'name' | 'email' | 'vip';

export interface QueueEntry {
  conversationId: string;
  priority: QueuePriority;
  reason: HandoffReason;
  queuedAt: number;
  lastMessage: string;
  shopper: ShopperContext;
}

export interface ChatSummary {
  conversationId: string;
  state: ConversationState;
  agentId: string | null;
  reason: HandoffReason;
  lastMessage: string;
  updatedAt: number;
  shopper: ShopperContext;
}

export interface ChatDelta {
  conversationId: string;
  lastMessage: string;
  updatedAt: number;
  shopper: ShopperContext;
}

export interface AgentPresence {
  id: string;
  name: string;
  status: AgentStatus;
  activeChats: number;
}

export interface CannedReply {
  shortcut: string;
  locale: 'en' | 'zh';
  text: string;
}

export type InboxOutbound =
  | {
      v: 1;
      type: 'inbox';
      agent: AgentProfile;
      agents: AgentPresence[];
      queue: QueueEntry[];
      mine: ChatSummary[];
      /** Unsolved tickets, overdue first. */
      tickets: TicketSummary[];
      /** Unsolved tickets due today in the site's time zone. */
      ticketsDueToday: number;
      cannedReplies: CannedReply[];
      /** The site's conversation labels (site settings `labels`). */
      labels: string[];
    }
  /** One chat changed (a message, a page, an identify): apply to its queue entry or my-chats row. */
  | { v: 1; type: 'chat'; chat: ChatDelta }
  | { v: 1; type: 'claimed'; conversationId: string }
  | { v: 1; type: 'assigned'; conversationId: string; by: 'auto' | 'transfer'; fromAgent?: string; note?: string }
  | { v: 1; type: 'error'; code: ErrorCode | AgentErrorCode; message: string; conversationId?: string };

/** try_again: the other side of a step (the inbox, or the chat) did not answer; nothing changed. */
export type AgentErrorCode = 'already_claimed' | 'not_found' | 'forbidden' | 'not_assigned' | 'unknown_agent' | 'at_capacity' | 'try_again';

// ---- the conversation socket (GET /v1/agent/conversations/:id) ---------------------------

export const agentConversationInboundSchema = z.discriminatedUnion('type', [
  z.strictObject({ v: version, type: z.literal('hello'), lastSeq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }),
  z.strictObject({ v: version, type: z.literal('message'), clientMsgId: clientMsgIdSchema, text: messageTextSchema }),
  z.strictObject({ v: version, type: z.literal('note'), clientMsgId: clientMsgIdSchema, text: messageTextSchema }),
  z.strictObject({ v: version, type: z.literal('typing'), on: z.boolean() }),
  z.strictObject({ v: version, type: z.literal('read'), seq: z.number().int().min(0) }),
  z.strictObject({ v: version, type: z.literal('transfer'), toAgentId: agentIdSchema, note: z.string().max(2000).default('') }),
  z.strictObject({ v: version, type: z.literal('back_to_bot') }),
  z.strictObject({ v: version, type: z.literal('close') }),
]);
export type AgentConversationInbound = z.infer<typeof agentConversationInboundSchema>;

/** An internal note: agents only, never sent to the shopper. */
export interface InternalNote {
  id: number;
  at: number;
  agentId: string;
  agentName: string;
  text: string;
  /** The transcript seq the note follows, to place it in the timeline. */
  afterSeq: number;
}

export type AgentConversationOutbound =
  | {
      v: 1;
      type: 'welcome';
      conversationId: string;
      state: ConversationState;
      lastSeq: number;
      assignedAgentId: string | null;
      shopper: ShopperContext;
      notes: InternalNote[];
      rating: { score: number; comment: string } | null;
    }
  | { v: 1; type: 'message'; message: TranscriptMessage }
  | { v: 1; type: 'resync'; messages: TranscriptMessage[]; lastSeq: number }
  | { v: 1; type: 'ack'; clientMsgId: string; seq: number }
  | { v: 1; type: 'note'; note: InternalNote; clientMsgId?: string }
  | { v: 1; type: 'typing'; from: 'shopper'; on: boolean }
  | { v: 1; type: 'read'; by: 'shopper'; seq: number }
  | { v: 1; type: 'state'; state: ConversationState; assignedAgentId: string | null }
  | { v: 1; type: 'shopper'; shopper: ShopperContext }
  | { v: 1; type: 'rating'; score: number; comment: string }
  | { v: 1; type: 'error'; code: ErrorCode | AgentErrorCode; message: string; clientMsgId?: string };
