/**
 * Site folders ↔ the Worker's storage, through the admin API: read and validate a folder with the
 * kb:build code (same rules, same `file:line "field": reason` errors), publish it, export it back.
 * Shared by `npm start`, `site:import`, `site:export`, `site:create` and the wrangler-dev tests.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import matter from 'gray-matter';
import { buildKnowledgeBase, EXAMPLE_SITES_FILE, formatError, importPayload } from '../../knowledge-base/build/compile.ts';
import type { SiteCreateResponse, SiteExportResponse, SiteImport, SiteImportResponse } from '../../protocol/site-admin.ts';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Reads and validates one site folder (`…/sites/<id>`); throws with every error, one per line. */
export function readSiteFolder(folder: string, cwd = process.cwd()): SiteImport {
  const dir = resolve(folder);
  const id = basename(dir);
  const result = buildKnowledgeBase(dirname(dir), cwd, id);
  const errors = result.errors;
  if (errors.length) throw new Error(errors.map(formatError).join('\n'));
  const site = result.sites[id];
  if (!site) throw new Error(`${relative(cwd, dir) || dir}: no site here (expected site.json and <locale>/*.md)`);
  return importPayload(site);
}

/** The example sites as `npm run build` wrote them, or built from knowledge-base/sites if missing. */
export function exampleSites(): SiteImport[] {
  const built = join(repoRoot, 'knowledge-base', 'dist', EXAMPLE_SITES_FILE);
  if (existsSync(built)) return (JSON.parse(readFileSync(built, 'utf8')) as { sites: SiteImport[] }).sites;
  const result = buildKnowledgeBase(join(repoRoot, 'knowledge-base', 'sites'), repoRoot);
  if (result.errors.length) throw new Error(result.errors.map(formatError).join('\n'));
  return Object.values(result.sites).map(importPayload);
}

async function call<T>(url: string, adminKey: string, init: { method: string; body?: unknown }): Promise<T> {
  const response = await fetch(url, {
    method: init.method,
    headers: { authorization: `Bearer ${adminKey}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const payload = (await response.json().catch(() => ({}))) as { message?: string };
  if (!response.ok) throw new Error(`admin API answered ${response.status}: ${payload.message ?? 'no message'}`);
  return payload as T;
}

export function importSite(baseUrl: string, adminKey: string, site: SiteImport): Promise<SiteImportResponse> {
  return call(`${baseUrl}/v1/admin/sites/${encodeURIComponent(site.settings.id)}/import`, adminKey, { method: 'PUT', body: site });
}

export function exportSite(baseUrl: string, adminKey: string, siteId: string): Promise<SiteExportResponse> {
  return call(`${baseUrl}/v1/admin/sites/${encodeURIComponent(siteId)}/export`, adminKey, { method: 'GET' });
}

/**
 * Publishes demo and lantern-tea into the Worker's storage (a no-op when they are there unchanged).
 * With `onlyIfMissing`, a site that exists is left alone: `npm start` must not undo what an owner
 * changed in the console since the last start.
 */
export async function importExampleSites(baseUrl: string, adminKey: string, options: { onlyIfMissing?: boolean } = {}): Promise<SiteImportResponse[]> {
  const results: SiteImportResponse[] = [];
  for (const site of exampleSites()) {
    if (options.onlyIfMissing && (await siteExists(baseUrl, adminKey, site.settings.id))) continue;
    results.push(await importSite(baseUrl, adminKey, site));
  }
  return results;
}

async function siteExists(baseUrl: string, adminKey: string, siteId: string): Promise<boolean> {
  const response = await fetch(`${baseUrl}/v1/admin/sites/${encodeURIComponent(siteId)}/export`, { headers: { authorization: `Bearer ${adminKey}` } });
  await response.body?.cancel();
  if (response.status === 404) return false;
  if (!response.ok) throw new Error(`admin API answered ${response.status} when asked whether ${siteId} exists`);
  return true;
}

export function createSite(
  baseUrl: string,
  adminKey: string,
  body: { id: string; name: string; origins: string[]; adminEmail: string; adminName?: string },
): Promise<SiteCreateResponse> {
  return call(`${baseUrl}/v1/admin/sites`, adminKey, { method: 'POST', body });
}

/**
 * Writes a site in the folder layout kb:build and site:import read: `site.json` and
 * `<locale>/<id>.md` with front-matter. Returns the files written.
 */
export function writeSiteFolder(site: { settings: SiteImport['settings']; articles: SiteImport['articles'] }, folder: string): string[] {
  const written: string[] = [];
  mkdirSync(folder, { recursive: true });
  const siteFile = join(folder, 'site.json');
  writeFileSync(siteFile, `${JSON.stringify(site.settings, null, 2)}\n`);
  written.push(siteFile);
  for (const article of site.articles) {
    mkdirSync(join(folder, article.locale), { recursive: true });
    const file = join(folder, article.locale, `${article.id}.md`);
    const front = { id: article.id, title: article.title, locale: article.locale, tags: article.tags, questions: article.questions };
    writeFileSync(file, matter.stringify(article.body.endsWith('\n') ? article.body : `${article.body}\n`, front));
    written.push(file);
  }
  return written;
}

/** The admin key: KEFU_ADMIN_KEY, else ADMIN_API_KEY from .dev.vars. */
export function adminKeyFromEnv(devVars: Record<string, string>): string | undefined {
  return process.env.KEFU_ADMIN_KEY ?? devVars.ADMIN_API_KEY;
}
