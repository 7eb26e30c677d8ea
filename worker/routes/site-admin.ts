/**
 * Owner self-service (protocol/site-admin.ts): articles, settings, try-the-bot, assist, knowledge
 * gaps and learned phrasings for the console (session cookie; reads for any agent of the site,
 * writes for its admins), and whole-site create/import/export for scripts (bearer key).
 * Thin: validate, check the role, call the site's SiteCatalog, map its result to HTTP.
 */
import { zValidator } from '@hono/zod-validator';
import { type Context, Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import * as z from 'zod';
import {
  type ArticlePreviewResponse,
  type AssistResponse,
  articleDraftSchema,
  articleIdSchema,
  articlePreviewSchema,
  articleRestoreSchema,
  articleRevisionSchema,
  assistSchema,
  botTrySchema,
  type FieldErrorResponse,
  gapAddQuestionSchema,
  type KnowledgeGap,
  LocaleSchema,
  type SiteCreateResponse,
  siteCreateSchema,
  siteImportSchema,
  siteSettingsSaveSchema,
} from '../../protocol/index.ts';
import { assistOf, suggestionsOf } from '../catalog/bot-views.ts';
import { defaultSiteSettings } from '../catalog/default-settings.ts';
import { renderMarkdown } from '../catalog/markdown.ts';
import { catalogOf, forgetSite } from '../catalog/site-cache.ts';
import type { CatalogResult } from '../catalog/site-catalog.ts';
import { findSite, isSiteId, knowledgeFor } from '../sites.ts';
import { siteInbox } from '../stubs.ts';
import { requireAdminKey } from './admin.ts';
import { type AgentContext, requireAgent, requireSameOrigin } from './agent.ts';
import { fieldValidationError, validationError } from './validation.ts';

export const siteAdminRoutes = new Hono<AgentContext>();

const requireAdmin = createMiddleware<AgentContext>(async (c, next) => {
  if (c.get('agent').role !== 'admin') return c.json({ error: 'forbidden', message: 'Only site admins can change the help centre and settings.' }, 403);
  await next();
});

const articleParams = zValidator('param', z.object({ locale: LocaleSchema, id: articleIdSchema }), validationError);
const numericId = zValidator('param', z.object({ id: z.string().regex(/^\d{1,15}$/, 'unknown id') }), validationError);

/** A catalog result as HTTP: 400 names the field, 409 carries what is stored now. */
function reply<T>(c: Context, result: CatalogResult<T>, status: 200 | 201 = 200) {
  if (result.ok) return c.json(result.value as object, status);
  if (result.status === 400) {
    const { kind, field, message } = result.error;
    return c.json({ error: kind, message: `${field}: ${message}`, field } satisfies FieldErrorResponse, 400);
  }
  if (result.status === 404) return c.json({ error: 'not_found', message: result.message }, 404);
  return c.json({ error: 'conflict', message: result.message, current: result.current }, 409);
}

/** The catalog's answers are plain data; the RPC stub's typing cannot follow its generics. */
const settle = async <T>(call: Promise<unknown>) => (await call) as CatalogResult<T>;

/** A write that changed what is served: this isolate serves it at once (others within a second). */
function served<T>(siteId: string, result: CatalogResult<T>): CatalogResult<T> {
  if (result.ok) forgetSite(siteId);
  return result;
}

// ---- console: articles ------------------------------------------------------------------------

siteAdminRoutes.use('/v1/agent/articles/*', requireSameOrigin, requireAgent);
siteAdminRoutes.use('/v1/agent/articles', requireSameOrigin, requireAgent);

siteAdminRoutes.get(
  '/v1/agent/articles',
  zValidator('query', z.object({ locale: LocaleSchema.optional(), q: z.string().max(200).optional() }), validationError),
  async (c) => {
    const { locale, q } = c.req.valid('query');
    return c.json(await catalogOf(c.env, c.get('agent').site).listArticles(locale, q));
  },
);

siteAdminRoutes.post('/v1/agent/articles/preview', zValidator('json', articlePreviewSchema, fieldValidationError('invalid_article')), (c) => {
  const { html, excerpt } = renderMarkdown(c.req.valid('json').body);
  return c.json({ html, excerpt } satisfies ArticlePreviewResponse);
});

siteAdminRoutes.get('/v1/agent/articles/:locale/:id', articleParams, async (c) => {
  const { locale, id } = c.req.valid('param');
  return reply(c, await settle(catalogOf(c.env, c.get('agent').site).article(locale, id)));
});

siteAdminRoutes.put(
  '/v1/agent/articles/:locale/:id',
  requireAdmin,
  articleParams,
  zValidator('json', articleDraftSchema, fieldValidationError('invalid_article')),
  async (c) => {
    const { locale, id } = c.req.valid('param');
    const { baseRevision, ...content } = c.req.valid('json');
    const agent = c.get('agent');
    return reply(c, await settle(catalogOf(c.env, agent.site).saveDraft(locale, id, content, baseRevision, agent.email)));
  },
);

siteAdminRoutes.post(
  '/v1/agent/articles/:locale/:id/publish',
  requireAdmin,
  articleParams,
  zValidator('json', articleRevisionSchema, validationError),
  async (c) => {
    const { locale, id } = c.req.valid('param');
    const agent = c.get('agent');
    return reply(c, served(agent.site, await settle(catalogOf(c.env, agent.site).publish(locale, id, c.req.valid('json').baseRevision, agent.email))));
  },
);

siteAdminRoutes.post(
  '/v1/agent/articles/:locale/:id/unpublish',
  requireAdmin,
  articleParams,
  zValidator('json', articleRevisionSchema, validationError),
  async (c) => {
    const { locale, id } = c.req.valid('param');
    const agent = c.get('agent');
    return reply(c, served(agent.site, await settle(catalogOf(c.env, agent.site).unpublish(locale, id, c.req.valid('json').baseRevision, agent.email))));
  },
);

siteAdminRoutes.delete('/v1/agent/articles/:locale/:id', requireAdmin, articleParams, zValidator('json', articleRevisionSchema, validationError), async (c) => {
  const { locale, id } = c.req.valid('param');
  const agent = c.get('agent');
  return reply(c, served(agent.site, await settle(catalogOf(c.env, agent.site).deleteArticle(locale, id, c.req.valid('json').baseRevision, agent.email))));
});

siteAdminRoutes.get('/v1/agent/articles/:locale/:id/history', articleParams, async (c) => {
  const { locale, id } = c.req.valid('param');
  const result = await settle<unknown[]>(catalogOf(c.env, c.get('agent').site).history(locale, id));
  return reply(c, result.ok ? { ok: true, value: { versions: result.value } } : result);
});

siteAdminRoutes.post(
  '/v1/agent/articles/:locale/:id/restore',
  requireAdmin,
  articleParams,
  zValidator('json', articleRestoreSchema, validationError),
  async (c) => {
    const { locale, id } = c.req.valid('param');
    const { revision, baseRevision } = c.req.valid('json');
    const agent = c.get('agent');
    return reply(c, await settle(catalogOf(c.env, agent.site).restore(locale, id, revision, baseRevision, agent.email)));
  },
);

// ---- console: settings, try the bot, assist ------------------------------------------------------

siteAdminRoutes.put(
  '/v1/agent/site/settings',
  requireSameOrigin,
  requireAgent,
  requireAdmin,
  zValidator('json', siteSettingsSaveSchema, fieldValidationError('invalid_settings')),
  async (c) => {
    const { settings, baseVersion } = c.req.valid('json');
    const agent = c.get('agent');
    return reply(c, served(agent.site, await settle(catalogOf(c.env, agent.site).saveSettings(settings, baseVersion))));
  },
);

siteAdminRoutes.post('/v1/agent/bot/try', requireSameOrigin, requireAgent, zValidator('json', botTrySchema, validationError), async (c) => {
  const { text, locale, drafts } = c.req.valid('json');
  return reply(c, await settle(catalogOf(c.env, c.get('agent').site).tryBot(text, locale, drafts)));
});

siteAdminRoutes.post('/v1/agent/assist', requireSameOrigin, requireAgent, zValidator('json', assistSchema, validationError), async (c) => {
  const { text, locale } = c.req.valid('json');
  const kb = await knowledgeFor(c.env, c.get('agent').site);
  return c.json({ articles: kb ? assistOf(kb, text, locale) : [] } satisfies AssistResponse);
});

// ---- console: knowledge gaps and learned phrasings ----------------------------------------------

siteAdminRoutes.get('/v1/agent/knowledge-gaps', requireSameOrigin, requireAgent, async (c) => {
  const site = c.get('agent').site;
  const [gaps, kb] = await Promise.all([siteInbox(c.env, site).knowledgeGaps(), knowledgeFor(c.env, site)]);
  return c.json({
    gaps: gaps.map((gap) => {
      const locale = gap.locale === 'zh' ? 'zh' : 'en';
      return { ...gap, locale, suggestions: kb ? suggestionsOf(kb, gap.question, locale) : [] } satisfies KnowledgeGap;
    }),
  });
});

siteAdminRoutes.post(
  '/v1/agent/knowledge-gaps/:id/add-question',
  requireSameOrigin,
  requireAgent,
  requireAdmin,
  numericId,
  zValidator('json', gapAddQuestionSchema, validationError),
  async (c) => {
    const agent = c.get('agent');
    const gapId = Number(c.req.valid('param').id);
    const inbox = siteInbox(c.env, agent.site);
    const gap = await inbox.knowledgeGap(gapId);
    if (!gap) return c.json({ error: 'not_found', message: 'No such knowledge gap (it may be solved already).' }, 404);
    const { articleId, locale } = c.req.valid('json');
    const result = served(agent.site, await settle(catalogOf(c.env, agent.site).addExampleQuestion(locale, articleId, gap.question, agent.email)));
    if (result.ok) await inbox.solveKnowledgeGap(gapId);
    return reply(c, result);
  },
);

siteAdminRoutes.get('/v1/agent/phrasing-proposals', requireSameOrigin, requireAgent, async (c) => {
  return c.json({ proposals: await catalogOf(c.env, c.get('agent').site).proposals() });
});

siteAdminRoutes.post('/v1/agent/phrasing-proposals/:id/accept', requireSameOrigin, requireAgent, requireAdmin, numericId, async (c) => {
  const agent = c.get('agent');
  return reply(c, served(agent.site, await settle(catalogOf(c.env, agent.site).acceptProposal(Number(c.req.valid('param').id), agent.email))));
});

siteAdminRoutes.post('/v1/agent/phrasing-proposals/:id/reject', requireSameOrigin, requireAgent, requireAdmin, numericId, async (c) => {
  const agent = c.get('agent');
  return reply(c, await settle(catalogOf(c.env, agent.site).rejectProposal(Number(c.req.valid('param').id))));
});

// ---- operator (bearer): create, import, export ---------------------------------------------------

const siteParam = zValidator('param', z.object({ site: z.string().refine(isSiteId, 'unknown site') }), (result, c) =>
  result.success ? undefined : c.json({ error: 'unknown_site', message: 'Unknown site.' }, 404),
);

siteAdminRoutes.post('/v1/admin/sites', requireAdminKey, zValidator('json', siteCreateSchema, validationError), async (c) => {
  const input = c.req.valid('json');
  const settings = defaultSiteSettings({ id: input.id, name: input.name, origins: input.origins });
  const created = await settle<{ version: number }>(catalogOf(c.env, input.id).createSite(settings));
  if (!created.ok) return reply(c, created);
  forgetSite(input.id);
  const admin = await siteInbox(c.env, input.id).upsertAgent(input.id, {
    email: input.adminEmail,
    name: input.adminName ?? input.adminEmail.split('@')[0]!,
    role: 'admin',
  });
  return c.json(
    { site: settings, version: created.value.version, admin: admin.agent, oneTimePassword: admin.oneTimePassword } satisfies SiteCreateResponse,
    201,
  );
});

siteAdminRoutes.put('/v1/admin/sites/:site/import', requireAdminKey, siteParam, zValidator('json', siteImportSchema, validationError), async (c) => {
  const siteId = c.req.valid('param').site;
  const payload = c.req.valid('json');
  if (payload.settings.id !== siteId)
    return c.json({ error: 'invalid_settings', message: `settings.id: must be "${siteId}"`, field: 'settings.id' } satisfies FieldErrorResponse, 400);
  return reply(c, served(siteId, await settle(catalogOf(c.env, siteId).importSite(payload, 'import'))));
});

siteAdminRoutes.get('/v1/admin/sites/:site/export', requireAdminKey, siteParam, async (c) => {
  const siteId = c.req.valid('param').site;
  if (!(await findSite(c.env, siteId))) return c.json({ error: 'unknown_site', message: 'Unknown site.' }, 404);
  return c.json(await catalogOf(c.env, siteId).exportSite());
});
