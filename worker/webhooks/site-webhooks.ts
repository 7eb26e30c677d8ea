/**
 * SiteWebhooks: one Durable Object per site that owns its webhook endpoints, the queue of
 * deliveries and their log (webhook-store.ts). Events arrive by `enqueue`, a quick insert; the
 * alarm sends them (delivery.ts), so a slow or dead endpoint only ever waits here, never in a
 * chat. Failed deliveries are retried with backoff for 24 h, then marked failed.
 *
 * Whenever the endpoints change, the site's SiteInbox learns which events anyone listens to
 * (`setWebhookEvents`); it calls this object only for those, so a site without endpoints never
 * wakes it.
 */
import { DurableObject } from 'cloudflare:workers';
import {
  WEBHOOK_EVENTS,
  WEBHOOK_LIMITS,
  type WebhookDelivery,
  type WebhookDeliveryEventType,
  type WebhookEndpoint,
  type WebhookEndpointCreate,
  type WebhookEndpointUpdate,
  type WebhookListResponse,
  type WebhookPayload,
  type WebhookSecretResponse,
} from '../../protocol/webhooks.ts';
import type { Env } from '../env.ts';
import { MetaStore } from '../meta-store.ts';
import { siteInbox } from '../stubs.ts';
import { attemptDelivery, nextAttemptAt, retryBaseMs } from './delivery.ts';
import { endpointUrlProblem } from './endpoint-url.ts';
import { newWebhookId, newWebhookSecret } from './signature.ts';
import { WebhookStore } from './webhook-store.ts';

/** Deliveries sent at once per alarm run; more wait for the next run, a moment later. */
const BATCH = 20;
/** Finished deliveries stay in the log this long. */
const LOG_RETENTION_MS = 7 * 24 * 3600_000;

export type WebhookResult<T> = { ok: true; value: T } | { ok: false; status: 400 | 404 | 409; error: string; message: string };

/** An event as the inbox hands it over: its id is made where it happened, so a retried enqueue is stored once. */
export interface WebhookEventInput {
  id: string;
  type: WebhookDeliveryEventType;
  createdAt: number;
  data: WebhookPayload['data'];
}

const notFound = { ok: false, status: 404, error: 'not_found', message: 'No such webhook endpoint.' } as const;

