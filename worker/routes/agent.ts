/**
 * The console's API: login (session cookie), the inbox socket and per-chat sockets.
 * Every route checks that the session's agent exists on the session's site; a chat socket is
 * then refused by the Conversation itself when the chat belongs to another site.
 */
import { zValidator } from '@hono/zod-validator';
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { type AgentProfile, agentCreateSchema, agentLoginSchema, passwordChangeSchema, type SiteSetupResponse } from '../../protocol/index.ts';
import { SESSION_COOKIE, SESSION_LIFETIME_SECONDS, signSession, verifySession } from '../agent-auth.ts';
import { siteSettingsVersion } from '../catalog/site-cache.ts';
import { clientAddress } from '../client-address.ts';
import { CONVERSATION_HEADERS } from '../conversation/conversation.ts';
import type { Env } from '../env.ts';
import { INBOX_HEADERS } from '../inbox/rpc-types.ts';
import { findSite } from '../sites.ts';
import { conversationStub, siteInbox } from '../stubs.ts';
import { validationError } from './validation.ts';

export type AgentContext = { Bindings: Env; Variables: { agent: AgentProfile; sessionVersion: number } };

const DEFAULT_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR = 30;

export const agentRoutes = new Hono<AgentContext>();

/**
 * The console is served by this Worker, so browsers calling the agent API come from our own
 * origin. Writes and sockets must say so; a plain GET without Origin is allowed only when the
 * browser marks it same-origin (or it is not a browser fetch at all).
 */
function sameOrigin(c: Context): boolean {
  const origin = c.req.header('Origin');
  if (origin !== undefined) return origin === new URL(c.req.url).origin;
  const isRead = (c.req.method === 'GET' || c.req.method === 'HEAD') && c.req.header('Upgrade') !== 'websocket';
  const fetchSite = c.req.header('Sec-Fetch-Site');
  return isRead && (fetchSite === undefined || fetchSite === 'same-origin' || fetchSite === 'none');
}

export const requireSameOrigin = createMiddleware(async (c, next) => {
  if (!sameOrigin(c)) return c.json({ error: 'origin_not_allowed', message: 'Cross-site requests are not allowed.' }, 403);
  await next();
});

async function setSessionCookie(c: Context<AgentContext>, agentId: string, siteId: string, version: number): Promise<void> {
  setCookie(c, SESSION_COOKIE, await signSession(c.env.SESSION_SECRET, { agentId, siteId, version }), {
    httpOnly: true,
    secure: true,
    sameSite: 'Strict',
    path: '/',
    maxAge: SESSION_LIFETIME_SECONDS,
  });
}

/** The agent behind the session cookie, if the session is still live. */
async function sessionAgent(c: Context<AgentContext>): Promise<{ agent: AgentProfile; version: number } | null> {
  const session = await verifySession(c.env.SESSION_SECRET, getCookie(c, SESSION_COOKIE));
  if (!session || !(await findSite(c.env, session.siteId))) return null;
  const agent = await siteInbox(c.env, session.siteId).authenticate(session.agentId, session.version);
  return agent ? { agent, version: session.version } : null;
}

/**
 * `requireSession`: a live session, even one that must still change its one-time password (/me
 * and /password only). `requireAgent`, everything else: an agent on an admin-issued one-time
 * password gets nothing until they have chosen their own.
 */
function sessionGuard(allowPasswordPending: boolean) {
  return createMiddleware<AgentContext>(async (c, next) => {
    const session = await sessionAgent(c);
    if (!session) return c.json({ error: 'unauthorized', message: 'Please log in.' }, 401);
    if (session.agent.mustChangePassword && !allowPasswordPending) {
      return c.json({ error: 'password_change_required', message: 'Choose a new password first.' }, 403);
    }
    c.set('agent', session.agent);
    c.set('sessionVersion', session.version);
    await next();
  });
}
const requireSession = sessionGuard(true);
export const requireAgent = sessionGuard(false);

/** The hourly cap on failed logins from one address (IpRateLimiter, keyed apart from new chats). */
function loginFailures(c: Context<AgentContext>) {
  const override = Number(c.env.LOGIN_FAILURES_PER_ADDRESS_PER_HOUR);
  const limit = Number.isInteger(override) && override > 0 ? override : DEFAULT_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR;
  const limiter = c.env.IP_RATE_LIMITER.get(c.env.IP_RATE_LIMITER.idFromName(`login-failures|${clientAddress(c.req.raw, c.env)}`));
  return { exhaustedFor: () => limiter.exhaustedFor(limit), record: () => limiter.take(limit) };
}

