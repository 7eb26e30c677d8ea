/**
 * The rules every article passes before it is stored or built, wherever it comes from (a
 * folder through kb:build or site:import, the console's editor, the admin API). The field
 * rules are the protocol's zod schema; the body rules (no raw HTML, safe links, a first
 * paragraph) are markdown-aware. Pure: the Worker and the Node build import this one copy.
 */
import { type ArticleContent, articleContentSchema, articleIdSchema } from '../../protocol/site-admin.ts';
import { bodyProblems, renderMarkdown } from './markdown.ts';

export interface FieldError {
  /** dotted path, e.g. "title", "questions.3", "body" */
  field: string;
  message: string;
  /** for "body": the 0-based line inside the body */
  bodyLine?: number;
}

/** Two example questions are the same one when they differ only in case and spacing. */
export function questionKey(question: string): string {
  return question.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** Every problem with one article's content; an empty list means it may be saved. */
export function articleErrors(id: string, content: ArticleContent): FieldError[] {
  const errors: FieldError[] = [];
  const idCheck = articleIdSchema.safeParse(id);
  if (!idCheck.success) errors.push({ field: 'id', message: idCheck.error.issues[0]?.message ?? 'invalid id' });
  const parsed = articleContentSchema.safeParse(content);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors.push({ field: issue.path.map(String).join('.') || 'article', message: issue.message });
  }
  // a repeated example question teaches the bot nothing and hides which copy an owner edits
  if (Array.isArray(content.questions)) {
    const first = new Map<string, number>();
    content.questions.forEach((q, i) => {
      if (typeof q !== 'string') return;
      const key = questionKey(q);
      const at = first.get(key);
      if (at === undefined) first.set(key, i);
      else errors.push({ field: `questions.${i}`, message: `repeats question ${at + 1} ("${q.trim()}")` });
    });
  }
  if (typeof content.body === 'string') {
    for (const problem of bodyProblems(content.body)) errors.push({ field: 'body', message: problem.message, bodyLine: problem.line });
    if (!renderMarkdown(content.body).excerpt) errors.push({ field: 'body', message: 'the body needs a first paragraph (the short answer)', bodyLine: 0 });
  }
  return errors;
}

/** The first duplicate (locale, id) in a list of articles, if any. */
export function duplicateArticle(articles: readonly { id: string; locale: string }[]): { id: string; locale: string; index: number } | null {
  const seen = new Set<string>();
  for (let index = 0; index < articles.length; index++) {
    const a = articles[index]!;
    const key = `${a.locale}/${a.id}`;
    if (seen.has(key)) return { id: a.id, locale: a.locale, index };
    seen.add(key);
  }
  return null;
}
