/**
 * One upload, shopper's or agent's, from request to transcript. Cheapest refusals first, and
 * nothing is stored until every check passed:
 *   declared size → the chat admits the sender (site, token or holder, rate) → the body, read
 *   with a running cap → the type from the bytes → metadata stripped (which also proves the
 *   image's structure) → R2 → the Conversation stores the message and shows it to everyone.
 * If the Conversation then refuses, the file is deleted again.
 */
import type { ApiError, AttachmentRef, AttachmentUploadResponse } from '../../protocol/index.ts';
import type { Env } from '../env.ts';
import { conversationStub } from '../stubs.ts';
import { attachmentKey, putAttachment } from './attachment-store.ts';
import { claimsToBeImage, sniffType } from './sniff.ts';
import { stripMetadata } from './strip-metadata.ts';

export type UploadAuthor = { role: 'shopper'; tokenVersion: number } | { role: 'agent'; agentId: string; agentName: string; sessionVersion: number };

export type UploadRefusal = { ok: false; status: 400 | 401 | 403 | 404 | 410 | 413 | 415 | 429 | 503; body: ApiError };
export type UploadOutcome = { ok: true; status: 200 | 201; body: AttachmentUploadResponse } | UploadRefusal;

export interface UploadRequest {
  siteId: string;
  conversationId: string;
  author: UploadAuthor;
  name: string;
  clientMsgId?: string;
  maxBytes: number;
}

export const refuse = (status: UploadRefusal['status'], error: string, message: string): UploadRefusal => ({ ok: false, status, body: { error, message } });

const megabytes = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
const tooLarge = (maxBytes: number) => refuse(413, 'file_too_large', `The file is larger than ${megabytes(maxBytes)}, the most this shop accepts.`);

export async function receiveUpload(env: Env, request: Request, upload: UploadRequest): Promise<UploadOutcome> {
  const declared = Number(request.headers.get('Content-Length'));
  if (Number.isFinite(declared) && declared > upload.maxBytes) return tooLarge(upload.maxBytes);

  const chat = conversationStub(env, upload.conversationId);
  const admission = await chat.admitUpload(upload.siteId, upload.author, upload.clientMsgId);
  if (!admission.ok) return admission;
  if (admission.existing) return { ok: true, status: 200, body: admission.existing };

  const bytes = await readCapped(request.body, upload.maxBytes);
  if (bytes === 'too_large') return tooLarge(upload.maxBytes);
  if (bytes.byteLength === 0) return refuse(400, 'empty_file', 'The file is empty.');

  const type = sniffType(bytes);
  const notAnImage = refuse(415, 'not_an_image', 'This file is named or labelled as an image, but its contents are not a JPEG, PNG, WebP or GIF picture.');
  if (!type) {
    if (claimsToBeImage(upload.name, request.headers.get('Content-Type'))) return notAnImage;
    return refuse(415, 'unsupported_type', 'Only photos (JPEG, PNG, WebP, GIF) and PDF files can be sent.');
  }
  const cleaned = stripMetadata(type, bytes);
  if (!cleaned) return notAnImage;

  const attachment: AttachmentRef = { id: crypto.randomUUID(), name: upload.name, type, size: cleaned.byteLength };
  const key = attachmentKey(upload.siteId, upload.conversationId, attachment.id);
  await putAttachment(env, key, cleaned, { type, name: upload.name, author: upload.author.role });
  const stored = await chat.addAttachment(upload.siteId, upload.author, attachment, upload.clientMsgId).catch((error: unknown) => {
    console.error('attachments: the conversation did not store the upload', error);
    return refuse(503, 'try_again', 'The file could not be added to the chat. Please try again.');
  });
  if (!stored.ok) {
    await env.ATTACHMENTS.delete(key);
    return stored;
  }
  return { ok: true, status: 201, body: stored.body };
}

/** The body, or 'too_large' as soon as it passes `maxBytes` (the rest is never read). */
export async function readCapped(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array | 'too_large'> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return 'too_large';
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}
