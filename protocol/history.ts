/**
 * Conversation history for agents: every conversation of the site (not only the queue), filters,
 * full-text search, the shopper's timeline and labels. Served by the site's SiteHistory object
 * (worker/history/), always within the agent's own site.
 *
 *   GET  /v1/agent/conversations?<ConversationFilter>      → ConversationListResponse (keyset pages)
 *   GET  /v1/agent/search?q=…&limit=…                      → SearchResponse
 *   GET  /v1/agent/conversations/:id/timeline              → TimelineResponse (the same shopper's other conversations)
 *   PUT  /v1/agent/conversations/:id/labels  {labels}      → { labels: string[] } (each one of the site's labels)
 *
 * Bad input gets 400 `invalid_query` with the field and the reason.
 */
import * as z from 'zod';
import { HANDOFF_REASONS, type HandoffReason } from './agent.ts';
import { labelSchema } from './site-config.ts';
import type { ConversationState } from './visitor.ts';

export const CONVERSATION_STATES_FILTER = ['bot', 'queued', 'agent', 'offline', 'closed'] as const;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'dates are YYYY-MM-DD');
const conversationId = z.string().regex(/^[0-9a-f-]{36}(#\d{1,4})?$/, 'not a conversation id');

/** The list's query string. Every filter combines with the others (AND). */
export const conversationFilterSchema = z
  .strictObject({
    state: z.enum(CONVERSATION_STATES_FILTER).optional(),
    /** an agent id, or `none` for conversations no person ever held */
    assignee: z
      .string()
      .regex(/^(none|[A-Za-z0-9_-]{6,64})$/, 'assignee is an agent id or none')
      .optional(),
    label: labelSchema.optional(),
    reason: z.enum(HANDOFF_REASONS).optional(),
    rating: z.coerce.number().int().min(1).max(5).optional(),
    /** first day included (UTC), by last activity */
    from: day.optional(),
    /** last day included (UTC), by last activity */
    to: day.optional(),
    locale: z.enum(['en', 'zh']).optional(),
    /** the `nextCursor` of the previous page */
    cursor: z
      .string()
      .regex(/^\d{1,15}_[0-9a-f#-]{36,41}$/, 'cursor is the nextCursor of a previous page')
      .optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .refine((filter) => !filter.from || !filter.to || filter.from <= filter.to, { message: 'from must not be after to', path: ['from'] });
export type ConversationFilter = z.infer<typeof conversationFilterSchema>;

export const searchQuerySchema = z.strictObject({
  q: z.string().trim().min(1, 'type something to search for').max(200, 'a search is at most 200 characters'),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const labelsUpdateSchema = z.strictObject({ labels: z.array(labelSchema).max(10) });

export const conversationIdParamSchema = conversationId;

export interface ConversationListItem {
  /** The conversation to open: its own id, or `<id>#<n>` for the n-th conversation the same chat window started after the reopen window. */
  conversationId: string;
  state: ConversationState;
  startedAt: number;
  updatedAt: number;
  locale: 'en' | 'zh';
  shopper: { name?: string; email?: string; userId?: string; verified?: boolean };
  /** The last agent who held it. */
  assignee: { id: string; name: string } | null;
  handoffReason: HandoffReason | null;
  rating: number | null;
  labels: string[];
  lastMessage: string;
  messageCount: number;
  /** The conversation this one continues (a chat started again after the reopen window). */
  previousId: string | null;
}

export interface ConversationListResponse {
  items: ConversationListItem[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** A run of text with the parts that matched the search marked: rendered as text, never as HTML. */
export interface Snippet {
  text: string;
  /** [start, end) offsets into `text` of each matching part */
  marks: [number, number][];
}

export interface SearchHit {
  conversationId: string;
  /** the message to open at (a transcript seq), or null when the shopper's name or e-mail matched */
  seq: number | null;
  kind: 'message' | 'note' | 'shopper';
  at: number;
  snippet: Snippet;
  conversation: ConversationListItem;
}

export interface SearchResponse {
  hits: SearchHit[];
}

export interface TimelineResponse {
  /** The same shopper's conversations (by verified user id, or the same browser), newest first, this one included. */
  items: ConversationListItem[];
}
