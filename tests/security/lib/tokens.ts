/**
 * An independent implementation of kefu's signed-token format (worker/signed-token.ts):
 * base64url(JSON claims + exp) "." base64url(HMAC-SHA256(secret, body)). The access tests use it
 * to mint expired, wrong-key and tampered sessions and resume tokens.
 */
import { createHmac } from 'node:crypto';

export async function signToken(secret: string, claims: Record<string, string | number>, lifetimeSeconds: number, now = Date.now()): Promise<string> {
  const body = Buffer.from(JSON.stringify({ ...claims, exp: Math.floor(now / 1000) + lifetimeSeconds })).toString('base64url');
  const signature = createHmac('sha256', secret).update(body).digest('base64url');
  return `${body}.${signature}`;
}

/**
 * The signature with its second-to-last character replaced by one that decodes to different
 * bytes. (The last character of a 43-character signature carries 2 unused bits, so changing it
 * could leave the bytes as they were; the second-to-last carries 6 whole bits.)
 */
export function tamperSignature(signature: string): string {
  const i = signature.length - 2;
  const replacement = signature[i] === 'A' ? 'B' : 'A';
  return `${signature.slice(0, i)}${replacement}${signature.slice(i + 1)}`;
}
