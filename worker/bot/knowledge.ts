/**
 * Compiled knowledge: the JSON shape written by knowledge-base/build and the loader that
 * turns it into a queryable, cached in-memory object. Pure: no I/O.
 */
import lunr from 'lunr';
import { builtinLexicon, type Locale } from './text.ts';

export const COMPILED_FORMAT = 1 as const;

/** One article as compiled by the build (safe HTML already rendered). */
export interface CompiledArticle {
  id: string;
  title: string;
  locale: Locale;
  tags: string[];
  /** Plain text of the first paragraph: the standalone short answer. */
  excerpt: string;
  /** Safe HTML of the whole body (markdown-it, html:false, links validated). */
  html: string;
}

/** `knowledge-base/dist/<site>/<locale>.json` */
export interface CompiledKnowledge {
  format: typeof COMPILED_FORMAT;
  site: string;
  locale: Locale;
  articles: CompiledArticle[];
  /** lunr.Index#toJSON(); document refs are article ids, or `<id>#q<n>` for question docs. */
  index: object;
  /** raw English words of the articles, most frequent first (typo-correction lexicon) */
  words: string[];
}

export interface ArticleView {
  id: string;
  title: string;
  locale: Locale;
  excerpt: string;
  html: string;
  tags: string[];
}

/** A loaded site+locale index (returned by loadKnowledge, cached per site+locale). */
export interface Knowledge {
  readonly site: string;
  readonly locale: Locale;
  readonly index: lunr.Index;
  readonly articles: ReadonlyMap<string, CompiledArticle>;
  /** term → number of articles containing it (any field). */
  readonly df: ReadonlyMap<string, number>;
  readonly articleCount: number;
  /** typo-correction lexicon: word → rank (0 = most frequent in the articles) */
  readonly lexicon: readonly string[];
  readonly lexiconRank: ReadonlyMap<string, number>;
  /** Lazily built map for typo correction (deletion neighbourhood of every word). */
  typoIndex?: Map<string, string[]>;
  /** Lazily built: terms of each question document and of each title (`<id>#title`). */
  docTerms?: Map<string, string[]>;
  /** Lazily filled: every term of an article (all fields), per article id. */
  articleTerms?: Map<string, Set<string>>;
  /** term index → term (lazily built from the inverted index) */
  termByIndex?: string[];
  /** the compiled object this was loaded from (cache identity). */
  readonly source: CompiledKnowledge;
}

/** Several locales of one site; decide() picks the locale per message. */
export interface SiteKnowledge {
  site: string;
  defaultLocale?: Locale;
  locales: Partial<Record<Locale, Knowledge>>;
}

const cache = new Map<string, Knowledge>();

/** Article id of an index document ref (`track-order#q2` → `track-order`). */
export function refToArticleId(ref: string): string {
  const i = ref.indexOf('#');
  return i < 0 ? ref : ref.slice(0, i);
}

/**
 * Deserialise one compiled site+locale (lunr.Index.load) once and cache it in the isolate,
 * keyed by site+locale. Passing a different compiled object for the same key reloads.
 */
export function loadKnowledge(compiled: CompiledKnowledge): Knowledge {
  const key = `${compiled.site}\u0000${compiled.locale}`;
  const hit = cache.get(key);
  if (hit && hit.source === compiled) return hit;
  if (compiled.format !== COMPILED_FORMAT) {
    throw new Error(`kefu bot: unsupported compiled knowledge format ${String(compiled.format)}`);
  }
  const index = lunr.Index.load(compiled.index);
  const articles = new Map(compiled.articles.map((a) => [a.id, a]));
  // document frequency per term, counted per article (question docs fold into their article)
  const df = new Map<string, number>();
  const inverted = (index as unknown as { invertedIndex: Record<string, Record<string, unknown>> }).invertedIndex;
  const seen = new Set<string>();
  for (const term of Object.keys(inverted)) {
    const posting = inverted[term]!;
    seen.clear();
    for (const field of Object.keys(posting)) {
      if (field === '_index') continue;
      for (const ref of Object.keys(posting[field] as object)) seen.add(refToArticleId(ref));
    }
    df.set(term, seen.size);
  }
  const lexiconRank = new Map<string, number>();
  for (const w of [...(compiled.words ?? []), ...builtinLexicon()]) if (!lexiconRank.has(w)) lexiconRank.set(w, lexiconRank.size);
  const k: Knowledge = {
    lexicon: [...lexiconRank.keys()],
    lexiconRank,
    site: compiled.site,
    locale: compiled.locale,
    index,
    articles,
    df,
    articleCount: articles.size,
    source: compiled,
  };
  cache.set(key, k);
  return k;
}

