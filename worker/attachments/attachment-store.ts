/**
 * The files themselves, in R2 (binding ATTACHMENTS). A key is `<site>/<conversation>/<attachment>`,
 * each part checked against a strict pattern before it gets here, so no key can climb out of its
 * conversation; a chat's files are found (and erased) by its prefix.
 */
import type { AttachmentType } from '../../protocol/index.ts';
import type { Env } from '../env.ts';

export const attachmentKey = (siteId: string, conversationId: string, attachmentId: string) => `${siteId}/${conversationId}/${attachmentId}`;

export async function putAttachment(
  env: Env,
  key: string,
  bytes: Uint8Array,
  meta: { type: AttachmentType; name: string; author: 'shopper' | 'agent' },
): Promise<void> {
  await env.ATTACHMENTS.put(key, bytes, {
    httpMetadata: { contentType: meta.type },
    customMetadata: { name: meta.name, author: meta.author },
  });
}

export function getAttachment(env: Env, key: string): Promise<R2ObjectBody | null> {
  return env.ATTACHMENTS.get(key);
}

/** Erasure and retention: every file of one conversation. Returns how many went. */
export async function deleteConversationFiles(env: Env, siteId: string, conversationId: string): Promise<number> {
  const prefix = `${siteId}/${conversationId}/`;
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const page = await env.ATTACHMENTS.list({ prefix, cursor });
    const keys = page.objects.map((object) => object.key);
    if (keys.length > 0) await env.ATTACHMENTS.delete(keys);
    deleted += keys.length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return deleted;
}

/** The answer to a download: the sniffed type, images inline, PDFs as a download; the name as a header parameter, never markup. */
export function fileResponse(object: R2ObjectBody): Response {
  const type = object.httpMetadata?.contentType ?? 'application/octet-stream';
  const name = object.customMetadata?.name ?? 'file';
  const disposition = type.startsWith('image/') ? 'inline' : 'attachment';
  const headers = new Headers({
    'Content-Type': type,
    'Content-Length': String(object.size),
    'Content-Disposition': `${disposition}; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    'Cache-Control': 'private, max-age=3600',
    ETag: object.httpEtag,
  });
  return new Response(object.body, { headers });
}
