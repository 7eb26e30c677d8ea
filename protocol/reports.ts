/**
 * Reports, follow-ups and shift handover notes: the query schemas (zod) and the JSON the Worker
 * answers with. Shared by the Worker, the console and the tests. The fields are described in the
 * README ("Reports API").
 */
import * as z from 'zod';

/** Longest range one report covers (days, both ends included). */
export const MAX_REPORT_DAYS = 366;

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine((text) => {
    const [y, m, d] = text.split('-').map(Number) as [number, number, number];
    const date = new Date(Date.UTC(y, m - 1, d));
    return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  }, 'is not a real calendar date');

/** Whole days between two YYYY-MM-DD dates (to − from). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export const REPORT_TABLES = ['figures', 'reasons', 'csat', 'agents', 'daily', 'heatmap', 'gaps', 'chats'] as const;
export type ReportTable = (typeof REPORT_TABLES)[number];

export const reportQuerySchema = z
  .strictObject({
    from: day,
    to: day,
    /** CSV only: which table (default figures). */
    table: z.enum(REPORT_TABLES).optional(),
  })
  .superRefine((query, ctx) => {
    const days = daysBetween(query.from, query.to);
    if (days < 0) ctx.addIssue({ code: 'custom', path: ['from'], message: `must not be after to (${query.from} is after ${query.to})` });
    else if (days + 1 > MAX_REPORT_DAYS)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `the range covers ${days + 1} days; a report covers at most ${MAX_REPORT_DAYS}` });
  });
export type ReportQuery = z.infer<typeof reportQuerySchema>;

/** A figure for the range and for the previous period of the same length; null when there is nothing to measure. */
export interface Compared {
  value: number | null;
  previous: number | null;
}

export interface ReportFigures {
  conversationsStarted: Compared;
  /** Resolved by the bot alone (README: the rule). */
  botOnlyResolved: Compared;
  /** botOnlyResolved / conversationsStarted (0–1). */
  botOnlyShare: Compared;
  helpful: Compared;
  notHelpful: Compared;
  chipsClicked: Compared;
  handoffs: Compared;
  /** Handoffs that went to the queue (or straight to an agent), not to the offline form. */
  handoffsToQueue: Compared;
  /** Share (0–1) of handoffsToQueue taken by a person within the target seconds (10 s). */
  takenWithinTargetShare: Compared;
  /** Share (0–1) of handoffsToQueue taken within 60 s. */
  takenWithin60sShare: Compared;
  /** Seconds from handoff to a person taking the chat, over chats taken. */
  queueWaitP50: Compared;
  queueWaitP90: Compared;
  /** Queued chats that ended before anyone took them. */
  abandoned: Compared;
  /** Seconds from a person taking the chat to their first message. */
  firstReplyP50: Compared;
  firstReplyP90: Compared;
  /** Mean seconds from taken to closed or handed back to the bot. */
  handleTimeAverage: Compared;
  transfers: Compared;
  csatAverage: Compared;
  csatResponses: Compared;
  /** csatResponses / chats closed after a person served them (0–1). */
  csatResponseRate: Compared;
  complaints: Compared;
  /** Share (0–1) of complaints closed within the site's complaint SLA. */
  complaintsClosedWithinSlaShare: Compared;
  offlineTickets: Compared;
  /** Share (0–1) of offline tickets marked answered within the promised reply hours. */
  ticketsAnsweredInTimeShare: Compared;
  followUpsCreated: Compared;
  followUpsDone: Compared;
}

export interface ReportAgentRow {
  agentId: string;
  name: string;
  chats: number;
  firstReplyP50: number | null;
  csatAverage: number | null;
  csatResponses: number;
  transfers: number;
}

export interface ReportDay {
  date: string;
  started: number;
  handoffsToQueue: number;
  takenWithinTarget: number;
  /** takenWithinTarget / handoffsToQueue, null on a day without handoffs. */
  takenWithinTargetShare: number | null;
}

export interface ReportResponse {
  site: string;
  timezone: string;
  from: string;
  to: string;
  previousFrom: string;
  previousTo: string;
  /** 'site': the whole site (admins, admin key); 'agent': site totals and only the caller's agent row and chats. */
  scope: 'site' | 'agent';
  targets: { takenWithinSeconds: number; takenShareTarget: number; complaintCloseHours: number; ticketReplyHours: number };
  figures: ReportFigures;
  handoffsByReason: { reason: string; count: Compared }[];
  csatDistribution: { score: 1 | 2 | 3 | 4 | 5; count: Compared }[];
  agents: ReportAgentRow[];
  daily: ReportDay[];
  /** Conversations started by weekday (0 = Monday) and hour (0–23) in the site's time zone. */
  heatmap: { weekday: number; hour: number; chats: number }[];
  knowledgeGaps: { locale: string; question: string; count: number }[];
  /** Chats whose bot-only verdict can still change (their last answer is under 24 h old). */
  botOnlyPending: number;
}

// ---- follow-ups and handover notes ------------------------------------------------------

export interface FollowUp {
  id: number;
  conversationId: string;
  /** Why: a low rating or a complaint. */
  kind: 'low_rating' | 'complaint';
  rating: number | null;
  comment: string;
  agentId: string | null;
  agentName: string | null;
  /** Who to call back: the shopper as the chat knows them (name and e-mail may be missing). */
  shopperName: string | null;
  shopperEmail: string | null;
  createdAt: number;
  done: boolean;
  doneAt: number | null;
  doneBy: string | null;
  doneNote: string;
}

export const followUpDoneSchema = z.strictObject({ note: z.string().trim().max(2000) });
export const followUpListSchema = z.strictObject({ status: z.enum(['open', 'done', 'all']).optional() });

export interface HandoverNote {
  id: number;
  authorId: string;
  authorName: string;
  text: string;
  createdAt: number;
  /** For the reader: false when written since their last session and not yet marked read. */
  read: boolean;
}

export const handoverWriteSchema = z.strictObject({ text: z.string().trim().min(1, 'write something').max(4000) });
export const handoverListSchema = z.strictObject({
  q: z.string().trim().max(200).optional(),
  /** 'since-last-session': the notes written since the reader's previous session, unread first. */
  view: z.enum(['all', 'since-last-session']).optional(),
});

export interface HandoverListResponse {
  notes: HandoverNote[];
  /** When the reader's previous session began (null on a first login). */
  lastSessionAt: number | null;
  /** How many days notes are kept (the site's setting). */
  retentionDays: number;
}
