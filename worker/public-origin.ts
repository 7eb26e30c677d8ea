/**
 * Which host this deployment answers to. A browser that was DNS-rebound to our address sends the
 * attacker's host name in Host (and, being same-origin with it, a matching Origin), so comparing
 * Origin with the request's own URL is not enough: the URL must be ours.
 *
 * - PUBLIC_ORIGIN set (production: `https://kefu.example`): only that host.
 * - unset in development (ALLOW_LOCALHOST_ORIGINS=true): only loopback hosts, any port, so
 *   `wrangler dev` on 127.0.0.1:<port> and tests on a free port keep working.
 * - unset otherwise: no check (Cloudflare routes by host, so a foreign Host never reaches us).
 */
import type { Env } from './env.ts';

const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/;

export function isOwnHost(url: URL, env: Pick<Env, 'PUBLIC_ORIGIN' | 'ALLOW_LOCALHOST_ORIGINS'>): boolean {
  if (env.PUBLIC_ORIGIN) {
    try {
      return new URL(env.PUBLIC_ORIGIN).host === url.host;
    } catch {
      console.error('PUBLIC_ORIGIN is not a URL');
      return false;
    }
  }
  if (env.ALLOW_LOCALHOST_ORIGINS === 'true') return LOOPBACK_HOST.test(url.host);
  return true;
}
