/**
 * The Worker: a thin Hono router. It validates and routes; Durable Objects decide.
 * Static files (demo shop, widget, console) are served by Workers Static Assets.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { Env } from './env.ts';
import { isOwnHost } from './public-origin.ts';
import { adminRoutes } from './routes/admin.ts';
import { agentRoutes } from './routes/agent.ts';
import { attachmentRoutes } from './routes/attachments.ts';
import { dataRightsRoutes } from './routes/data-rights.ts';
import { diagnosticsRoutes } from './routes/diagnostics.ts';
import { historyRoutes } from './routes/history.ts';
import { reportRoutes } from './routes/reports.ts';
import { siteAdminRoutes } from './routes/site-admin.ts';
import { ticketRoutes } from './routes/tickets.ts';
import { visitorRoutes } from './routes/visitor.ts';
import { webhookRoutes } from './routes/webhooks.ts';

export { SiteCatalog } from './catalog/site-catalog.ts';
export { Conversation } from './conversation/conversation.ts';
export { SiteHistory } from './history/site-history.ts';
export { SiteInbox } from './inbox/site-inbox.ts';
export { IpRateLimiter } from './ip-rate-limiter.ts';
export { SiteWebhooks } from './webhooks/site-webhooks.ts';

const app = new Hono<{ Bindings: Env }>();

// API answers are JSON for scripts, never pages: forbid sniffing, framing and referrers.
// A 101 upgrade response's headers cannot be changed, so sockets skip this.
const apiHeaders = secureHeaders({
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  xFrameOptions: 'DENY',
  referrerPolicy: 'no-referrer',
  crossOriginResourcePolicy: false,
});
app.use('*', async (c, next) => (c.req.header('Upgrade') === 'websocket' ? next() : apiHeaders(c, next)));
// DNS rebinding: a request for a host that is not ours never reaches a route (public-origin.ts).
app.use('/v1/*', async (c, next) => {
  if (!isOwnHost(new URL(c.req.url), c.env)) return c.json({ error: 'misdirected', message: 'This host is not served here.' }, 421);
  await next();
});

app.route('/', visitorRoutes);
app.route('/', attachmentRoutes);
app.route('/', historyRoutes);
app.route('/', dataRightsRoutes);
app.route('/', ticketRoutes);
app.route('/', agentRoutes);
app.route('/', reportRoutes);
app.route('/', adminRoutes);
app.route('/', siteAdminRoutes);
app.route('/', webhookRoutes);
app.route('/', diagnosticsRoutes);

app.notFound((c) => c.json({ error: 'not_found', message: 'Not found.' }, 404));

app.onError((error, c) => {
  // Middleware refusals (bad bearer, unreadable JSON) keep their status and get a plain sentence.
  if (error instanceof HTTPException) {
    // bearerAuth answers a malformed Authorization header with 400 and a challenge: that is a missing credential.
    const challenge = error.getResponse().headers.get('WWW-Authenticate');
    if (challenge || error.status === 401) {
      const body = c.json({ error: 'unauthorized', message: 'Missing or wrong credentials.' }, 401);
      body.headers.set('WWW-Authenticate', challenge ?? 'Bearer');
      return body;
    }
    const message = error.status === 400 ? 'The request body is not valid JSON.' : 'The request was refused.';
    return c.json({ error: error.status === 400 ? 'invalid_body' : 'request_refused', message }, error.status);
  }
  console.error('worker: unhandled error', error);
  return c.json({ error: 'internal', message: 'Something went wrong on our side.' }, 500);
});

export default app;
