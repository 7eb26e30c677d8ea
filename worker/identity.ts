/**
 * Identity verification, as Intercom and Crisp do it: the shop's server computes
 * userHash = hex(HMAC-SHA256(site secret, user id)) and the page passes it to identify().
 * That proves the id and nothing else. To prove the name, the e-mail and VIP status too (VIP
 * jumps the queue, so on a verifying site it must be proven), the server also computes
 *
 *   profileHash = hex(HMAC-SHA256(secret, "kefu-profile-v1\n" + f(id) + f(name) + f(email) + f(vip)))
 *   f(value) = "<UTF-8 byte length of value>:<value>", a missing name or e-mail as "", vip as "1" or "0"
 *
 * The tag keeps the two proofs apart (an id cannot contain "\n", so no id's userHash is ever a
 * profileHash), and the length prefixes keep fields apart ("ab" + "c" is not "a" + "bc").
 * Without a valid hash, a site that turns verification on keeps the chat anonymous.
 */
import type { Identity, ProvenField } from '../protocol/index.ts';
import type { Env } from './env.ts';

const encoder = new TextEncoder();
export const PROFILE_PROOF_TAG = 'kefu-profile-v1\n';

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

/** The bytes a profileHash signs (see the header comment); exported for the tests and docs. */
export function profileProofMessage(identity: Pick<Identity, 'id' | 'name' | 'email' | 'vip'>): string {
  const field = (value: string) => `${encoder.encode(value).byteLength}:${value}`;
  return PROFILE_PROOF_TAG + [identity.id ?? '', identity.name ?? '', identity.email ?? '', identity.vip ? '1' : '0'].map(field).join('');
}

export type IdentityCheck = { accepted: true; verified: boolean; provenFields: ProvenField[] } | { accepted: false; reason: string };

async function hmacMatches(secret: string, hexSignature: string, message: string): Promise<boolean> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  return crypto.subtle.verify('HMAC', key, hexToBytes(hexSignature.toLowerCase()), encoder.encode(message));
}

/** Decides whether an identify() may be trusted on this site, and which of its fields are proven. */
export async function checkIdentity(
  env: Pick<Env, 'IDENTITY_SECRETS'>,
  siteId: string,
  verificationRequired: boolean,
  identity: Identity,
): Promise<IdentityCheck> {
  const secret = identitySecret(env, siteId);
  const verified = Boolean(secret && identity.id && identity.userHash && (await hmacMatches(secret, identity.userHash, identity.id)));
  const profileProven = Boolean(verified && secret && identity.profileHash && (await hmacMatches(secret, identity.profileHash, profileProofMessage(identity))));
  if (verificationRequired) {
    if (!secret) return { accepted: false, reason: 'Identity verification is on but the site has no secret configured.' };
    if (!verified) return { accepted: false, reason: 'The identity could not be verified.' };
    if (identity.profileHash && !profileProven) return { accepted: false, reason: 'The profile could not be verified.' };
    if (identity.vip && !profileProven) return { accepted: false, reason: 'A VIP claim needs a profileHash.' };
  }
  const provenFields: ProvenField[] = profileProven
    ? (['name', 'email', 'vip'] as const).filter((field) => (field === 'vip' ? identity.vip === true : identity[field] !== undefined))
    : [];
  return { accepted: true, verified, provenFields };
}
