/**
 * Shoppers' resume tokens: an opaque, signed pointer to one conversation, bound to its site,
 * so a token minted for one site never opens a chat on another.
 */
import { signToken, verifyToken } from './signed-token.ts';

const RESUME_TOKEN_LIFETIME_SECONDS = 30 * 24 * 60 * 60;

export interface ResumeClaims {
  conversationId: string;
  siteId: string;
}

export function signResumeToken(secret: string, conversationId: string, siteId: string, now = Date.now()): Promise<string> {
  return signToken(secret, { c: conversationId, s: siteId }, RESUME_TOKEN_LIFETIME_SECONDS, now);
}

/** The claims of a valid, unexpired token for `siteId`, or null for anything else. */
export async function verifyResumeToken(secret: string, token: string | null | undefined, siteId: string, now = Date.now()): Promise<ResumeClaims | null> {
  const claims = await verifyToken(secret, token, now);
  if (!claims || typeof claims.c !== 'string' || claims.s !== siteId) return null;
  return { conversationId: claims.c, siteId };
}
