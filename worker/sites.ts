/** Site configuration as compiled by `npm run kb:build`, and the origin rule built on it. */
import { catalog } from '../knowledge-base/dist/catalog.ts';
import type { Env } from './env.ts';

export type SiteEntry = (typeof catalog)[string];
export type SiteConfig = SiteEntry['site'];

const SITE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function findSite(siteId: string | null | undefined): SiteEntry | null {
  if (!siteId || !SITE_ID.test(siteId)) return null;
  return Object.hasOwn(catalog, siteId) ? catalog[siteId]! : null;
}

const LOCAL_ORIGIN = /^http:\/\/(127\.0\.0\.1|localhost)(:\d{1,5})?$/;

/** A request may act for a site only from one of the site's allowed origins (plus local pages in development). */
export function isOriginAllowed(site: SiteConfig, origin: string | null | undefined, env: Pick<Env, 'ALLOW_LOCALHOST_ORIGINS'>): boolean {
  if (!origin) return false;
  if (site.allowedOrigins.includes(origin)) return true;
  return env.ALLOW_LOCALHOST_ORIGINS === 'true' && LOCAL_ORIGIN.test(origin);
}
