/**
 * Builds the Lunr index for one site+locale from plain article text, with the shared text
 * pipeline as Lunr's tokenizer (Lunr's own stemmer/stop-word pipeline is switched off, so
 * build and query use exactly the same code: text.ts). Pure: used by the knowledge-base build,
 * by the bench (synthetic KBs in memory) and by tests.
 */
import lunr from 'lunr';
import { COMPILED_FORMAT, type CompiledArticle, type CompiledKnowledge } from './knowledge.ts';
import { type Locale, lexiconWords, tokenize } from './text.ts';

export interface IndexInput {
  id: string;
  title: string;
  tags: string[];
  questions: string[];
  /** plain text of the whole body */
  body: string;
}

/**
 * Field boosts. Titles and the shop's example questions say what an article is *for*; the
 * body says a lot of other things too (policies mention orders, e-mails, accounts…), so it
 * weighs less. Each example question is also indexed as its own small document
 * (`<id>#q<n>`) so a short shopper message can match one phrasing closely; decide() folds
 * question documents back into their article (max score).
 */
export const FIELD_BOOSTS = { title: 3, tags: 1.5, questions: 2, body: 1 } as const;
export const QUESTION_DOCS = true;

export function buildIndex(locale: Locale, inputs: IndexInput[]): object {
  return lunr(function () {
    this.ref('ref');
    this.field('title', { boost: FIELD_BOOSTS.title });
    this.field('tags', { boost: FIELD_BOOSTS.tags });
    this.field('questions', { boost: FIELD_BOOSTS.questions });
    this.field('body', { boost: FIELD_BOOSTS.body });
    this.pipeline.reset();
    this.searchPipeline.reset();
    this.tokenizer = ((obj: unknown, metadata?: object) => {
      if (obj == null) return [];
      const text = Array.isArray(obj) ? obj.join('\n') : String(obj);
      return tokenize(text, locale).map((t, i) => new lunr.Token(t, { ...(metadata ?? {}), position: [i, 1], index: i }));
    }) as unknown as typeof lunr.tokenizer;
    for (const a of inputs) {
      this.add({ ref: a.id, title: a.title, tags: a.tags.join(' '), questions: a.questions.join('\n'), body: a.body });
      if (QUESTION_DOCS) {
        a.questions.forEach((q, i) => this.add({ ref: `${a.id}#q${i}`, title: '', tags: '', questions: q, body: '' }));
      }
    }
  }).toJSON();
}

export function compileKnowledge(
  site: string,
  locale: Locale,
  articles: Array<CompiledArticle & { questions: string[]; bodyText: string }>,
): CompiledKnowledge {
  const index = buildIndex(
    locale,
    articles.map((a) => ({ id: a.id, title: a.title, tags: a.tags, questions: a.questions, body: a.bodyText })),
  );
  const counts = new Map<string, number>();
  for (const a of articles) {
    for (const w of lexiconWords([a.title, a.tags.join(' '), a.questions.join(' '), a.bodyText].join('\n'))) {
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  const words = [...counts.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([w]) => w);
  return {
    format: COMPILED_FORMAT,
    site,
    locale,
    words,
    articles: articles.map(({ id, title, locale: l, tags, excerpt, html }) => ({ id, title, locale: l, tags, excerpt, html })),
    index,
  };
}
