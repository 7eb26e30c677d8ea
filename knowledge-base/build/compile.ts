/**
 * Knowledge-base compiler: validation, markdown → safe HTML + excerpt, one Lunr index per
 * site+locale (through worker/bot's shared text pipeline), and the generated catalog.
 * `buildKnowledgeBase()` is what `npm run kb:build` runs; tests call it on fixture folders.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import matter from 'gray-matter';
import MarkdownIt from 'markdown-it';
import { z } from 'zod';
import { compileKnowledge } from '../../worker/bot/indexer.ts';
import type { CompiledKnowledge } from '../../worker/bot/knowledge.ts';
import type { Locale } from '../../worker/bot/text.ts';
import { LocaleSchema, SiteConfigSchema, type SiteConfig } from '../../protocol/site-config.ts';

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
// markdown

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
// markdown-it's default validateLink stays on (javascript:, vbscript:, file:, data: refused)
const defaultLinkOpen =
  md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const t = tokens[idx]!;
  const href = t.attrGet('href') ?? '';
  if (/^https?:\/\//i.test(href)) {
    t.attrSet('target', '_blank');
    t.attrSet('rel', 'noopener noreferrer nofollow');
  }
  return defaultLinkOpen(tokens, idx, options, env, self);
};

type MdToken = ReturnType<MarkdownIt['parse']>[number];

function inlineText(t: MdToken): string {
  let s = '';
  for (const c of t.children ?? []) {
    if (c.type === 'text' || c.type === 'code_inline') s += c.content;
    else if (c.type === 'softbreak' || c.type === 'hardbreak') s += ' ';
  }
  return s.replace(/\s+/g, ' ').trim();
}

export function renderMarkdown(body: string): { html: string; excerpt: string; text: string } {
  const tokens = md.parse(body, {});
  let excerpt = '';
  const parts: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'inline') parts.push(inlineText(t));
    else if ((t.type === 'fence' || t.type === 'code_block') && t.content.trim()) parts.push(t.content.trim());
    if (!excerpt && t.type === 'paragraph_open' && t.level === 0 && tokens[i + 1]?.type === 'inline') {
      excerpt = inlineText(tokens[i + 1]!);
    }
  }
  return { html: md.renderer.render(tokens, md.options, {}), excerpt, text: parts.join('\n') };
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

export function parseArticle(
  raw: string,
  file: string,
  folderLocale: string,
): { article?: ParsedArticle; errors: BuildError[] } {
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
  const { html, excerpt, text } = renderMarkdown(parsed.content);
  if (!excerpt) {
    errors.push({ file, line: frontMatterEnd(raw) + 1, reason: 'the body needs a first paragraph (the short answer)' });
  }
  if (errors.length) return { errors };
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
 * Nothing is compiled for a site with errors.
 */
export function buildKnowledgeBase(sitesDir: string, cwd: string = process.cwd()): BuildResult {
  const rel = (p: string) => relative(cwd, p) || p;
  const errors: BuildError[] = [];
  const sites: Record<string, CompiledSite> = {};
  if (!existsSync(sitesDir)) {
    return { errors: [{ file: rel(sitesDir), line: 1, reason: 'sites folder not found' }], sites };
  }
  for (const siteName of readdirSync(sitesDir).sort()) {
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
      locales[locale] = compileKnowledge(site.id, locale, list);
      sources[locale] = list;
    }
    sites[site.id] = { site, locales, sources };
  }
  return { errors, sites };
}

/** Write `<outDir>/<site>/<locale>.json` and `<outDir>/catalog.ts`. */
export function writeDist(result: BuildResult, outDir: string): string[] {
  const written: string[] = [];
  mkdirSync(outDir, { recursive: true });
  const imports: string[] = [];
  const entries: string[] = [];
  for (const [siteId, { site, locales }] of Object.entries(result.sites)) {
    mkdirSync(join(outDir, siteId), { recursive: true });
    const locs: string[] = [];
    for (const [locale, compiled] of Object.entries(locales)) {
      const file = join(outDir, siteId, `${locale}.json`);
      writeFileSync(file, JSON.stringify(compiled));
      written.push(file);
      const ident = `${siteId.replace(/[^a-zA-Z0-9]/g, '_')}_${locale}`;
      imports.push(`import ${ident} from './${siteId}/${locale}.json';`);
      locs.push(`      ${locale}: ${ident} as unknown as CompiledKnowledge,`);
    }
    entries.push(`  ${JSON.stringify(siteId)}: {\n    site: ${JSON.stringify(site)},\n    locales: {\n${locs.join('\n')}\n    },\n  },`);
  }
  const ts = `// Generated by knowledge-base/build (npm run kb:build). Do not edit.
import type { CompiledKnowledge } from '../../worker/bot/knowledge.ts';
import type { SiteConfig } from '../../protocol/site-config.ts';
${imports.join('\n')}

export interface CatalogEntry {
  site: SiteConfig;
  locales: Partial<Record<'en' | 'zh', CompiledKnowledge>>;
}

export const catalog: Record<string, CatalogEntry> = {
${entries.join('\n')}
};
`;
  const catalogFile = join(outDir, 'catalog.ts');
  writeFileSync(catalogFile, ts);
  written.push(catalogFile);
  return written;
}