export class SiteWebhooks extends DurableObject<Env> {
  private readonly meta: MetaStore;
  private readonly store: WebhookStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.meta = new MetaStore(ctx.storage.sql);
    this.store = new WebhookStore(ctx.storage.sql);
  }

  // ---- endpoints (RPC from the router; the caller checked that it is a site admin) --------

  async list(siteId: string): Promise<WebhookListResponse> {
    this.bindSite(siteId);
    return { endpoints: this.store.endpoints(), events: WEBHOOK_EVENTS, limit: WEBHOOK_LIMITS.endpointsPerSite };
  }

  async create(siteId: string, input: WebhookEndpointCreate): Promise<WebhookResult<WebhookSecretResponse>> {
    this.bindSite(siteId);
    const problem = this.urlProblem(input.url);
    if (problem) return { ok: false, status: 400, error: 'invalid_body', message: problem };
    if (this.store.count() >= WEBHOOK_LIMITS.endpointsPerSite)
      return { ok: false, status: 409, error: 'too_many_endpoints', message: `A site can have at most ${WEBHOOK_LIMITS.endpointsPerSite} webhook endpoints.` };
    const id = newWebhookId('whe');
    const secret = newWebhookSecret();
    this.store.create({ id, url: input.url, events: input.events, description: input.description, secret }, Date.now());
    await this.tellInbox(siteId);
    return { ok: true, value: { endpoint: this.store.endpoint(id)!, secret } };
  }

  async update(siteId: string, id: string, change: WebhookEndpointUpdate): Promise<WebhookResult<WebhookEndpoint>> {
    this.bindSite(siteId);
    if (!this.store.endpoint(id)) return notFound;
    const problem = change.url ? this.urlProblem(change.url) : null;
    if (problem) return { ok: false, status: 400, error: 'invalid_body', message: problem };
    this.store.update(id, change);
    await this.tellInbox(siteId);
    // Resumed: what waited while it was paused is due again.
    await this.scheduleAlarm();
    return { ok: true, value: this.store.endpoint(id)! };
  }

  async remove(siteId: string, id: string): Promise<WebhookResult<null>> {
    this.bindSite(siteId);
    if (!this.store.delete(id)) return notFound;
    await this.tellInbox(siteId);
    await this.scheduleAlarm();
    return { ok: true, value: null };
  }

  async revealSecret(siteId: string, id: string): Promise<WebhookResult<WebhookSecretResponse>> {
    this.bindSite(siteId);
    const endpoint = this.store.endpoint(id);
    const secret = this.store.secret(id);
    return endpoint && secret ? { ok: true, value: { endpoint, secret } } : notFound;
  }

  /** A new secret; deliveries from now on (retries included) are signed with it. */
  async rotateSecret(siteId: string, id: string): Promise<WebhookResult<WebhookSecretResponse>> {
    this.bindSite(siteId);
    if (!this.store.endpoint(id)) return notFound;
    const secret = newWebhookSecret();
    this.store.setSecret(id, secret);
    return { ok: true, value: { endpoint: this.store.endpoint(id)!, secret } };
  }

  /** A `ping` event to this endpoint alone (even a disabled one), to try the receiver. */
  async ping(siteId: string, id: string): Promise<WebhookResult<WebhookDelivery>> {
    this.bindSite(siteId);
    if (!this.store.endpoint(id)) return notFound;
    const event: WebhookEventInput = { id: newWebhookId('evt'), type: 'ping', createdAt: Date.now(), data: { endpoint: id } };
    this.store.enqueue({ id: event.id, type: event.type, body: this.body(siteId, event) }, Date.now(), id);
    await this.scheduleAlarm();
    return { ok: true, value: this.store.get(event.id, id)! };
  }

  async deliveries(siteId: string, id: string): Promise<WebhookResult<WebhookDelivery[]>> {
    this.bindSite(siteId);
    if (!this.store.endpoint(id)) return notFound;
    return { ok: true, value: this.store.list(id, WEBHOOK_LIMITS.logRows) };
  }

  /** Sends a delivery again (same id and body; receivers that saw it already can ignore it). */
  async resend(siteId: string, id: string, eventId: string): Promise<WebhookResult<WebhookDelivery>> {
    this.bindSite(siteId);
    if (!this.store.resend(eventId, id, Date.now())) return { ok: false, status: 404, error: 'not_found', message: 'No such delivery for this endpoint.' };
    await this.scheduleAlarm();
    return { ok: true, value: this.store.get(eventId, id)! };
  }

  // ---- events (RPC from the SiteInbox) ---------------------------------------------------

  /** Queues the event for every endpoint listening to it; sending happens in the alarm. */
  async enqueue(siteId: string, event: WebhookEventInput): Promise<number> {
    this.bindSite(siteId);
    const queued = this.store.enqueue({ id: event.id, type: event.type, body: this.body(siteId, event) }, Date.now());
    if (queued > 0) await this.scheduleAlarm();
    return queued;
  }

  /** Data rights: deliveries about erased chats leave the queue and the log (worker/data-rights.ts). */
  async eraseConversations(conversationIds: string[]): Promise<number> {
    return this.store.deleteForConversations(conversationIds);
  }

  /** Sends what is due, records each outcome, and sets the alarm for the next due delivery. */
  async alarm(): Promise<void> {
    const base = retryBaseMs(this.env.WEBHOOK_RETRY_BASE_MS);
    const due = this.store.due(Date.now(), BATCH);
    await Promise.all(
      due.map(async (delivery) => {
        const attempt = await attemptDelivery(delivery, Date.now());
        if (attempt.error === null) return this.store.recordAttempt(delivery.eventId, delivery.endpointId, attempt, 'delivered', null);
        const next = nextAttemptAt(delivery.attempts + 1, delivery.windowStart, attempt.at, base);
        this.store.recordAttempt(delivery.eventId, delivery.endpointId, attempt, next === null ? 'failed' : 'pending', next);
      }),
    );
    this.store.prune(Date.now() - LOG_RETENTION_MS);
    await this.scheduleAlarm();
  }

  // ---- helpers --------------------------------------------------------------------------

  private body(siteId: string, event: WebhookEventInput): string {
    return JSON.stringify({ id: event.id, type: event.type, createdAt: event.createdAt, site: siteId, data: event.data } satisfies WebhookPayload);
  }

  private urlProblem(url: string): string | null {
    return endpointUrlProblem(url, this.env.ALLOW_HTTP_WEBHOOKS === 'true');
  }

  private async scheduleAlarm(): Promise<void> {
    const next = this.store.nextDue();
    if (next === null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || next < current) await this.ctx.storage.setAlarm(next);
  }

  /** The site's inbox calls this object only for events some enabled endpoint listens to. */
  private async tellInbox(siteId: string): Promise<void> {
    await siteInbox(this.env, siteId).setWebhookEvents(siteId, this.store.subscribedEvents());
  }

  private bindSite(siteId: string): void {
    const known = this.meta.get('siteId');
    if (known && known !== siteId) throw new Error(`webhooks of ${known} called for ${siteId}`);
    if (!known) this.meta.set('siteId', siteId);
  }
}
