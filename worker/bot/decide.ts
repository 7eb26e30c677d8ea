/**
 * decide(): one shopper message → answer | suggest | handoff | smalltalk. Pure.
 */

import type { HandoffReason } from '../../protocol/agent.ts';
import { articleTermsOf, docTermsOf, type Knowledge, refToArticleId, type SiteKnowledge, scoreDocuments } from './knowledge.ts';
import { type BotOptions, DEFAULT_BOT_OPTIONS, type RetrievalParams, type Thresholds } from './options.ts';
import { phraseProbabilities } from './phrase-model.ts';
import { isComplaint, isNotHelpful, requestsHuman, type SmalltalkKind, sentiment, smalltalkKind } from './rules.ts';
import { expandSynonyms } from './synonyms.ts';
import { detectLocale, type Locale, normalizeForRules, tokenize } from './text.ts';
import { typoCorrector } from './typo.ts';
import { type Reading, readMessage } from './understand.ts';

export type { HandoffReason };

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

/** Always attached, so the agent console can show why the bot did what it did. */
export interface DecisionScores {
  locale: Locale;
  /** best articles, best first (at most 5) */
  top: ScoredArticle[];
  /** 0..1, see confidenceOf() */
  confidence: number;
  coverage: number;
  similarity: number;
  /** 1 - runnerUp/top on the ranking value (0..1) */
  margin: number;
  /** query terms after the pipeline (typos corrected) */
  terms: string[];
  /** query terms the knowledge base does not know at all */
  unknownTerms: string[];
  /** words in the message as retrieval read it (Chinese: characters) */
  words: number;
  /** AFINN-style sum and intensity cues */
  sentiment: number;
  intensity: number;
}

export type Decision =
  | {
      action: 'answer';
      articleId: string;
      confidence: number;
      reason: string;
      scores: DecisionScores;
      /**
       * Other articles offered under the answer as "Not quite? …" chips: the runners-up when
       * the answer is only probable (the "probably" band), or the other question of a
       * message that asked two.
       */
      alternatives?: string[];
    }
  | { action: 'suggest'; articleIds: string[]; reason: string; scores: DecisionScores }
  | { action: 'handoff'; reason: HandoffReason; scores: DecisionScores }
  | { action: 'smalltalk'; kind: SmalltalkKind; reason: string; scores: DecisionScores };

/** What the Conversation remembers between messages (newest last). */
export type HistoryEntry =
  | { kind: 'bot'; action: Decision['action']; articleId?: string; articleIds?: string[]; query?: string }
  | { kind: 'feedback'; helpful: boolean; articleId?: string };

export interface DecideContext {
  /** the site's loaded knowledge (loadSiteKnowledge) or one loaded locale (loadKnowledge) */
  kb: SiteKnowledge | Knowledge;
  /** page / widget locale: used when the message itself has no letters */
  locale?: Locale;
  history?: readonly HistoryEntry[];
}

// ---------------------------------------------------------------------------------------

function pickKnowledge(kb: SiteKnowledge | Knowledge, locale: Locale): Knowledge | undefined {
  if ('index' in kb) return kb;
  return kb.locales[locale] ?? (kb.defaultLocale ? kb.locales[kb.defaultLocale] : undefined) ?? Object.values(kb.locales)[0];
}

/** Only the best Lunr documents are re-ranked. */
const MAX_CANDIDATES = 60;

interface Retrieval {
  top: ScoredArticle[];
  coverage: number;
  similarity: number;
  margin: number;
  confidence: number;
  terms: string[];
  unknownTerms: string[];
  words: number;
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

const EMPTY = (terms: string[] = [], unknownTerms: string[] = [], words = 0): Retrieval => ({
  top: [],
  coverage: 0,
  similarity: 0,
  margin: 0,
  confidence: 0,
  terms,
  unknownTerms,
  words,
});

function retrieve(k: Knowledge, text: string, locale: Locale, options: BotOptions, exclude?: ReadonlySet<string>): Retrieval {
  const params = options.params;
  const terms = [...new Set(tokenize(text, locale, locale === 'en' ? typoCorrector(k, params.typoMinLen) : undefined))];
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
  const phrase = phraseProbabilities(k, known);
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
  return { top, coverage, similarity, margin, confidence, terms, unknownTerms, words };
}

function notHelpfulStreak(history: readonly HistoryEntry[] | undefined): number {
  let n = 0;
  if (!history) return 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i]!;
    if (h.kind === 'bot') continue;
    if (h.helpful) break;
    n++;
  }
  return n;
}

function lastBotQuery(history: readonly HistoryEntry[] | undefined): { query: string; offered: Set<string> } | undefined {
  if (!history) return undefined;
  const offered = new Set<string>();
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i]!;
    if (h.kind !== 'bot') continue;
    if (h.articleId) offered.add(h.articleId);
    if (h.query) return { query: h.query, offered };
  }
  return undefined;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function scoresOf(r: Retrieval, locale: Locale, sent: { score: number; intensity: number }): DecisionScores {
  return {
    locale,
    top: r.top.map((t) => ({
      articleId: t.articleId,
      score: round(t.score),
      coverage: round(t.coverage),
      similarity: round(t.similarity),
      phrase: round(t.phrase),
      rank: round(t.rank),
    })),
    confidence: round(r.confidence),
    coverage: round(r.coverage),
    similarity: round(r.similarity),
    margin: round(r.margin),
    terms: r.terms,
    unknownTerms: r.unknownTerms,
    words: r.words,
    sentiment: sent.score,
    intensity: sent.intensity,
  };
}

