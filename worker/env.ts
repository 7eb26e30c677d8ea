import type { SiteCatalog } from './catalog/site-catalog.ts';
import type { Conversation } from './conversation/conversation.ts';
import type { SiteHistory } from './history/site-history.ts';
import type { SiteInbox } from './inbox/site-inbox.ts';
import type { IpRateLimiter } from './ip-rate-limiter.ts';
import type { SiteWebhooks } from './webhooks/site-webhooks.ts';

/** Bindings and variables the Worker and its Durable Objects receive (see wrangler.toml). */
export interface Env {
  CONVERSATION: DurableObjectNamespace<Conversation>;
  SITE_INBOX: DurableObjectNamespace<SiteInbox>;
  IP_RATE_LIMITER: DurableObjectNamespace<IpRateLimiter>;
  /** One per site: settings, articles, compiled indexes (worker/catalog). */
  SITE_CATALOG: DurableObjectNamespace<SiteCatalog>;
  /** One per site: every conversation, for agents to list, search and label (worker/history). */
  SITE_HISTORY: DurableObjectNamespace<SiteHistory>;
  /** One per site: webhook endpoints, the delivery queue and its log (worker/webhooks). */
  SITE_WEBHOOKS: DurableObjectNamespace<SiteWebhooks>;
  /** Photos and PDFs sent in chats, keyed <site>/<conversation>/<attachment> (worker/attachments). */
  ATTACHMENTS: R2Bucket;
  ASSETS: Fetcher;
  /** HMAC key for shoppers' resume tokens. A secret in production; `.dev.vars` locally. */
  RESUME_TOKEN_SECRET: string;
  /** HMAC key for agents' session cookies. */
  SESSION_SECRET: string;
  /** Bearer key for the admin API that `npm run agent:add` calls. */
  ADMIN_API_KEY: string;
  /** "true" only in local development: lets any http://127.0.0.1 or http://localhost page embed any site. */
  ALLOW_LOCALHOST_ORIGINS?: string;
  /** "open" or "closed" forces every site's business hours (tests, demos); unset in production. */
  BUSINESS_HOURS_OVERRIDE?: string;
  /** JSON {"<site id>": "<secret>"}: keys for identity verification (userHash). */
  IDENTITY_SECRETS?: string;
  /** A number that replaces every site's new-conversations-per-IP limit (load tests from one address). */
  NEW_CONVERSATION_LIMIT_OVERRIDE?: string;
  /** The deployment's public origin (`https://kefu.example`); requests for any other Host are refused. */
  PUBLIC_ORIGIN?: string;
  /** "true": a proxy in front sets CF-Connecting-IP as Cloudflare's edge does (see client-address.ts). */
  TRUST_CF_CONNECTING_IP?: string;
  /** Failed logins one address may make per hour before every login from it gets 429 (default 30). */
  LOGIN_FAILURES_PER_ADDRESS_PER_HOUR?: string;
  /** "on" only in the workerd tests: lets a test make calls between the objects fail (worker/fault-injection.ts). */
  FAULT_INJECTION?: string;
  /** "true" only in local development and tests: webhook endpoints may be http:// and on this machine. */
  ALLOW_HTTP_WEBHOOKS?: string;
  /** Tests only: the first webhook retry delay in ms (the whole schedule scales with it); 30000 when unset. */
  WEBHOOK_RETRY_BASE_MS?: string;
  /** "on" only in the load and fault servers: GET /v1/diagnostics/... (worker/routes/diagnostics.ts). */
  DIAGNOSTICS?: string;
}
