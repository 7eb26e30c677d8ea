/**
 * The one way to reach a Durable Object by name: a site's inbox, history, catalog or webhooks is named by
 * the site id, a conversation by its id.
 */
import type { Env } from './env.ts';

export const siteInbox = (env: Env, siteId: string) => env.SITE_INBOX.get(env.SITE_INBOX.idFromName(siteId));
export const siteHistory = (env: Env, siteId: string) => env.SITE_HISTORY.get(env.SITE_HISTORY.idFromName(siteId));
export const conversationStub = (env: Env, conversationId: string) => env.CONVERSATION.get(env.CONVERSATION.idFromName(conversationId));
export const siteWebhooks = (env: Env, siteId: string) => env.SITE_WEBHOOKS.get(env.SITE_WEBHOOKS.idFromName(siteId));