/** What the threshold rules read from a ranking: decide()'s retrieval, or a decision's scores. */
export type RankingSummary = Pick<Retrieval, 'confidence' | 'coverage' | 'margin' | 'terms'> & {
  /** words in the message; absent → read as bare as its terms */
  words?: number;
  top: ReadonlyArray<Pick<ScoredArticle, 'articleId' | 'similarity' | 'rank'>>;
};

export type AnswerRule = 'confident match' | 'clear winner' | 'exact phrasing';

/** Why the top article may be given as an answer, or null. Part of rankingVerdict(). */
export function answerRule(
  r: Omit<RankingSummary, 'top'> & { top: ReadonlyArray<Pick<ScoredArticle, 'similarity'>> },
  T: Pick<Thresholds, 'ANSWER' | 'MIN_COVERAGE_ANSWER' | 'CLEAR_COVERAGE' | 'CLEAR_MARGIN' | 'EXACT_MIN_MARGIN'> &
    Partial<Pick<Thresholds, 'MIN_MARGIN_ANSWER'>> = DEFAULT_BOT_OPTIONS.thresholds,
): AnswerRule | null {
  if (r.top.length === 0) return null;
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
  // One-word messages ("refund") stay suggestions: they are too vague to answer.
  const exact = (a: Pick<ScoredArticle, 'similarity'> | undefined) => (a?.similarity ?? 0) >= 0.999;
  if (r.terms.length >= 2 && r.coverage >= 0.999 && r.margin >= T.EXACT_MIN_MARGIN && exact(r.top[0]) && !exact(r.top[1])) return 'exact phrasing';
  return null;
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
  if (r.confidence >= T.PROBABLY && r.coverage >= T.PROBABLY_MIN_COVERAGE && r.margin >= T.MIN_MARGIN_ANSWER) {
    const alternatives = r.top
      .slice(1)
      .filter((t) => t.rank >= r1 * T.SUGGEST_RATIO)
      .slice(0, T.PROBABLY_MAX_ALTERNATIVES)
      .map((t) => t.articleId);
    // A bare word several articles share ("refund?") is a choice to offer, not an answer; a bare
    // word only one article is about ("invoice pls") is answered.
    const bare = r.terms.length < 2 && (r.words ?? 0) < 3;
    if (!bare || alternatives.length === 0) return { action: 'answer', rule: 'probably', alternatives };
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

function fromRetrieval(r: Retrieval, scores: DecisionScores, T: Thresholds): Decision {
  const verdict = rankingVerdict(r, T);
  switch (verdict.action) {
    case 'answer':
      return {
        action: 'answer',
        articleId: r.top[0]!.articleId,
        confidence: round(r.confidence),
        reason: `${verdict.rule} (confidence ${round(r.confidence)}, coverage ${round(r.coverage)}, margin ${round(r.margin)})`,
        scores,
        ...(verdict.rule === 'probably' && verdict.alternatives.length > 0 ? { alternatives: verdict.alternatives } : {}),
      };
    case 'suggest':
      return { action: 'suggest', articleIds: verdict.articleIds, reason: `several articles are close (confidence ${round(r.confidence)})`, scores };
    case 'handoff':
      return { action: 'handoff', reason: verdict.reason, scores };
  }
}

/**
 * Decide what the bot does with one shopper message. Order of checks: explicit request for
 * a person, anger, complaint, "that didn't help", smalltalk, then retrieval. `options` (model,
 * retrieval parameters, thresholds) default to the tuned ones.
 */
export function decide(text: string, context: DecideContext, options: BotOptions = DEFAULT_BOT_OPTIONS): Decision {
  const locale = detectLocale(text, context.locale);
  const k = pickKnowledge(context.kb, locale);
  const reading = readMessage(text, { locale: k?.locale ?? locale, known: k ? knownWord(k) : undefined });
  // The rules read the message with its shorthand spelt out ("pls connect me to a human").
  const norm = normalizeForRules(reading.expanded);
  const sent = sentiment(text, locale);
  // The shop's own words (found in the message as typed) are read with their meaning, for retrieval only.
  const synonyms = 'locales' in context.kb ? context.kb.synonyms : undefined;
  const meanings = expandSynonyms(text, locale, synonyms).slice(text.length);
  const withSynonyms = (q: string) => q + meanings;
  const r: Retrieval = k ? retrieve(k, withSynonyms(reading.query), k.locale, options) : EMPTY();
  const scores = scoresOf(r, locale, sent);

  if (requestsHuman(norm, text)) return { action: 'handoff', reason: 'requested_human', scores };
  if (sent.angry) return { action: 'handoff', reason: 'angry', scores };
  if (isComplaint(norm, text)) return { action: 'handoff', reason: 'complaint', scores };

  if (isNotHelpful(norm, text)) {
    if (notHelpfulStreak(context.history) + 1 >= 2) return { action: 'handoff', reason: 'not_helpful_twice', scores };
    const prev = lastBotQuery(context.history);
    if (prev && k) {
      const alt = retrieve(k, previousQuery(prev.query, k), k.locale, options, prev.offered);
      const ids = alt.top.slice(0, 3).map((t) => t.articleId);
      if (ids.length > 0) {
        return {
          action: 'suggest',
          articleIds: ids,
          reason: 'not_helpful_once: other articles for the previous question',
          scores: scoresOf(alt, locale, sent),
        };
      }
    }
    return { action: 'handoff', reason: 'low_confidence', scores };
  }

  const kind = smalltalkKind(norm, text, locale);
  if (kind) return { action: 'smalltalk', kind, reason: `smalltalk: ${kind}`, scores };

  if (!k || r.terms.length === 0) return { action: 'handoff', reason: k ? 'low_confidence' : 'out_of_scope', scores };
  const two = reading.clauses.length > 1 ? twoQuestions(k, reading, withSynonyms, locale, sent, options) : undefined;
  return withNotes(two ?? fromRetrieval(r, scores, options.thresholds), reading);
}

/** Is this word one the knowledge base knows (a place it names is left to retrieval)? */
function knownWord(k: Knowledge): (w: string) => boolean {
  if (k.locale === 'en') return (w) => k.lexiconRank.has(w);
  return (w) => {
    const terms = tokenize(w, 'zh');
    return terms.length > 0 && terms.every((t) => k.df.has(t));
  };
}

/** A previous question, read again as decide() read it ("that didn't help" → other articles for it). */
function previousQuery(query: string, k: Knowledge): string {
  return readMessage(query, { locale: k.locale, known: knownWord(k) }).query;
}

/**
 * A message that asks two things ("how do I cancel? and when do I get my money back"): each
 * question is ranked alone. When they lead to different articles, the clearer one (higher
 * confidence) is answered, if its ranking earns an answer, and the other is offered as a chip.
 * Otherwise undefined: the whole message is ranked as one.
 */
function twoQuestions(
  k: Knowledge,
  reading: Reading,
  withSynonyms: (q: string) => string,
  locale: Locale,
  sent: { score: number; intensity: number },
  options: BotOptions,
): Decision | undefined {
  const parts = reading.clauses.map((c) => retrieve(k, withSynonyms(c), k.locale, options)).filter((p) => p.top.length > 0);
  const tops = new Set(parts.map((p) => p.top[0]!.articleId));
  if (parts.length < 2 || tops.size < 2) return undefined;
  const best = parts.reduce((a, b) => (b.confidence > a.confidence ? b : a));
  const d = fromRetrieval(best, scoresOf(best, locale, sent), options.thresholds);
  if (d.action !== 'answer') return undefined;
  const others = parts.filter((p) => p !== best).map((p) => p.top[0]!.articleId);
  const alternatives = [...new Set([...others, ...(d.alternatives ?? [])])]
    .filter((id) => id !== d.articleId)
    .slice(0, options.thresholds.PROBABLY_MAX_ALTERNATIVES);
  return { ...d, reason: `two questions: ${d.reason}`, alternatives };
}

/** The reading's rules, added to the reason the agent console shows. */
function withNotes(d: Decision, reading: Reading): Decision {
  if (reading.notes.length === 0 || d.action === 'handoff') return d;
  return { ...d, reason: `${d.reason}; read: ${[...new Set(reading.notes)].join(', ')}` };
}

/**
 * The shopper pressed "Was this helpful? no" (or yes). Returns the follow-up decision:
 * on the second "no" in a row a handoff (not_helpful_twice); on the first "no" up to three
 * other articles for the same question; on "yes" null (nothing to do).
 * `context.history` must not yet contain this feedback.
 */
export function onFeedback(helpful: boolean, context: DecideContext, options: BotOptions = DEFAULT_BOT_OPTIONS): Decision | null {
  if (helpful) return null;
  const prev = lastBotQuery(context.history);
  const locale = context.locale ?? (prev ? detectLocale(prev.query) : 'en');
  const k = pickKnowledge(context.kb, prev ? detectLocale(prev.query, locale) : locale);
  const empty = EMPTY();
  if (notHelpfulStreak(context.history) + 1 >= 2) {
    return { action: 'handoff', reason: 'not_helpful_twice', scores: scoresOf(empty, locale, { score: 0, intensity: 0 }) };
  }
  if (!prev || !k) return null;
  const alt = retrieve(k, previousQuery(prev.query, k), k.locale, options, prev.offered);
  const ids = alt.top.slice(0, 3).map((t) => t.articleId);
  if (ids.length === 0) return null;
  return {
    action: 'suggest',
    articleIds: ids,
    reason: 'not_helpful_once: other articles for the previous question',
    scores: scoresOf(alt, locale, { score: 0, intensity: 0 }),
  };
}
