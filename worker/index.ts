/**
 * The Worker: a thin Hono router. It validates and routes; Durable Objects decide.
 * Static files (demo shop, widget, console) are served by Workers Static Assets.
 */
import { Hono } from 'hono';
import type { Env } from './env.ts';
import { adminRoutes } from './routes/admin.ts';
import { agentRoutes } from './routes/agent.ts';
import { visitorRoutes } from './routes/visitor.ts';

export { Conversation } from './conversation.ts';
export { SiteInbox } from './site-inbox.ts';

const app = new Hono<{ Bindings: Env }>();

app.route('/', visitorRoutes);
app.route('/', agentRoutes);
app.route('/', adminRoutes);

app.notFound((c) => c.json({ error: 'not_found', message: 'Not found.' }, 404));

app.onError((error, c) => {
  console.error('worker: unhandled error', error);
  return c.json({ error: 'internal', message: 'Something went wrong on our side.' }, 500);
});

export default app;
