/**
 * Shoppers' resume tokens: an opaque, signed pointer to one conversation, bound to its site,
 * so a token minted for one site never opens a chat on another. Each carries the conversation's
 * token version (`t`): `kefu('shutdown')` raises it, and the Conversation then refuses every
 * older token. A token lives 30 days from the last time it connected (re-signed on each connect).
 */
import { signToken, verifyToken } from './signed-token.ts';

const RESUME_TOKEN_LIFETIME_SECONDS = 30 * 24 * 60 * 60;

export interface ResumeClaims {
  conversationId: string;
  siteId: string;
  /** The conversation's token version when minted; tokens from before the version field count as 0. */
  version: number;
}

export function signResumeToken(secret: string, claims: ResumeClaims, now = Date.now()): Promise<string> {
  return signToken(secret, { c: claims.conversationId, s: claims.siteId, t: claims.version }, RESUME_TOKEN_LIFETIME_SECONDS, now);
}

/** The claims of a valid, unexpired token for `siteId`, or null for anything else. */
export async function verifyResumeToken(secret: string, token: string | null | undefined, siteId: string, now = Date.now()): Promise<ResumeClaims | null> {
  const claims = await verifyToken(secret, token, now);
  if (!claims || typeof claims.c !== 'string' || claims.s !== siteId) return null;
  const version = typeof claims.t === 'number' && Number.isInteger(claims.t) && claims.t >= 0 ? claims.t : 0;
  return { conversationId: claims.c, siteId, version };
}
