/**
 * Photos and PDFs in chat (protocol/attachments.ts). Thin: who is asking and for which chat;
 * worker/attachments/upload.ts does the checks and the storing.
 * - shoppers upload with their resume token, from a page the site allows (CORS);
 * - the agent holding a chat uploads with their session;
 * - a file opens with the conversation's signed, expiring link (the transcript carries it), or
 *   with the session of any agent of the chat's site.
 */
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import * as z from 'zod';
import { attachmentIdSchema, attachmentUploadQuerySchema, conversationIdPathSchema, DEFAULT_ATTACHMENT_MAX_BYTES } from '../../protocol/index.ts';
import { attachmentKey, fileResponse, getAttachment } from '../attachments/attachment-store.ts';
import { verifyFileToken } from '../attachments/file-links.ts';
import { receiveUpload, type UploadOutcome } from '../attachments/upload.ts';
import type { Env } from '../env.ts';
import { verifyResumeToken } from '../resume-token.ts';
import { findSite, isOriginAllowed, type SiteConfig } from '../sites.ts';
import { conversationStub } from '../stubs.ts';
import { type AgentContext, requireAgent, requireSameOrigin } from './agent.ts';
import { validationError } from './validation.ts';

export const attachmentRoutes = new Hono<AgentContext>();

const maxBytesOf = (site: SiteConfig) => site.attachments?.maxBytes ?? DEFAULT_ATTACHMENT_MAX_BYTES;
const answer = (c: { json: (body: unknown, status: never) => Response }, outcome: UploadOutcome) => c.json(outcome.body, outcome.status as never);
const notFound = { error: 'not_found', message: 'No such file.' } as const;
const filePath = z.object({ conversationId: conversationIdPathSchema, attachmentId: attachmentIdSchema });
const pathNotFound = (result: { success: boolean }, c: { json: (body: unknown, status: 404) => Response }) =>
  result.success ? undefined : c.json(notFound, 404);

// ---- shoppers --------------------------------------------------------------------------

attachmentRoutes.use(
  '/v1/attachments',
  cors({
    origin: async (origin, c) => {
      const site = await findSite(c.env as Env, c.req.query('site'));
      return site && isOriginAllowed(site, origin, c.env as Env) ? origin : null;
    },
    allowMethods: ['POST'],
    allowHeaders: ['Authorization', 'Content-Type'],
    maxAge: 600,
  }),
);

attachmentRoutes.post('/v1/attachments', zValidator('query', attachmentUploadQuerySchema.extend({ site: z.string().max(64) }), validationError), async (c) => {
  const { site: siteId, name, clientMsgId } = c.req.valid('query');
  const site = await findSite(c.env, siteId);
  if (!site) return c.json({ error: 'unknown_site', message: 'Unknown site.' }, 404);
  if (!isOriginAllowed(site, c.req.header('Origin'), c.env)) {
    return c.json({ error: 'origin_not_allowed', message: 'This page is not allowed to send files to this site.' }, 403);
  }
  const token = /^Bearer (\S+)$/.exec(c.req.header('Authorization') ?? '')?.[1];
  const claims = await verifyResumeToken(c.env.RESUME_TOKEN_SECRET, token, siteId);
  if (!claims) return c.json({ error: 'unauthorized', message: 'Open the chat before sending a file.' }, 401);
  const outcome = await receiveUpload(c.env, c.req.raw, {
    siteId,
    conversationId: claims.conversationId,
    author: { role: 'shopper', tokenVersion: claims.version },
    name,
    clientMsgId,
    maxBytes: maxBytesOf(site),
  });
  return answer(c as never, outcome);
});

attachmentRoutes.get('/v1/attachments/:conversationId/:attachmentId', zValidator('param', filePath, pathNotFound), async (c) => {
  const { conversationId, attachmentId } = c.req.valid('param');
  const siteId = await verifyFileToken(c.env, c.req.query('t'), conversationId);
  if (!siteId) return c.json({ error: 'forbidden', message: 'This link has expired or does not open this file.' }, 403);
  const object = await getAttachment(c.env, attachmentKey(siteId, conversationId, attachmentId));
  return object ? fileResponse(object) : c.json(notFound, 404);
});

// ---- agents ----------------------------------------------------------------------------

const AGENT_FILES = '/v1/agent/conversations/:conversationId/attachments';
const conversationPath = z.object({ conversationId: conversationIdPathSchema });

attachmentRoutes.post(
  AGENT_FILES,
  requireSameOrigin,
  requireAgent,
  zValidator('param', conversationPath, pathNotFound),
  zValidator('query', attachmentUploadQuerySchema, validationError),
  async (c) => {
    const agent = c.get('agent');
    const site = await findSite(c.env, agent.site);
    if (!site) return c.json({ error: 'unknown_site', message: 'Unknown site.' }, 404);
    const { name, clientMsgId } = c.req.valid('query');
    const outcome = await receiveUpload(c.env, c.req.raw, {
      siteId: agent.site,
      conversationId: c.req.valid('param').conversationId,
      author: { role: 'agent', agentId: agent.id, agentName: agent.name, sessionVersion: c.get('sessionVersion') },
      name,
      clientMsgId,
      maxBytes: maxBytesOf(site),
    });
    return answer(c as never, outcome);
  },
);

attachmentRoutes.get(`${AGENT_FILES}/:attachmentId`, requireSameOrigin, requireAgent, zValidator('param', filePath, pathNotFound), async (c) => {
  const { conversationId, attachmentId } = c.req.valid('param');
  const agent = c.get('agent');
  if ((await conversationStub(c.env, conversationId).siteOf()) !== agent.site) {
    return c.json({ error: 'forbidden', message: 'This conversation belongs to another site.' }, 403);
  }
  const object = await getAttachment(c.env, attachmentKey(agent.site, conversationId, attachmentId));
  return object ? fileResponse(object) : c.json(notFound, 404);
});
