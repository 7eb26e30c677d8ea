/**
 * The address that per-address limits (new chats, failed logins) count against.
 *
 * Behind Cloudflare's edge, CF-Connecting-IP is the client's address: the edge sets it and
 * overwrites whatever the client sent. Local workerd (`wrangler dev`) passes the client's own
 * header through untouched (and invents a `request.cf`), so there the header proves nothing:
 * in development (ALLOW_LOCALHOST_ORIGINS=true) every request counts as the one address "local".
 * TRUST_CF_CONNECTING_IP=true says something in front plays the edge's part (the in-runtime
 * tests, which give each test shopper an address of its own). A deployed request without the
 * header (not through the edge) falls into the shared bucket "unknown".
 */
import type { Env } from './env.ts';

export const LOCAL_ADDRESS = 'local';
export const UNKNOWN_ADDRESS = 'unknown';

export function clientAddress(request: Request, env: Pick<Env, 'ALLOW_LOCALHOST_ORIGINS' | 'TRUST_CF_CONNECTING_IP'>): string {
  const trusted = env.TRUST_CF_CONNECTING_IP === 'true' || (env.ALLOW_LOCALHOST_ORIGINS !== 'true' && request.cf !== undefined);
  if (!trusted) return LOCAL_ADDRESS;
  return request.headers.get('CF-Connecting-IP')?.trim() || UNKNOWN_ADDRESS;
}
