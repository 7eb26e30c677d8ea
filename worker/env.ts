import type { Conversation } from './conversation.ts';

/** Bindings and variables the Worker and its Durable Objects receive (see wrangler.toml). */
export interface Env {
  CONVERSATION: DurableObjectNamespace<Conversation>;
  ASSETS: Fetcher;
  /** HMAC key for shoppers' resume tokens. A secret in production; `.dev.vars` locally. */
  RESUME_TOKEN_SECRET: string;
  /** "true" only in local development: lets any http://127.0.0.1 or http://localhost page embed any site. */
  ALLOW_LOCALHOST_ORIGINS?: string;
}
