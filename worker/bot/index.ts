/**
 * kefu bot core — pure functions, no I/O, no Workers runtime imports. The same code runs in
 * the Conversation Durable Object (workerd), in `npm run bot:batch` / eval / bench (Node) and
 * in vitest.
 *
 * Typical use in the Worker:
 *
 *   import { decide, getArticle, smalltalkReply } from './bot/index.ts';
 *
 *   const kb = await knowledgeFor(env, siteId);   // worker/sites.ts: the published indexes, cached per (site, version)
 *   const d = decide(text, { kb, locale: pageLocale, history });   // optional 3rd argument: BotOptions
 *   switch (d.action) {
 *     case 'answer':    getArticle(kb.locales[d.scores.locale]!, d.articleId) → title, excerpt, html
 *     case 'suggest':   d.articleIds (≤ 3) → chips (getArticle for titles)
 *     case 'handoff':   d.reason: requested_human | angry | complaint | low_confidence | not_helpful_twice | out_of_scope
 *     case 'smalltalk': smalltalkReply(d.kind, d.scores.locale, shopperName)
 *   }
 *   // "Was this helpful? no" button: onFeedback(false, { kb, history }) → suggest others / handoff on the 2nd no
 *
 * History entries (newest last) are `{kind:'bot', action, articleId?, articleIds?, query?}` for
 * each bot decision (query = the shopper text it answered) and `{kind:'feedback', helpful}`.
 * Every decision carries `scores` (top articles, confidence, coverage, margin, terms,
 * sentiment) for the agent console.
 */

export type { DecideContext, Decision, DecisionScores, HandoffReason, HistoryEntry, ScoredArticle } from './decide.ts';
export { confidenceOf, decide, onFeedback } from './decide.ts';
export type { ArticleView, CompiledArticle, CompiledKnowledge, Knowledge, SiteKnowledge } from './knowledge.ts';
export { getArticle, loadKnowledge, loadSiteKnowledge } from './knowledge.ts';
export type { BotOptionOverrides, BotOptions, ConfidenceModel, RetrievalParams, Thresholds } from './options.ts';
export { botOptions, DEFAULT_BOT_OPTIONS, THRESHOLDS } from './options.ts';
export type { SmalltalkKind } from './rules.ts';
export { smalltalkReply } from './rules.ts';
export type { Locale } from './text.ts';
export { detectLocale, tokenize } from './text.ts';
