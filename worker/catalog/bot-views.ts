/**
 * The bot's decision as the console shows it: "Try the bot" (decision, top articles with
 * confidence, reasons), agent assist and the article picker of a knowledge gap. Pure.
 */
import type { AssistArticle, BotTrialArticle, BotTrialResponse } from '../../protocol/site-admin.ts';
import { type Decision, decide, type SiteKnowledge } from '../bot/index.ts';
import type { Locale } from '../bot/text.ts';

const round = (x: number) => Math.round(x * 100) / 100;

/**
 * The top articles with a confidence each: the first carries the decision's confidence, the
 * others that confidence scaled by their ranking value relative to the first.
 */
export function topArticles(kb: SiteKnowledge, decision: Decision, limit: number): (BotTrialArticle & { locale: Locale; excerpt: string })[] {
  const locale = decision.scores.locale;
  const knowledge = kb.locales[locale];
  const top = decision.scores.top;
  const best = top[0]?.rank ?? 0;
  return top.slice(0, limit).flatMap((scored, i) => {
    const article = knowledge?.articles.get(scored.articleId);
    if (!article) return [];
    const confidence = i === 0 ? decision.scores.confidence : best > 0 ? decision.scores.confidence * Math.max(0, scored.rank / best) : 0;
    return [{ id: article.id, title: article.title, locale, excerpt: article.excerpt, confidence: round(confidence) }];
  });
}

export function trialOf(kb: SiteKnowledge, text: string, locale?: Locale): BotTrialResponse {
  const decision = decide(text, { kb, locale });
  const { scores } = decision;
  const reasons: string[] = [];
  if (decision.action === 'handoff') reasons.push(`hands off: ${decision.reason.replace(/_/g, ' ')}`);
  else reasons.push(decision.reason);
  reasons.push(`confidence ${round(scores.confidence)}, coverage ${round(scores.coverage)}, margin ${round(scores.margin)}`);
  if (scores.unknownTerms.length) reasons.push(`words the articles do not know: ${scores.unknownTerms.join(', ')}`);
  return {
    decision: decision.action,
    locale: scores.locale,
    articles: topArticles(kb, decision, 5).map(({ id, title, confidence }) => ({ id, title, confidence })),
    reasons,
    handoffReason: decision.action === 'handoff' ? decision.reason : undefined,
  };
}

export function assistOf(kb: SiteKnowledge, text: string, locale?: Locale): AssistArticle[] {
  const decision = decide(text, { kb, locale });
  return topArticles(kb, decision, 3);
}

export function suggestionsOf(kb: SiteKnowledge, text: string, locale?: Locale): BotTrialArticle[] {
  return topArticles(kb, decide(text, { kb, locale }), 3).map(({ id, title, confidence }) => ({ id, title, confidence }));
}
