/**
 * Knowledge-base compiler for site folders: reads and validates them (the article rules and the
 * markdown rendering are the Worker's own, worker/catalog), compiles one Lunr index per
 * site+locale the way a publish does, and writes the import payload that tests and `npm start`
 * publish into storage. `buildKnowledgeBase()` is what `npm run kb:build`, `site:import`, the
 * eval and the benches run; tests call it on fixture folders. The Worker imports none of this.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import matter from 'gray-matter';
import * as z from 'zod';
import type { ArticleSource, SiteImport } from '../../protocol/site-admin.ts';
import { LocaleSchema, type SiteConfig, SiteConfigSchema } from '../../protocol/site-config.ts';
import type { CompiledKnowledge } from '../../worker/bot/knowledge.ts';
import type { Locale } from '../../worker/bot/text.ts';
import { articleErrors } from '../../worker/catalog/article-rules.ts';
import { compileLocale } from '../../worker/catalog/compile-site.ts';
import { renderMarkdown } from '../../worker/catalog/markdown.ts';

export { renderMarkdown };

export interface BuildError {
  file: string;
  line: number;
  reason: string;
}

export function formatError(e: BuildError): string {
  return `${e.file}:${e.line} ${e.reason}`;
}

export const FrontMatterSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'id must be lower-case letters, digits and dashes'),
  title: z.string().trim().min(1),
  locale: LocaleSchema,
  tags: z.array(z.string()),
  questions: z.array(z.string().trim().min(1)).optional(),
});

export interface ParsedArticle {
  id: string;
  title: string;
  locale: Locale;
  tags: string[];
  questions: string[];
  excerpt: string;
  html: string;
  bodyText: string;
  /** the markdown body as written (for the import payload) */
  body: string;
  file: string;
}

export interface CompiledSite {
  site: SiteConfig;
  locales: Partial<Record<Locale, CompiledKnowledge>>;
  /** the validated source articles (for eval baselines and tools; not written to dist) */
  sources: Partial<Record<Locale, ParsedArticle[]>>;
}

export interface BuildResult {
  errors: BuildError[];
  sites: Record<string, CompiledSite>;
}

// ---------------------------------------------------------------------------------------
// validation

function keyLine(raw: string, key: string | number | undefined): number {
  if (typeof key !== 'string') return 1;
  const lines = raw.split(/\r?\n/);
  if (lines[0]?.trim() !== '---') return 1;
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '---') break;
    if (new RegExp(`^${key}\\s*:`).test(lines[i]!)) return i + 1;
  }
  return 1;
}

function frontMatterEnd(raw: string): number {
  const lines = raw.split(/\r?\n/);
  for (let i = 1; i < lines.length; i++) if (lines[i]!.trim() === '---') return i + 1;
  return 1;
}

export function parseArticle(raw: string, file: string, folderLocale: string): { article?: ParsedArticle; errors: BuildError[] } {
  const errors: BuildError[] = [];
  let parsed: { data: Record<string, unknown>; content: string };
  try {
    parsed = matter(raw, {}) as unknown as { data: Record<string, unknown>; content: string };
  } catch (e) {
    const err = e as { mark?: { line?: number }; reason?: string; message?: string };
    const line = typeof err.mark?.line === 'number' ? err.mark.line + 2 : 1;
    errors.push({ file, line, reason: `broken front-matter YAML: ${err.reason ?? err.message ?? String(e)}` });
    return { errors };
  }
  if (!/^---\r?\n/.test(raw)) {
    errors.push({ file, line: 1, reason: 'missing front-matter (the file must start with ---)' });
    return { errors };
  }
  const res = FrontMatterSchema.safeParse(parsed.data);
  if (!res.success) {
    for (const issue of res.error.issues) {
      const key = issue.path[0];
      const missing = typeof key === 'string' && !(key in parsed.data);
      errors.push({
        file,
        line: missing ? 1 : keyLine(raw, key as string | undefined),
        reason: missing
          ? `missing field "${String(key)}"`
          : key === 'locale'
            ? `unknown locale ${JSON.stringify(parsed.data.locale)} (expected one of: ${LocaleSchema.options.join(', ')})`
            : `invalid field "${issue.path.join('.')}": ${issue.message}`,
      });
    }
    return { errors };
  }
  const fm = res.data;
  if (fm.locale !== folderLocale) {
    errors.push({ file, line: keyLine(raw, 'locale'), reason: `locale "${fm.locale}" does not match its folder "${folderLocale}"` });
  }
  // The same content rules as the console and the admin API, with the line of the field.
  const body = parsed.content.replace(/^\r?\n/, '');
  const bodyStart = frontMatterEnd(raw) + 1 + (parsed.content.length - body.length > 0 ? 1 : 0);
  for (const problem of articleErrors(fm.id, { title: fm.title, tags: fm.tags, questions: fm.questions ?? [], body })) {
    const line = problem.field === 'body' ? bodyStart + (problem.bodyLine ?? 0) : keyLine(raw, problem.field.split('.')[0]);
    errors.push({ file, line, reason: `"${problem.field}": ${problem.message}` });
  }
  if (errors.length) return { errors };
  const { html, excerpt, text } = renderMarkdown(body);
  return {
    article: {
      id: fm.id,
      title: fm.title.trim(),
      locale: fm.locale,
      tags: fm.tags,
      questions: fm.questions ?? [],
      excerpt,
      html,
      bodyText: text,
      body,
      file,
    },
    errors,
  };
}

