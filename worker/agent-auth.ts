/**
 * Agent credentials and sessions.
 * - Passwords: PBKDF2-SHA-256 through WebCrypto with a per-agent random salt. 100,000
 *   iterations is the most workerd allows.
 * - Sessions: a signed token (agent id, site) in an HttpOnly, Secure, SameSite=Strict cookie.
 */
import { fromBase64Url, signToken, toBase64Url, verifyToken } from './signed-token.ts';

export const SESSION_COOKIE = 'kefu_session';
export const SESSION_LIFETIME_SECONDS = 12 * 60 * 60;
const PBKDF2_ITERATIONS = 100_000;
const encoder = new TextEncoder();

export interface PasswordHash {
  hash: string;
  salt: string;
  iterations: number;
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return { hash: toBase64Url(hash), salt: toBase64Url(salt), iterations: PBKDF2_ITERATIONS };
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const salt = fromBase64Url(stored.salt);
  const expected = fromBase64Url(stored.hash);
  if (!salt || !expected) return false;
  const actual = await derive(password, salt, stored.iterations);
  return actual.byteLength === expected.byteLength && crypto.subtle.timingSafeEqual(actual, expected);
}

/** A readable one-time password: 4 groups of 4 from an alphabet without look-alikes. */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const chars = Array.from(bytes, (byte) => alphabet[byte % alphabet.length]);
  return [0, 4, 8, 12].map((start) => chars.slice(start, start + 4).join('')).join('-');
}

export interface AgentSession {
  agentId: string;
  siteId: string;
  /** Must match the agent's current session version: logout and password changes bump it. */
  version: number;
}

export function signSession(secret: string, session: AgentSession, now = Date.now()): Promise<string> {
  return signToken(secret, { a: session.agentId, s: session.siteId, v: session.version }, SESSION_LIFETIME_SECONDS, now);
}

export async function verifySession(secret: string, token: string | null | undefined, now = Date.now()): Promise<AgentSession | null> {
  const claims = await verifyToken(secret, token, now);
  if (!claims || typeof claims.a !== 'string' || typeof claims.s !== 'string' || typeof claims.v !== 'number') return null;
  return { agentId: claims.a, siteId: claims.s, version: claims.v };
}
