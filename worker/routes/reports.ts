/**
 * Reports, follow-ups and shift handover notes over HTTP. Thin: validate with zod, call the
 * site's SiteInbox (worker/inbox/service-desk.ts), map the answer to HTTP.
 * - the console (session cookie): /v1/agent/reports, /v1/agent/reports.csv, /v1/agent/follow-ups,
 *   /v1/agent/handover-notes; an agent gets the site's totals and only their own row, an admin everything;
 * - scripts and BI tools (admin key): /v1/admin/sites/<id>/reports and /reports.csv.
 */
import { zValidator } from '@hono/zod-validator';
import { type Context, Hono } from 'hono';
import * as z from 'zod';
import { followUpDoneSchema, followUpListSchema, handoverListSchema, handoverWriteSchema, reportQuerySchema } from '../../protocol/reports.ts';
import type { Env } from '../env.ts';
import type { ReportViewer } from '../inbox/service-desk.ts';
import { findSite } from '../sites.ts';
import { siteInbox } from '../stubs.ts';
import { requireAdminKey } from './admin.ts';
import { type AgentContext, requireAgent, requireSameOrigin } from './agent.ts';
import { validationError } from './validation.ts';

interface Issue {
  path: PropertyKey[];
  message: string;
}

/** A bad query string: 400 with the parameter and the reason in words. */
function queryError(result: { success: boolean; error?: { issues: readonly Issue[] } }, c: Context) {
  if (result.success || !result.error) return;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length ? `${issue.path.map(String).join('.')} ` : '';
  return c.json({ error: 'invalid_query', message: `${where}${issue?.message ?? 'is not valid'}`.trim() }, 400);
}

function csvResponse(body: string, name: string): Response {
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name}.csv"`,
      'cache-control': 'no-store',
    },
  });
}

export const reportRoutes = new Hono<AgentContext>();

// ---- the console ------------------------------------------------------------------------

const agentReports = new Hono<AgentContext>();
agentReports.use('*', requireSameOrigin, requireAgent);

function viewerOf(c: Context<AgentContext>): ReportViewer {
  const agent = c.get('agent');
  return { kind: 'agent', agentId: agent.id, role: agent.role };
}

agentReports.get('/reports', zValidator('query', reportQuerySchema, queryError), async (c) => {
  const { from, to } = c.req.valid('query');
  const agent = c.get('agent');
  return c.json(await siteInbox(c.env, agent.site).report(agent.site, { from, to, viewer: viewerOf(c) }));
});

agentReports.get('/reports.csv', zValidator('query', reportQuerySchema, queryError), async (c) => {
  const { from, to, table = 'figures' } = c.req.valid('query');
  const agent = c.get('agent');
  const csv = await siteInbox(c.env, agent.site).reportCsv(agent.site, { from, to, table, viewer: viewerOf(c) });
  return csvResponse(csv, `kefu-${agent.site}-${table}-${from}-${to}`);
});

agentReports.get('/follow-ups', zValidator('query', followUpListSchema, queryError), async (c) => {
  const { status = 'open' } = c.req.valid('query');
  return c.json({ followUps: await siteInbox(c.env, c.get('agent').site).followUps(status) });
});

const idParam = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

agentReports.post('/follow-ups/:id/done', zValidator('param', idParam, queryError), zValidator('json', followUpDoneSchema, validationError), async (c) => {
  const agent = c.get('agent');
  const done = await siteInbox(c.env, agent.site).markFollowUpDone(c.req.valid('param').id, agent.id, c.req.valid('json').note);
  if (!done) return c.json({ error: 'not_found', message: 'No open follow-up with that id.' }, 404);
  return c.body(null, 204);
});

agentReports.get('/handover-notes', zValidator('query', handoverListSchema, queryError), async (c) => {
  const agent = c.get('agent');
  const { q, view = 'all' } = c.req.valid('query');
  return c.json(await siteInbox(c.env, agent.site).handoverNotes(agent.site, agent.id, { query: q, sinceLastSession: view === 'since-last-session' }));
});

agentReports.post('/handover-notes', zValidator('json', handoverWriteSchema, validationError), async (c) => {
  const agent = c.get('agent');
  const id = await siteInbox(c.env, agent.site).writeHandoverNote(agent.site, agent.id, c.req.valid('json').text);
  return c.json({ id }, 201);
});

const readSchema = z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(200) });

agentReports.post('/handover-notes/read', zValidator('json', readSchema, validationError), async (c) => {
  const agent = c.get('agent');
  await siteInbox(c.env, agent.site).markHandoverRead(agent.id, c.req.valid('json').ids);
  return c.body(null, 204);
});

reportRoutes.route('/v1/agent', agentReports);

// ---- scripts and BI tools (admin key) ---------------------------------------------------

const adminReports = new Hono<{ Bindings: Env }>();
adminReports.use('*', requireAdminKey);

async function knownSite(c: Context<{ Bindings: Env }>): Promise<string | null> {
  const siteId = c.req.param('site') ?? '';
  return (await findSite(c.env, siteId)) ? siteId : null;
}

adminReports.get('/:site/reports', zValidator('query', reportQuerySchema, queryError), async (c) => {
  const siteId = await knownSite(c);
  if (!siteId) return c.json({ error: 'unknown_site', message: 'Unknown site.' }, 404);
  const { from, to } = c.req.valid('query');
  return c.json(await siteInbox(c.env, siteId).report(siteId, { from, to, viewer: { kind: 'key' } }));
});

adminReports.get('/:site/reports.csv', zValidator('query', reportQuerySchema, queryError), async (c) => {
  const siteId = await knownSite(c);
  if (!siteId) return c.json({ error: 'unknown_site', message: 'Unknown site.' }, 404);
  const { from, to, table = 'figures' } = c.req.valid('query');
  const csv = await siteInbox(c.env, siteId).reportCsv(siteId, { from, to, table, viewer: { kind: 'key' } });
  return csvResponse(csv, `kefu-${siteId}-${table}-${from}-${to}`);
});

reportRoutes.route('/v1/admin/sites', adminReports as unknown as Hono<AgentContext>);
