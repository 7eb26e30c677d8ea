/**
 * The shopper-side wire format: every frame between the widget and a Conversation, as
 * discriminated unions on `type`, each carrying the protocol version `v`.
 *
 * Inbound frames (widget → server) are zod schemas, because the Worker must validate them.
 * Outbound frames (server → widget) are plain types: the server builds them, the widget
 * only reads them, and the widget must not pay for a validator in its bundle.
 */
import * as z from 'zod';
import type { AttachmentRef } from './attachments.ts';
import { MAX_TEXT_LENGTH, PROTOCOL_VERSION } from './limits.ts';

// A lone surrogate cannot be stored or shown faithfully; refuse it rather than mangle it.
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** C0 and C1 controls and the Unicode line separators: never part of a name, an id or a header. */
export const CONTROL_CHARACTERS = /[\p{Cc}\u2028\u2029]/u;

const version = z.literal(PROTOCOL_VERSION);

/** Client-chosen id that makes a retried send idempotent. */
export const clientMsgIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'clientMsgId must be 8-64 characters of A-Z, a-z, 0-9, _ or -');

export const messageTextSchema = z
  .string()
  .max(MAX_TEXT_LENGTH, `text is longer than ${MAX_TEXT_LENGTH} characters`)
  .refine((text) => text.trim().length > 0, 'text is empty')
  .refine((text) => !LONE_SURROGATE.test(text), 'text contains invalid UTF-16');

const pageSchema = z.strictObject({
  url: z.string().max(2048),
  title: z.string().max(300),
});

/** Who the shopper is, as the shop's page tells it through `kefu('identify', …)`. */
export const identitySchema = z.strictObject({
  /** The shop's own user id; required when the site verifies identities. No control characters,
   * so no id can spell the start of a profile proof (worker/identity.ts). */
  id: z
    .string()
    .min(1)
    .max(128)
    .refine((id) => !CONTROL_CHARACTERS.test(id), 'id must not contain control characters')
    .optional(),
  name: z.string().trim().min(1).max(80).optional(),
  email: z.string().trim().toLowerCase().pipe(z.email().max(254)).optional(),
  vip: z.boolean().optional(),
  /** HMAC-SHA256 of `id` with the site's identity secret, hex, computed on the shop's server. */
  userHash: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'userHash must be 64 hex characters')
    .optional(),
  /** Optional proof of name, e-mail and VIP too (required for `vip: true` on a verifying site):
   * HMAC-SHA256 over "kefu-profile-v1\n" and each of id, name, email, vip ("1"/"0") as "<UTF-8 length>:<value>". */
  profileHash: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'profileHash must be 64 hex characters')
    .optional(),
});

export const visitorHelloSchema = z.strictObject({
  v: version,
  type: z.literal('hello'),
  /** Highest seq the client already holds; 0 for none. */
  lastSeq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  locale: z.enum(['en', 'zh']).optional(),
  page: pageSchema.optional(),
  identity: identitySchema.optional(),
});

export const visitorIdentifySchema = z.strictObject({
  v: version,
  type: z.literal('identify'),
  identity: identitySchema,
});

/** The shopper moved to another page (including single-page-app navigation). */
export const visitorPageSchema = z.strictObject({
  v: version,
  type: z.literal('page'),
  page: pageSchema,
});

export const visitorMessageSchema = z.strictObject({
  v: version,
  type: z.literal('message'),
  clientMsgId: clientMsgIdSchema,
  text: messageTextSchema,
});

export const visitorTypingSchema = z.strictObject({
  v: version,
  type: z.literal('typing'),
  on: z.boolean(),
});

/** "Was this helpful?" on a bot answer, identified by that answer's seq. */
export const visitorFeedbackSchema = z.strictObject({
  v: version,
  type: z.literal('feedback'),
  seq: z.number().int().min(1),
  helpful: z.boolean(),
});

/** A tapped suggestion chip: the shopper picks one of the articles the bot offered. */
export const visitorChooseArticleSchema = z.strictObject({
  v: version,
  type: z.literal('choose_article'),
  clientMsgId: clientMsgIdSchema,
  articleId: z.string().regex(/^[a-z0-9-]{1,64}$/),
});

/** The always-reachable "talk to a person" action. */
export const visitorRequestHumanSchema = z.strictObject({
  v: version,
  type: z.literal('request_human'),
});

/** The offline form, when no one can come: a ticket the console lists. */
export const visitorOfflineTicketSchema = z.strictObject({
  v: version,
  type: z.literal('offline_ticket'),
  email: z.string().trim().toLowerCase().pipe(z.email('enter a valid e-mail address').max(254)),
  message: messageTextSchema,
});

