/**
 * The bot's side of a chat: decide() on the shopper's words (worker/bot, pure), then an answer,
 * chips, small talk or a handoff; feedback on answers; and what the knowledge base should learn
 * (gaps, and phrasings proposed from chosen chips). Speaks only while the chat is with the bot.
 */
import type { ArticleCard, HandoffReason } from '../../protocol/index.ts';
import { type Decision, decide, getArticle, onFeedback, smalltalkReply } from '../bot/index.ts';
import { catalogOf } from '../catalog/site-cache.ts';
import type { Env } from '../env.ts';
import type { ChatEvent } from '../inbox/service-desk.ts';
import { type PhraseLocale, phrase } from '../phrases.ts';
import { knowledgeFor } from '../sites.ts';
import { siteInbox } from '../stubs.ts';
import type { ChatRecord } from './chat-record.ts';
import type { ChatSockets } from './chat-sockets.ts';
import type { TranscriptStore } from './transcript-store.ts';

export interface BotTurnHost {
  env: Env;
  record: ChatRecord;
  store: TranscriptStore;
  sockets: ChatSockets;
  /** Through the lifecycle: the chat goes to a person (or the offline form). */
  handOff(reason: HandoffReason, lastMessage: string): Promise<void>;
  /** The shopper wrote in another language than the chat's. */
  switchLocale(locale: PhraseLocale): void;
}

export class BotTurn {
  constructor(private readonly host: BotTurnHost) {}

  /**
   * The shopper's message, answered; reported to the site's figures after the answer, so the
   * report adds no delay before it, and in one call with the answer's own event (one RPC a turn).
   */
  async reply(text: string): Promise<void> {
    const at = Date.now();
    const answered = await this.answerMessage(text);
    await this.report(...answered, { kind: 'message', at });
  }

  private async answerMessage(text: string): Promise<ChatEvent[]> {
    await this.settleSuggestions();
    const kb = await knowledgeFor(this.host.env, this.host.record.siteId());
    if (!kb) return [];
    const decision = decide(text, { kb, locale: this.host.record.locale(), history: this.host.record.history() });
    if (decision.scores.locale !== this.host.record.locale()) this.host.switchLocale(decision.scores.locale);
    return this.act(decision, text);
  }

  /** After a chosen chip was stored as the shopper's message. */
  async answerChosen(article: ArticleCard): Promise<void> {
    this.rememberChosenSuggestion(article.id);
    this.host.record.pushHistory({ kind: 'bot', action: 'answer', articleId: article.id, query: article.title });
    this.sendAnswer(article, 1, 'chosen by the shopper from suggestions');
    await this.report({ kind: 'chip', at: Date.now() });
  }

  /** "Helpful" teaches, "not helpful" is a gap and gets the next best answer, or a person. */
  async feedback(answer: ArticleCard, helpful: boolean): Promise<void> {
    const at = Date.now();
    const answered = await this.followFeedback(answer, helpful);
    await this.report(...answered, { kind: 'feedback', helpful, at });
  }

  /** The events of a follow-up answer, if one was given. */
  private async followFeedback(answer: ArticleCard, helpful: boolean): Promise<ChatEvent[]> {
    const { record } = this.host;
    const history = record.history();
    record.pushHistory({ kind: 'feedback', helpful, articleId: answer.id });
    // A chosen chip marked helpful teaches the article a phrasing; "not helpful" forgets it.
    if (helpful) await this.proposeChosenPhrasing();
    else record.setChosenSuggestion(null);
    if (helpful || record.state() !== 'bot') return [];
    const asked = [...history].reverse().find((entry) => entry.kind === 'bot' && entry.action === 'answer');
    const question = asked?.kind === 'bot' ? asked.query : undefined;
    await this.recordGap(question ?? answer.title, 'not_helpful');
    const kb = await knowledgeFor(this.host.env, record.siteId());
    const followUp = kb ? onFeedback(false, { kb, locale: record.locale(), history }) : null;
    if (followUp) return this.act(followUp, question ?? '');
    await this.host.handOff('not_helpful_twice', '');
    return [];
  }

