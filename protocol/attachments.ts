/**
 * Photos and files in chat: the types kefu accepts, the reference a transcript message carries,
 * the upload's query, and the limits. The bytes decide the type (worker/attachments/sniff.ts),
 * never the name or the declared Content-Type.
 *
 *   POST /v1/attachments?site=<site>&name=<file name>      shopper; Authorization: Bearer <resume token>
 *   POST /v1/agent/conversations/<id>/attachments?name=…   the agent holding the chat (session cookie)
 *   GET  /v1/attachments/<conversation>/<attachment>?t=…    a signed, expiring link scoped to the conversation
 *   GET  /v1/agent/conversations/<id>/attachments/<attachment>  any agent of the chat's site (session cookie)
 * Body: the file's bytes. Answer: AttachmentUploadResponse, or ApiError.
 */
import * as z from 'zod';
import { CONTROL_CHARACTERS, clientMsgIdSchema, LONE_SURROGATE } from './visitor.ts';

export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'application/pdf'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/** A site's default cap on one file, and the most a site may allow (the Worker holds a file in memory). */
export const DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const ATTACHMENT_MAX_BYTES_CEILING = 25 * 1024 * 1024;

/** Uploads per conversation and side (shopper, agents): a burst of this many, refilled over a minute. */
export const UPLOADS_PER_MINUTE = 10;

/** How long a signed link in a transcript opens its file. */
export const ATTACHMENT_LINK_LIFETIME_SECONDS = 24 * 60 * 60;

export const attachmentIdSchema = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'not an attachment id');
export const conversationIdPathSchema = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'not a conversation id');

/** A file name is shown as text, never used as a path: only its last segment is kept. */
export const attachmentNameSchema = z
  .string()
  .transform((name) => name.split(/[\\/]/).pop()!.trim())
  .pipe(
    z
      .string()
      .min(1, 'name is empty')
      .max(200, 'name is longer than 200 characters')
      .refine((name) => !CONTROL_CHARACTERS.test(name), 'name must not contain control characters')
      .refine((name) => !LONE_SURROGATE.test(name), 'name contains invalid UTF-16'),
  );

export const attachmentUploadQuerySchema = z.object({
  name: attachmentNameSchema,
  /** Makes a retried upload idempotent, as for messages. */
  clientMsgId: clientMsgIdSchema.optional(),
});

/** What a transcript message with a file carries. `url` is added on the way out: a signed link that expires. */
export interface AttachmentRef {
  id: string;
  name: string;
  type: AttachmentType;
  /** Bytes as stored (after metadata was stripped). */
  size: number;
  url?: string;
}

export interface AttachmentUploadResponse {
  seq: number;
  attachment: AttachmentRef;
}

/** A file in the data-rights export. */
export interface ExportedAttachment extends AttachmentRef {
  at: number;
  author: 'shopper' | 'agent';
}

export const isImageType = (type: string): boolean => type.startsWith('image/');
