/** Operator API for scripts (`npm run agent:add`): a bearer key, no browser involved. */
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { timingSafeEqual } from 'hono/utils/buffer';
import { agentCreateSchema } from '../../protocol/index.ts';
import type { Env } from '../env.ts';
import { findSite } from '../sites.ts';
import { siteInbox } from '../stubs.ts';
import { validationError } from './validation.ts';

export const adminRoutes = new Hono<{ Bindings: Env }>();

/** The operator's bearer key (also guards the site routes in site-admin.ts). */
export const requireAdminKey = bearerAuth({
  // An unset key disables the admin API rather than accepting an empty bearer.
  verifyToken: async (token, c) => {
    const key = (c.env as Env).ADMIN_API_KEY;
    return Boolean(key) && (await timingSafeEqual(token, key));
  },
});

adminRoutes.use('/v1/admin/*', requireAdminKey);

adminRoutes.post('/v1/admin/sites/:site/agents', zValidator('json', agentCreateSchema, validationError), async (c) => {
  const siteId = c.req.param('site');
  if (!(await findSite(c.env, siteId))) return c.json({ error: 'unknown_site', message: 'Unknown site.' }, 404);
  const inbox = siteInbox(c.env, siteId);
  return c.json(await inbox.upsertAgent(siteId, c.req.valid('json')), 201);
});

adminRoutes.get('/v1/admin/sites/:site/knowledge-gaps', async (c) => {
  const siteId = c.req.param('site');
  if (!(await findSite(c.env, siteId))) return c.json({ error: 'unknown_site', message: 'Unknown site.' }, 404);
  const inbox = siteInbox(c.env, siteId);
  return c.json({ gaps: await inbox.knowledgeGaps() });
});

/** Per-chat service figures (waits, first human reply, reason, outcome, rating) for reports. */
adminRoutes.get('/v1/admin/sites/:site/statistics', async (c) => {
  const siteId = c.req.param('site');
  if (!(await findSite(c.env, siteId))) return c.json({ error: 'unknown_site', message: 'Unknown site.' }, 404);
  const inbox = siteInbox(c.env, siteId);
  return c.json({ chats: await inbox.chatStatistics() });
});
