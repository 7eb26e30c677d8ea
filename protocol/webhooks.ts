/**
 * Signed webhooks: the HTTP bodies a site's admins use to register endpoints, and the shape of
 * what kefu sends them. The Worker validates the inbound shapes; the outbound ones are types.
 *
 * Routes (worker/routes/webhooks.ts), the console (session cookie, site admins only) and the same
 * under /v1/admin/sites/:site/webhooks… with the bearer key:
 *   GET    /v1/agent/webhooks                              → WebhookListResponse
 *   POST   /v1/agent/webhooks                                webhookEndpointCreateSchema → WebhookSecretResponse (201; the secret is shown here)
 *   PUT    /v1/agent/webhooks/:id                            webhookEndpointUpdateSchema → WebhookEndpoint (only the fields given change)
 *   DELETE /v1/agent/webhooks/:id                          → 204
 *   GET    /v1/agent/webhooks/:id/secret                   → WebhookSecretResponse (admins may reveal it again)
 *   POST   /v1/agent/webhooks/:id/secret                   → WebhookSecretResponse (a new secret; the old one stops at once)
 *   POST   /v1/agent/webhooks/:id/ping                     → WebhookDelivery (a `ping` event, queued now)
 *   GET    /v1/agent/webhooks/:id/deliveries               → WebhookDeliveriesResponse (newest first)
 *   POST   /v1/agent/webhooks/:id/deliveries/:delivery/resend → WebhookDelivery (queued again, same id)
 */
import * as z from 'zod';

/** The events an endpoint can subscribe to (payloads: README "Webhooks"). `ping` is sent only on request. */
export const WEBHOOK_EVENTS = ['conversation.handoff', 'conversation.closed', 'rating.created', 'ticket.created', 'ticket.updated', 'gap.recorded'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];
export type WebhookDeliveryEventType = WebhookEventType | 'ping';

export const WEBHOOK_LIMITS = {
  endpointsPerSite: 10,
  urlChars: 2_000,
  descriptionChars: 200,
  /** deliveries listed per endpoint in the log */
  logRows: 100,
} as const;

/** The request headers of every delivery. */
export const WEBHOOK_HEADERS = {
  id: 'kefu-webhook-id',
  timestamp: 'kefu-webhook-timestamp',
  signature: 'kefu-signature',
  event: 'kefu-webhook-event',
} as const;

export const webhookEventSchema = z.enum(WEBHOOK_EVENTS);

/**
 * An endpoint's URL: https (http only where the deployment allows it for local development),
 * no user name or password in it, no fragment. The Worker adds the http check (it knows the setting).
 */
export const webhookUrlSchema = z
  .string()
  .trim()
  .max(WEBHOOK_LIMITS.urlChars, `must be at most ${WEBHOOK_LIMITS.urlChars} characters`)
  .superRefine((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a full URL, like https://example.com/kefu-hook' });
      return;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') ctx.addIssue({ code: 'custom', message: 'must start with https://' });
    else if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password; use the signing secret' });
    else if (url.hash) ctx.addIssue({ code: 'custom', message: 'must not contain a #fragment' });
  });

const eventsSchema = z
  .array(webhookEventSchema)
  .min(1, 'choose at least one event')
  .max(WEBHOOK_EVENTS.length)
  .transform((events) => [...new Set(events)]);

const descriptionSchema = z
  .string()
  .trim()
  .max(WEBHOOK_LIMITS.descriptionChars, `must be at most ${WEBHOOK_LIMITS.descriptionChars} characters`)
  .refine((text) => !/<[a-zA-Z!/?]/.test(text), 'must be plain text, without HTML or script');

export const webhookEndpointCreateSchema = z.strictObject({
  url: webhookUrlSchema,
  events: eventsSchema,
  description: descriptionSchema.default(''),
});
export type WebhookEndpointCreate = z.infer<typeof webhookEndpointCreateSchema>;

export const webhookEndpointUpdateSchema = z
  .strictObject({
    url: webhookUrlSchema.optional(),
    events: eventsSchema.optional(),
    description: descriptionSchema.optional(),
    enabled: z.boolean().optional(),
  })
  .refine((update) => Object.keys(update).length > 0, 'nothing to change');
export type WebhookEndpointUpdate = z.infer<typeof webhookEndpointUpdateSchema>;

export const webhookEndpointIdSchema = z.string().regex(/^whe_[0-9a-f]{24}$/, 'unknown endpoint');
export const webhookEventIdSchema = z.string().regex(/^evt_[0-9a-f]{24}$/, 'unknown delivery');

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: WebhookEventType[];
  description: string;
  enabled: boolean;
  createdAt: number;
  /** the secret's first characters, so admins can tell which one a receiver holds */
  secretPrefix: string;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookAttempt {
  at: number;
  /** the receiver's HTTP status, or null for a network error or timeout */
  status: number | null;
  error: string | null;
}

export interface WebhookDelivery {
  /** the event's id: the body's `id` and the `kefu-webhook-id` header; a re-send keeps it */
  id: string;
  endpointId: string;
  event: WebhookDeliveryEventType;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastError: string | null;
  lastStatus: number | null;
  nextAttemptAt: number | null;
  createdAt: number;
  deliveredAt: number | null;
  /** the latest attempts, oldest first */
  log: WebhookAttempt[];
}

export interface WebhookListResponse {
  endpoints: WebhookEndpoint[];
  events: readonly WebhookEventType[];
  limit: number;
}
export interface WebhookSecretResponse {
  endpoint: WebhookEndpoint;
  secret: string;
}
export interface WebhookDeliveriesResponse {
  deliveries: WebhookDelivery[];
}

/** The JSON body of every delivery. `data` holds ids and the few facts a receiver needs (README "Webhooks"). */
export interface WebhookPayload {
  id: string;
  type: WebhookDeliveryEventType;
  /** epoch milliseconds when the event happened */
  createdAt: number;
  site: string;
  data: Record<string, string | number | boolean | null>;
}
