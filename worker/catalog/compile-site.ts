/**
 * Published articles → one compiled knowledge per locale (safe HTML, excerpt, Lunr index through
 * the bot's shared text pipeline). Pure: the catalog Durable Object publishes with it, and the
 * Node build (kb:build, eval, bench) compiles folders with exactly the same steps.
 */
import type { ArticleSource } from '../../protocol/site-admin.ts';
import { compileKnowledge } from '../bot/indexer.ts';
import type { CompiledArticle, CompiledKnowledge } from '../bot/knowledge.ts';
import type { Locale } from '../bot/text.ts';
import { renderMarkdown } from './markdown.ts';

export type IndexedArticle = CompiledArticle & { questions: string[]; bodyText: string };

/** One article as the index and the widget see it. */
export function toIndexedArticle(source: Omit<ArticleSource, 'body'> & { body: string }): IndexedArticle {
  const { html, excerpt, text } = renderMarkdown(source.body);
  return { id: source.id, title: source.title.trim(), locale: source.locale, tags: source.tags, questions: source.questions, excerpt, html, bodyText: text };
}

export function compileLocale(siteId: string, locale: Locale, articles: readonly IndexedArticle[]): CompiledKnowledge {
  return compileKnowledge(siteId, locale, [...articles]);
}

/** Every locale that has at least one article gets an index; the others get none. */
export function compileSiteArticles(siteId: string, articles: readonly ArticleSource[]): Partial<Record<Locale, CompiledKnowledge>> {
  const byLocale = new Map<Locale, IndexedArticle[]>();
  for (const article of articles) {
    const list = byLocale.get(article.locale) ?? [];
    list.push(toIndexedArticle(article));
    byLocale.set(article.locale, list);
  }
  const compiled: Partial<Record<Locale, CompiledKnowledge>> = {};
  for (const [locale, list] of byLocale) compiled[locale] = compileLocale(siteId, locale, list);
  return compiled;
}
