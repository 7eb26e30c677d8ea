/**
 * A multinomial naive Bayes model over the shop's own phrasings: every article's example
 * questions and title, as the pipeline's terms. Pure.
 *
 * Why next to Lunr: Lunr (and the Dice similarity in decide.ts) score an article by its single
 * best-matching document, so one short example question that happens to share a generic word
 * ("order", "item") can win. The phrase model weighs the evidence of *all* of an article's
 * phrasings at once: a term that appears in ten of an article's questions counts for more than
 * one that appears in a single question of another. decide() mixes its posterior into the
 * ranking and gives it to the confidence model.
 *
 * Why not natural's BayesClassifier: it re-tokenises with its own stemmer (we need exactly the
 * text.ts pipeline), keeps every training document in memory, and scores every class with a
 * dense loop over the whole vocabulary. Here the model is trained lazily from the terms Lunr
 * already stores for each question document (no change to the compiled format), and a query
 * costs O(articles + postings of its terms), which keeps p99 low at 10,000 articles.
 */
import { docTermsOf, type Knowledge, refToArticleId } from './knowledge.ts';

/** Additive (Laplace) smoothing; 1 was best on the dev split (0.1 and 0.5 tried). */
const ALPHA = 1;

export interface PhraseModel {
  articleIds: string[];
  /** term → [article number, number of that article's phrasings containing the term] pairs, flattened */
  termCounts: Map<string, Int32Array>;
  /** per article: log(α / (total term count + α·V)), the log-likelihood of a term it never used */
  unseenLogLikelihood: Float64Array;
}

const models = new WeakMap<Knowledge, PhraseModel>();

export function phraseModelOf(k: Knowledge): PhraseModel {
  const cached = models.get(k);
  if (cached) return cached;
  const articleNumber = new Map<string, number>();
  const counts = new Map<string, Map<number, number>>();
  const totals: number[] = [];
  for (const [docRef, terms] of docTermsOf(k)) {
    const id = refToArticleId(docRef);
    let a = articleNumber.get(id);
    if (a === undefined) {
      a = articleNumber.size;
      articleNumber.set(id, a);
      totals.push(0);
    }
    for (const term of new Set(terms)) {
      let perArticle = counts.get(term);
      if (!perArticle) counts.set(term, (perArticle = new Map()));
      perArticle.set(a, (perArticle.get(a) ?? 0) + 1);
      totals[a]! += 1;
    }
  }
  const vocabularySize = counts.size;
  const termCounts = new Map<string, Int32Array>();
  for (const [term, perArticle] of counts) termCounts.set(term, Int32Array.from([...perArticle].flat()));
  const model: PhraseModel = {
    articleIds: [...articleNumber.keys()],
    termCounts,
    unseenLogLikelihood: Float64Array.from(totals, (total) => Math.log(ALPHA / (total + ALPHA * vocabularySize))),
  };
  models.set(k, model);
  return model;
}

/**
 * Posterior probability of each article given the query terms (uniform prior; terms the
 * model has never seen are ignored). Empty when no term is known. `weightOf` scales a term's
 * evidence (1 = a full term; retrieve.ts weighs generic verbs less in short messages).
 */
export function phraseProbabilities(k: Knowledge, terms: readonly string[], weightOf: (term: string) => number = () => 1): Map<string, number> {
  const model = phraseModelOf(k);
  const known = [...new Set(terms)].filter((t) => model.termCounts.has(t));
  const out = new Map<string, number>();
  if (known.length === 0) return out;
  const n = model.articleIds.length;
  const logLikelihood = new Float64Array(n);
  let weight = 0;
  for (const t of known) weight += weightOf(t);
  for (let a = 0; a < n; a++) logLikelihood[a] = weight * model.unseenLogLikelihood[a]!;
  for (const t of known) {
    const pairs = model.termCounts.get(t)!;
    const w = weightOf(t);
    for (let i = 0; i < pairs.length; i += 2) logLikelihood[pairs[i]!]! += w * Math.log((pairs[i + 1]! + ALPHA) / ALPHA);
  }
  let max = -Infinity;
  for (let a = 0; a < n; a++) if (logLikelihood[a]! > max) max = logLikelihood[a]!;
  let sum = 0;
  for (let a = 0; a < n; a++) sum += logLikelihood[a] = Math.exp(logLikelihood[a]! - max);
  for (let a = 0; a < n; a++) if (logLikelihood[a]! / sum > 1e-4) out.set(model.articleIds[a]!, logLikelihood[a]! / sum);
  return out;
}
