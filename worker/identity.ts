/**
 * Identity verification, as Intercom and Crisp do it: the shop's server computes
 * userHash = hex(HMAC-SHA256(site secret, user id)) and the page passes it to identify().
 * Without a valid hash, a site that turns verification on keeps the chat anonymous.
 */
import type { Identity } from '../protocol/index.ts';
import type { Env } from './env.ts';

const encoder = new TextEncoder();

function identitySecret(env: Pick<Env, 'IDENTITY_SECRETS'>, siteId: string): string | null {
  if (!env.IDENTITY_SECRETS) return null;
  try {
    const secrets = JSON.parse(env.IDENTITY_SECRETS) as Record<string, unknown>;
    const secret = Object.hasOwn(secrets, siteId) ? secrets[siteId] : undefined;
    return typeof secret === 'string' && secret.length > 0 ? secret : null;
  } catch {
    console.error('IDENTITY_SECRETS is not valid JSON');
    return null;
  }
}

function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

export type IdentityCheck = { accepted: true; verified: boolean } | { accepted: false; reason: string };

/** Decides whether an identify() may be trusted on this site. */
export async function checkIdentity(env: Pick<Env, 'IDENTITY_SECRETS'>, siteId: string, verificationRequired: boolean, identity: Identity): Promise<IdentityCheck> {
  const secret = identitySecret(env, siteId);
  let verified = false;
  if (secret && identity.id && identity.userHash) {
    const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    // A VIP claim jumps the queue, so it must be signed too: the hash then covers "<id>|vip".
    const signed = identity.vip ? `${identity.id}|vip` : identity.id;
    verified = await crypto.subtle.verify('HMAC', key, hexToBytes(identity.userHash.toLowerCase()), encoder.encode(signed));
  }
  if (verificationRequired && !verified) {
    return { accepted: false, reason: secret ? 'The identity could not be verified.' : 'Identity verification is on but the site has no secret configured.' };
  }
  return { accepted: true, verified };
}
