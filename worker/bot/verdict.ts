/**
 * From a ranking to a verdict, with no text in sight: the confidence model's features and its
 * probability (confidenceOf), and the threshold rules (answerRule, rankingVerdict) that turn a
 * ranking into answer, "probably", suggest or hand off. decide() applies them to its retrieval;
 * the evaluation's --fit and --tune-band apply them to the scores of decisions already made.
 */
import type { DomainEvidence } from './domain.ts';
import { type BotOptions, DEFAULT_BOT_OPTIONS, type Thresholds } from './options.ts';

export interface ScoredArticle {
  articleId: string;
  /** raw Lunr (BM25) score of the article's best-matching document */
  score: number;
  /** IDF-weighted share of the query's terms that this article matched (0..1) */
  coverage: number;
  /** weighted Dice similarity to the article's closest example question or title (0..1) */
  similarity: number;
  /** posterior of the phrase model (naive Bayes over all the article's example questions, 0..1) */
  phrase: number;
  /** ranking value (similarity, relative Lunr score and phrase posterior mixed, see RETRIEVAL_PARAMS in options.ts) */
  rank: number;
}

/**
 * Confidence from the Lunr scores, not the raw score: how much of the question the best
 * article explains (coverage of the query's IDF weight, and the weighted Dice similarity to
 * its closest example question or title), times how clearly it leads the runner-up.
 */
export interface ConfidenceFeatures {
  /** top article: coverage, similarity, ranking value; runner-up similarity and ranking value */
  cov1: number;
  sim1: number;
  rank1: number;
  sim2: number;
  rank2: number;
  /** Lunr score share of the top article against the runner-up: s1 / (s1 + s2) */
  share: number;
  /** number of query terms, and the share of them the knowledge base has never seen */
  terms: number;
  unknownShare: number;
  /** phrase-model posterior of the top article, and the best posterior among the runners-up */
  ph1: number;
  ph2: number;
}

/** The confidence model's input, in the order of CONFIDENCE_MODEL's weights (options.ts). */
export function featureVector(f: ConfidenceFeatures): number[] {
  const margin = f.rank1 > 0 ? Math.max(0, 1 - f.rank2 / f.rank1) : 0;
  return [f.cov1, f.sim1, f.sim1 - f.sim2, margin, f.share, Math.log1p(f.terms), f.unknownShare, f.cov1 * margin, f.ph1, f.ph1 - f.ph2];
}

/**
 * The features of the top two articles of a ranking, as the confidence model reads them.
 * decide() computes them from the unrounded retrieval; the evaluation's --fit, from the
 * rounded scores a decision carries.
 */
export function confidenceFeatures(r: {
  top: ReadonlyArray<Pick<ScoredArticle, 'score' | 'coverage' | 'similarity' | 'rank' | 'phrase'>>;
  terms: readonly string[];
  unknownTerms: readonly string[];
}): ConfidenceFeatures {
  let ph2 = 0;
  for (let i = 1; i < r.top.length; i++) ph2 = Math.max(ph2, r.top[i]!.phrase);
  const t1 = r.top[0];
  const t2 = r.top[1];
  const s1 = t1?.score ?? 0;
  const s2 = t2?.score ?? 0;
  return {
    cov1: t1?.coverage ?? 0,
    sim1: t1?.similarity ?? 0,
    rank1: t1?.rank ?? 0,
    sim2: t2?.similarity ?? 0,
    rank2: t2?.rank ?? 0,
    share: s1 + s2 > 0 ? s1 / (s1 + s2) : 0,
    terms: r.terms.length,
    unknownShare: r.terms.length ? r.unknownTerms.length / r.terms.length : 0,
    ph1: t1?.phrase ?? 0,
    ph2,
  };
}

/**
 * Probability that answering with the top article is right: the options' logistic model
 * (CONFIDENCE_MODEL in options.ts) or, when it is null, the hand-made formula below.
 */
export function confidenceOf(f: ConfidenceFeatures, options: BotOptions = DEFAULT_BOT_OPTIONS): number {
  const m = options.model;
  if (m) {
    const x = featureVector(f);
    let z = m.bias;
    for (let i = 0; i < x.length; i++) z += (m.weights[i] ?? 0) * x[i]!;
    return 1 / (1 + Math.exp(-z));
  }
  const margin = f.rank1 > 0 ? Math.max(0, 1 - f.rank2 / f.rank1) : 0;
  const w = options.params.covWeight;
  const mw = options.params.marginWeight;
  return (w * f.cov1 + (1 - w) * f.sim1) * (1 - mw + mw * margin);
}

