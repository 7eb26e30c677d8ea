/**
 * Per-isolate cache of each site's settings and loaded knowledge, keyed by (site, version).
 * An entry is trusted for TRUST_MS; after that one cheap `version()` call to the site's catalog
 * decides whether to reload. So every isolate serves a new publish or settings save within
 * about a second, and a busy isolate asks each catalog at most about once a second.
 */
import type { SiteConfig } from '../../protocol/site-config.ts';
import { loadKnowledge, type SiteKnowledge } from '../bot/index.ts';
import type { CompiledKnowledge } from '../bot/knowledge.ts';
import type { Locale } from '../bot/text.ts';
import type { Env } from '../env.ts';
import { evictLeastRecent } from './least-recent.ts';
import type { CatalogSnapshot } from './site-catalog.ts';

/** How long a checked entry is served without asking the catalog again. */
export const TRUST_MS = 1000;
/**
 * What an isolate keeps, least recently used sites going first: at most this many sites, and
 * at most this much compiled index JSON across them. A site's loaded knowledge, with what the bot
 * derives from it, takes about 1.5–5 times its index JSON in memory (README, "Memory: what a site
 * keeps"), and an isolate has 128 MB; so 16 MB of index is about a third to a half of it. The
 * site being served always stays, even alone over the budget.
 */
export const SITE_CACHE_LIMITS = { sites: 64, indexBytes: 16 * 1024 * 1024 } as const;

interface Entry {
  version: number;
  settings: SiteConfig | null;
  checkedAt: number;
  knowledge?: SiteKnowledge;
  /** the site version each loaded locale's index was built at */
  indexVersions?: Partial<Record<Locale, number>>;
  /** the length of each loaded locale's index JSON: what the cache's budget counts */
  indexBytes?: Partial<Record<Locale, number>>;
}

const entries = new Map<string, Entry>();
/**
 * When this isolate started checking a site (per site and kind). Requests never await another
 * request's promise (workerd can hang a request that waits on I/O begun by another), so while
 * one request checks, the others serve the entry they have; a check older than this is ignored.
 */
const checking = new Map<string, number>();
const CHECK_WAIT_MS = 2000;

export function catalogOf(env: Env, siteId: string) {
  return env.SITE_CATALOG.get(env.SITE_CATALOG.idFromName(siteId));
}

function remember(siteId: string, entry: Entry): Entry {
  entries.delete(siteId);
  entries.set(siteId, entry);
  evictLeastRecent(entries, siteId, (kept) => Object.values(kept.indexBytes ?? {}).reduce((total, bytes) => total + (bytes ?? 0), 0), SITE_CACHE_LIMITS);
  return entry;
}

/** Loads the locales that changed; a locale whose index did not change keeps its loaded index. */
function toKnowledge(
  siteId: string,
  snapshot: CatalogSnapshot,
  previous: Entry | undefined,
): { knowledge: SiteKnowledge; indexBytes: Partial<Record<Locale, number>> } {
  const locales: SiteKnowledge['locales'] = {};
  const indexBytes: Partial<Record<Locale, number>> = {};
  for (const locale of Object.keys(snapshot.indexVersions) as Locale[]) {
    const json = snapshot.knowledge?.[locale];
    if (json !== undefined) {
      locales[locale] = loadKnowledge(JSON.parse(json) as CompiledKnowledge);
      indexBytes[locale] = json.length;
    } else if (previous?.indexVersions?.[locale] === snapshot.indexVersions[locale]) {
      locales[locale] = previous?.knowledge?.locales[locale];
      indexBytes[locale] = previous?.indexBytes?.[locale];
    }
  }
  return { knowledge: { site: siteId, defaultLocale: snapshot.settings?.defaultLocale, locales, synonyms: snapshot.settings?.synonyms }, indexBytes };
}

async function fresh(env: Env, siteId: string, withKnowledge: boolean): Promise<Entry> {
  const now = Date.now();
  const hit = entries.get(siteId);
  const usable = hit && (!withKnowledge || hit.knowledge || !hit.settings);
  // A clock that stepped backwards (or a test's fake clock) does not extend the trust.
  if (usable && now >= hit.checkedAt && now - hit.checkedAt < TRUST_MS) return hit;
  const key = `${siteId}\u0000${withKnowledge}`;
  const started = checking.get(key);
  const busy = started !== undefined && now >= started && now - started < CHECK_WAIT_MS;
  if (usable && busy) return hit;
  if (busy) {
    // Another request is loading this site (a cold isolate, many shoppers at once): wait for its
    // result instead of parsing the same indexes again, which would starve every other request.
    for (let waited = 0; waited < CHECK_WAIT_MS && checking.has(key); waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const loaded = entries.get(siteId);
      if (loaded && (!withKnowledge || loaded.knowledge || !loaded.settings)) return loaded;
    }
  }
  checking.set(key, now);
  try {
    const catalog = catalogOf(env, siteId);
    if (usable) {
      const version = await catalog.version();
      if (version === hit.version) {
        hit.checkedAt = Date.now();
        return remember(siteId, hit);
      }
    }
    const have = withKnowledge && hit?.knowledge ? (hit.indexVersions ?? {}) : {};
    // SiteConfig is a loose object, which the RPC stub's typing cannot express: name the type.
    const snapshot = (await catalog.snapshot(withKnowledge, have)) as unknown as CatalogSnapshot;
    // A snapshot older than what another request already loaded is not taken.
    const latest = entries.get(siteId);
    if (latest && latest.version > snapshot.version) return latest;
    const entry: Entry = { version: snapshot.version, settings: snapshot.settings, checkedAt: Date.now() };
    if (snapshot.knowledge) {
      const loaded = toKnowledge(siteId, snapshot, hit);
      entry.knowledge = loaded.knowledge;
      entry.indexBytes = loaded.indexBytes;
      entry.indexVersions = snapshot.indexVersions;
    } else if (latest && latest.version === snapshot.version) {
      entry.knowledge = latest.knowledge;
      entry.indexBytes = latest.indexBytes;
      entry.indexVersions = latest.indexVersions;
    }
    return remember(siteId, entry);
  } finally {
    if (checking.get(key) === now) checking.delete(key);
  }
}

/** The site's settings, or null for a site that does not exist. */
export async function siteSettings(env: Env, siteId: string): Promise<SiteConfig | null> {
  return (await fresh(env, siteId, false)).settings;
}

/** The site's settings with the version they belong to. */
export async function siteSettingsVersion(env: Env, siteId: string): Promise<{ settings: SiteConfig | null; version: number }> {
  const entry = await fresh(env, siteId, false);
  return { settings: entry.settings, version: entry.version };
}

/** The site's published knowledge, loaded once per version in this isolate; null for an unknown site. */
export async function siteKnowledge(env: Env, siteId: string): Promise<SiteKnowledge | null> {
  const entry = await fresh(env, siteId, true);
  return entry.settings ? (entry.knowledge ?? null) : null;
}

/**
 * After this isolate changed a site: check the version on the next request instead of within
 * TRUST_MS. The entry stays, so locales the change did not touch keep their loaded indexes.
 */
export function forgetSite(siteId: string): void {
  const entry = entries.get(siteId);
  if (entry) entry.checkedAt = Number.NEGATIVE_INFINITY;
}