/** Satisfaction after service: 1-5 and an optional comment. */
export const visitorRateSchema = z.strictObject({
  v: version,
  type: z.literal('rate'),
  score: z.number().int().min(1).max(5),
  comment: z.string().max(1000).default(''),
});

/** `kefu('shutdown')`: the shopper is done with this chat; its token stops opening it. */
export const visitorShutdownSchema = z.strictObject({
  v: version,
  type: z.literal('shutdown'),
});

/** Read receipt: the shopper has seen everything up to `seq`. */
export const visitorReadSchema = z.strictObject({
  v: version,
  type: z.literal('read'),
  seq: z.number().int().min(0),
});

export const visitorInboundSchema = z.discriminatedUnion('type', [
  visitorHelloSchema,
  visitorMessageSchema,
  visitorTypingSchema,
  visitorFeedbackSchema,
  visitorChooseArticleSchema,
  visitorRequestHumanSchema,
  visitorOfflineTicketSchema,
  visitorRateSchema,
  visitorReadSchema,
  visitorIdentifySchema,
  visitorPageSchema,
  visitorShutdownSchema,
]);

export type Identity = z.infer<typeof identitySchema>;

export type VisitorHello = z.infer<typeof visitorHelloSchema>;
export type VisitorMessage = z.infer<typeof visitorMessageSchema>;
export type VisitorInbound = z.infer<typeof visitorInboundSchema>;

// ---------------------------------------------------------------------------------------
// Outbound (server → widget)

/** GET /v1/widget/config?site=…: the site's look and languages, read by the widget at boot. */
export interface WidgetConfig {
  name: string;
  locales: ('en' | 'zh')[];
  defaultLocale: 'en' | 'zh';
  theme: { color: string; position: 'right' | 'left'; launcherLabel: Partial<Record<'en' | 'zh', string>> };
  /** The shop's privacy notice (https), linked from the widget. */
  privacy?: string;
}

export type ConversationState = 'bot' | 'queued' | 'agent' | 'closed' | 'offline';
export type Author = 'shopper' | 'bot' | 'agent' | 'system';

/** An article as the widget shows it. `html` is produced by the knowledge-base build from
 * markdown with raw HTML disabled, so it is the only HTML the widget ever renders. */
export interface ArticleCard {
  id: string;
  title: string;
  excerpt: string;
  html: string;
}

export type BotPayload =
  | {
      kind: 'answer';
      article: ArticleCard;
      confidence: number;
      reason: string;
      askFeedback: boolean;
      /** "Not quite? …" chips under a probable answer: the next articles, or the message's other question */
      alternatives?: { id: string; title: string }[];
    }
  | { kind: 'suggest'; suggestions: { id: string; title: string }[]; reason: string }
  | { kind: 'handoff'; reason: string }
  | { kind: 'smalltalk'; reason: string }
  | { kind: 'greeting' }
  | { kind: 'idle_prompt'; step: 1 | 2 };

export type SystemPayload =
  | { event: 'state'; state: ConversationState; agentName?: string; promisedReplyTime?: string }
  | { event: 'transferred'; agentName: string }
  | { event: 'ticket'; email: string }
  | { event: 'rated'; score: number };

export interface TranscriptMessage {
  seq: number;
  /** Milliseconds since the epoch, server clock. */
  at: number;
  author: Author;
  text: string;
  clientMsgId?: string;
  /** Display name of the agent who wrote an `agent` message. */
  agentName?: string;
  bot?: BotPayload;
  system?: SystemPayload;
  /** A photo or PDF; `text` is then its file name (protocol/attachments.ts). */
  attachment?: AttachmentRef;
}

export type ErrorCode =
  | 'bad_json'
  | 'frame_too_large'
  | 'binary_not_supported'
  | 'invalid_frame'
  | 'unsupported_version'
  | 'hello_required'
  | 'unknown_message'
  | 'rate_limited'
  | 'not_now'
  | 'identity_rejected'
  | 'internal';

export type VisitorOutbound =
  | { v: 1; type: 'welcome'; conversationId: string; token: string; state: ConversationState; lastSeq: number; rated: boolean; agentName?: string }
  | { v: 1; type: 'message'; message: TranscriptMessage }
  | { v: 1; type: 'ack'; clientMsgId: string; seq: number }
  | { v: 1; type: 'typing'; from: 'bot' | 'agent'; on: boolean }
  | { v: 1; type: 'state'; state: ConversationState; agentName?: string; promisedReplyTime?: string }
  | { v: 1; type: 'queue'; position: number; estimatedWaitSeconds: number }
  | { v: 1; type: 'read'; by: 'agent'; seq: number }
  | { v: 1; type: 'identity'; verified: boolean; name?: string }
  | { v: 1; type: 'resync'; messages: TranscriptMessage[]; lastSeq: number }
  | { v: 1; type: 'error'; code: ErrorCode; message: string; clientMsgId?: string };
