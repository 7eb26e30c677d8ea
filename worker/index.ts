/**
 * The Worker: a thin Hono router. It validates and routes; Durable Objects decide.
 * Static files (demo shop, widget, console) are served by Workers Static Assets.
 */
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { Env } from './env.ts';
import { adminRoutes } from './routes/admin.ts';
import { agentRoutes } from './routes/agent.ts';
import { visitorRoutes } from './routes/visitor.ts';

export { Conversation } from './conversation.ts';
export { SiteInbox } from './site-inbox.ts';
export { IpRateLimiter } from './ip-rate-limiter.ts';

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

app.route('/', visitorRoutes);
app.route('/', agentRoutes);
app.route('/', adminRoutes);

app.notFound((c) => c.json({ error: 'not_found', message: 'Not found.' }, 404));

app.onError((error, c) => {
  console.error('worker: unhandled error', error);
  return c.json({ error: 'internal', message: 'Something went wrong on our side.' }, 500);
});

export default app;
