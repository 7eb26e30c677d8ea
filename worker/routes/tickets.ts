/**
 * Tickets (protocol/tickets.ts): the console's REST API and the shopper's view through their
 * resume token. The router checks who may touch what, the SiteInbox decides:
 *  - an agent reaches only tickets whose reference names the agent's site (another site: 403);
 *  - a ticket from a chat needs a chat of the agent's site (another site's chat: 403);
 *  - a shopper reaches only the tickets of the conversation their token names (another: 403).
 */
import { zValidator } from '@hono/zod-validator';
import { type Context, Hono } from 'hono';
import { cors } from 'hono/cors';
import { ticketCommentSchema, ticketCreateSchema, ticketListQuerySchema, ticketRefSchema, ticketUpdateSchema } from '../../protocol/index.ts';
import type { Env } from '../env.ts';
import type { TicketOutcome } from '../inbox/ticket-desk.ts';
import { parseTicketRef } from '../inbox/ticket-desk.ts';
import { verifyResumeToken } from '../resume-token.ts';
import { findSite, isOriginAllowed } from '../sites.ts';
import { conversationStub, siteInbox } from '../stubs.ts';
import { type AgentContext, requireAgent, requireSameOrigin } from './agent.ts';
import { validationError } from './validation.ts';

export const ticketRoutes = new Hono<AgentContext>();

const FORBIDDEN_SITE = { error: 'forbidden', message: 'This ticket belongs to another site.' } as const;
const NOT_FOUND = { error: 'not_found', message: 'No such ticket.' } as const;

function outcome<T>(c: Context, result: TicketOutcome<T>, status: 200 | 201 = 200) {
  if (!result.ok) return c.json({ error: result.error, message: result.message }, result.status);
  return c.json({ ticket: result.value }, status);
}

/** The ticket number behind a reference of the agent's own site; a Response when it is not one. */
function ownTicket(c: Context<AgentContext>): number | Response {
  const ref = ticketRefSchema.safeParse(c.req.param('ref'));
  if (!ref.success) return c.json(NOT_FOUND, 404);
  const { siteId, id } = parseTicketRef(ref.data);
  return siteId === c.get('agent').site ? id : c.json(FORBIDDEN_SITE, 403);
}

// ---- agents ---------------------------------------------------------------------------------

ticketRoutes.get('/v1/agent/tickets', requireSameOrigin, requireAgent, zValidator('query', ticketListQuerySchema, validationError), async (c) => {
  const agent = c.get('agent');
  return c.json(await siteInbox(c.env, agent.site).listTickets(agent.site, agent.id, c.req.valid('query')));
});

ticketRoutes.post('/v1/agent/tickets', requireSameOrigin, requireAgent, zValidator('json', ticketCreateSchema, validationError), async (c) => {
  const agent = c.get('agent');
  const input = c.req.valid('json');
  const chat = conversationStub(c.env, input.conversationId);
  if ((await chat.siteOf()) !== agent.site) return c.json({ error: 'forbidden', message: 'That chat belongs to another site.' }, 403);
  return outcome(c, await siteInbox(c.env, agent.site).openTicket(agent.site, agent.id, input), 201);
});

ticketRoutes.get('/v1/agent/tickets/:ref', requireSameOrigin, requireAgent, async (c) => {
  const id = ownTicket(c);
  if (id instanceof Response) return id;
  const agent = c.get('agent');
  const ticket = await siteInbox(c.env, agent.site).ticket(agent.site, id);
  return ticket ? c.json({ ticket }) : c.json(NOT_FOUND, 404);
});

ticketRoutes.put('/v1/agent/tickets/:ref', requireSameOrigin, requireAgent, zValidator('json', ticketUpdateSchema, validationError), async (c) => {
  const id = ownTicket(c);
  if (id instanceof Response) return id;
  const agent = c.get('agent');
  return outcome(c, await siteInbox(c.env, agent.site).updateTicket(agent.site, agent.id, id, c.req.valid('json')));
});

ticketRoutes.post('/v1/agent/tickets/:ref/comments', requireSameOrigin, requireAgent, zValidator('json', ticketCommentSchema, validationError), async (c) => {
  const id = ownTicket(c);
  if (id instanceof Response) return id;
  const agent = c.get('agent');
  const ticket = await siteInbox(c.env, agent.site).commentTicket(agent.site, agent.id, id, c.req.valid('json').text);
  return ticket ? c.json({ ticket }, 201) : c.json(NOT_FOUND, 404);
});

// ---- shoppers (the widget, cross-origin from the shop's pages) -------------------------------

const shopperCors = cors({
  origin: async (origin, c) => {
    const site = await findSite(c.env as Env, c.req.query('site'));
    return site && isOriginAllowed(site, origin, c.env as Env) ? origin : null;
  },
  allowMethods: ['GET', 'POST'],
  allowHeaders: ['Authorization', 'Content-Type'],
  maxAge: 600,
});
ticketRoutes.use('/v1/visitor/tickets', shopperCors);
ticketRoutes.use('/v1/visitor/tickets/:ref/messages', shopperCors);

/** The site and the conversation the shopper's resume token names, if it is still good. */
async function shopper(c: Context<AgentContext>): Promise<{ siteId: string; conversationId: string } | Response> {
  const siteId = c.req.query('site');
  const site = await findSite(c.env, siteId);
  if (!site || !siteId) return c.json({ error: 'unknown_site', message: 'Unknown site.' }, 404);
  const origin = c.req.header('Origin') ?? (c.req.header('Sec-Fetch-Site') === 'same-origin' ? new URL(c.req.url).origin : undefined);
  if (!isOriginAllowed(site, origin, c.env))
    return c.json({ error: 'origin_not_allowed', message: 'This page is not allowed to open chats for this site.' }, 403);
  const token = /^Bearer (.+)$/.exec(c.req.header('Authorization') ?? '')?.[1];
  const claims = await verifyResumeToken(c.env.RESUME_TOKEN_SECRET, token, siteId);
  // A token the shopper shut down (kefu('shutdown')) no longer reads anything.
  if (!claims || !(await conversationStub(c.env, claims.conversationId).acceptsToken(claims.version))) {
    return c.json({ error: 'unauthorized', message: 'This chat has ended.' }, 401);
  }
  return { siteId, conversationId: claims.conversationId };
}

ticketRoutes.get('/v1/visitor/tickets', async (c) => {
  const who = await shopper(c);
  if (who instanceof Response) return who;
  return c.json({ tickets: await siteInbox(c.env, who.siteId).shopperTickets(who.siteId, who.conversationId) });
});

ticketRoutes.post('/v1/visitor/tickets/:ref/messages', zValidator('json', ticketCommentSchema, validationError), async (c) => {
  const who = await shopper(c);
  if (who instanceof Response) return who;
  const ref = ticketRefSchema.safeParse(c.req.param('ref'));
  if (!ref.success) return c.json(NOT_FOUND, 404);
  const { siteId, id } = parseTicketRef(ref.data);
  if (siteId !== who.siteId) return c.json(FORBIDDEN_SITE, 403);
  return outcome(c, await siteInbox(c.env, who.siteId).shopperTicketMessage(who.siteId, who.conversationId, id, c.req.valid('json').text), 201);
});
