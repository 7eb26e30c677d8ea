/**
 * Signed, expiring links to a conversation's files. The token is scoped to one conversation (and
 * its site): it opens any file of that chat and nothing else, until it expires. Its key is apart
 * from the resume tokens' (a prefix on the secret), so neither kind of token can pass for the other.
 */
import { ATTACHMENT_LINK_LIFETIME_SECONDS, type TranscriptMessage } from '../../protocol/index.ts';
import type { Env } from '../env.ts';
import { signToken, verifyToken } from '../signed-token.ts';

const linkSecret = (env: Env) => `attachment-links|${env.RESUME_TOKEN_SECRET}`;

export function signFileToken(env: Env, siteId: string, conversationId: string, now = Date.now()): Promise<string> {
  return signToken(linkSecret(env), { f: conversationId, s: siteId }, ATTACHMENT_LINK_LIFETIME_SECONDS, now);
}

/** The site of a valid, unexpired token for exactly this conversation, or null. */
export async function verifyFileToken(env: Env, token: string | null | undefined, conversationId: string, now = Date.now()): Promise<string | null> {
  const claims = await verifyToken(linkSecret(env), token, now);
  return claims && claims.f === conversationId && typeof claims.s === 'string' ? claims.s : null;
}

/**
 * Relative to the widget's and the console's folders (`/widget/`, `/console/`), so each client
 * resolves it against its own kefu address (the widget runs on the shop's origin). From the root,
 * `../v1/…` is `/v1/…` too.
 */
export const attachmentPath = (conversationId: string, attachmentId: string) => `../v1/attachments/${conversationId}/${attachmentId}`;

/**
 * The Conversation's links: one token per conversation, kept in memory and renewed when half its
 * life is gone. Signing is async and broadcasts are not, so whoever sends transcript messages
 * awaits `ready()` first, and `withLink` then adds the link synchronously.
 */
export class FileLinks {
  private token: { value: string; renewAt: number } | null = null;

  constructor(
    private readonly env: Env,
    private readonly chat: () => { siteId: string; conversationId: string } | null,
  ) {}

  async ready(now = Date.now()): Promise<void> {
    if (this.token && now < this.token.renewAt) return;
    const chat = this.chat();
    if (!chat) return;
    const value = await signFileToken(this.env, chat.siteId, chat.conversationId, now);
    this.token = { value, renewAt: now + (ATTACHMENT_LINK_LIFETIME_SECONDS * 1000) / 2 };
  }

  withLink(message: TranscriptMessage): TranscriptMessage {
    const chat = this.chat();
    if (!message.attachment || !chat || !this.token) return message;
    const url = `${attachmentPath(chat.conversationId, message.attachment.id)}?t=${this.token.value}`;
    return { ...message, attachment: { ...message.attachment, url } };
  }
}
