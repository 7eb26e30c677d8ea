/**
 * Compiled knowledge: the JSON shape written by knowledge-base/build and the loader that
 * turns it into a queryable, cached in-memory object. Pure: no I/O.
 *
 * The loader reads Lunr's serialised index itself rather than through lunr.Index.load: the bot
 * scores with Lunr's own field weights (scoreDocuments) but never runs a Lunr query, and
 * lunr.Index.load keeps the index as objects (a term trie, a Vector per field and document, an
 * object per posting) that took about 7 bytes of heap per byte of JSON: 24 MB for a
 * 1,000-article site, 224 MB for a 10,000-article one, against an isolate's 128 MB. Here the
 * same numbers are kept in typed arrays.
 */
import type { SiteSynonym } from './synonyms.ts';
import { builtinLexicon, type Locale, tokenize } from './text.ts';

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

/** A loaded site+locale index (returned by loadKnowledge). */
export interface Knowledge {
  readonly site: string;
  readonly locale: Locale;
  readonly articles: ReadonlyMap<string, CompiledArticle>;
  /** term → number of articles containing it (any field). */
  readonly df: ReadonlyMap<string, number>;
  readonly articleCount: number;
  /** typo-correction lexicon: word → rank (0 = most frequent in the articles) */
  readonly lexicon: readonly string[];
  readonly lexiconRank: ReadonlyMap<string, number>;
  /** term → term number (Lunr's `_index`), and back */
  readonly termNumber: ReadonlyMap<string, number>;
  readonly termByIndex: readonly string[];
  /** document number → Lunr ref (`<id>` or `<id>#q<n>`), and back */
  readonly refs: readonly string[];
  readonly refIndex: ReadonlyMap<string, number>;
  /**
   * Postings: the documents of term t are postingDocs[postingStart[t] … postingEnd[t]), each with
   * the term's Lunr weight (BM25 × field boost, as Lunr precomputed it) summed over its fields.
   */
  readonly postingStart: Int32Array;
  readonly postingEnd: Int32Array;
  readonly postingDocs: Int32Array;
  readonly postingWeights: Float64Array;
  /** Lunr's fields, in its order */
  readonly fields: readonly string[];
  /**
   * Field vectors: the term numbers of field f of document d are
   * vectorTerms[vectorStart[v] … vectorStart[v + 1]) with v = vectorOf[d × fields + f] (−1: none).
   */
  readonly vectorOf: Int32Array;
  readonly vectorStart: Int32Array;
  readonly vectorTerms: Int32Array;
  /** Lazily built: terms of each question document and of each title (`<id>#title`). */
  docTerms?: Map<string, string[]>;
  /** Lazily filled: every term of an article (all fields), per article id. */
  articleTerms?: Map<string, Set<string>>;
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

/**
 * What is derived from one loaded knowledge and kept beside it (typo indexes, word caches): made
 * on first use, and dropped with the knowledge, as `store` holds it weakly.
 */
export function derivedFrom<V>(store: WeakMap<Knowledge, V>, k: Knowledge, make: () => V): V {
  let value = store.get(k);
  if (value === undefined) store.set(k, (value = make()));
  return value;
}

/** Article id of an index document ref (`track-order#q2` → `track-order`). */
export function refToArticleId(ref: string): string {
  const i = ref.indexOf('#');
  return i < 0 ? ref : ref.slice(0, i);
}

/** What the loader reads of lunr.Index#toJSON(). */
interface SerializedIndex {
  fields: string[];
  /** [`<field>/<ref>`, [term number, weight, term number, weight, …]], a document's fields together */
  fieldVectors: Array<[string, number[]]>;
  invertedIndex: Array<[string, { _index: number }]>;
}

/** Load one compiled site+locale, once per compiled object. */
export function loadKnowledge(compiled: CompiledKnowledge): Knowledge {
  const hit = loaded.get(compiled);
  if (hit) return hit;
  if (compiled.format !== COMPILED_FORMAT) {
    throw new Error(`kefu bot: unsupported compiled knowledge format ${String(compiled.format)}`);
  }
  const { fields, fieldVectors, invertedIndex } = compiled.index as SerializedIndex;
  const termByIndex: string[] = [];
  const termNumber = new Map<string, number>();
  for (const [term, entry] of invertedIndex) {
    termByIndex[entry._index] = term;
    termNumber.set(term, entry._index);
  }
  const termCount = termByIndex.length;

  // First pass: document numbers, and how many slots each term's posting and the vectors need.
  const refs: string[] = [];
  const refIndex = new Map<string, number>();
  const occurrences = new Int32Array(termCount);
  let vectorLength = 0;
  for (const [key, elements] of fieldVectors) {
    const ref = key.slice(key.indexOf('/') + 1);
    if (!refIndex.has(ref)) {
      refIndex.set(ref, refs.length);
      refs.push(ref);
    }
    for (let i = 0; i < elements.length; i += 2) occurrences[elements[i]!]! += 1;
    vectorLength += elements.length / 2;
  }
  const postingStart = new Int32Array(termCount);
  for (let t = 1; t < termCount; t++) postingStart[t] = postingStart[t - 1]! + occurrences[t - 1]!;
  const postingEnd = postingStart.slice();
  const slots = termCount ? postingStart[termCount - 1]! + occurrences[termCount - 1]! : 0;
  const postingDocs = new Int32Array(slots);
  const postingWeights = new Float64Array(slots);
  const vectorOf = new Int32Array(refs.length * fields.length).fill(-1);
  const vectorStart = new Int32Array(fieldVectors.length + 1);
  const vectorTerms = new Int32Array(vectorLength);

  // Second pass: fill both. A document's fields come together, so a term met again in the same
  // document adds to the document it appended last.
  fieldVectors.forEach(([key, elements], v) => {
    const slash = key.indexOf('/');
    const doc = refIndex.get(key.slice(slash + 1))!;
    const field = fields.indexOf(key.slice(0, slash));
    if (field >= 0) vectorOf[doc * fields.length + field] = v;
    let at = vectorStart[v]!;
    for (let i = 0; i < elements.length; i += 2) {
      const term = elements[i]!;
      vectorTerms[at++] = term;
      const end = postingEnd[term]!;
      if (end > postingStart[term]! && postingDocs[end - 1] === doc) postingWeights[end - 1]! += elements[i + 1]!;
      else {
        postingDocs[end] = doc;
        postingWeights[end] = elements[i + 1]!;
        postingEnd[term] = end + 1;
      }
    }
    vectorStart[v + 1] = at;
  });

  // document frequency per term, counted per article (question docs fold into their article)
  const df = new Map<string, number>();
  const seen = new Set<string>();
  termByIndex.forEach((term, t) => {
    seen.clear();
    for (let i = postingStart[t]!; i < postingEnd[t]!; i++) seen.add(refToArticleId(refs[postingDocs[i]!]!));
    df.set(term, seen.size);
  });

  const articles = new Map(compiled.articles.map((a) => [a.id, a]));
  const lexiconRank = new Map<string, number>();
  for (const w of [...(compiled.words ?? []), ...builtinLexicon()]) if (!lexiconRank.has(w)) lexiconRank.set(w, lexiconRank.size);
  const k: Knowledge = {
    lexicon: [...lexiconRank.keys()],
    lexiconRank,
    site: compiled.site,
    locale: compiled.locale,
    articles,
    df,
    articleCount: articles.size,
    termNumber,
    termByIndex,
    refs,
    refIndex,
    postingStart,
    postingEnd,
    postingDocs,
    postingWeights,
    fields,
    vectorOf,
    vectorStart,
    vectorTerms,
  };
  loaded.set(compiled, k);
  return k;
}

const ARTICLE_FIELDS = ['title', 'tags', 'questions', 'body'] as const;

/** The term numbers of one field of one document (empty when it has none). */
function vectorTermsOf(k: Knowledge, doc: number, field: number): Int32Array {
  const v = field < 0 ? -1 : k.vectorOf[doc * k.fields.length + field]!;
  return v < 0 ? EMPTY : k.vectorTerms.subarray(k.vectorStart[v]!, k.vectorStart[v + 1]!);
}
const EMPTY = new Int32Array(0);

/** Every term of one article, from its field vectors (cached). */
export function articleTermsOf(k: Knowledge, id: string): Set<string> {
  k.articleTerms ??= new Map();
  let set = k.articleTerms.get(id);
  if (set) return set;
  set = new Set<string>();
  const doc = k.refIndex.get(id);
  if (doc !== undefined) for (const f of ARTICLE_FIELDS) for (const term of vectorTermsOf(k, doc, k.fields.indexOf(f))) set.add(k.termByIndex[term]!);
  k.articleTerms.set(id, set);
  return set;
}

/** Each article's title and tag terms, as the pipeline reads them (cached per knowledge). */
const titleTermSets = new WeakMap<Knowledge, Map<string, ReadonlySet<string>>>();
export function titleTermsOf(k: Knowledge): ReadonlyMap<string, ReadonlySet<string>> {
  return derivedFrom(titleTermSets, k, () => {
    const m = new Map<string, ReadonlySet<string>>();
    for (const a of k.articles.values()) m.set(a.id, new Set(tokenize([a.title, ...a.tags].join(' \n '), k.locale)));
    return m;
  });
}

/**
 * The terms of each article's title and tags that no other article's title or tags has: the
 * words that name it ("warranty", "gift card", "paypal"), unlike "refund", which names three.
 */
const namingTermSets = new WeakMap<Knowledge, Map<string, ReadonlySet<string>>>();
export function namingTermsOf(k: Knowledge, id: string): ReadonlySet<string> {
  const byArticle = derivedFrom(namingTermSets, k, () => {
    const titled = titleTermsOf(k);
    const seen = new Map<string, number>();
    for (const terms of titled.values()) for (const t of terms) seen.set(t, (seen.get(t) ?? 0) + 1);
    const m = new Map<string, ReadonlySet<string>>();
    for (const [articleId, terms] of titled) m.set(articleId, new Set([...terms].filter((t) => seen.get(t) === 1)));
    return m;
  });
  return byArticle.get(id) ?? new Set();
}

export function docTermsOf(k: Knowledge): Map<string, string[]> {
  if (k.docTerms) return k.docTerms;
  const m = new Map<string, string[]>();
  const questions = k.fields.indexOf('questions');
  const title = k.fields.indexOf('title');
  k.refs.forEach((ref, doc) => {
    const question = ref.includes('#');
    const numbers = vectorTermsOf(k, doc, question ? questions : title);
    if (numbers.length)
      m.set(
        question ? ref : `${ref}#title`,
        Array.from(numbers, (term) => k.termByIndex[term]!),
      );
  });
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
 * √(number of terms). Same ranking and numbers as `index.query(q => q.term(t, {usePipeline:false}))`,
 * without its per-document MatchData allocations (which cost tens of milliseconds per query at
 * 10,000 articles).
 */
export function scoreDocuments(k: Knowledge, terms: readonly string[], limit: number): Array<{ ref: string; score: number }> {
  const { refs } = k;
  const buf = k.scoreBuffer && k.scoreBuffer.length === refs.length ? k.scoreBuffer : (k.scoreBuffer = new Float64Array(refs.length));
  const touched: number[] = [];
  let n = 0;
  for (const t of new Set(terms)) {
    const term = k.termNumber.get(t);
    if (term === undefined) continue;
    n++;
    for (let i = k.postingStart[term]!, end = k.postingEnd[term]!; i < end; i++) {
      const d = k.postingDocs[i]!;
      if (buf[d] === 0) touched.push(d);
      buf[d] += k.postingWeights[i]!;
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
