/**
 * The shopper's data rights (GDPR access and erasure), for a site's admins:
 *
 *   GET  /v1/agent/data-rights/export?userId=|email=|conversationId=  → DataExport (a JSON download)
 *   POST /v1/agent/data-rights/erase   {userId | email | conversationId} → ErasureResult
 *   GET  /v1/agent/data-rights/audit                                    → { entries: AuditEntry[] }
 *   and the same under /v1/admin/sites/<site>/data-rights/… with the operator's key.
 *
 * A shopper is found by the shop's user id, by e-mail, or by one conversation id.
 */
import * as z from 'zod';
import type { InternalNote, ShopperContext } from './agent.ts';
import type { ExportedAttachment } from './attachments.ts';
import type { TicketDetail } from './tickets.ts';
import type { TranscriptMessage } from './visitor.ts';

export const dataSubjectSchema = z
  .strictObject({
    userId: z.string().trim().min(1).max(200).optional(),
    email: z.string().trim().toLowerCase().pipe(z.email().max(254)).optional(),
    conversationId: z
      .string()
      .regex(/^[0-9a-f-]{36}$/, 'conversationId must be a conversation id')
      .optional(),
  })
  .refine((subject) => [subject.userId, subject.email, subject.conversationId].filter(Boolean).length === 1, {
    message: 'give exactly one of userId, email, conversationId',
  });
export type DataSubject = z.infer<typeof dataSubjectSchema>;

export interface ExportedConversation {
  conversationId: string;
  state: string;
  shopper: ShopperContext;
  rating: { score: number; comment: string } | null;
  transcript: TranscriptMessage[];
  notes: InternalNote[];
  /** With their comments (the shopper's messages among them) and activity. */
  tickets: TicketDetail[];
  /** Files sent in the chat, by either side (the bytes are fetched through the agent's session link). */
  attachments: ExportedAttachment[];
}

export interface DataExport {
  subject: DataSubject;
  site: string;
  generatedAt: string;
  conversations: ExportedConversation[];
}

export interface ErasureResult {
  conversations: number;
  messages: number;
  tickets: number;
}

/** Who erased what and when: counts, never the person's data. */
export interface AuditEntry {
  id: number;
  at: number;
  /** the admin's agent id, or `operator` (the admin key), or `retention` */
  actor: string;
  action: 'erase' | 'export' | 'retention';
  /** what the subject was found by: userId, email or conversationId (not its value) */
  subjectKind: 'userId' | 'email' | 'conversationId' | 'age';
  conversations: number;
  messages: number;
  tickets: number;
}