/** What the threshold rules read from a ranking: decide()'s retrieval, or a decision's scores. */
export interface RankingSummary {
  confidence: number;
  coverage: number;
  margin: number;
  terms: readonly string[];
  /** the terms the knowledge base has never seen (absent: not known, and no keyword rule) */
  unknownTerms?: readonly string[];
  /** words in the message; absent → read as bare as its terms */
  words?: number;
  /** whether the message is about shopping (domain.ts); absent → not judged (Chinese, hand-made rankings) */
  domain?: DomainEvidence;
  /** a word of the message is a title or tag word of the top article and of no other (namingTermsOf) */
  namesTop?: boolean;
  top: ReadonlyArray<Pick<ScoredArticle, 'articleId' | 'similarity' | 'rank'> & Partial<Pick<ScoredArticle, 'phrase'>>>;
}

export type AnswerRule = 'confident match' | 'clear winner' | 'exact phrasing';

/**
 * The phrase model (all of every article's phrasings at once) ranks the top article first too.
 * Absent posteriors (a hand-made ranking) count as agreeing.
 */
export function phrasesAgree(top: ReadonlyArray<Partial<Pick<ScoredArticle, 'phrase'>>>): boolean {
  const p1 = top[0]?.phrase;
  return p1 === undefined || top.every((t) => (t.phrase ?? 0) <= p1);
}

/**
 * The message is about the shop (domain.ts): a word the top article matched is a shop word or
 * one of the article's own, and it names no service shops do not offer. Without that evidence
 * nothing is answered, not even in the band: the top articles are at most offered as chips.
 */
export function aboutTheShop(r: Pick<RankingSummary, 'domain'>): boolean {
  return !r.domain || (r.domain.shop && !r.domain.other);
}

/** Why the top article may be given as an answer, or null. Part of rankingVerdict(). */
export function answerRule(
  r: Omit<RankingSummary, 'top'> & { top: ReadonlyArray<Pick<ScoredArticle, 'similarity'> & Partial<Pick<ScoredArticle, 'phrase'>>> },
  T: Pick<Thresholds, 'ANSWER' | 'MIN_COVERAGE_ANSWER' | 'CLEAR_COVERAGE' | 'CLEAR_MARGIN' | 'EXACT_MIN_MARGIN'> &
    Partial<Pick<Thresholds, 'MIN_MARGIN_ANSWER'>> = DEFAULT_BOT_OPTIONS.thresholds,
): AnswerRule | null {
  if (r.top.length === 0 || !aboutTheShop(r)) return null;
  // A bare word ("refund?") is never answered outright: at most in the "probably" band, with
  // chips. A question around one word ("how do I ask for a refund") may be.
  const question = r.terms.length >= 2 || (r.words ?? 0) >= 3;
  if (question && r.confidence >= T.ANSWER && r.coverage >= T.MIN_COVERAGE_ANSWER && r.margin >= (T.MIN_MARGIN_ANSWER ?? 0)) return 'confident match';
  // (one word is too vague for it: a word only one article uses is not a question about it)
  if (r.terms.length >= 2 && r.coverage >= T.CLEAR_COVERAGE && r.margin >= T.CLEAR_MARGIN) return 'clear winner';
  // Every word of the message, and nothing else, is one of this article's example questions,
  // and no other article has such a question: the shop wrote this phrasing for this article.
  // It must still lead the ranking a little: with 70 phrasings an article, a short generic one
  // ("money back") can be an exact match while the rest of the evidence points elsewhere.
  // One-word messages ("refund") stay suggestions: they are too vague to answer. And the
  // article's other phrasings must agree (the phrase model ranks it first): a two-word phrasing
  // one article happens to own ("delivery options" written under placing an order) is not
  // evidence against everything the other articles' phrasings say.
  const exact = (a: Pick<ScoredArticle, 'similarity'> | undefined) => (a?.similarity ?? 0) >= 0.999;
  if (r.terms.length >= 2 && r.coverage >= 0.999 && r.margin >= T.EXACT_MIN_MARGIN && exact(r.top[0]) && !exact(r.top[1]) && phrasesAgree(r.top))
    return 'exact phrasing';
  return null;
}

/**
 * The confidence the "probably" band starts from: PROBABLY, or PROBABLY_SHORT for a short
 * English message (at most SHORT_MESSAGE_WORDS words; English only, where the shop evidence
 * of domain.ts was weighed) whose words the top article covers (PROBABLY_SHORT_MIN_COVERAGE:
 * in "hotel refund" or "cancel uber" one word of two is not the shop's, and the message is
 * likely another business's). Never higher than PROBABLY.
 */
