/**
 * Is this message about shopping with this shop? An answer needs evidence that it is, beyond
 * sharing generic words with an article: "what time does the museum open" matches the
 * contact article's "time" and "open", and a banking question about a card's minimum payment
 * matches the payment article's "card" and "payment". Pure.
 *
 *   shop   a word the top article matched is a shop word (lexicons.ts SHOP_WORDS) or one of that
 *          article's own distinctive title or tag words (used by few articles)
 *   other  the message names a service shops do not offer (OTHER_DOMAIN_WORDS: a loan, a
 *          flight, the weather); then only a core shop topic word (SHOP_TOPIC_WORDS) counts
 *
 * The verdict (verdict.ts) answers only with shop evidence; without it the top articles are
 * at most offered as chips. English only: Chinese messages carry no evidence (undefined).
 */

import { isCommonEnglishWord } from './english-words.ts';
import { articleTermsOf, derivedFrom, type Knowledge, titleTermsOf } from './knowledge.ts';
import { OTHER_DOMAIN_WORDS, SHOP_TOPIC_WORDS, SHOP_WORDS } from './lexicons.ts';
import { type Corrector, isEnglishStopWord, tokenize } from './text.ts';
import { typoCost } from './typo.ts';

export interface DomainEvidence {
  /** a word the top article matched is a shop word or one of its distinctive title/tag words */
  shop: boolean;
  /** the message names a service shops do not offer and no core shop topic */
  other: boolean;
  /**
   * common English words in the message that the shop's articles never use (foreignWordCount):
   * "what size tyres for my bike" has two. Absent: not counted.
   */
  foreign?: number;
}

/** The words as the pipeline reads them (synonyms folded, stemmed). */
function termsOf(words: readonly string[]): ReadonlySet<string> {
  return new Set(words.flatMap((w) => tokenize(w, 'en')));
}
const SHOP = termsOf(SHOP_WORDS);
const SHOP_TOPIC = termsOf(SHOP_TOPIC_WORDS);
const OTHER = termsOf(OTHER_DOMAIN_WORDS);

/**
 * A shop word, or a slip of one the knowledge base happens to know as typed (its shop-written
 * phrasings keep shoppers' spellings: "paymnt" is one edit from "payment").
 */
function isShopWord(t: string, k: Knowledge): boolean {
  if (SHOP.has(t)) return true;
  if (t.length < 5) return false;
  // only terms the knowledge base knows reach here: the cache is bounded by its vocabulary
  const cache = derivedFrom(slipsOfShopWords, k, () => new Map());
  let found = cache.get(t);
  if (found === undefined) {
    found = false;
    for (const w of SHOP) if (Math.abs(w.length - t.length) <= 1 && typoCost(t, w, 1) <= 1) found = true;
    cache.set(t, found);
  }
  return found;
}
const slipsOfShopWords = new WeakMap<Knowledge, Map<string, boolean>>();

const distinctive = new WeakMap<Knowledge, Map<string, ReadonlySet<string>>>();

/**
 * An article's own words: the terms of its title and tags that few articles use (at most one
 * in ten, and at least two), so "refund" names the refund articles but "time" names nothing.
 */
function distinctiveTerms(k: Knowledge, articleId: string): ReadonlySet<string> {
  const byArticle = derivedFrom(distinctive, k, () => new Map());
  const hit = byArticle.get(articleId);
  if (hit) return hit;
  const maxDf = Math.max(2, Math.floor(k.articleCount / 10));
  const terms = new Set([...(titleTermsOf(k).get(articleId) ?? [])].filter((t) => (k.df.get(t) ?? 0) <= maxDf));
  byArticle.set(articleId, terms);
  return terms;
}

const OTHER_TYPED = new Set(OTHER_DOMAIN_WORDS);

/** Does the message, as typed (before typo correction: "router" must not hide as "outer"), name another service? */
export function namesOtherService(text: string): boolean {
  for (const w of text.toLowerCase().split(/[^a-z]+/)) if (OTHER_TYPED.has(w) || (w.endsWith('s') && OTHER_TYPED.has(w.slice(0, -1)))) return true;
  return false;
}

/**
 * `terms` are the message's terms as retrieval read them (typos corrected); `typedOther`, whether
 * the message as typed names another service (namesOtherService).
 */
export function domainEvidence(k: Knowledge, terms: readonly string[], topArticleId: string, typedOther = false, foreign?: number): DomainEvidence | undefined {
  if (k.locale !== 'en') return undefined;
  const matched = articleTermsOf(k, topArticleId);
  const own = distinctiveTerms(k, topArticleId);
  const shop = terms.some((t) => matched.has(t) && (own.has(t) || isShopWord(t, k)));
  const other = (typedOther || terms.some((t) => OTHER.has(t))) && !terms.some((t) => SHOP_TOPIC.has(t));
  return foreign === undefined ? { shop, other } : { shop, other, foreign };
}

/**
 * Words of the message that are common English (english-words.ts), not stop words, and that none
 * of the shop's articles uses, even once read by `correct`: the words of something else ("tyres",
 * "bike"). A slip the corrector cannot place ("cancl") is not one: it is no English word.
 */
export function foreignWordCount(k: Knowledge, text: string, correct: Corrector): number {
  const seen = new Set<string>();
  for (const w of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    if (seen.has(w) || isEnglishStopWord(w) || !isCommonEnglishWord(w)) continue;
    const terms = tokenize(w, 'en', correct);
    if (terms.length > 0 && terms.every((t) => !k.df.has(t))) seen.add(w);
  }
  return seen.size;
}
