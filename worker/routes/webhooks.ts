/**
 * Webhook endpoints over HTTP (protocol/webhooks.ts): the console's Webhooks page (session
 * cookie, site admins only) at /v1/agent/webhooks…, and the same operations for scripts (admin
 * key) at /v1/admin/sites/<site>/webhooks…. Thin: validate, pick the site, call its SiteWebhooks.
 */
import { zValidator } from '@hono/zod-validator';
import { type Context, Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import * as z from 'zod';
import { webhookEndpointCreateSchema, webhookEndpointIdSchema, webhookEndpointUpdateSchema, webhookEventIdSchema } from '../../protocol/webhooks.ts';
import type { Env } from '../env.ts';
import { findSite } from '../sites.ts';
import { siteWebhooks } from '../stubs.ts';
import type { WebhookResult } from '../webhooks/site-webhooks.ts';
import { requireAdminKey } from './admin.ts';
import { type AgentContext, requireAgent, requireSameOrigin } from './agent.ts';
import { validationError } from './validation.ts';

type WebhookContext = { Bindings: Env; Variables: { siteId: string } };

/** A SiteWebhooks answer as HTTP. */
async function reply<T>(c: Context, call: Promise<unknown>, status: 200 | 201 = 200) {
  const result = (await call) as WebhookResult<T>;
  if (!result.ok) return c.json({ error: result.error, message: result.message }, result.status);
  return result.value === null ? c.body(null, 204) : c.json(result.value as object, status);
}

const notFound = (c: Context) => c.json({ error: 'not_found', message: 'No such webhook endpoint.' }, 404);
const endpointParam = zValidator('param', z.object({ id: webhookEndpointIdSchema }), (result, c) => (result.success ? undefined : notFound(c)));
const deliveryParam = zValidator('param', z.object({ id: webhookEndpointIdSchema, delivery: webhookEventIdSchema }), (result, c) =>
  result.success ? undefined : c.json({ error: 'not_found', message: 'No such delivery for this endpoint.' }, 404),
);

/** The operations, mounted twice below; the middleware in front has set `siteId`. */
const endpoints = new Hono<WebhookContext>();
const webhooksOf = (c: Context<WebhookContext>) => siteWebhooks(c.env, c.get('siteId'));

endpoints.get('/', async (c) => c.json(await webhooksOf(c).list(c.get('siteId'))));

endpoints.post('/', zValidator('json', webhookEndpointCreateSchema, validationError), async (c) =>
  reply(c, webhooksOf(c).create(c.get('siteId'), c.req.valid('json')), 201),
);

endpoints.put('/:id', endpointParam, zValidator('json', webhookEndpointUpdateSchema, validationError), async (c) =>
  reply(c, webhooksOf(c).update(c.get('siteId'), c.req.valid('param').id, c.req.valid('json'))),
);

endpoints.delete('/:id', endpointParam, async (c) => reply(c, webhooksOf(c).remove(c.get('siteId'), c.req.valid('param').id)));

endpoints.get('/:id/secret', endpointParam, async (c) => {
  c.header('cache-control', 'no-store');
  return reply(c, webhooksOf(c).revealSecret(c.get('siteId'), c.req.valid('param').id));
});

endpoints.post('/:id/secret', endpointParam, async (c) => {
  c.header('cache-control', 'no-store');
  return reply(c, webhooksOf(c).rotateSecret(c.get('siteId'), c.req.valid('param').id));
});

endpoints.post('/:id/ping', endpointParam, async (c) => reply(c, webhooksOf(c).ping(c.get('siteId'), c.req.valid('param').id), 201));

endpoints.get('/:id/deliveries', endpointParam, async (c) => {
  const result = (await webhooksOf(c).deliveries(c.get('siteId'), c.req.valid('param').id)) as WebhookResult<unknown[]>;
  return result.ok ? c.json({ deliveries: result.value }) : c.json({ error: result.error, message: result.message }, result.status);
});

endpoints.post('/:id/deliveries/:delivery/resend', deliveryParam, async (c) => {
  const { id, delivery } = c.req.valid('param');
  return reply(c, webhooksOf(c).resend(c.get('siteId'), id, delivery));
});

export const webhookRoutes = new Hono<AgentContext & WebhookContext>();

// The console: a site admin's session, for their own site.
const adminSession = createMiddleware<AgentContext & WebhookContext>(async (c, next) => {
  const agent = c.get('agent');
  if (agent.role !== 'admin') return c.json({ error: 'forbidden', message: 'Only site admins can manage webhooks.' }, 403);
  c.set('siteId', agent.site);
  await next();
});
webhookRoutes.use('/v1/agent/webhooks/*', requireSameOrigin, requireAgent, adminSession);
webhookRoutes.route('/v1/agent/webhooks', endpoints as unknown as Hono<AgentContext & WebhookContext>);

// Scripts: the admin key, for any known site.
const knownSite = createMiddleware<WebhookContext>(async (c, next) => {
  const siteId = c.req.param('site') ?? '';
  if (!(await findSite(c.env, siteId))) return c.json({ error: 'unknown_site', message: 'Unknown site.' }, 404);
  c.set('siteId', siteId);
  await next();
});
webhookRoutes.use('/v1/admin/sites/:site/webhooks/*', requireAdminKey, knownSite);
webhookRoutes.route('/v1/admin/sites/:site/webhooks', endpoints as unknown as Hono<AgentContext & WebhookContext>);