export function bandThreshold(
  r: Pick<RankingSummary, 'words' | 'domain' | 'coverage'>,
  T: Pick<Thresholds, 'PROBABLY' | 'PROBABLY_SHORT' | 'SHORT_MESSAGE_WORDS' | 'PROBABLY_SHORT_MIN_COVERAGE'>,
): number {
  const short = r.domain !== undefined && r.words !== undefined && r.words <= T.SHORT_MESSAGE_WORDS && r.coverage >= T.PROBABLY_SHORT_MIN_COVERAGE;
  return short ? Math.min(T.PROBABLY, T.PROBABLY_SHORT) : T.PROBABLY;
}

/** What the thresholds make of a ranking (see THRESHOLDS in options.ts). */
export type RankingVerdict =
  | { action: 'answer'; rule: AnswerRule }
  | { action: 'answer'; rule: 'probably'; alternatives: string[] }
  | { action: 'suggest'; articleIds: string[] }
  | { action: 'handoff'; reason: 'out_of_scope' | 'low_confidence' };

/**
 * answer, suggest or hand off, from the ranking alone. decide() applies it to its retrieval;
 * the evaluation's threshold search (bench/eval.ts --tune) applies it to the scores of
 * decisions already made, with other thresholds.
 */
export function rankingVerdict(r: RankingSummary, T: Thresholds = DEFAULT_BOT_OPTIONS.thresholds): RankingVerdict {
  const rule = answerRule(r, T);
  if (rule) return { action: 'answer', rule };
  if (r.top.length === 0) return { action: 'handoff', reason: r.coverage < T.OUT_OF_SCOPE ? 'out_of_scope' : 'low_confidence' };
  const r1 = r.top[0]!.rank;
  // The "probably" band: likely but not certain. Answer, and offer the runners-up as chips.
  const shop = aboutTheShop(r);
  // (and when half its terms are English words the shop never uses, the message is likely about
  // something else: "what size tyres for my bike" is no question for the size guide)
  const foreign = (r.domain?.foreign ?? 0) >= T.PROBABLY_MAX_FOREIGN_SHARE * r.terms.length;
  if (
    shop &&
    !foreign &&
    r.confidence >= bandThreshold(r, T) &&
    r.coverage >= T.PROBABLY_MIN_COVERAGE &&
    r.margin >= T.MIN_MARGIN_ANSWER &&
    (phrasesAgree(r.top) || r.namesTop)
  ) {
    const alternatives = r.top
      .slice(1)
      .filter((t) => t.rank >= r1 * T.SUGGEST_RATIO)
      .slice(0, T.PROBABLY_MAX_ALTERNATIVES)
      .map((t) => t.articleId);
    // A bare word several articles share ("refund?") is a choice to offer, not an answer; a bare
    // word only one article is about ("invoice pls"), or that names one in its title or tags
    // ("warranty", "gift card": others mention them), is answered.
    const bare = r.terms.length < 2 && (r.words ?? 0) < 3 && !r.namesTop;
    if (!bare || alternatives.length === 0) return { action: 'answer', rule: 'probably', alternatives };
  }
  // A keyword question ("cancellation fee", "refund status pls"): two to four words, every one
  // known and every one in the top article, which leads and which the phrase model ranks first
  // too. Short messages score lower confidence than they deserve (less text to match), so the
  // band takes them from a lower confidence.
  if (
    shop &&
    r.terms.length >= 2 &&
    r.terms.length <= 4 &&
    r.unknownTerms?.length === 0 &&
    r.coverage >= 0.999 &&
    r.margin >= T.KEYWORD_MIN_MARGIN &&
    r.confidence >= T.KEYWORD_MIN_CONFIDENCE &&
    phrasesAgree(r.top)
  ) {
    const alternatives = r.top
      .slice(1)
      .filter((t) => t.rank >= r1 * T.SUGGEST_RATIO)
      .slice(0, T.PROBABLY_MAX_ALTERNATIVES)
      .map((t) => t.articleId);
    return { action: 'answer', rule: 'probably', alternatives };
  }
  if (r.confidence >= T.SUGGEST && r.coverage >= T.OUT_OF_SCOPE) {
    const articleIds = r.top
      .filter((t) => t.rank >= r1 * T.SUGGEST_RATIO)
      .slice(0, 3)
      .map((t) => t.articleId);
    return { action: 'suggest', articleIds };
  }
  return { action: 'handoff', reason: r.coverage < T.OUT_OF_SCOPE ? 'out_of_scope' : 'low_confidence' };
}
