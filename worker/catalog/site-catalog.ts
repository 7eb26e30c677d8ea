/**
 * SiteCatalog: one Durable Object per site (idFromName(siteId)). It owns the site's settings,
 * articles (draft and published), their history, the compiled indexes the bot serves and the
 * proposed example questions. Every publish or settings save raises the site version; isolates
 * compare versions (site-cache.ts) to know when to reload.
 *
 * A publish builds everything first (markdown → HTML, Lunr indexes), then writes the articles,
 * the index chunks and the new version in one transactionSync: a failure anywhere leaves the
 * previous version serving.
 */
import { DurableObject } from 'cloudflare:workers';
import {
  ARTICLE_LIMITS,
  type ArticleContent,
  type ArticleDetail,
  type ArticleListResponse,
  type ArticleSummary,
  type ArticleVersion,
  type BotTrialResponse,
  type PhrasingProposal,
  type SiteExportResponse,
  type SiteImport,
  type SiteImportResponse,
} from '../../protocol/site-admin.ts';
import type { SiteConfig } from '../../protocol/site-config.ts';
import { loadKnowledge, type SiteKnowledge } from '../bot/index.ts';
import type { CompiledKnowledge } from '../bot/knowledge.ts';
import type { Locale } from '../bot/text.ts';
import type { Env } from '../env.ts';
import { articleErrors, duplicateArticle, type FieldError, questionKey } from './article-rules.ts';
import { trialOf } from './bot-views.ts';
import { type ArticleRecord, CatalogStore } from './catalog-store.ts';
import { compileLocale, toIndexedArticle } from './compile-site.ts';

/** What an operation returns over RPC; the route turns failures into 400/404/409 bodies. */
export type CatalogResult<T> =
  | { ok: true; value: T }
  | { ok: false; status: 400; error: FieldError & { kind: 'invalid_article' | 'invalid_settings' } }
  | { ok: false; status: 404; message: string }
  | { ok: false; status: 409; message: string; current: unknown };

export interface CatalogSnapshot {
  version: number;
  settings: SiteConfig | null;
  /** the site version each locale's index was built at */
  indexVersions: Partial<Record<Locale, number>>;
  /** compiled knowledge as JSON text, for the locales asked for whose index is not the one the caller has */
  knowledge?: Partial<Record<Locale, string>>;
}

const ok = <T>(value: T): CatalogResult<T> => ({ ok: true, value });
const notFound = (message = 'No such article.') => ({ ok: false, status: 404, message }) as const;
const invalid = (error: FieldError, kind: 'invalid_article' | 'invalid_settings' = 'invalid_article') =>
  ({ ok: false, status: 400, error: { ...error, kind } }) as const;

function contentOf(a: ArticleContent): ArticleContent {
  return { title: a.title, tags: [...a.tags], questions: [...a.questions], body: a.body };
}
const sameContent = (a: ArticleContent | null, b: ArticleContent | null) => JSON.stringify(a && contentOf(a)) === JSON.stringify(b && contentOf(b));

