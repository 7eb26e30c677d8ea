/**
 * Owner self-service: the HTTP bodies for a site's articles, settings, knowledge gaps, learned
 * phrasings, the "Try the bot" box and agent assist. The console calls these under /v1/agent/…
 * with its session cookie (reads: any agent of the site; writes: the site's admins); scripts call
 * the same operations under /v1/admin/sites/<site>/… with the bearer key (site:import/export).
 * Inbound shapes are zod schemas (the Worker validates them); outbound shapes are types.
 *
 * Routes (worker/routes/site-admin.ts); reads: any agent of the session's site, writes: its admins (403 otherwise):
 *   GET    /v1/agent/articles?locale=&q=                 → ArticleListResponse
 *   GET    /v1/agent/articles/:locale/:id                → ArticleDetail (404)
 *   PUT    /v1/agent/articles/:locale/:id                  articleDraftSchema → ArticleDetail (400 FieldErrorResponse, 409 ConflictResponse<ArticleDetail | null>)
 *   POST   /v1/agent/articles/:locale/:id/publish          articleRevisionSchema → ArticleDetail (409)
 *   POST   /v1/agent/articles/:locale/:id/unpublish        articleRevisionSchema → ArticleDetail (409)
 *   DELETE /v1/agent/articles/:locale/:id                  articleRevisionSchema (JSON body) → { deleted: true } (409)
 *   GET    /v1/agent/articles/:locale/:id/history        → ArticleHistoryResponse (newest first, at most ARTICLE_LIMITS.history)
 *   POST   /v1/agent/articles/:locale/:id/restore          articleRestoreSchema → ArticleDetail (the revision becomes a new draft; publish to serve it)
 *   POST   /v1/agent/articles/preview                      articlePreviewSchema → ArticlePreviewResponse
 *   GET    /v1/agent/site                                → SiteSetupResponse (admins; `version` is the site version)
 *   PUT    /v1/agent/site/settings                         siteSettingsSaveSchema → SiteSettingsResponse (400 invalid_settings, 409 ConflictResponse<SiteSettingsResponse>)
 *   POST   /v1/agent/bot/try                               botTrySchema → BotTrialResponse
 *   POST   /v1/agent/assist                                assistSchema → AssistResponse
 *   GET    /v1/agent/knowledge-gaps                      → KnowledgeGapsResponse
 *   POST   /v1/agent/knowledge-gaps/:id/add-question       gapAddQuestionSchema → ArticleDetail (published; the gap leaves the list)
 *   GET    /v1/agent/phrasing-proposals                  → PhrasingProposalsResponse
 *   POST   /v1/agent/phrasing-proposals/:id/accept       → ArticleDetail (the question is added and published)
 *   POST   /v1/agent/phrasing-proposals/:id/reject       → { rejected: true }
 * Bearer (scripts): POST /v1/admin/sites (siteCreateSchema), PUT /v1/admin/sites/:site/import
 * (siteImportSchema), GET /v1/admin/sites/:site/export.
 *
 * The settings' baseVersion is the site version, which every publish raises too: a settings form
 * open while someone publishes an article gets 409 and the current settings.
 */
import * as z from 'zod';
import { LocaleSchema, type SiteConfig, SiteConfigSchema } from './site-config.ts';

/** Limits on what an owner may write (documented in the README's "Run your own shop"). */
export const ARTICLE_LIMITS = {
  titleChars: 200,
  tags: 20,
  tagChars: 40,
  questions: 200,
  questionChars: 300,
  bodyChars: 20_000,
  articlesPerSite: 2_000,
  /** versions kept per article, for restore */
  history: 20,
} as const;

export const articleIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'id must be lower-case letters, digits and dashes');

/** No markup in plain-text fields: anything that looks like a tag is refused, not stripped. */
const plainText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((text) => !/<[a-zA-Z!/?]/.test(text), 'must be plain text, without HTML or script');

/** PUT /v1/agent/articles/:locale/:id: saves the draft. `baseRevision` null creates the article. */
export const articleDraftSchema = z.strictObject({
  title: plainText(ARTICLE_LIMITS.titleChars),
  tags: z.array(plainText(ARTICLE_LIMITS.tagChars)).max(ARTICLE_LIMITS.tags),
  /** The shop's example questions, one per line in the editor. */
  questions: z.array(plainText(ARTICLE_LIMITS.questionChars)).max(ARTICLE_LIMITS.questions),
  /** Markdown; the first paragraph is the short answer. Raw HTML in it is refused. */
  body: z.string().max(ARTICLE_LIMITS.bodyChars, `the body must be at most ${ARTICLE_LIMITS.bodyChars} characters`),
  baseRevision: z.number().int().min(0).nullable(),
});
export type ArticleDraftInput = z.infer<typeof articleDraftSchema>;

/** An article's content: what an owner writes (the draft without the revision it is based on). */
export const articleContentSchema = articleDraftSchema.omit({ baseRevision: true });
export type ArticleContent = z.infer<typeof articleContentSchema>;

/** One article in a whole-site import or export (the folder's `<locale>/<id>.md`). */
export const articleSourceSchema = articleContentSchema.extend({ id: articleIdSchema, locale: LocaleSchema });
export type ArticleSource = z.infer<typeof articleSourceSchema>;

/**
 * PUT /v1/admin/sites/:site/import (bearer; `npm run site:import`): the site becomes exactly
 * this, published in one step. Articles not listed are deleted. Importing the same folder
 * again changes nothing (no new version).
 */
