/**
 * Who the shopper is, as the chat knows it: the greeting with their name, identity (verified or
 * only claimed), the page they are on, visits. Agents see every change; while a person has or
 * awaits the chat, the inbox's card is kept fresh too.
 */
import type { Identity, ShopperContext, VisitorHello } from '../../protocol/index.ts';
import type { Env } from '../env.ts';
import { checkIdentity } from '../identity.ts';
import { isOriginAllowed, type SiteConfig } from '../sites.ts';
import { errorFrame } from '../sockets.ts';
import { siteInbox } from '../stubs.ts';
import type { ChatRecord } from './chat-record.ts';
import type { ChatSockets } from './chat-sockets.ts';
import type { TranscriptStore } from './transcript-store.ts';

/** A new visit is counted after this long without a hello. */
const VISIT_GAP_MS = 30 * 60 * 1000;

export interface ShopperProfileHost {
  env: Env;
  record: ChatRecord;
  store: TranscriptStore;
  sockets: ChatSockets;
  site(): Promise<SiteConfig | null>;
  /** The chat's action bucket: identity and page changes cost a token like messages. */
  takeActionToken(): boolean;
  /** The shopper changed: the history's list and search learn it. */
  changed(): void;
}

export class ShopperProfile {
  constructor(private readonly host: ShopperProfileHost) {}

  /** Stores the shopper's context and tells agents, only when something changed (reconnects are frequent). */
  set(shopper: ShopperContext): void {
    if (!this.host.record.setShopper(shopper)) return;
    this.host.sockets.toAgents({ v: 1, type: 'shopper', shopper });
    this.host.changed();
  }

  /** The first hello of a chat: the shopper's language, then (after identify) the standard greeting. */
  start(hello: VisitorHello, site: SiteConfig | null): void {
    this.host.record.setShopper({ vip: false, locale: hello.locale ?? site?.defaultLocale ?? 'en', visits: 0 });
  }

  /** The standard greeting opens every chat, with the shopper's name once the shop has told us. */
  greet(site: SiteConfig | null): void {
    const { locale, name } = this.host.record.shopper();
    this.host.record.setState('bot');
    this.host.record.setStartedAt(Date.now());
    const template = site?.greeting[locale] ?? 'Hi{name}! How can we help?';
    const salutation = name ? (locale === 'zh' ? `，${name}` : ` ${name}`) : '';
    this.host.store.insert({ author: 'bot', text: template.replace('{name}', salutation), bot: { kind: 'greeting' } });
  }

  async identify(ws: WebSocket, identity: Identity): Promise<void> {
    const { env, record, sockets } = this.host;
    const site = await this.host.site();
    const check = await checkIdentity(env, record.siteId(), site?.identityVerification ?? false, identity);
    if (!check.accepted) return sockets.send(ws, errorFrame('identity_rejected', check.reason));
    const shopper = record.shopper();
    const name = identity.name?.replace(/[\p{C}]/gu, '').trim();
    this.set({
      ...shopper,
      userId: identity.id ?? shopper.userId,
      name: name || shopper.name,
      email: identity.email ?? shopper.email,
      vip: identity.vip ?? shopper.vip,
      verified: check.verified,
      // What the page only claimed is shown as claimed: a proven id does not vouch for the rest.
      provenFields: check.provenFields,
    });
    sockets.send(ws, { v: 1, type: 'identity', verified: check.verified, name: name || undefined });
    await this.refreshInboxView();
  }

  async page(page: { url: string; title: string }): Promise<void> {
    this.set(await this.withPage(this.host.record.shopper(), page));
    await this.refreshInboxView();
  }

  async recordVisit(hello: VisitorHello): Promise<void> {
    const { record } = this.host;
    const shopper = record.shopper();
    const now = Date.now();
    if (now - record.lastVisitAt() > VISIT_GAP_MS) shopper.visits += 1;
    record.setLastVisitAt(now);
    if (hello.locale) shopper.locale = hello.locale;
    // A new page in a hello is a page update: it costs an action token like a `page` frame, so
    // reconnecting with a different page each time cannot flood the agents.
    const pageChanged = hello.page && (hello.page.url !== shopper.pageUrl || hello.page.title !== shopper.pageTitle);
    this.set(hello.page && pageChanged && this.host.takeActionToken() ? await this.withPage(shopper, hello.page) : shopper);
  }

  /** While a person has or awaits the chat, the console's card shows the shopper as they are now. */
  private async refreshInboxView(): Promise<void> {
    const { env, record } = this.host;
    const state = record.state();
    if (state !== 'queued' && state !== 'agent') return;
    await siteInbox(env, record.siteId()).updateChat(record.conversationId(), { shopper: record.shopper() });
  }

  /** The shopper's page as the page says it, and whether it is one of the site's own pages (any URL can be claimed). */
  private async withPage(shopper: ShopperContext, page: { url: string; title: string }): Promise<ShopperContext> {
    const site = await this.host.site();
    let origin: string | null = null;
    try {
      origin = new URL(page.url).origin;
    } catch {
      // not a URL: shown as text
    }
    return { ...shopper, pageUrl: page.url, pageTitle: page.title, pageOnSite: Boolean(site && origin && isOriginAllowed(site, origin, this.host.env)) };
  }
}
