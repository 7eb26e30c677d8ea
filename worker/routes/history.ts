/**
 * The console's history API (protocol/history.ts): every conversation of the agent's own site,
 * filtered, searched, and labelled. The site comes from the session, never from the request.
 */
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { conversationFilterSchema, conversationIdParamSchema, labelsUpdateSchema, searchQuerySchema } from '../../protocol/index.ts';
import { findSite } from '../sites.ts';
import { siteHistory } from '../stubs.ts';
import { type AgentContext, requireAgent, requireSameOrigin } from './agent.ts';
import { fieldValidationError } from './validation.ts';

export const historyRoutes = new Hono<AgentContext>();

const invalidQuery = fieldValidationError('invalid_query');

function history(c: { env: AgentContext['Bindings']; get(key: 'agent'): AgentContext['Variables']['agent'] }) {
  const site = c.get('agent').site;
  return siteHistory(c.env, site);
}

historyRoutes.get('/v1/agent/conversations', requireSameOrigin, requireAgent, zValidator('query', conversationFilterSchema, invalidQuery), async (c) =>
  c.json(await history(c).list(c.req.valid('query'))),
);

historyRoutes.get('/v1/agent/search', requireSameOrigin, requireAgent, zValidator('query', searchQuerySchema, invalidQuery), async (c) => {
  const { q, limit } = c.req.valid('query');
  return c.json(await history(c).search(q, limit));
});

historyRoutes.get('/v1/agent/conversations/:id/timeline', requireSameOrigin, requireAgent, async (c) => {
  const id = conversationIdParamSchema.safeParse(c.req.param('id'));
  if (!id.success) return c.json({ error: 'invalid_query', message: 'id: not a conversation id', field: 'id' }, 400);
  const timeline = await history(c).timeline(id.data);
  return timeline ? c.json(timeline) : c.json({ error: 'not_found', message: 'No such conversation on this site.' }, 404);
});

historyRoutes.put('/v1/agent/conversations/:id/labels', requireSameOrigin, requireAgent, zValidator('json', labelsUpdateSchema, invalidQuery), async (c) => {
  const id = conversationIdParamSchema.safeParse(c.req.param('id'));
  if (!id.success) return c.json({ error: 'invalid_query', message: 'id: not a conversation id', field: 'id' }, 400);
  const site = await findSite(c.env, c.get('agent').site);
  // Only the site's own labels, spelt as the site spells them.
  const known = new Map((site?.labels ?? []).map((label) => [label.toLowerCase(), label]));
  const labels: string[] = [];
  for (const label of c.req.valid('json').labels) {
    const canonical = known.get(label.toLowerCase());
    if (!canonical) return c.json({ error: 'invalid_query', message: `labels: "${label}" is not one of this site's labels`, field: 'labels' }, 400);
    if (!labels.includes(canonical)) labels.push(canonical);
  }
  if (!(await history(c).setLabels(id.data, labels))) return c.json({ error: 'not_found', message: 'No such conversation on this site.' }, 404);
  return c.json({ labels });
});
