/**
 * Compact signed tokens: base64url(JSON claims) "." base64url(HMAC-SHA256(secret, body)).
 * Used for shoppers' resume tokens and agents' session cookies. Verification goes through
 * crypto.subtle.verify, which compares in constant time; expiry is checked after the signature.
 */

const encoder = new TextEncoder();
const keyCache = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    keyCache.set(secret, key);
  }
  return key;
}

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The bytes of canonical unpadded base64url, or null. The last character of a group can carry
 * unused bits, so several spellings decode to the same bytes; only the one toBase64Url writes is
 * accepted, so a token has exactly one accepted spelling.
 */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
  return toBase64Url(bytes) === text ? bytes : null;
}

/** Signs `claims` with an expiry `lifetimeSeconds` from `now` (stored as `exp`, epoch seconds). */
export async function signToken(secret: string, claims: Record<string, string | number>, lifetimeSeconds: number, now = Date.now()): Promise<string> {
  const body = toBase64Url(encoder.encode(JSON.stringify({ ...claims, exp: Math.floor(now / 1000) + lifetimeSeconds })));
  const signature = await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(body));
  return `${body}.${toBase64Url(new Uint8Array(signature))}`;
}

/** The claims of a well-signed, unexpired token, or null for anything else. */
export async function verifyToken(secret: string, token: string | null | undefined, now = Date.now()): Promise<Record<string, unknown> | null> {
  if (!token || token.length > 1024) return null;
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) return null;
  const signatureBytes = fromBase64Url(signature);
  const bodyBytes = fromBase64Url(body);
  if (!signatureBytes || !bodyBytes) return null;
  if (!(await crypto.subtle.verify('HMAC', await hmacKey(secret), signatureBytes, encoder.encode(body)))) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder().decode(bodyBytes));
  } catch {
    return null;
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return null;
  const { exp } = claims as { exp?: unknown };
  if (typeof exp !== 'number' || exp * 1000 <= now) return null;
  return claims as Record<string, unknown>;
}