export const siteImportSchema = z.strictObject({
  settings: SiteConfigSchema,
  articles: z.array(articleSourceSchema).max(ARTICLE_LIMITS.articlesPerSite),
});
export type SiteImport = z.infer<typeof siteImportSchema>;
export interface SiteImportResponse {
  version: number;
  /** false when the site already was exactly this */
  changed: boolean;
  articles: number;
}

/** GET /v1/admin/sites/:site/export: settings and the published articles, for the folder. */
export interface SiteExportResponse {
  version: number;
  settings: SiteConfig;
  articles: ArticleSource[];
}

/** POST /v1/admin/sites (bearer; `npm run site:create`): an empty site with default settings and its first admin. */
export const siteCreateSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'id must be lower-case letters, digits and dashes'),
  name: z.string().trim().min(1).max(200),
  origins: z
    .array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'each origin must look like https://shop.example'))
    .min(1)
    .max(20),
  adminEmail: z.string().trim().toLowerCase().pipe(z.email().max(254)),
  adminName: z.string().trim().min(1).max(100).optional(),
});
export interface SiteCreateResponse {
  site: SiteConfig;
  version: number;
  admin: { id: string; email: string; name: string; role: string; site: string };
  oneTimePassword?: string;
}

/** POST …/publish, …/unpublish, DELETE: the revision the admin is looking at. */
export const articleRevisionSchema = z.strictObject({ baseRevision: z.number().int().min(0) });
/** POST …/restore: an earlier revision becomes the draft. */
export const articleRestoreSchema = z.strictObject({ revision: z.number().int().min(0), baseRevision: z.number().int().min(0) });

export type ArticleStatus = 'draft' | 'published' | 'unpublished';

export interface ArticleSummary {
  id: string;
  locale: 'en' | 'zh';
  title: string;
  tags: string[];
  status: ArticleStatus;
  /** the draft differs from what is published */
  hasUnpublishedChanges: boolean;
  revision: number;
  updatedAt: number;
  updatedBy: string;
}

export interface ArticleDetail extends ArticleSummary {
  questions: string[];
  body: string;
  /** the revision the widget serves, or null if never published / unpublished */
  publishedRevision: number | null;
}

export interface ArticleVersion {
  revision: number;
  title: string;
  savedAt: number;
  savedBy: string;
  published: boolean;
}

/** GET /v1/agent/articles/:locale/:id/history */
export interface ArticleHistoryResponse {
  versions: ArticleVersion[];
}

/** GET /v1/agent/articles?locale=&q= */
export interface ArticleListResponse {
  siteVersion: number;
  articles: ArticleSummary[];
}

/** 409 on a stale baseRevision / baseVersion: what is stored now, so the admin can compare. */
export interface ConflictResponse<T> {
  error: 'conflict';
  message: string;
  current: T;
}

/** 400 from an article or settings save: which field, and why; nothing was saved. */
export interface FieldErrorResponse {
  error: 'invalid_article' | 'invalid_settings';
  message: string;
  field: string;
}

/** POST /v1/agent/articles/preview: the body as the widget will show it. */
export const articlePreviewSchema = z.strictObject({ body: z.string().max(ARTICLE_LIMITS.bodyChars) });
export interface ArticlePreviewResponse {
  html: string;
  excerpt: string;
}

/** PUT /v1/agent/site/settings */
export const siteSettingsSaveSchema = z.strictObject({ settings: SiteConfigSchema, baseVersion: z.number().int().min(0) });
export interface SiteSettingsResponse {
  site: SiteConfig;
  version: number;
}

/** POST /v1/agent/bot/try: the bot against the drafts (or the published articles). */
export const botTrySchema = z.strictObject({
  text: z.string().trim().min(1).max(2000),
  locale: LocaleSchema.optional(),
  drafts: z.boolean().default(true),
});
export interface BotTrialArticle {
  id: string;
  title: string;
  confidence: number;
}
export interface BotTrialResponse {
  decision: 'answer' | 'suggest' | 'handoff' | 'smalltalk' | 'none';
  locale: 'en' | 'zh';
  articles: BotTrialArticle[];
  /** why it decided so, in plain words */
  reasons: string[];
  handoffReason?: string;
}

/** POST /v1/agent/assist: the bot's top three articles for a shopper's message, for the composer. */
export const assistSchema = z.strictObject({ text: z.string().trim().min(1).max(2000), locale: LocaleSchema.optional() });
export interface AssistArticle {
  id: string;
  locale: 'en' | 'zh';
  title: string;
  excerpt: string;
  confidence: number;
}
export interface AssistResponse {
  articles: AssistArticle[];
}

/** GET /v1/agent/knowledge-gaps */
export interface KnowledgeGap {
  id: string;
  locale: 'en' | 'zh';
  question: string;
  count: number;
  reason: string;
  lastAsked: number;
  /** the bot's top articles for this question now, for the article picker */
  suggestions: BotTrialArticle[];
}
export interface KnowledgeGapsResponse {
  gaps: KnowledgeGap[];
}

/** POST /v1/agent/knowledge-gaps/:id/add-question: into that article's example questions, published. */
export const gapAddQuestionSchema = z.strictObject({ articleId: articleIdSchema, locale: LocaleSchema });

/** A question a shopper asked and then answered themselves by clicking this article's chip. */
export interface PhrasingProposal {
  id: string;
  locale: 'en' | 'zh';
  question: string;
  articleId: string;
  articleTitle: string;
  count: number;
  lastSeen: number;
}
export interface PhrasingProposalsResponse {
  proposals: PhrasingProposal[];
}
