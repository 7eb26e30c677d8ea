/** Site configuration and knowledge as compiled by `npm run kb:build`, and the origin rule. */
import { catalog, type CatalogEntry } from '../knowledge-base/dist/catalog.ts';
import type { SiteConfig } from '../protocol/site-config.ts';
import { loadSiteKnowledge, type SiteKnowledge } from './bot/index.ts';
import type { Env } from './env.ts';

export type { SiteConfig };

const SITE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function findSite(siteId: string | null | undefined): CatalogEntry | null {
  if (!siteId || !SITE_ID.test(siteId)) return null;
  return Object.hasOwn(catalog, siteId) ? catalog[siteId]! : null;
}

/** The site's loaded indexes; the bot module caches them per site and locale in the isolate. */
export function knowledgeFor(siteId: string): SiteKnowledge | null {
  const entry = findSite(siteId);
  return entry ? loadSiteKnowledge(entry) : null;
}

const LOCAL_ORIGIN = /^http:\/\/(127\.0\.0\.1|localhost)(:\d{1,5})?$/;

/** A request may act for a site only from one of the site's allowed origins (plus local pages in development). */
export function isOriginAllowed(site: SiteConfig, origin: string | null | undefined, env: Pick<Env, 'ALLOW_LOCALHOST_ORIGINS'>): boolean {
  if (!origin) return false;
  if (site.allowedOrigins.includes(origin)) return true;
  return env.ALLOW_LOCALHOST_ORIGINS === 'true' && LOCAL_ORIGIN.test(origin);
}