/** Terms of every question document and title, read back from the Lunr field vectors. */
function termsByIndex(k: Knowledge): string[] {
  if (k.termByIndex) return k.termByIndex;
  const inverted = (k.index as unknown as { invertedIndex: Record<string, { _index: number }> }).invertedIndex;
  const byIndex: string[] = [];
  for (const term of Object.keys(inverted)) byIndex[inverted[term]!._index] = term;
  return (k.termByIndex = byIndex);
}

const ARTICLE_FIELDS = ['title', 'tags', 'questions', 'body'] as const;

/** Every term of one article, from its Lunr field vectors (cached). */
export function articleTermsOf(k: Knowledge, id: string): Set<string> {
  k.articleTerms ??= new Map();
  let set = k.articleTerms.get(id);
  if (set) return set;
  set = new Set<string>();
  const byIndex = termsByIndex(k);
  const vectors = (k.index as unknown as { fieldVectors: Record<string, { elements: number[] } | undefined> }).fieldVectors;
  for (const f of ARTICLE_FIELDS) {
    const el = vectors[`${f}/${id}`]?.elements;
    if (!el) continue;
    for (let i = 0; i < el.length; i += 2) set.add(byIndex[el[i]!]!);
  }
  k.articleTerms.set(id, set);
  return set;
}

export function docTermsOf(k: Knowledge): Map<string, string[]> {
  if (k.docTerms) return k.docTerms;
  const byIndex = termsByIndex(k);
  const vectors = (k.index as unknown as { fieldVectors: Record<string, { elements: number[] }> }).fieldVectors;
  const m = new Map<string, string[]>();
  for (const key of Object.keys(vectors)) {
    const slash = key.indexOf('/');
    const field = key.slice(0, slash);
    const ref = key.slice(slash + 1);
    let name: string;
    if (field === 'questions' && ref.includes('#')) name = ref;
    else if (field === 'title' && !ref.includes('#')) name = `${ref}#title`;
    else continue;
    const el = vectors[key]!.elements;
    const terms: string[] = [];
    for (let i = 0; i < el.length; i += 2) terms.push(byIndex[el[i]!]!);
    if (terms.length) m.set(name, terms);
  }
  k.docTerms = m;
  return m;
}

/** Load every locale of one catalog entry (`catalog[site]`). */
export function loadSiteKnowledge(entry: {
  site: { id: string; defaultLocale?: string };
  locales: Partial<Record<string, CompiledKnowledge>>;
}): SiteKnowledge {
  const locales: Partial<Record<Locale, Knowledge>> = {};
  for (const [loc, compiled] of Object.entries(entry.locales)) {
    if (compiled && (loc === 'en' || loc === 'zh')) locales[loc] = loadKnowledge(compiled);
  }
  const dl = entry.site.defaultLocale;
  return { site: entry.site.id, defaultLocale: dl === 'en' || dl === 'zh' ? dl : undefined, locales };
}

/** The article as the widget shows it, or undefined for an unknown id. */
export function getArticle(knowledge: Knowledge, id: string): ArticleView | undefined {
  const a = knowledge.articles.get(id);
  if (!a) return undefined;
  return { id: a.id, title: a.title, locale: a.locale, excerpt: a.excerpt, html: a.html, tags: [...a.tags] };
}
