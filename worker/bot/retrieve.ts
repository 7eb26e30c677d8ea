/**
 * Retrieval: one query → the best articles, each with its Lunr score, coverage of the query,
 * similarity to its closest example question and phrase-model posterior, mixed into one
 * ranking value, and the confidence of the top one (verdict.ts). Pure.
 */
import { type DomainEvidence, domainEvidence, foreignWordCount, namesOtherService } from './domain.ts';
import { articleTermsOf, docTermsOf, type Knowledge, namingTermsOf, refToArticleId, scoreDocuments } from './knowledge.ts';
import { GENERIC_VERBS } from './lexicons.ts';
import type { BotOptions, RetrievalParams } from './options.ts';
import { phraseProbabilities } from './phrase-model.ts';
import { type Locale, tokenize } from './text.ts';
import { typoCorrector } from './typo.ts';
import { confidenceFeatures, confidenceOf, type ScoredArticle } from './verdict.ts';

/** Only the best Lunr documents are re-ranked. */
const MAX_CANDIDATES = 60;

export interface Retrieval {
  top: ScoredArticle[];
  coverage: number;
  similarity: number;
  margin: number;
  confidence: number;
  terms: string[];
  unknownTerms: string[];
  words: number;
  /** whether the message is about shopping (domain.ts); absent for Chinese and when nothing matched */
  domain?: DomainEvidence;
  /** a term of the message names the top article (knowledge.ts namingTermsOf); absent: it names none */
  namesTop?: true;
}

/** The generic verbs of shop chats as the pipeline reads them (stemmed). */
const GENERIC = new Set(GENERIC_VERBS.flatMap((w) => tokenize(w, 'en')));
/** A short message: the generic verbs of one with at most this many known terms weigh less. */
const SHORT_MESSAGE_TERMS = 4;

/**
 * The phrase model's weight of each term: in a short message that names something besides
 * its verbs, a generic verb ("send", "report", "check") weighs `weight`, so the thing named
 * decides ("send feedback" is about reviews, not about the articles that send most things).
 * An article whose phrasings use the verb on every line otherwise outweighs the one whose
 * phrasings name the thing: a short message has no other words to settle it.
 */
function genericVerbWeights(known: readonly string[], weight: number): (term: string) => number {
  if (weight === 1 || known.length > SHORT_MESSAGE_TERMS || known.every((t) => GENERIC.has(t))) return () => 1;
  return (t) => (GENERIC.has(t) ? weight : 1);
}

/** Words in a message (Chinese: each Han character), to tell a question from a bare word. */
function wordCount(text: string): number {
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  const latin = text.replace(/\p{Script=Han}/gu, ' ').match(/\p{L}+/gu)?.length ?? 0;
  return latin + han;
}

function idf(k: Knowledge, term: string, params: RetrievalParams): number {
  const df = k.df.get(term);
  if (df === undefined) return params.unknownWeight;
  return Math.log(1 + k.articleCount / (df + 0.5));
}

export const EMPTY = (terms: string[] = [], unknownTerms: string[] = [], words = 0): Retrieval => ({
  top: [],
  coverage: 0,
  similarity: 0,
  margin: 0,
  confidence: 0,
  terms,
  unknownTerms,
  words,
});

export function retrieve(k: Knowledge, text: string, locale: Locale, options: BotOptions, exclude?: ReadonlySet<string>): Retrieval {
  const params = options.params;
  const corrector = locale === 'en' ? typoCorrector(k, params.typoMinLen) : undefined;
  const terms = [...new Set(tokenize(text, locale, corrector))];
  const unknownTerms = terms.filter((t) => !k.df.has(t));
  const known = terms.filter((t) => k.df.has(t));
  const words = wordCount(text);
  if (known.length === 0) return EMPTY(terms, unknownTerms, words);
  const results = scoreDocuments(k, known, MAX_CANDIDATES);
  const weights = new Map<string, number>();
  let total = 0;
  for (const t of terms) {
    const w = idf(k, t, params);
    weights.set(t, w);
    total += w;
  }
  const docTerms = docTermsOf(k);
  const dice = (ref: string): number => {
    const dt = docTerms.get(ref);
    if (!dt) return 0;
    let inter = 0;
    let dw = 0;
    for (const t of dt) {
      const w = idf(k, t, params);
      dw += w;
      if (weights.has(t)) inter += w;
    }
    return (2 * inter) / (total + dw);
  };
  const phrase = phraseProbabilities(k, known, genericVerbWeights(known, params.genericVerbWeight));
  const byArticle = new Map<string, ScoredArticle>();
  const coverageOf = (id: string) => {
    const at = articleTermsOf(k, id);
    let matched = 0;
    for (const [t, w] of weights) if (at.has(t)) matched += w;
    return total > 0 ? matched / total : 0;
  };
  for (const r of results) {
    const id = refToArticleId(r.ref);
    if (exclude?.has(id)) continue;
    const cov = byArticle.get(id)?.coverage ?? coverageOf(id);
    const sim = r.ref.includes('#') ? dice(r.ref) : dice(`${id}#title`);
    const prev = byArticle.get(id);
    if (prev) {
      prev.score = Math.max(prev.score, r.score);
      prev.coverage = Math.max(prev.coverage, cov);
      prev.similarity = Math.max(prev.similarity, sim);
    } else {
      byArticle.set(id, { articleId: id, score: r.score, coverage: cov, similarity: sim, phrase: phrase.get(id) ?? 0, rank: 0 });
    }
  }
  // The phrase model may favour an article none of whose single documents made Lunr's cut.
  for (const [id, p] of phrase) {
    if (p < 0.05 || byArticle.has(id) || exclude?.has(id)) continue;
    byArticle.set(id, { articleId: id, score: 0, coverage: coverageOf(id), similarity: dice(`${id}#title`), phrase: p, rank: 0 });
  }
  const all = [...byArticle.values()];
  if (all.length === 0) return EMPTY(terms, unknownTerms, words);
  const s1 = Math.max(...all.map((a) => a.score));
  const pw = params.phraseWeight;
  const sw = params.simWeight;
  for (const a of all) a.rank = (1 - pw) * (sw * a.similarity + (1 - sw) * (s1 > 0 ? a.score / s1 : 0)) + pw * a.phrase;
  const top = all.sort((a, b) => b.rank - a.rank).slice(0, 5);
  const r1 = top[0]!.rank;
  const r2 = top[1]?.rank ?? 0;
  const margin = r1 > 0 ? Math.max(0, 1 - r2 / r1) : 0;
  const { coverage, similarity } = top[0]!;
  const confidence = confidenceOf(confidenceFeatures({ top, terms, unknownTerms }), options);
  const domain = domainEvidence(k, terms, top[0]!.articleId, locale === 'en' && namesOtherService(text), corrector && foreignWordCount(k, text, corrector));
  const naming = namingTermsOf(k, top[0]!.articleId);
  const namesTop = terms.some((t) => naming.has(t));
  return { top, coverage, similarity, margin, confidence, terms, unknownTerms, words, ...(domain ? { domain } : {}), ...(namesTop ? { namesTop } : {}) };
}