  /** Says what the decision calls for; returns the events to report (an answer's), for the caller's one report. */
  private async act(decision: Decision, query: string): Promise<ChatEvent[]> {
    const { record, store, sockets } = this.host;
    const locale = decision.scores.locale;
    switch (decision.action) {
      case 'answer': {
        const article = await this.article(decision.articleId, locale);
        if (!article) {
          await this.host.handOff('low_confidence', query);
          return [];
        }
        record.pushHistory({ kind: 'bot', action: 'answer', articleId: article.id, query });
        const articles = await Promise.all((decision.alternatives ?? []).map((id) => this.article(id, locale)));
        const alternatives = articles.flatMap((a) => (a ? [{ id: a.id, title: a.title }] : []));
        if (alternatives.length === 0) this.sendAnswer(article, decision.confidence, decision.reason);
        else {
          const confidence = Math.round(decision.confidence * 100) / 100;
          const bot = { kind: 'answer' as const, article, confidence, reason: decision.reason, askFeedback: true, alternatives };
          sockets.broadcastMessage(store.insert({ author: 'bot', text: `${article.title}\n${article.excerpt}`, bot }));
        }
        return [{ kind: 'answer', at: Date.now() }];
      }
      case 'suggest': {
        const articles = await Promise.all(decision.articleIds.map((id) => this.article(id, locale)));
        const suggestions = articles.flatMap((article) => (article ? [{ id: article.id, title: article.title }] : []));
        record.pushHistory({ kind: 'bot', action: 'suggest', articleIds: decision.articleIds, query });
        sockets.broadcastMessage(
          store.insert({ author: 'bot', text: phrase(locale, 'suggest'), bot: { kind: 'suggest', suggestions, reason: decision.reason } }),
        );
        return [];
      }
      case 'smalltalk': {
        record.pushHistory({ kind: 'bot', action: 'smalltalk', query });
        const text = smalltalkReply(decision.kind, locale, record.shopper().name);
        sockets.broadcastMessage(store.insert({ author: 'bot', text, bot: { kind: 'smalltalk', reason: decision.reason } }));
        return [];
      }
      case 'handoff':
        record.pushHistory({ kind: 'bot', action: 'handoff', query });
        // Unsure or unmatched questions are what the knowledge base should grow by.
        if (decision.reason === 'low_confidence' || decision.reason === 'out_of_scope') await this.recordGap(query, decision.reason);
        await this.host.handOff(decision.reason, query);
        return [];
    }
  }

  private sendAnswer(article: ArticleCard, confidence: number, reason: string): void {
    const message = this.host.store.insert({
      author: 'bot',
      text: `${article.title}\n${article.excerpt}`,
      bot: { kind: 'answer', article, confidence: Math.round(confidence * 100) / 100, reason, askFeedback: true },
    });
    this.host.sockets.broadcastMessage(message);
  }

  /** The shopper clicked a chip: the question they asked may become that article's example question. */
  private rememberChosenSuggestion(articleId: string): void {
    const last = this.host.record.history().at(-1);
    if (last?.kind !== 'bot' || last.action !== 'suggest' || !last.query) return;
    this.host.record.setChosenSuggestion({ locale: this.host.record.locale(), articleId, question: last.query });
  }

  /** Proposed to the site's owners (nothing enters the index until an admin accepts it). */
  private async proposeChosenPhrasing(): Promise<void> {
    const chosen = this.host.record.chosenSuggestion();
    if (!chosen) return;
    this.host.record.setChosenSuggestion(null);
    await catalogOf(this.host.env, this.host.record.siteId()).proposePhrasing(chosen.locale, chosen.articleId, chosen.question);
  }

  /**
   * Before the next question: a chip chosen and not called unhelpful becomes a proposal, and
   * chips none of which was clicked count as a knowledge gap.
   */
  private async settleSuggestions(): Promise<void> {
    await this.proposeChosenPhrasing();
    const last = this.host.record.history().at(-1);
    if (last?.kind === 'bot' && last.action === 'suggest' && last.query) await this.recordGap(last.query, 'suggestions_ignored');
  }

  /** What the bot did, for the site's reports (worker/inbox/reports-store.ts). */
  private async report(...events: ChatEvent[]): Promise<void> {
    const { env, record } = this.host;
    await siteInbox(env, record.siteId()).recordChatEvents(record.conversationId(), events);
  }

  private async recordGap(question: string, reason: string): Promise<void> {
    if (!question.trim()) return;
    const { env, record } = this.host;
    await siteInbox(env, record.siteId()).recordKnowledgeGap({
      siteId: record.siteId(),
      locale: record.locale(),
      question,
      reason,
    });
  }

  /** An article as the widget shows it, in the chat's language (or English), if the site still has it. */
  async article(articleId: string, locale: PhraseLocale = this.host.record.locale()): Promise<ArticleCard | null> {
    const kb = await knowledgeFor(this.host.env, this.host.record.siteId());
    const knowledge = kb?.locales[locale] ?? kb?.locales.en;
    const view = knowledge ? getArticle(knowledge, articleId) : undefined;
    return view ? { id: view.id, title: view.title, excerpt: view.excerpt, html: view.html } : null;
  }
}