function tooManyAttempts(c: Context<AgentContext>, retryAfterMs: number) {
  c.header('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  return c.json({ error: 'too_many_attempts', message: 'Too many failed logins. Please wait before trying again.' }, 429);
}

const INVALID_CREDENTIALS = { error: 'invalid_credentials', message: 'Wrong e-mail or password.' } as const;

agentRoutes.use('/v1/agent/*', requireSameOrigin);

agentRoutes.post('/v1/agent/login', zValidator('json', agentLoginSchema, validationError), async (c) => {
  const { site, email, password } = c.req.valid('json');
  const failures = loginFailures(c);
  const addressWait = await failures.exhaustedFor();
  if (addressWait > 0) return tooManyAttempts(c, addressWait);
  const result = (await findSite(c.env, site)) ? await siteInbox(c.env, site).login(site, email, password) : ({ outcome: 'invalid' } as const);
  if (result.outcome === 'throttled') return tooManyAttempts(c, result.retryAfterMs);
  if (result.outcome === 'invalid') {
    await failures.record();
    return c.json(INVALID_CREDENTIALS, 401);
  }
  await setSessionCookie(c, result.agent.id, site, result.sessionVersion);
  return c.json({ agent: result.agent });
});

agentRoutes.post('/v1/agent/logout', async (c) => {
  const session = await verifySession(c.env.SESSION_SECRET, getCookie(c, SESSION_COOKIE));
  if (session && (await findSite(c.env, session.siteId))) await siteInbox(c.env, session.siteId).revokeSessions(session.agentId);
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true });
  return c.body(null, 204);
});

agentRoutes.get('/v1/agent/me', requireSession, (c) => c.json({ agent: c.get('agent') }));

agentRoutes.post('/v1/agent/password', requireSession, zValidator('json', passwordChangeSchema, validationError), async (c) => {
  const agent = c.get('agent');
  const { currentPassword, newPassword } = c.req.valid('json');
  const inbox = siteInbox(c.env, agent.site);
  const changed = await inbox.changePassword(agent.id, currentPassword, newPassword);
  if (!changed) return c.json({ error: 'invalid_credentials', message: 'The current password is wrong.' }, 400);
  // Other sessions end with the old password; this one continues with a fresh cookie.
  await setSessionCookie(c, agent.id, agent.site, await inbox.sessionVersion(agent.id));
  return c.body(null, 204);
});

agentRoutes.post('/v1/agent/agents', requireAgent, zValidator('json', agentCreateSchema, validationError), async (c) => {
  const agent = c.get('agent');
  if (agent.role !== 'admin') return c.json({ error: 'forbidden', message: 'Only site admins can add agents.' }, 403);
  const created = await siteInbox(c.env, agent.site).upsertAgent(agent.site, c.req.valid('json'));
  return c.json(created, 201);
});

/** The setup page: the embed snippet for this deployment and the site's settings (admins only). */
agentRoutes.get('/v1/agent/site', requireAgent, async (c) => {
  const agent = c.get('agent');
  if (agent.role !== 'admin') return c.json({ error: 'forbidden', message: 'Only site admins can see the setup.' }, 403);
  const { settings: site, version } = await siteSettingsVersion(c.env, agent.site);
  if (!site) return c.json({ error: 'unknown_site', message: 'Unknown site.' }, 404);
  const loaderUrl = `${new URL(c.req.url).origin}/widget/loader.js`;
  return c.json({
    site,
    // The site version: PUT /v1/agent/site/settings sends it back as baseVersion.
    version,
    embed: { loaderUrl, snippet: `<script async src="${loaderUrl}" data-site="${site.id}"></script>` },
  } satisfies SiteSetupResponse);
});

agentRoutes.get('/v1/agent/inbox', requireAgent, async (c) => {
  if (c.req.header('Upgrade') !== 'websocket') return c.json({ error: 'upgrade_required', message: 'Connect with a WebSocket.' }, 426);
  const agent = c.get('agent');
  const headers = new Headers(c.req.raw.headers);
  headers.set(INBOX_HEADERS.agentId, agent.id);
  headers.set(INBOX_HEADERS.siteId, agent.site);
  headers.set(INBOX_HEADERS.sessionVersion, String(c.get('sessionVersion')));
  return siteInbox(c.env, agent.site).fetch(new Request(c.req.raw.url, { headers }));
});

agentRoutes.get('/v1/agent/conversations/:conversationId', requireAgent, async (c) => {
  if (c.req.header('Upgrade') !== 'websocket') return c.json({ error: 'upgrade_required', message: 'Connect with a WebSocket.' }, 426);
  const conversationId = c.req.param('conversationId');
  if (!/^[0-9a-f-]{36}$/.test(conversationId)) return c.json({ error: 'not_found', message: 'No such conversation.' }, 404);
  const agent = c.get('agent');
  const sessionVersion = c.get('sessionVersion');
  // Remembered by the inbox before the socket opens, so a revocation from now on reaches it.
  if (!(await siteInbox(c.env, agent.site).admitConversationSocket(agent.id, sessionVersion, conversationId))) {
    return c.json({ error: 'unauthorized', message: 'Please log in.' }, 401);
  }
  const headers = new Headers(c.req.raw.headers);
  headers.set(CONVERSATION_HEADERS.conversationId, conversationId);
  headers.set(CONVERSATION_HEADERS.siteId, agent.site);
  headers.set(CONVERSATION_HEADERS.agentId, agent.id);
  headers.set(CONVERSATION_HEADERS.agentName, encodeURIComponent(agent.name));
  headers.set(CONVERSATION_HEADERS.sessionVersion, String(sessionVersion));
  const stub = conversationStub(c.env, conversationId);
  return stub.fetch(new Request(c.req.raw.url, { headers }));
});
