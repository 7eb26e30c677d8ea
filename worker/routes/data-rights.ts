/**
 * The shopper's data rights (protocol/data-rights.ts): export and erase, for a site's admins in
 * the console (session, role admin) and for the operator (admin key, any site). Every export and
 * erasure is written to the site's audit log.
 */
import { zValidator } from '@hono/zod-validator';
import { type Context, Hono } from 'hono';
import { type DataSubject, dataSubjectSchema } from '../../protocol/index.ts';
import { eraseSubject, exportSubject } from '../data-rights.ts';
import { findSite } from '../sites.ts';
import { siteHistory } from '../stubs.ts';
import { requireAdminKey } from './admin.ts';
import { type AgentContext, requireAgent, requireSameOrigin } from './agent.ts';
import { fieldValidationError } from './validation.ts';

export const dataRightsRoutes = new Hono<AgentContext>();

const invalid = fieldValidationError('invalid_query');

/** The site and who acts: the admin's session, or the operator's key with the site in the path. */
async function scope(c: Context<AgentContext>): Promise<{ siteId: string; actor: string } | Response> {
  const siteParam = c.req.param('site');
  if (siteParam !== undefined) {
    if (!(await findSite(c.env, siteParam))) return c.json({ error: 'unknown_site', message: 'Unknown site.' }, 404);
    return { siteId: siteParam, actor: 'operator' };
  }
  const agent = c.get('agent');
  if (agent.role !== 'admin') return c.json({ error: 'forbidden', message: "Only site admins can export or erase a shopper's data." }, 403);
  return { siteId: agent.site, actor: agent.id };
}

const exportValidator = zValidator('query', dataSubjectSchema, invalid);
const eraseValidator = zValidator('json', dataSubjectSchema, invalid);

async function exportHandler(c: Context<AgentContext>, subject: DataSubject) {
  const who = await scope(c);
  if (who instanceof Response) return who;
  const data = await exportSubject(c.env, who.siteId, subject, who.actor);
  c.header('Content-Disposition', `attachment; filename="kefu-${who.siteId}-data-export.json"`);
  return c.json(data);
}

async function eraseHandler(c: Context<AgentContext>, subject: DataSubject) {
  const who = await scope(c);
  if (who instanceof Response) return who;
  return c.json(await eraseSubject(c.env, who.siteId, subject, who.actor));
}

async function auditHandler(c: Context<AgentContext>) {
  const who = await scope(c);
  if (who instanceof Response) return who;
  return c.json({ entries: await siteHistory(c.env, who.siteId).auditEntries() });
}

const ADMIN = '/v1/agent/data-rights';
dataRightsRoutes.get(`${ADMIN}/export`, requireSameOrigin, requireAgent, exportValidator, (c) => exportHandler(c, c.req.valid('query')));
dataRightsRoutes.post(`${ADMIN}/erase`, requireSameOrigin, requireAgent, eraseValidator, (c) => eraseHandler(c, c.req.valid('json')));
dataRightsRoutes.get(`${ADMIN}/audit`, requireSameOrigin, requireAgent, (c) => auditHandler(c));

const OPERATOR = '/v1/admin/sites/:site/data-rights';
dataRightsRoutes.get(`${OPERATOR}/export`, requireAdminKey, exportValidator, (c) => exportHandler(c, c.req.valid('query')));
dataRightsRoutes.post(`${OPERATOR}/erase`, requireAdminKey, eraseValidator, (c) => eraseHandler(c, c.req.valid('json')));
dataRightsRoutes.get(`${OPERATOR}/audit`, requireAdminKey, (c) => auditHandler(c));
