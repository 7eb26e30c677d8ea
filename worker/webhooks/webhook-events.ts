/**
 * The one way an event leaves for the site's webhooks: `emit(siteId, {type, data})`, called where
 * the event happened (the SiteInbox and its chat-row lifecycle), after that object's own state
 * changed. It returns at once: the enqueue (a quick call to SiteWebhooks, which sends later from
 * its alarm) runs under waitUntil, so neither it nor any endpoint delays a chat. Only events some
 * enabled endpoint listens to are passed on (SiteWebhooks keeps that set up to date here), so a
 * site without endpoints never calls SiteWebhooks at all.
 */
import type { WebhookEventType, WebhookPayload } from '../../protocol/webhooks.ts';
import type { Env } from '../env.ts';
import type { MetaStore } from '../meta-store.ts';
import { siteWebhooks } from '../stubs.ts';
import { newWebhookId } from './signature.ts';

const SUBSCRIBED_KEY = 'webhookEvents';

export interface WebhookEvent {
  type: WebhookEventType;
  data: WebhookPayload['data'];
}

export class WebhookEvents {
  private subscribed: Set<string> | null = null;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
    private readonly meta: MetaStore,
  ) {}

  /** SiteWebhooks tells which events anyone listens to, after every endpoint change. */
  setSubscribed(events: readonly WebhookEventType[]): void {
    this.meta.setJson(SUBSCRIBED_KEY, events);
    this.subscribed = new Set(events);
  }

  emit(siteId: string | null, event: WebhookEvent, at = Date.now()): void {
    this.subscribed ??= new Set(this.meta.getJson<string[]>(SUBSCRIBED_KEY) ?? []);
    if (!siteId || !this.subscribed.has(event.type)) return;
    const enqueue = siteWebhooks(this.env, siteId)
      .enqueue(siteId, { id: newWebhookId('evt'), type: event.type, createdAt: at, data: event.data })
      .catch((error: unknown) => console.error('webhooks: an event could not be queued', event.type, error));
    this.ctx.waitUntil(enqueue);
  }
}
