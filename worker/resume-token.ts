/**
 * Shoppers' resume tokens: an opaque, signed pointer to one conversation.
 *
 * Format: base64url(JSON {c: conversationId, s: siteId, e: expiry in epoch seconds}) "." base64url(HMAC-SHA256).
 * The signature covers the site too, so a token minted for one site never opens a chat on another.
 * Verification uses crypto.subtle.verify, which compares in constant time.
 */

const TOKEN_LIFETIME_SECONDS = 30 * 24 * 60 * 60;
const encoder = new TextEncoder();
const keyCache = new Map<string, Promise<CryptoKey>>();

export interface ResumeClaims {
  conversationId: string;
  siteId: string;
  expiresAt: number;
}

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    keyCache.set(secret, key);
  }
  return key;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

export async function signResumeToken(secret: string, conversationId: string, siteId: string, now = Date.now()): Promise<string> {
  const claims = { c: conversationId, s: siteId, e: Math.floor(now / 1000) + TOKEN_LIFETIME_SECONDS };
  const body = toBase64Url(encoder.encode(JSON.stringify(claims)));
  const signature = await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(body));
  return `${body}.${toBase64Url(new Uint8Array(signature))}`;
}

/** Returns the claims of a valid, unexpired token for `siteId`, or null for anything else. */
export async function verifyResumeToken(secret: string, token: string | null | undefined, siteId: string, now = Date.now()): Promise<ResumeClaims | null> {
  if (!token || token.length > 512) return null;
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) return null;
  const signatureBytes = fromBase64Url(signature);
  const bodyBytes = fromBase64Url(body);
  if (!signatureBytes || !bodyBytes) return null;
  const valid = await crypto.subtle.verify('HMAC', await hmacKey(secret), signatureBytes, encoder.encode(body));
  if (!valid) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder().decode(bodyBytes));
  } catch {
    return null;
  }
  if (typeof claims !== 'object' || claims === null) return null;
  const { c, s, e } = claims as Record<string, unknown>;
  if (typeof c !== 'string' || typeof s !== 'string' || typeof e !== 'number') return null;
  if (s !== siteId || e * 1000 <= now) return null;
  return { conversationId: c, siteId: s, expiresAt: e };
}
