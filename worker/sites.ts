/**
 * A site's settings and knowledge, from its catalog Durable Object through the isolate's cache
 * (catalog/site-cache.ts), and the origin rule.
 */
import type { SiteConfig } from '../protocol/site-config.ts';
import type { SiteKnowledge } from './bot/index.ts';
import { siteKnowledge, siteSettings } from './catalog/site-cache.ts';
import type { Env } from './env.ts';

export type { SiteConfig };

const SITE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function isSiteId(siteId: string | null | undefined): siteId is string {
  return typeof siteId === 'string' && SITE_ID.test(siteId);
}

/** The site's settings, or null for a malformed or unknown id. */
export async function findSite(env: Env, siteId: string | null | undefined): Promise<SiteConfig | null> {
  return isSiteId(siteId) ? siteSettings(env, siteId) : null;
}

/** The site's loaded indexes (published articles), cached per site and version in the isolate. */
export async function knowledgeFor(env: Env, siteId: string): Promise<SiteKnowledge | null> {
  return isSiteId(siteId) ? siteKnowledge(env, siteId) : null;
}

const LOCAL_ORIGIN = /^http:\/\/(127\.0\.0\.1|localhost)(:\d{1,5})?$/;

/** A request may act for a site only from one of the site's allowed origins (plus local pages in development). */
export function isOriginAllowed(site: SiteConfig, origin: string | null | undefined, env: Pick<Env, 'ALLOW_LOCALHOST_ORIGINS'>): boolean {
  if (!origin) return false;
  if (site.allowedOrigins.includes(origin)) return true;
  return env.ALLOW_LOCALHOST_ORIGINS === 'true' && LOCAL_ORIGIN.test(origin);
}
