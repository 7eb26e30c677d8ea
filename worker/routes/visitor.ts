/**
 * Shopper socket. The router checks the site and Origin before any upgrade (403), then resolves
 * the resume token: a valid one reopens its conversation; a missing, forged, expired or
 * other-site token starts a new one. It never opens a conversation the token does not name.
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { WidgetConfig } from '../../protocol/index.ts';
import { clientAddress } from '../client-address.ts';
import { CONVERSATION_HEADERS } from '../conversation/conversation.ts';
import type { Env } from '../env.ts';
import { signResumeToken, verifyResumeToken } from '../resume-token.ts';
import { findSite, isOriginAllowed } from '../sites.ts';
import { conversationStub } from '../stubs.ts';

export const visitorRoutes = new Hono<{ Bindings: Env }>();

/** Counts a new conversation against the address's hourly allowance (per site). */
async function mayStartConversation(env: Env, siteId: string, siteLimit: number, address: string): Promise<boolean> {
  const override = Number(env.NEW_CONVERSATION_LIMIT_OVERRIDE);
  const limit = Number.isInteger(override) && override > 0 ? override : siteLimit;
  const limiter = env.IP_RATE_LIMITER.get(env.IP_RATE_LIMITER.idFromName(`${siteId}|${address}`));
  return limiter.take(limit);
}

/**
 * What the widget needs before any chat exists (look and languages). Cross-origin, so it
 * answers CORS only for the site's allowed origins.
 */
visitorRoutes.use(
  '/v1/widget/config',
  cors({
    origin: async (origin, c) => {
      const site = await findSite(c.env as Env, c.req.query('site'));
      return site && isOriginAllowed(site, origin, c.env as Env) ? origin : null;
    },
    allowMethods: ['GET'],
    maxAge: 600,
  }),
);

visitorRoutes.get('/v1/widget/config', async (c) => {
  const site = await findSite(c.env, c.req.query('site'));
  if (!site) return c.json({ error: 'unknown_site', message: 'Unknown site.' }, 404);
  // Browsers omit Origin on same-origin GETs; Sec-Fetch-Site tells us that case apart from a script without one.
  const origin = c.req.header('Origin') ?? (c.req.header('Sec-Fetch-Site') === 'same-origin' ? new URL(c.req.url).origin : undefined);
  if (!isOriginAllowed(site, origin, c.env)) {
    return c.json({ error: 'origin_not_allowed', message: 'This page is not allowed to open chats for this site.' }, 403);
  }
  const { name, locales, defaultLocale, theme, privacyNoticeUrl } = site;
  // Short: a saved look (colour, launcher label) must reach newly opened widgets within seconds.
  c.header('Cache-Control', 'public, max-age=1');
  return c.json({ name, locales, defaultLocale: defaultLocale ?? locales[0], theme, privacy: privacyNoticeUrl } satisfies WidgetConfig);
});

visitorRoutes.get('/v1/visitor', async (c) => {
  if (c.req.header('Upgrade') !== 'websocket') {
    return c.json({ error: 'upgrade_required', message: 'Connect with a WebSocket.' }, 426);
  }
  const siteId = c.req.query('site');
  const site = await findSite(c.env, siteId);
  if (!site || !siteId) return c.json({ error: 'unknown_site', message: 'Unknown site.' }, 404);
  if (!isOriginAllowed(site, c.req.header('Origin'), c.env)) {
    return c.json({ error: 'origin_not_allowed', message: 'This page is not allowed to open chats for this site.' }, 403);
  }

  const claims = await verifyResumeToken(c.env.RESUME_TOKEN_SECRET, c.req.query('token'), siteId);
  if (!claims && !(await mayStartConversation(c.env, siteId, site.limits.newConversationsPerIpPerHour, clientAddress(c.req.raw, c.env)))) {
    return c.json({ error: 'too_many_conversations', message: 'Too many new chats from this address. Please try again later.' }, 429);
  }
  const conversationId = claims?.conversationId ?? crypto.randomUUID();
  const tokenVersion = claims?.version ?? 0;
  // Re-signing on every connect slides the expiry forward for active shoppers.
  const resumeToken = await signResumeToken(c.env.RESUME_TOKEN_SECRET, { conversationId, siteId, version: tokenVersion });

  const headers = new Headers(c.req.raw.headers);
  headers.set(CONVERSATION_HEADERS.conversationId, conversationId);
  headers.set(CONVERSATION_HEADERS.siteId, siteId);
  headers.set(CONVERSATION_HEADERS.resumeToken, resumeToken);
  headers.set(CONVERSATION_HEADERS.tokenVersion, String(tokenVersion));
  headers.delete(CONVERSATION_HEADERS.agentId);
  const stub = conversationStub(c.env, conversationId);
  return stub.fetch(new Request(c.req.raw.url, { headers }));
});
