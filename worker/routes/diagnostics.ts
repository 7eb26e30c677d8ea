/**
 * Diagnostics for the load and fault benches, served only when DIAGNOSTICS=on (never set in
 * production): 404 otherwise, as if the route did not exist.
 *   GET /v1/diagnostics/conversations/:id  which wake-up of the Conversation answers (hibernation checks)
 */
import { Hono } from 'hono';
import type { Env } from '../env.ts';
import { conversationStub } from '../stubs.ts';

export const diagnosticsRoutes = new Hono<{ Bindings: Env }>();

diagnosticsRoutes.get('/v1/diagnostics/conversations/:id', async (c) => {
  if (c.env.DIAGNOSTICS !== 'on') return c.notFound();
  const id = c.req.param('id');
  if (!/^[A-Za-z0-9_#-]{1,100}$/.test(id)) return c.json({ error: 'invalid_id', message: 'Not a conversation id.' }, 400);
  return c.json(await conversationStub(c.env, id).diagnostics());
});
