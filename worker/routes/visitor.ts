/**
 * Shopper socket. The router checks the site and Origin before any upgrade (403), then resolves
 * the resume token: a valid one reopens its conversation; a missing, forged, expired or
 * other-site token starts a new one. It never opens a conversation the token does not name.
 */
import { Hono } from 'hono';
import { CONVERSATION_HEADERS } from '../conversation.ts';
import type { Env } from '../env.ts';
import { signResumeToken, verifyResumeToken } from '../resume-token.ts';
import { findSite, isOriginAllowed } from '../sites.ts';

export const visitorRoutes = new Hono<{ Bindings: Env }>();

visitorRoutes.get('/v1/visitor', async (c) => {
  if (c.req.header('Upgrade') !== 'websocket') {
    return c.json({ error: 'upgrade_required', message: 'Connect with a WebSocket.' }, 426);
  }
  const siteId = c.req.query('site');
  const site = findSite(siteId);
  if (!site || !siteId) return c.json({ error: 'unknown_site', message: 'Unknown site.' }, 404);
  if (!isOriginAllowed(site.site, c.req.header('Origin'), c.env)) {
    return c.json({ error: 'origin_not_allowed', message: 'This page is not allowed to open chats for this site.' }, 403);
  }

  const claims = await verifyResumeToken(c.env.RESUME_TOKEN_SECRET, c.req.query('token'), siteId);
  const conversationId = claims?.conversationId ?? crypto.randomUUID();
  // Re-signing on every connect slides the expiry forward for active shoppers.
  const resumeToken = await signResumeToken(c.env.RESUME_TOKEN_SECRET, conversationId, siteId);

  const headers = new Headers(c.req.raw.headers);
  headers.set(CONVERSATION_HEADERS.conversationId, conversationId);
  headers.set(CONVERSATION_HEADERS.siteId, siteId);
  headers.set(CONVERSATION_HEADERS.resumeToken, resumeToken);
  headers.delete(CONVERSATION_HEADERS.agentId);
  const stub = c.env.CONVERSATION.get(c.env.CONVERSATION.idFromName(conversationId));
  return stub.fetch(new Request(c.req.raw.url, { headers }));
});
