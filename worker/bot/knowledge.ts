/**
 * Compiled knowledge: the JSON shape written by knowledge-base/build and the loader that
 * turns it into a queryable, cached in-memory object. Pure: no I/O.
 */
import lunr from 'lunr';
import type { SiteSynonym } from './synonyms.ts';
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

/** One site+locale as a publish (worker/catalog) or the Node build compiles it. */
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
  /** Lazily built: terms of each question document and of each title (`<id>#title`). */
  docTerms?: Map<string, string[]>;
  /** Lazily filled: every term of an article (all fields), per article id. */
  articleTerms?: Map<string, Set<string>>;
  /** term index → term (lazily built from the inverted index) */
  termByIndex?: string[];
  /** Lazily filled per term: documents and summed Lunr field weights (see postingOf). */
  postings?: Map<string, Posting | null>;
  /** document number → Lunr ref, and back */
  refs?: string[];
  refIndex?: Map<string, number>;
  /** per-query score buffer (one per knowledge; decide() is synchronous) */
  scoreBuffer?: Float64Array;
}

/** Several locales of one site; decide() picks the locale per message. */
export interface SiteKnowledge {
  site: string;
  defaultLocale?: Locale;
  locales: Partial<Record<Locale, Knowledge>>;
  /** the shop's own words from its settings (worker/bot/synonyms.ts) */
  synonyms?: readonly SiteSynonym[];
}

/**
 * Loaded knowledge by the compiled object it came from, weakly: the callers' own caches (the
 * site cache's least-recently-used sites) decide how long a site stays loaded. A map by site
 * would pin every site an isolate ever served, and with it the derived data below.
 */
const loaded = new WeakMap<CompiledKnowledge, Knowledge>();

/** Article id of an index document ref (`track-order#q2` → `track-order`). */
/**
 * What is derived from one loaded knowledge and kept beside it (typo indexes, word caches): made
 * on first use, and dropped with the knowledge, as `store` holds it weakly.
 */
export function derivedFrom<V>(store: WeakMap<Knowledge, V>, k: Knowledge, make: () => V): V {
  let value = store.get(k);
  if (value === undefined) store.set(k, (value = make()));
  return value;
}

export function refToArticleId(ref: string): string {
  const i = ref.indexOf('#');
  return i < 0 ? ref : ref.slice(0, i);
}

/** Deserialise one compiled site+locale (lunr.Index.load), once per compiled object. */
export function loadKnowledge(compiled: CompiledKnowledge): Knowledge {
  const hit = loaded.get(compiled);
  if (hit) return hit;
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
  };
  loaded.set(compiled, k);
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

export interface Posting {
  docs: Int32Array;
  weights: Float64Array;
}

type LunrInternals = {
  invertedIndex: Record<string, Record<string, Record<string, unknown>> & { _index: number }>;
  fieldVectors: Record<string, { elements: number[] } | undefined>;
  fields: string[];
};

function weightAt(elements: number[], termIndex: number): number {
  let lo = 0;
  let hi = elements.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const idx = elements[mid * 2]!;
    if (idx === termIndex) return elements[mid * 2 + 1]!;
    if (idx < termIndex) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

/** Document numbering for postings (all Lunr refs, in field-vector order). */
export function refsOf(k: Knowledge): { refs: string[]; refIndex: Map<string, number> } {
  if (k.refs && k.refIndex) return { refs: k.refs, refIndex: k.refIndex };
  const refs: string[] = [];
  const refIndex = new Map<string, number>();
  for (const key of Object.keys((k.index as unknown as LunrInternals).fieldVectors)) {
    const ref = key.slice(key.indexOf('/') + 1);
    if (!refIndex.has(ref)) {
      refIndex.set(ref, refs.length);
      refs.push(ref);
    }
  }
  k.refs = refs;
  k.refIndex = refIndex;
  return { refs, refIndex };
}

/**
 * The documents containing `term` with the term's Lunr weight (BM25 × field boost, as Lunr
 * precomputed it in its field vectors) summed over the fields. Built on first use and cached.
 * Summing these over the query terms and dividing by √(number of query terms) gives exactly
 * lunr.Index#query's score, without its per-document MatchData allocations (which cost tens
 * of milliseconds per query at 10,000 articles).
 */
export function postingOf(k: Knowledge, term: string): Posting | null {
  k.postings ??= new Map();
  const hit = k.postings.get(term);
  if (hit !== undefined) return hit;
  const idx = k.index as unknown as LunrInternals;
  const entry = idx.invertedIndex[term];
  if (!entry) {
    k.postings.set(term, null);
    return null;
  }
  const { refIndex } = refsOf(k);
  const acc = new Map<number, number>();
  for (const field of idx.fields) {
    const refs = entry[field];
    if (!refs) continue;
    for (const ref of Object.keys(refs)) {
      const v = idx.fieldVectors[`${field}/${ref}`];
      if (!v) continue;
      const d = refIndex.get(ref)!;
      acc.set(d, (acc.get(d) ?? 0) + weightAt(v.elements, entry._index));
    }
  }
  const docs = new Int32Array(acc.size);
  const weights = new Float64Array(acc.size);
  let i = 0;
  for (const [d, w] of acc) {
    docs[i] = d;
    weights[i++] = w;
  }
  const p = { docs, weights };
  k.postings.set(term, p);
  return p;
}

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

/** Load every locale of one compiled site. */
export function loadSiteKnowledge(entry: { site: { id: string; defaultLocale?: string }; locales: Partial<Record<string, CompiledKnowledge>> }): SiteKnowledge {
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

/**
 * The best `limit` documents for the (already pipelined) terms, best first, with
 * lunr.Index#query's score: Σ over terms and fields of Lunr's field-vector weight, divided by
 * √(number of terms). Same ranking and numbers as `index.query(q => q.term(t, {usePipeline:false}))`.
 */
export function scoreDocuments(k: Knowledge, terms: readonly string[], limit: number): Array<{ ref: string; score: number }> {
  const { refs } = refsOf(k);
  const buf = k.scoreBuffer && k.scoreBuffer.length === refs.length ? k.scoreBuffer : (k.scoreBuffer = new Float64Array(refs.length));
  const touched: number[] = [];
  let n = 0;
  for (const t of new Set(terms)) {
    const p = postingOf(k, t);
    if (!p) continue;
    n++;
    const { docs, weights } = p;
    for (let i = 0; i < docs.length; i++) {
      const d = docs[i]!;
      if (buf[d] === 0) touched.push(d);
      buf[d] += weights[i]!;
    }
  }
  const norm = n > 0 ? 1 / Math.sqrt(n) : 0;
  const best: Array<{ ref: string; score: number }> = [];
  let floor = 0;
  for (const d of touched) {
    const sc = buf[d]! * norm;
    buf[d] = 0;
    if (best.length >= limit && sc <= floor) continue;
    let i = best.length;
    while (i > 0 && best[i - 1]!.score < sc) i--;
    best.splice(i, 0, { ref: refs[d]!, score: sc });
    if (best.length > limit) best.pop();
    floor = best[best.length - 1]!.score;
  }
  return best;
}