function readSiteConfig(siteDir: string, rel: (p: string) => string, errors: BuildError[]): SiteConfig | undefined {
  const file = join(siteDir, 'site.json');
  if (!existsSync(file)) {
    errors.push({ file: rel(file), line: 1, reason: 'missing site.json' });
    return undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    errors.push({ file: rel(file), line: 1, reason: `site.json is not valid JSON: ${(e as Error).message}` });
    return undefined;
  }
  const res = SiteConfigSchema.safeParse(data);
  if (!res.success) {
    const raw = readFileSync(file, 'utf8').split(/\r?\n/);
    for (const issue of res.error.issues) {
      const key = String(issue.path[0] ?? '');
      const idx = raw.findIndex((l) => l.includes(`"${key}"`));
      errors.push({ file: rel(file), line: idx >= 0 ? idx + 1 : 1, reason: `site.json "${issue.path.join('.')}": ${issue.message}` });
    }
    return undefined;
  }
  return res.data;
}

/**
 * Validate and compile every site under `sitesDir` (`<site>/site.json`, `<site>/<locale>/*.md`).
 * Returns errors (file relative to `cwd`, 1-based line, reason) and the compiled sites.
 * Nothing is compiled for a site with errors. `onlySite`: just that folder of `sitesDir`.
 */
export function buildKnowledgeBase(sitesDir: string, cwd: string = process.cwd(), onlySite?: string): BuildResult {
  const rel = (p: string) => relative(cwd, p) || p;
  const errors: BuildError[] = [];
  const sites: Record<string, CompiledSite> = {};
  if (!existsSync(sitesDir)) {
    return { errors: [{ file: rel(sitesDir), line: 1, reason: 'sites folder not found' }], sites };
  }
  for (const siteName of readdirSync(sitesDir).sort()) {
    if (onlySite !== undefined && siteName !== onlySite) continue;
    const siteDir = join(sitesDir, siteName);
    if (!statSync(siteDir).isDirectory()) continue;
    const siteErrors: BuildError[] = [];
    const site = readSiteConfig(siteDir, rel, siteErrors);
    if (site && site.id !== siteName) {
      siteErrors.push({ file: rel(join(siteDir, 'site.json')), line: 1, reason: `site id "${site.id}" does not match its folder "${siteName}"` });
    }
    const byLocale = new Map<Locale, ParsedArticle[]>();
    for (const entry of readdirSync(siteDir).sort()) {
      const dir = join(siteDir, entry);
      if (!statSync(dir).isDirectory()) continue;
      if (!LocaleSchema.safeParse(entry).success) {
        siteErrors.push({ file: rel(dir), line: 1, reason: `unknown locale folder "${entry}" (expected one of: ${LocaleSchema.options.join(', ')})` });
        continue;
      }
      const locale = entry as Locale;
      if (site && !site.locales.includes(locale)) {
        siteErrors.push({ file: rel(dir), line: 1, reason: `locale folder "${locale}" is not listed in site.json "locales"` });
      }
      const seen = new Map<string, string>();
      const list: ParsedArticle[] = [];
      for (const name of readdirSync(dir).sort()) {
        if (!name.endsWith('.md')) continue;
        const file = join(dir, name);
        const raw = readFileSync(file, 'utf8');
        const { article, errors: errs } = parseArticle(raw, rel(file), locale);
        siteErrors.push(...errs);
        if (!article) continue;
        const first = seen.get(article.id);
        if (first) {
          siteErrors.push({ file: rel(file), line: keyLine(raw, 'id'), reason: `duplicate id "${article.id}" (already used by ${first})` });
          continue;
        }
        seen.set(article.id, rel(file));
        list.push(article);
      }
      byLocale.set(locale, list);
    }
    errors.push(...siteErrors);
    if (!site || siteErrors.length) continue;
    const locales: Partial<Record<Locale, CompiledKnowledge>> = {};
    const sources: Partial<Record<Locale, ParsedArticle[]>> = {};
    for (const [locale, list] of byLocale) {
      locales[locale] = compileLocale(site.id, locale, list);
      sources[locale] = list;
    }
    sites[site.id] = { site, locales, sources };
  }
  return { errors, sites };
}

/** A compiled folder as the admin API's import body (PUT /v1/admin/sites/:site/import). */
export function importPayload(site: CompiledSite): SiteImport {
  const articles: ArticleSource[] = [];
  for (const list of Object.values(site.sources)) {
    for (const a of list ?? []) articles.push({ id: a.id, locale: a.locale, title: a.title, tags: a.tags, questions: a.questions, body: a.body });
  }
  return { settings: site.site, articles };
}

/** The example sites' import payloads, for the tests and `npm start` (the Worker bundles none of it). */
export const EXAMPLE_SITES_FILE = 'example-sites.json';

/** Write `<outDir>/example-sites.json`: `{ sites: SiteImport[] }`. */
export function writeDist(result: BuildResult, outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, EXAMPLE_SITES_FILE);
  writeFileSync(file, JSON.stringify({ sites: Object.values(result.sites).map(importPayload) }));
  return [file];
}
