/**
 * Tickets (work orders, 工单): an offline-form message or a case an agent opened from a chat,
 * with a status, an assignee, a priority, a due time from the site's SLA per kind, internal
 * comments, the shopper's own messages and an activity log.
 *
 * A ticket is named by its reference `<site>-<number>` (e.g. `demo-12`), so a request for a
 * ticket of another site is told apart (403) from one that does not exist (404).
 *
 * Agents (session cookie, same origin):
 *   GET  /v1/agent/tickets?status=&assignee=&conversationId=   → TicketListResponse
 *   POST /v1/agent/tickets                 TicketCreate          → 201 { ticket: TicketDetail }
 *   GET  /v1/agent/tickets/:ref                                  → { ticket: TicketDetail }
 *   PUT  /v1/agent/tickets/:ref            TicketUpdate          → { ticket: TicketDetail }
 *   POST /v1/agent/tickets/:ref/comments   { text }              → 201 { ticket: TicketDetail }
 * Shoppers (the widget's resume token as `Authorization: Bearer <token>`, `?site=`):
 *   GET  /v1/visitor/tickets                                     → { tickets: ShopperTicket[] }
 *   POST /v1/visitor/tickets/:ref/messages { text }              → 201 { ticket: ShopperTicket }
 */
import * as z from 'zod';
import { CONTROL_CHARACTERS, messageTextSchema } from './visitor.ts';

export const TICKET_STATUSES = ['open', 'pending', 'solved'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
/** What a ticket is about; the due time follows the kind (site settings serviceLevels.ticketDueHours). */
export const TICKET_KINDS = ['question', 'order', 'delivery', 'refund', 'complaint', 'other'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];

export const ticketRefSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}-[1-9]\d{0,15}$/, 'not a ticket reference');

/** One line of plain text: a title or a team name. */
const line = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((text) => !CONTROL_CHARACTERS.test(text), 'must be one line of text');

const agentIdSchema = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/, 'not an agent id');

export const ticketCreateSchema = z.strictObject({
  conversationId: z.string().regex(/^[0-9a-f-]{36}$/, 'conversationId must be a conversation id'),
  title: line(200),
  kind: z.enum(TICKET_KINDS).default('question'),
  /** Who must act, e.g. "warehouse". */
  team: line(40).optional(),
  priority: z.enum(TICKET_PRIORITIES).default('normal'),
  assigneeId: agentIdSchema.optional(),
  /** A first internal comment. */
  comment: messageTextSchema.optional(),
});
export type TicketCreate = z.infer<typeof ticketCreateSchema>;

export const ticketUpdateSchema = z
  .strictObject({
    status: z.enum(TICKET_STATUSES).optional(),
    priority: z.enum(TICKET_PRIORITIES).optional(),
    kind: z.enum(TICKET_KINDS).optional(),
    /** null: nobody. */
    assigneeId: agentIdSchema.nullable().optional(),
  })
  .refine((update) => Object.values(update).some((value) => value !== undefined), { message: 'change at least one of status, priority, kind, assigneeId' });
export type TicketUpdate = z.infer<typeof ticketUpdateSchema>;

export const ticketCommentSchema = z.strictObject({ text: messageTextSchema });

export const ticketListQuerySchema = z.strictObject({
  status: z.enum([...TICKET_STATUSES, 'unsolved', 'all']).default('unsolved'),
  /** An agent id, `me` or `none`. */
  assignee: z.union([agentIdSchema, z.enum(['me', 'none'])]).optional(),
  conversationId: z
    .string()
    .regex(/^[0-9a-f-]{36}$/)
    .optional(),
});
export type TicketListQuery = z.infer<typeof ticketListQuerySchema>;

export interface TicketSummary {
  /** The site's ticket number (the inbox socket's resolve_ticket takes it). */
  id: number;
  ref: string;
  conversationId: string;
  title: string;
  /** What the shopper wrote on the offline form; empty for a ticket opened from a chat. */
  message: string;
  kind: TicketKind;
  team: string | null;
  status: TicketStatus;
  priority: TicketPriority;
  assigneeId: string | null;
  assigneeName: string | null;
  /** `offline`: left on the offline form; `chat`: opened by an agent from a chat. */
  source: 'offline' | 'chat';
  /** The shopper's e-mail, when known. */
  email: string;
  locale: 'en' | 'zh';
  createdAt: number;
  updatedAt: number;
  dueAt: number;
  /** Not solved and past its due time. */
  overdue: boolean;
}

/** A comment (agents only) or a message the shopper wrote (the offline form's first one included). */
export interface TicketComment {
  id: number;
  at: number;
  author: 'agent' | 'shopper';
  agentId: string | null;
  agentName: string | null;
  text: string;
}

/** Who changed what, when. `actor` is an agent id or `shopper`. */
export interface TicketActivity {
  id: number;
  at: number;
  actor: string;
  actorName: string | null;
  action: 'created' | 'status' | 'priority' | 'assignee' | 'kind' | 'comment' | 'shopper_message';
  from: string | null;
  to: string | null;
}

export interface TicketDetail extends TicketSummary {
  comments: TicketComment[];
  activity: TicketActivity[];
}

export interface TicketListResponse {
  tickets: TicketSummary[];
  /** Unsolved tickets due today in the site's time zone (overdue ones from today included). */
  dueToday: number;
}

/** What a shopper sees of a ticket: never the internal comments or who works on it. */
export interface ShopperTicket {
  ref: string;
  title: string;
  status: TicketStatus;
  updatedAt: number;
  messages: { at: number; text: string }[];
}
