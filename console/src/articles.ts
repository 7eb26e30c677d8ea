/**
 * View helpers for the Articles page: the editor's form, its validation against the protocol's
 * own schema, and the list grouped by article with both languages side by side. Pure functions.
 */
import {
  ARTICLE_LIMITS,
  type ArticleDetail,
  type ArticleDraftInput,
  type ArticleStatus,
  type ArticleSummary,
  articleDraftSchema,
  articleIdSchema,
} from '../../protocol/site-admin.ts';
import { type MessageKey, t } from './i18n.ts';

export type ArticleLocale = 'en' | 'zh';
export const ARTICLE_LOCALES: readonly ArticleLocale[] = ['en', 'zh'];

/** What the editor holds: tags comma-separated and questions one per line, as the owner types them. */
export interface ArticleForm {
  id: string;
  locale: ArticleLocale;
  title: string;
  tags: string;
  questions: string;
  body: string;
}

export type ArticleField = 'id' | 'locale' | 'title' | 'tags' | 'questions' | 'body' | 'form';
export type FieldErrors = Partial<Record<ArticleField, string>>;

export function emptyForm(locale: ArticleLocale, id = '', question = ''): ArticleForm {
  return { id, locale, title: '', tags: '', questions: question, body: '' };
}

export function formFromArticle(article: Pick<ArticleDetail, 'id' | 'locale' | 'title' | 'tags' | 'questions' | 'body'>): ArticleForm {
  return {
    id: article.id,
    locale: article.locale,
    title: article.title,
    tags: article.tags.join(', '),
    questions: article.questions.join('\n'),
    body: article.body,
  };
}

export function splitTags(text: string): string[] {
  return text
    .split(/[,，]/)
    .map((tag) => tag.trim())
    .filter(Boolean);
}

export function splitQuestions(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

export function draftFromForm(form: ArticleForm, baseRevision: number | null): ArticleDraftInput {
  return { title: form.title.trim(), tags: splitTags(form.tags), questions: splitQuestions(form.questions), body: form.body, baseRevision };
}

export function sameForm(a: ArticleForm, b: ArticleForm): boolean {
  return a.id === b.id && a.locale === b.locale && a.title === b.title && a.tags === b.tags && a.questions === b.questions && a.body === b.body;
}

const FIELD_NAMES: Record<string, string> = { title: 'Title', tags: 'Tag', questions: 'Example question', body: 'Body' };

/** A server or schema field path (`questions.2`, `tags`, `body`) as the editor's field. */
export function articleFieldOf(path: string | readonly PropertyKey[] | undefined): ArticleField {
  const first = Array.isArray(path) ? String(path[0] ?? '') : String(path ?? '').split(/[.[]/)[0];
  return first === 'id' || first === 'locale' || first === 'title' || first === 'tags' || first === 'questions' || first === 'body' ? first : 'form';
}

/** "Example question 3: must be plain text…" for a list item; the field's own message otherwise. */
function describe(path: readonly PropertyKey[], message: string): string {
  const [field, index] = path;
  if (typeof index === 'number' && typeof field === 'string' && FIELD_NAMES[field]) return `${FIELD_NAMES[field]} ${index + 1}: ${message}`;
  return message;
}

/** The same rules the Worker applies, checked before sending so the owner hears at once. */
export function validateArticle(form: ArticleForm, isNew: boolean): FieldErrors {
  const errors: FieldErrors = {};
  if (isNew) {
    const id = articleIdSchema.safeParse(form.id);
    if (!id.success) errors.id = form.id ? id.error.issues[0]?.message : 'must not be empty';
  }
  const parsed = articleDraftSchema.safeParse(draftFromForm(form, null));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = articleFieldOf(issue.path);
      if (!errors[field]) errors[field] = describe(issue.path, issue.message);
    }
  }
  if (!errors.body && !form.body.trim()) errors.body = 'must not be empty: the first paragraph is the answer shoppers see';
  return errors;
}

/** A readable id from a title: "Returns policy" → "returns-policy"; empty for titles without Latin letters or digits. */
export function slugFromTitle(title: string): string {
  return title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
}

/** One article in both languages, for the list. */
export interface ArticleRow {
  id: string;
  byLocale: Partial<Record<ArticleLocale, ArticleSummary>>;
}

export function groupArticles(articles: readonly ArticleSummary[]): ArticleRow[] {
  const rows = new Map<string, ArticleRow>();
  for (const article of articles) {
    const row = rows.get(article.id) ?? { id: article.id, byLocale: {} };
    row.byLocale[article.locale] = article;
    rows.set(article.id, row);
  }
  const title = (row: ArticleRow) => (row.byLocale.en ?? row.byLocale.zh)?.title.toLowerCase() ?? row.id;
  return [...rows.values()].sort((a, b) => title(a).localeCompare(title(b)) || a.id.localeCompare(b.id));
}

const STATUS_LABELS: Record<ArticleStatus, MessageKey> = { draft: 'status.draft', published: 'status.published', unpublished: 'status.unpublished' };

export function statusLabel(article: Pick<ArticleSummary, 'status' | 'hasUnpublishedChanges'>): string {
  const key = STATUS_LABELS[article.status];
  const label = key ? t(key) : article.status;
  return article.status === 'published' && article.hasUnpublishedChanges ? t('status.withChanges', { label }) : label;
}

export const BODY_LIMIT = ARTICLE_LIMITS.bodyChars;