export class SiteCatalog extends DurableObject<Env> {
  private readonly store: CatalogStore;
  /** The drafts compiled for "Try the bot", reused until a draft changes. */
  private drafts: { stamp: string; kb: SiteKnowledge } | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // No DDL here: a lookup of an unknown site must not create storage (CatalogStore.ensureSchema).
    this.store = new CatalogStore(ctx.storage.sql);
  }

  // ---- what isolates read -----------------------------------------------------------------

  /** The cheap check every isolate makes at most once a second per site. 0: no such site. */
  async version(): Promise<number> {
    return this.store.version();
  }

  /** `have`: the index versions the caller already holds; those locales are not sent again. */
  async snapshot(withKnowledge: boolean, have: Partial<Record<Locale, number>> = {}): Promise<CatalogSnapshot> {
    const indexVersions = this.store.indexVersions();
    const stale = (Object.keys(indexVersions) as Locale[]).filter((locale) => have[locale] !== indexVersions[locale]);
    return {
      version: this.store.version(),
      settings: this.store.settings(),
      indexVersions,
      knowledge: withKnowledge ? this.store.readIndexes(stale) : undefined,
    };
  }

  // ---- settings ---------------------------------------------------------------------------

  async createSite(settings: SiteConfig): Promise<CatalogResult<{ site: SiteConfig; version: number }>> {
    if (this.store.settings())
      return {
        ok: false,
        status: 409,
        message: 'A site with this id already exists.',
        current: { site: this.store.settings(), version: this.store.version() },
      };
    const version = this.ctx.storage.transactionSync(() => {
      this.store.setSettings(settings);
      return this.store.bumpVersion();
    });
    return ok({ site: settings, version });
  }

  async saveSettings(settings: SiteConfig, baseVersion: number): Promise<CatalogResult<{ site: SiteConfig; version: number }>> {
    const current = this.store.settings();
    if (!current) return notFound('Unknown site.');
    if (settings.id !== current.id) return invalid({ field: 'id', message: `the site id cannot change (it is "${current.id}")` }, 'invalid_settings');
    if (baseVersion !== this.store.version()) {
      return {
        ok: false,
        status: 409,
        message: 'Someone else changed this site meanwhile. Review the current settings and save again.',
        current: { site: current, version: this.store.version() },
      };
    }
    const version = this.ctx.storage.transactionSync(() => {
      this.store.setSettings(settings);
      return this.store.bumpVersion();
    });
    return ok({ site: settings, version });
  }

  // ---- whole-site import and export -------------------------------------------------------

  async importSite(payload: SiteImport, by: string): Promise<CatalogResult<SiteImportResponse>> {
    for (let i = 0; i < payload.articles.length; i++) {
      const a = payload.articles[i]!;
      const errors = articleErrors(a.id, contentOf(a));
      if (errors.length) return invalid({ ...errors[0]!, field: `articles.${i}.${errors[0]!.field}` });
      if (!payload.settings.locales.includes(a.locale))
        return invalid({ field: `articles.${i}.locale`, message: `locale "${a.locale}" is not listed in the settings' "locales"` });
    }
    const duplicate = duplicateArticle(payload.articles);
    if (duplicate) return invalid({ field: `articles.${duplicate.index}.id`, message: `duplicate id "${duplicate.id}" in ${duplicate.locale}` });

    const now = Date.now();
    const existing = new Map(this.store.articles().map((a) => [`${a.locale}/${a.id}`, a]));
    const incoming = new Set(payload.articles.map((a) => `${a.locale}/${a.id}`));
    const changed: ArticleRecord[] = [];
    for (const a of payload.articles) {
      const content = contentOf(a);
      const before = existing.get(`${a.locale}/${a.id}`);
      if (before && before.status === 'published' && sameContent(before.published, content) && sameContent(before.draft, content)) continue;
      const revision = (before?.revision ?? 0) + 1;
      changed.push({
        locale: a.locale,
        id: a.id,
        draft: content,
        revision,
        published: content,
        publishedRevision: revision,
        status: 'published',
        updatedAt: now,
        updatedBy: by,
      });
    }
    const removed = [...existing.values()].filter((a) => !incoming.has(`${a.locale}/${a.id}`));
    const settingsChanged = JSON.stringify(this.store.settings()) !== JSON.stringify(payload.settings);
    if (!changed.length && !removed.length && !settingsChanged) {
      return ok({ version: this.store.version(), changed: false, articles: payload.articles.length });
    }
    // Only the locales whose articles changed are rebuilt: a settings-only import compiles nothing.
    const version = this.publishChanges(changed, removed, () => this.store.setSettings(payload.settings), payload.settings.id);
    return ok({ version, changed: true, articles: payload.articles.length });
  }

  async exportSite(): Promise<SiteExportResponse | null> {
    const settings = this.store.settings();
    if (!settings) return null;
    return { version: this.store.version(), settings, articles: this.store.publishedSources() };
  }

  // ---- articles -----------------------------------------------------------------------------

  async listArticles(locale?: Locale, query?: string): Promise<ArticleListResponse> {
    const needle = query?.normalize('NFKC').toLowerCase().trim();
    const articles = this.store
      .articles(locale)
      .filter((a) => !needle || `${a.id}\n${a.draft.title}\n${a.draft.tags.join(' ')}\n${a.draft.questions.join('\n')}`.toLowerCase().includes(needle))
      .map(summaryOf);
    return { siteVersion: this.store.version(), articles };
  }

  async article(locale: Locale, id: string): Promise<CatalogResult<ArticleDetail>> {
    const record = this.store.article(locale, id);
    return record ? ok(detailOf(record)) : notFound();
  }

  /** Saves the draft. `baseRevision` null creates the article; a stale one gets 409 and the current article. */
  async saveDraft(locale: Locale, id: string, content: ArticleContent, baseRevision: number | null, by: string): Promise<CatalogResult<ArticleDetail>> {
    if (!this.store.settings()) return notFound('Unknown site.');
    const errors = articleErrors(id, content);
    if (errors.length) return invalid(errors[0]!);
    const current = this.store.article(locale, id);
    if (current ? baseRevision !== current.revision : baseRevision !== null) {
      return current ? this.conflict(current) : { ok: false, status: 409, message: 'This article no longer exists. Save it as a new article.', current: null };
    }
    if (!current && this.store.articleCount() >= ARTICLE_LIMITS.articlesPerSite) {
      return invalid({ field: 'id', message: `a site has at most ${ARTICLE_LIMITS.articlesPerSite} articles` });
    }
    const now = Date.now();
    const record: ArticleRecord = {
      locale,
      id,
      draft: contentOf(content),
      revision: (current?.revision ?? 0) + 1,
      published: current?.published ?? null,
      publishedRevision: current?.publishedRevision ?? null,
      status: current?.status ?? 'draft',
      updatedAt: now,
      updatedBy: by,
    };
    this.ctx.storage.transactionSync(() => {
      this.store.putArticle(record);
      this.store.addVersion(
        locale,
        id,
        { revision: record.revision, content: record.draft, savedAt: now, savedBy: by, published: false },
        ARTICLE_LIMITS.history,
      );
    });
    return ok(detailOf(record));
  }

  async publish(locale: Locale, id: string, baseRevision: number, by: string): Promise<CatalogResult<ArticleDetail>> {
    const current = this.store.article(locale, id);
    if (!current) return notFound();
    if (current.revision !== baseRevision) return this.conflict(current);
    const record: ArticleRecord = {
      ...current,
      published: current.draft,
      publishedRevision: current.revision,
      status: 'published',
      updatedAt: Date.now(),
      updatedBy: by,
    };
    this.publishChanges([record], [], () => this.store.markVersionPublished(locale, id, record.revision));
    return ok(detailOf(record));
  }

  async unpublish(locale: Locale, id: string, baseRevision: number, by: string): Promise<CatalogResult<ArticleDetail>> {
    const current = this.store.article(locale, id);
    if (!current) return notFound();
    if (current.revision !== baseRevision) return this.conflict(current);
    const record: ArticleRecord = {
      ...current,
      published: null,
      publishedRevision: null,
      status: current.status === 'draft' ? 'draft' : 'unpublished',
      updatedAt: Date.now(),
      updatedBy: by,
    };
    this.publishChanges([record], []);
    return ok(detailOf(record));
  }

  async deleteArticle(locale: Locale, id: string, baseRevision: number, _by: string): Promise<CatalogResult<{ deleted: true }>> {
    const current = this.store.article(locale, id);
    if (!current) return notFound();
    if (current.revision !== baseRevision) return this.conflict(current);
    if (current.status === 'published') this.publishChanges([], [current]);
    else this.ctx.storage.transactionSync(() => this.store.deleteArticle(locale, id));
    return ok({ deleted: true });
  }

  async history(locale: Locale, id: string): Promise<CatalogResult<ArticleVersion[]>> {
    if (!this.store.article(locale, id)) return notFound();
    return ok(
      this.store
        .versions(locale, id)
        .map((v) => ({ revision: v.revision, title: v.content.title, savedAt: v.savedAt, savedBy: v.savedBy, published: v.published })),
    );
  }

  /** An earlier revision becomes the draft (a new revision; publish it to serve it). */
  async restore(locale: Locale, id: string, revision: number, baseRevision: number, by: string): Promise<CatalogResult<ArticleDetail>> {
    const current = this.store.article(locale, id);
    if (!current) return notFound();
    if (current.revision !== baseRevision) return this.conflict(current);
    const version = this.store.versions(locale, id).find((v) => v.revision === revision);
    if (!version) return notFound(`Revision ${revision} is not among the last ${ARTICLE_LIMITS.history} versions.`);
    return this.saveDraft(locale, id, version.content, baseRevision, by);
  }

  // ---- example questions: from gaps and from shoppers' chips -------------------------------

  /** Adds a question to a published article's example questions and publishes it at once. */
  async addExampleQuestion(locale: Locale, articleId: string, question: string, by: string): Promise<CatalogResult<ArticleDetail>> {
    const current = this.store.article(locale, articleId);
    if (!current) return notFound();
    if (current.status !== 'published' || !current.published)
      return invalid({ field: 'articleId', message: 'publish the article first: example questions go into the published article' });
    const add = (content: ArticleContent): ArticleContent =>
      content.questions.some((q) => questionKey(q) === questionKey(question)) ? content : { ...content, questions: [...content.questions, question] };
    const published = add(current.published);
    const errors = articleErrors(articleId, published);
    if (errors.length) return invalid(errors[0]!);
    const now = Date.now();
    const draftWasPublished = sameContent(current.draft, current.published);
    const draft = add(current.draft);
    const revision = current.revision + 1;
    const record: ArticleRecord = {
      ...current,
      draft,
      revision,
      published,
      // When the draft had no pending edits, the new revision is exactly what is served.
      publishedRevision: draftWasPublished ? revision : current.publishedRevision,
      updatedAt: now,
      updatedBy: by,
    };
    this.publishChanges([record], [], () =>
      this.store.addVersion(locale, articleId, { revision, content: draft, savedAt: now, savedBy: by, published: draftWasPublished }, ARTICLE_LIMITS.history),
    );
    return ok(detailOf(record));
  }

  /** A shopper clicked this article's chip for `question` and did not say it was unhelpful. */
  async proposePhrasing(locale: Locale, articleId: string, question: string): Promise<void> {
    const article = this.store.article(locale, articleId);
    const text = question.replace(/\s+/g, ' ').trim();
    if (!article || article.status !== 'published' || !text) return;
    // Only what could become an example question as it stands; nothing else is kept.
    if (articleErrors(articleId, { ...article.draft, questions: [text] }).some((e) => e.field.startsWith('questions'))) return;
    if (article.draft.questions.some((q) => questionKey(q) === questionKey(text))) return;
    this.store.addProposal(locale, articleId, text, Date.now());
  }

  async proposals(): Promise<PhrasingProposal[]> {
    return this.store.proposals().map((p) => ({
      id: String(p.id),
      locale: p.locale,
      question: p.question,
      articleId: p.articleId,
      articleTitle: this.store.article(p.locale, p.articleId)?.draft.title ?? p.articleId,
      count: p.count,
      lastSeen: p.lastSeen,
    }));
  }

  async acceptProposal(id: number, by: string): Promise<CatalogResult<ArticleDetail>> {
    const proposal = this.store.proposal(id);
    if (!proposal) return notFound('No such proposal.');
    const result = await this.addExampleQuestion(proposal.locale, proposal.articleId, proposal.question, by);
    if (result.ok) this.store.deleteProposal(id);
    return result;
  }

  async rejectProposal(id: number): Promise<CatalogResult<{ rejected: true }>> {
    return this.store.deleteProposal(id) ? ok({ rejected: true }) : notFound('No such proposal.');
  }

  // ---- try the bot --------------------------------------------------------------------------

  async tryBot(text: string, locale: Locale | undefined, drafts: boolean): Promise<CatalogResult<BotTrialResponse>> {
    const settings = this.store.settings();
    if (!settings) return notFound('Unknown site.');
    const kb = drafts ? this.draftKnowledge(settings) : this.publishedKnowledge(settings);
    return ok(trialOf(kb, text, locale ?? settings.defaultLocale));
  }

  // -------------------------------------------------------------------------------------------

  private conflict(current: ArticleRecord): CatalogResult<never> {
    return {
      ok: false,
      status: 409,
      message: 'Someone else saved this article meanwhile. Compare with the current version and save again.',
      current: detailOf(current),
    };
  }

  /**
   * Builds the indexes of every locale the changes touch, then writes everything and the new
   * version in one transaction. Throws (and writes nothing) if anything fails.
   */
  private publishChanges(changes: ArticleRecord[], removals: ArticleRecord[], alsoWrite?: () => void, newSiteId?: string): number {
    const siteId = newSiteId ?? this.store.settings()?.id ?? '';
    const locales = new Set<Locale>([...changes, ...removals].map((a) => a.locale));
    const compiled = new Map<Locale, string | null>();
    for (const locale of locales) {
      const byId = new Map(this.store.articles(locale).map((a) => [a.id, a]));
      for (const r of removals) if (r.locale === locale) byId.delete(r.id);
      for (const c of changes) if (c.locale === locale) byId.set(c.id, c);
      const sources = [...byId.values()]
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .flatMap((a) => (a.status === 'published' && a.published ? [toIndexedArticle({ ...a.published, id: a.id, locale })] : []));
      compiled.set(locale, sources.length ? JSON.stringify(compileLocale(siteId || 'site', locale, sources)) : null);
    }
    return this.ctx.storage.transactionSync(() => {
      for (const r of removals) this.store.deleteArticle(r.locale, r.id);
      for (const c of changes) this.store.putArticle(c);
      alsoWrite?.();
      const version = this.store.bumpVersion();
      for (const [locale, json] of compiled) this.store.writeIndex(locale, json, version);
      return version;
    });
  }

  private publishedKnowledge(settings: SiteConfig): SiteKnowledge {
    const locales: SiteKnowledge['locales'] = {};
    for (const [locale, json] of Object.entries(this.store.readIndexes())) {
      locales[locale as Locale] = loadKnowledge(JSON.parse(json) as CompiledKnowledge);
    }
    return { site: settings.id, defaultLocale: settings.defaultLocale, locales, synonyms: settings.synonyms };
  }

  /** Every article's draft, compiled like a publish, under a separate cache key from the served site. */
  private draftKnowledge(settings: SiteConfig): SiteKnowledge {
    const records = this.store.articles();
    const stamp = `${this.store.version()}:${records.map((r) => `${r.locale}/${r.id}@${r.revision}`).join(',')}`;
    if (this.drafts?.stamp === stamp) return this.drafts.kb;
    const key = `${settings.id}#drafts`;
    const locales: SiteKnowledge['locales'] = {};
    for (const locale of new Set(records.map((r) => r.locale))) {
      const sources = records.filter((r) => r.locale === locale).map((r) => toIndexedArticle({ ...r.draft, id: r.id, locale }));
      locales[locale] = loadKnowledge(compileLocale(key, locale, sources));
    }
    const kb: SiteKnowledge = { site: key, defaultLocale: settings.defaultLocale, locales, synonyms: settings.synonyms };
    this.drafts = { stamp, kb };
    return kb;
  }
}

function summaryOf(a: ArticleRecord): ArticleSummary {
  return {
    id: a.id,
    locale: a.locale,
    title: a.draft.title,
    tags: a.draft.tags,
    status: a.status,
    hasUnpublishedChanges: a.status !== 'published' || !sameContent(a.draft, a.published),
    revision: a.revision,
    updatedAt: a.updatedAt,
    updatedBy: a.updatedBy,
  };
}

function detailOf(a: ArticleRecord): ArticleDetail {
  return { ...summaryOf(a), questions: a.draft.questions, body: a.draft.body, publishedRevision: a.status === 'published' ? a.publishedRevision : null };
}
