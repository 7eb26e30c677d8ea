/**
 * decide(): one shopper message → answer | suggest | handoff | smalltalk. Pure. The message is
 * read (understand.ts), ranked (retrieve.ts) and judged (verdict.ts) here, after the rules
 * that come first (a person asked for, anger, complaint, "that didn't help", smalltalk).
 */

import type { HandoffReason } from '../../protocol/agent.ts';
import type { DomainEvidence } from './domain.ts';
import type { Knowledge, SiteKnowledge } from './knowledge.ts';
import { type BotOptions, DEFAULT_BOT_OPTIONS, type Thresholds } from './options.ts';
import { EMPTY, type Retrieval, retrieve } from './retrieve.ts';
import { isComplaint, isNotHelpful, requestsHuman, type SmalltalkKind, sentiment, smalltalkKind } from './rules.ts';
import { expandSynonyms } from './synonyms.ts';
import { detectLocale, type Locale, normalizeForRules, tokenize } from './text.ts';
import { typoCorrector } from './typo.ts';
import { type Reading, readMessage } from './understand.ts';
import { aboutTheShop, rankingVerdict, type ScoredArticle } from './verdict.ts';

export type { AnswerRule, ConfidenceFeatures, RankingSummary, RankingVerdict } from './verdict.ts';
export { answerRule, confidenceFeatures, confidenceOf, featureVector, rankingVerdict } from './verdict.ts';
export type { HandoffReason, ScoredArticle };

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
  /** whether the message is about shopping (domain.ts); absent for Chinese */
  domain?: DomainEvidence;
  /** a word of the message names the top article (a title or tag word of it alone) */
  namesTop?: true;
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
  if (!('locales' in kb)) return kb;
  return kb.locales[locale] ?? (kb.defaultLocale ? kb.locales[kb.defaultLocale] : undefined) ?? Object.values(kb.locales)[0];
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
    ...(r.domain ? { domain: r.domain } : {}),
    ...(r.namesTop ? { namesTop: r.namesTop } : {}),
  };
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
      return {
        action: 'suggest',
        articleIds: verdict.articleIds,
        reason: aboutTheShop(r)
          ? `several articles are close (confidence ${round(r.confidence)})`
          : `no sign the message is about the shop, only chips (confidence ${round(r.confidence)})`,
        scores,
      };
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
  const reading = readMessage(text, {
    locale: k?.locale ?? locale,
    known: k ? knownWord(k, options.params.typoMinLen) : undefined,
    typoMinLen: options.params.typoMinLen,
  });
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

/** Is this word one the knowledge base knows, as a word and not as a slip its phrasings keep (a place it names is left to retrieval)? */
function knownWord(k: Knowledge, typoMinLen = DEFAULT_BOT_OPTIONS.params.typoMinLen): (w: string) => boolean {
  if (k.locale === 'en') {
    // (not a slip the shop's own phrasings keep, "recieved": the rules look for the word meant)
    const corrector = typoCorrector(k, typoMinLen);
    return (w) => k.lexiconRank.has(w) && corrector.word(w) === undefined;
  }
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
