/**
 * Conversation: one Durable Object per chat. It owns the transcript and every socket attached
 * to the chat: the shopper's (one per tab) and the agents' (one per console that has it open).
 *
 * Rules it keeps:
 * - durable before visible: a message is acked and broadcast only after its INSERT, and the
 *   output gate holds those sends until the write is confirmed;
 * - exactly once: a retried clientMsgId is acked again with its original seq, never stored twice;
 * - the bot speaks only while the chat is in state `bot`; every state change is a system
 *   message, so replaying the transcript rebuilds any view;
 * - hibernation: sockets are accepted with ctx.acceptWebSocket and their state lives in
 *   attachments and SQLite, so the object can sleep; the constructor only runs DDL.
 */
import { DurableObject } from 'cloudflare:workers';
import {
  type AgentConversationInbound,
  type AgentConversationOutbound,
  type ArticleCard,
  agentConversationInboundSchema,
  CloseCode,
  type ConversationState,
  type HandoffReason,
  type Identity,
  MAX_REPLAY_MESSAGES,
  MAX_SHOPPER_SOCKETS,
  parseFrame,
  type ShopperContext,
  type TranscriptMessage,
  TYPING_RELAY_INTERVAL_MS,
  type VisitorHello,
  type VisitorInbound,
  type VisitorOutbound,
  visitorInboundSchema,
} from '../protocol/index.ts';
import { type Decision, decide, getArticle, type HistoryEntry, onFeedback, smalltalkReply } from './bot/index.ts';
import { catalogOf } from './catalog/site-cache.ts';
import type { Env } from './env.ts';
import { checkIdentity } from './identity.ts';
import { type PhraseLocale, phrase } from './phrases.ts';
import type { HandoffResult } from './site-inbox.ts';
import { findSite, isOriginAllowed, knowledgeFor, type SiteConfig } from './sites.ts';
import { TranscriptStore } from './transcript-store.ts';

/** Headers the router sets when it hands a verified upgrade to this object. */
export const CONVERSATION_HEADERS = {
  conversationId: 'x-kefu-conversation',
  siteId: 'x-kefu-site',
  resumeToken: 'x-kefu-resume-token',
  agentId: 'x-kefu-agent-id',
  /** encodeURIComponent of the name: a header value cannot carry every character a name may. */
  agentName: 'x-kefu-agent-name',
  sessionVersion: 'x-kefu-session-version',
  /** The resume token's version: older than the conversation's (after a shutdown) is refused. */
  tokenVersion: 'x-kefu-token-version',
} as const;

type SocketAttachment =
  | { role: 'visitor'; ready: boolean; resumeToken: string; openedAt: number }
  | { role: 'agent'; ready: boolean; agentId: string; agentName: string; sessionVersion: number };

/** Bot decisions and feedback kept for decide(); older turns stop mattering. */
const HISTORY_LIMIT = 12;
/** A new visit is counted after this long without a hello. */
const VISIT_GAP_MS = 30 * 60 * 1000;
/** Shopper actions that store or trigger work: a burst of this many, then one per second. */
const SHOPPER_ACTION_BURST = 10;
const SHOPPER_ACTIONS_PER_SECOND = 1;
const RATE_LIMITED_FRAMES = new Set<VisitorInbound['type']>([
  'message',
  'choose_article',
  'feedback',
  'request_human',
  'offline_ticket',
  'rate',
  'identify',
  'page',
]);

export class Conversation extends DurableObject<Env> {
  private readonly store: TranscriptStore;
  // Token bucket for shopper actions, shared by all of this chat's shopper sockets. In memory:
  // it only matters while frames are arriving, which is exactly when the object is awake.
  private actionTokens = SHOPPER_ACTION_BURST;
  private tokensCheckedAt = Date.now();
  // When each side last had a typing indicator relayed (in memory, like the bucket above).
  private readonly typingRelayedAt = { shopper: 0, agent: 0 };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new TranscriptStore(ctx.storage.sql);
  }

  async fetch(request: Request): Promise<Response> {
    if (request.headers.get('Upgrade') !== 'websocket') return new Response('Expected a WebSocket upgrade.', { status: 426 });
    const siteId = request.headers.get(CONVERSATION_HEADERS.siteId);
    const conversationId = request.headers.get(CONVERSATION_HEADERS.conversationId);
    if (!siteId || !conversationId) return new Response('Missing routing headers.', { status: 400 });
    const knownSite = this.store.getMeta('siteId');
    const agentId = request.headers.get(CONVERSATION_HEADERS.agentId);

    let attachment: SocketAttachment;
    if (agentId) {
      // Agents may only open chats that exist and belong to their own site.
      if (knownSite === null) return new Response('No such conversation.', { status: 404 });
      if (knownSite !== siteId) return new Response('This conversation belongs to another site.', { status: 403 });
      const sessionVersion = Number(request.headers.get(CONVERSATION_HEADERS.sessionVersion));
      if (!Number.isInteger(sessionVersion) || this.isRevoked(agentId, sessionVersion)) return new Response('Please log in.', { status: 401 });
      attachment = { role: 'agent', ready: false, agentId, agentName: decodeAgentName(request.headers.get(CONVERSATION_HEADERS.agentName)), sessionVersion };
    } else {
      const resumeToken = request.headers.get(CONVERSATION_HEADERS.resumeToken);
      if (!resumeToken) return new Response('Missing resume token.', { status: 400 });
      if (knownSite !== null && knownSite !== siteId) return new Response('This conversation belongs to another site.', { status: 403 });
      const tokenVersion = Number(request.headers.get(CONVERSATION_HEADERS.tokenVersion) ?? 0);
      if (!(tokenVersion >= this.tokenVersion())) return new Response('This chat has ended.', { status: 410 });
      if (knownSite === null) {
        this.store.setMeta('siteId', siteId);
        this.store.setMeta('conversationId', conversationId);
      }
      attachment = { role: 'visitor', ready: false, resumeToken, openedAt: Date.now() };
    }

    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1], [attachment.role]);
    pair[1].serializeAttachment(attachment);
    if (attachment.role === 'visitor') this.closeOldestShopperSockets();
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    const attachment = ws.deserializeAttachment() as SocketAttachment;
    try {
      if (attachment.role === 'visitor') {
        const parsed = parseFrame(visitorInboundSchema, raw);
        if (!parsed.ok) return this.send(ws, { v: 1, type: 'error', code: parsed.code, message: parsed.message, clientMsgId: parsed.clientMsgId });
        await this.onVisitorFrame(ws, attachment, parsed.frame);
      } else {
        if (this.isRevoked(attachment.agentId, attachment.sessionVersion)) return ws.close(CloseCode.sessionRevoked, 'Session ended');
        const parsed = parseFrame(agentConversationInboundSchema, raw);
        if (!parsed.ok) return this.send(ws, { v: 1, type: 'error', code: parsed.code, message: parsed.message, clientMsgId: parsed.clientMsgId });
        await this.onAgentFrame(ws, attachment, parsed.frame);
      }
    } catch (error) {
      // Log the detail for us; the client gets a code and a sentence, never a stack.
      console.error('conversation: frame handling failed', error);
      this.send(ws, { v: 1, type: 'error', code: 'internal', message: 'Something went wrong on our side. Please try again.' });
    }
  }

  async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // Already closed: nothing to finish.
    }
  }

  async webSocketError(_ws: WebSocket, error: unknown): Promise<void> {
    console.warn('conversation: socket error', error);
  }

  /** One token may hold MAX_SHOPPER_SOCKETS sockets (tabs); a new one closes the oldest. */
  private closeOldestShopperSockets(): void {
    const open = this.ctx
      .getWebSockets('visitor')
      .filter((ws) => ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)
      .map((ws) => ({ ws, openedAt: (ws.deserializeAttachment() as { openedAt?: number } | null)?.openedAt ?? 0 }))
      .sort((a, b) => a.openedAt - b.openedAt);
    for (const { ws } of open.slice(0, Math.max(0, open.length - MAX_SHOPPER_SOCKETS))) {
      try {
        ws.close(CloseCode.tooManySockets, 'Too many open chat windows');
      } catch {
        // already closing
      }
    }
  }

  private tokenVersion(): number {
    return Number(this.store.getMeta('tokenVersion') ?? 0);
  }

  /** `kefu('shutdown')`: every token minted so far stops opening this chat, and its sockets close. */
  private async shutdown(): Promise<void> {
    this.store.setMeta('tokenVersion', String(this.tokenVersion() + 1));
    if (this.state() === 'queued' || this.state() === 'agent') await this.close();
    for (const ws of this.ctx.getWebSockets('visitor')) {
      try {
        ws.close(CloseCode.shutdown, 'Chat ended');
      } catch {
        // already closing
      }
    }
  }

  /** At most one typing indicator per side every TYPING_RELAY_INTERVAL_MS; the rest are dropped. */
  private mayRelayTyping(side: 'shopper' | 'agent'): boolean {
    const now = Date.now();
    if (now - this.typingRelayedAt[side] < TYPING_RELAY_INTERVAL_MS && now >= this.typingRelayedAt[side]) return false;
    this.typingRelayedAt[side] = now;
    return true;
  }

  // ---- RPC from the SiteInbox ---------------------------------------------------------

  /** The agent's sessions below `validFrom` were revoked: their sockets here close, and stay refused. */
  async revokeAgentSessions(agentId: string, validFrom: number, code: number): Promise<void> {
    const key = `agentSessionsFrom:${agentId}`;
    this.store.setMeta(key, String(Math.max(validFrom, Number(this.store.getMeta(key) ?? 0))));
    for (const ws of this.ctx.getWebSockets('agent')) {
      const attachment = ws.deserializeAttachment() as SocketAttachment | null;
      if (attachment?.role === 'agent' && this.isRevoked(attachment.agentId, attachment.sessionVersion)) {
        try {
          ws.close(code, code === CloseCode.signedOut ? 'Signed out' : 'Session ended');
        } catch {
          // already closing
        }
      }
    }
  }

  /** An agent claimed the chat (or was given it): the bot stops speaking from here on. */
  async assignAgent(agent: { agentId: string; agentName: string }): Promise<void> {
    this.store.setMeta('assignedAgentId', agent.agentId);
    this.store.setMeta('assignedAgentName', agent.agentName);
    this.changeState('agent', phrase(this.locale(), 'agentJoined', { agent: agent.agentName }), { agentName: agent.agentName });
  }

  /** The shopper's place in the queue changed. Not stored: it is live information. */
  async updateQueue(position: number, estimatedWaitSeconds: number): Promise<void> {
    if (this.state() !== 'queued') return;
    this.broadcastToVisitors({ v: 1, type: 'queue', position, estimatedWaitSeconds });
  }

  /** The agent stayed disconnected past the grace period: back to the front of the queue. */
  async returnToQueue(): Promise<void> {
    if (this.state() !== 'agent') return;
    this.clearAssignment();
    await this.cancelIdleTimer();
    this.changeState('queued', phrase(this.locale(), 'requeued'));
  }

  /** Idle handling: two polite prompts to a silent shopper, then a polite close. */
  async alarm(): Promise<void> {
    const site = await this.site();
    const since = Number(this.store.getMeta('idleSince') ?? 0);
    if (!site || this.state() !== 'agent' || !since) return;
    const step = Number(this.store.getMeta('idleStep') ?? 0);
    const agentName = this.store.getMeta('assignedAgentName') ?? undefined;
    const locale = this.locale();
    if (step === 0 || step === 1) {
      const text = (step === 0 ? site.idle.prompts.first : site.idle.prompts.second)[locale] ?? '';
      const prompt = this.store.insert({ author: 'agent', agentName, text, bot: { kind: 'idle_prompt', step: step === 0 ? 1 : 2 } });
      this.broadcastMessage(prompt);
      this.store.setMeta('idleStep', String(step + 1));
      const next = step === 0 ? site.idle.secondPromptSeconds : site.idle.closeSeconds;
      await this.ctx.storage.setAlarm(since + next * 1000);
      return;
    }
    const goodbye = this.store.insert({ author: 'agent', agentName, text: site.idle.prompts.close[locale] ?? '' });
    this.broadcastMessage(goodbye);
    await this.close();
  }

  // ---- shopper frames -------------------------------------------------------------------

  private async onVisitorFrame(ws: WebSocket, attachment: Extract<SocketAttachment, { role: 'visitor' }>, frame: VisitorInbound): Promise<void> {
    if (frame.type === 'hello') {
      if (attachment.ready) return this.send(ws, { v: 1, type: 'error', code: 'invalid_frame', message: 'This socket has already said hello.' });
      return this.welcomeVisitor(ws, attachment, frame);
    }
    if (!attachment.ready) return this.send(ws, { v: 1, type: 'error', code: 'hello_required', message: 'Send a hello frame first.' });
    if ('clientMsgId' in frame) {
      // A retry of a stored message is acked again without costing the sender anything.
      const existing = this.store.byClientMsgId(frame.clientMsgId);
      if (existing) return this.send(ws, { v: 1, type: 'ack', clientMsgId: frame.clientMsgId, seq: existing.seq });
    }
    if (RATE_LIMITED_FRAMES.has(frame.type) && !this.takeActionToken()) {
      return this.send(ws, {
        v: 1,
        type: 'error',
        code: 'rate_limited',
        message: 'You are sending messages too quickly. Please wait a moment.',
        clientMsgId: 'clientMsgId' in frame ? frame.clientMsgId : undefined,
      });
    }

    switch (frame.type) {
      case 'message': {
        const message = this.store.insert({ author: 'shopper', text: frame.text, clientMsgId: frame.clientMsgId });
        // Ack and broadcast before anything awaits: another handler's message (a bot reply waiting
        // on the site's knowledge) must not reach a socket ahead of this lower seq. The output gate
        // still holds both until the INSERT is durable.
        this.send(ws, { v: 1, type: 'ack', clientMsgId: frame.clientMsgId, seq: message.seq });
        this.broadcastMessage(message, ws);
        await this.cancelIdleTimer();
        await this.afterShopperMessage(message);
        return;
      }
      case 'choose_article': {
        const article = await this.article(frame.articleId);
        if (!article)
          return this.send(ws, {
            v: 1,
            type: 'error',
            code: 'invalid_frame',
            message: phrase(this.locale(), 'unknownArticle'),
            clientMsgId: frame.clientMsgId,
          });
        const message = this.store.insert({ author: 'shopper', text: article.title, clientMsgId: frame.clientMsgId });
        this.send(ws, { v: 1, type: 'ack', clientMsgId: frame.clientMsgId, seq: message.seq });
        this.broadcastMessage(message, ws);
        if (this.state() !== 'bot') return;
        this.rememberChosenSuggestion(article.id);
        this.pushHistory({ kind: 'bot', action: 'answer', articleId: article.id, query: article.title });
        this.sendBotAnswer(article, 1, 'chosen by the shopper from suggestions');
        await this.inbox().recordChatEvent(this.conversationId(), { kind: 'chip', at: message.at });
        return;
      }
      case 'feedback':
        return this.onFeedback(ws, frame.seq, frame.helpful);
      case 'request_human':
        if (this.state() === 'queued' || this.state() === 'agent') {
          return this.send(ws, { v: 1, type: 'error', code: 'not_now', message: 'A person is already on the way.' });
        }
        return this.handOff('requested_human', this.store.lastBy('shopper')?.text ?? '');
      case 'offline_ticket':
        return this.createTicket(ws, frame.email, frame.message);
      case 'rate':
        return this.rate(ws, frame.score, frame.comment);
      case 'identify':
        await this.applyIdentity(ws, frame.identity);
        return;
      case 'page': {
        this.setShopper(await this.withPage(this.shopper(), frame.page));
        if (this.state() === 'queued' || this.state() === 'agent') await this.inbox().updateChat(this.conversationId(), { shopper: this.shopper() });
        return;
      }
      case 'typing':
        if (this.mayRelayTyping('shopper')) this.broadcastToAgents({ v: 1, type: 'typing', from: 'shopper', on: frame.on });
        return;
      case 'shutdown':
        return this.shutdown();
      case 'read':
        return this.broadcastToAgents({ v: 1, type: 'read', by: 'shopper', seq: Math.min(frame.seq, this.store.lastSeq()) });
    }
  }

  private async welcomeVisitor(ws: WebSocket, attachment: Extract<SocketAttachment, { role: 'visitor' }>, hello: VisitorHello): Promise<void> {
    const site = await this.site();
    const isNew = this.store.getMeta('state') === null;
    if (isNew) this.store.setJson('shopper', { vip: false, locale: hello.locale ?? site?.defaultLocale ?? 'en', visits: 0 } satisfies ShopperContext);
    // Identity first, so that a new chat's greeting can use the shopper's name. It costs an
    // action token like identify(), so reconnect loops cannot flood the agents with updates.
    if (hello.identity) {
      if (this.takeActionToken()) await this.applyIdentity(ws, hello.identity);
      else this.send(ws, { v: 1, type: 'error', code: 'rate_limited', message: 'Too many identity changes; try again in a moment.' });
    }
    if (isNew) this.startConversation(site);
    await this.recordVisit(hello);
    const lastSeq = this.store.lastSeq();
    this.send(ws, {
      v: 1,
      type: 'welcome',
      conversationId: this.store.getMeta('conversationId') ?? '',
      token: attachment.resumeToken,
      state: this.state(),
      lastSeq,
      rated: this.store.getMeta('rating') !== null,
      agentName: this.state() === 'agent' ? (this.store.getMeta('assignedAgentName') ?? undefined) : undefined,
    });
    this.replay(ws, hello.lastSeq, lastSeq);
    ws.serializeAttachment({ ...attachment, ready: true } satisfies SocketAttachment);
  }

  /** The standard greeting opens every chat, with the shopper's name once the shop has told us. */
  private startConversation(site: SiteConfig | null): void {
    const { locale, name } = this.shopper();
    this.store.setMeta('state', 'bot' satisfies ConversationState);
    this.store.setMeta('createdAt', String(Date.now()));
    const template = site?.greeting[locale] ?? 'Hi{name}! How can we help?';
    const salutation = name ? (locale === 'zh' ? `，${name}` : ` ${name}`) : '';
    this.store.insert({ author: 'bot', text: template.replace('{name}', salutation), bot: { kind: 'greeting' } });
  }

  private async applyIdentity(ws: WebSocket, identity: Identity): Promise<void> {
    const site = await this.site();
    const check = await checkIdentity(this.env, this.siteId(), site?.identityVerification ?? false, identity);
    if (!check.accepted) {
      this.send(ws, { v: 1, type: 'error', code: 'identity_rejected', message: check.reason });
      return;
    }
    const shopper = this.shopper();
    const name = identity.name?.replace(/[\p{C}]/gu, '').trim();
    this.setShopper({
      ...shopper,
      userId: identity.id ?? shopper.userId,
      name: name || shopper.name,
      email: identity.email ?? shopper.email,
      vip: identity.vip ?? shopper.vip,
      verified: check.verified,
      // What the page only claimed is shown as claimed: a proven id does not vouch for the rest.
      provenFields: check.provenFields,
    });
    this.send(ws, { v: 1, type: 'identity', verified: check.verified, name: name || undefined });
    if (this.state() === 'queued' || this.state() === 'agent') await this.inbox().updateChat(this.conversationId(), { shopper: this.shopper() });
  }

  /** The shopper's page as the page says it, and whether it is one of the site's own pages (any URL can be claimed). */
  private async withPage(shopper: ShopperContext, page: { url: string; title: string }): Promise<ShopperContext> {
    const site = await this.site();
    let origin: string | null = null;
    try {
      origin = new URL(page.url).origin;
    } catch {
      // not a URL: shown as text
    }
    return { ...shopper, pageUrl: page.url, pageTitle: page.title, pageOnSite: Boolean(site && origin && isOriginAllowed(site, origin, this.env)) };
  }

  private takeActionToken(): boolean {
    const now = Date.now();
    // max(0, …): a clock that steps backwards must not drain the bucket.
    const elapsedSeconds = Math.max(0, now - this.tokensCheckedAt) / 1000;
    this.actionTokens = Math.min(SHOPPER_ACTION_BURST, this.actionTokens + elapsedSeconds * SHOPPER_ACTIONS_PER_SECOND);
    this.tokensCheckedAt = now;
    if (this.actionTokens < 1) return false;
    this.actionTokens -= 1;
    return true;
  }

  private async recordVisit(hello: VisitorHello): Promise<void> {
    const shopper = this.shopper();
    const now = Date.now();
    const lastVisit = Number(this.store.getMeta('lastVisitAt') ?? 0);
    if (now - lastVisit > VISIT_GAP_MS) shopper.visits += 1;
    this.store.setMeta('lastVisitAt', String(now));
    if (hello.locale) shopper.locale = hello.locale;
    // A new page in a hello is a page update: it costs an action token like a `page` frame, so
    // reconnecting with a different page each time cannot flood the agents.
    const pageChanged = hello.page && (hello.page.url !== shopper.pageUrl || hello.page.title !== shopper.pageTitle);
    this.setShopper(hello.page && pageChanged && this.takeActionToken() ? await this.withPage(shopper, hello.page) : shopper);
  }

  private async afterShopperMessage(message: TranscriptMessage): Promise<void> {
    const state = this.state();
    if (state === 'queued' || state === 'agent') {
      await this.inbox().updateChat(this.conversationId(), { lastMessage: message.text });
      return;
    }
    if (state === 'closed' || state === 'offline') this.changeState('bot', phrase(this.locale(), 'backToBot'));
    await this.inbox().recordChatEvent(this.conversationId(), { kind: 'message', at: message.at });
    await this.botReply(message.text);
  }

  // ---- the bot --------------------------------------------------------------------------

  private async botReply(text: string): Promise<void> {
    await this.settleSuggestions();
    const kb = await knowledgeFor(this.env, this.siteId());
    if (!kb) return;
    const decision = decide(text, { kb, locale: this.locale(), history: this.history() });
    const locale = decision.scores.locale;
    if (locale !== this.locale()) this.setShopper({ ...this.shopper(), locale });
    await this.act(decision, text);
  }

  private async act(decision: Decision, query: string): Promise<void> {
    const locale = decision.scores.locale;
    switch (decision.action) {
      case 'answer': {
        const article = await this.article(decision.articleId, locale);
        if (!article) return this.handOff('low_confidence', query);
        this.pushHistory({ kind: 'bot', action: 'answer', articleId: article.id, query });
        this.sendBotAnswer(article, decision.confidence, decision.reason);
        await this.inbox().recordChatEvent(this.conversationId(), { kind: 'answer', at: Date.now() });
        return;
      }
      case 'suggest': {
        const suggestions = (await Promise.all(decision.articleIds.map((id) => this.article(id, locale)))).flatMap((article) =>
          article ? [{ id: article.id, title: article.title }] : [],
        );
        this.pushHistory({ kind: 'bot', action: 'suggest', articleIds: decision.articleIds, query });
        const message = this.store.insert({ author: 'bot', text: phrase(locale, 'suggest'), bot: { kind: 'suggest', suggestions, reason: decision.reason } });
        this.broadcastMessage(message);
        return;
      }
      case 'smalltalk': {
        this.pushHistory({ kind: 'bot', action: 'smalltalk', query });
        const message = this.store.insert({
          author: 'bot',
          text: smalltalkReply(decision.kind, locale, this.shopper().name),
          bot: { kind: 'smalltalk', reason: decision.reason },
        });
        this.broadcastMessage(message);
        return;
      }
      case 'handoff':
        this.pushHistory({ kind: 'bot', action: 'handoff', query });
        // Unsure or unmatched questions are what the knowledge base should grow by.
        if (decision.reason === 'low_confidence' || decision.reason === 'out_of_scope') await this.recordGap(query, decision.reason);
        return this.handOff(decision.reason, query);
    }
  }

  private sendBotAnswer(article: ArticleCard, confidence: number, reason: string): void {
    const message = this.store.insert({
      author: 'bot',
      text: `${article.title}\n${article.excerpt}`,
      bot: { kind: 'answer', article, confidence: Math.round(confidence * 100) / 100, reason, askFeedback: true },
    });
    this.broadcastMessage(message);
  }

  private async onFeedback(ws: WebSocket, seq: number, helpful: boolean): Promise<void> {
    const answer = this.store.bySeq(seq);
    if (answer?.bot?.kind !== 'answer') {
      return this.send(ws, { v: 1, type: 'error', code: 'unknown_message', message: 'Feedback must refer to a bot answer.' });
    }
    const history = this.history();
    await this.inbox().recordChatEvent(this.conversationId(), { kind: 'feedback', helpful, at: Date.now() });
    this.pushHistory({ kind: 'feedback', helpful, articleId: answer.bot.article.id });
    // A chosen chip marked helpful teaches the article a phrasing; "not helpful" forgets it.
    if (helpful) await this.proposeChosenPhrasing();
    else this.store.setMeta('chosenSuggestion', null);
    if (helpful || this.state() !== 'bot') return;
    const asked = [...history].reverse().find((entry) => entry.kind === 'bot' && entry.action === 'answer');
    await this.recordGap(asked?.kind === 'bot' ? (asked.query ?? answer.bot.article.title) : answer.bot.article.title, 'not_helpful');
    const kb = await knowledgeFor(this.env, this.siteId());
    const followUp = kb ? onFeedback(false, { kb, locale: this.locale(), history }) : null;
    if (followUp) await this.act(followUp, asked?.kind === 'bot' ? (asked.query ?? '') : '');
    else await this.handOff('not_helpful_twice', '');
  }

  /** The shopper clicked a chip: the question they asked may become that article's example question. */
  private rememberChosenSuggestion(articleId: string): void {
    const last = this.history().at(-1);
    if (last?.kind !== 'bot' || last.action !== 'suggest' || !last.query) return;
    this.store.setJson('chosenSuggestion', { locale: this.locale(), articleId, question: last.query });
  }

  /** Proposed to the site's owners (nothing enters the index until an admin accepts it). */
  private async proposeChosenPhrasing(): Promise<void> {
    const chosen = this.store.getJson<{ locale: PhraseLocale; articleId: string; question: string }>('chosenSuggestion');
    if (!chosen) return;
    this.store.setMeta('chosenSuggestion', null);
    await catalogOf(this.env, this.siteId()).proposePhrasing(chosen.locale, chosen.articleId, chosen.question);
  }

  /**
   * Before the next question: a chip chosen and not called unhelpful becomes a proposal, and
   * chips none of which was clicked count as a knowledge gap.
   */
  private async settleSuggestions(): Promise<void> {
    await this.proposeChosenPhrasing();
    const last = this.history().at(-1);
    if (last?.kind === 'bot' && last.action === 'suggest' && last.query) await this.recordGap(last.query, 'suggestions_ignored');
  }

  private async recordGap(question: string, reason: string): Promise<void> {
    if (!question.trim()) return;
    await this.inbox().recordKnowledgeGap({ siteId: this.siteId(), locale: this.locale(), question, reason });
  }

  // ---- handoff --------------------------------------------------------------------------

  private async handOff(reason: HandoffReason, lastMessage: string): Promise<void> {
    const locale = this.locale();
    this.store.setMeta('handoffReason', reason);
    const notice = this.store.insert({ author: 'bot', text: phrase(locale, 'handoffNotice'), bot: { kind: 'handoff', reason } });
    this.broadcastMessage(notice);
    const result: HandoffResult = await this.inbox().requestHandoff({
      siteId: this.siteId(),
      conversationId: this.conversationId(),
      reason,
      shopper: this.shopper(),
      lastMessage: lastMessage || (this.store.lastBy('shopper')?.text ?? ''),
    });
    if (result.outcome === 'assigned') {
      await this.assignAgent(result);
    } else if (result.outcome === 'queued') {
      this.changeState('queued', phrase(locale, 'queued'));
      this.broadcastToVisitors({ v: 1, type: 'queue', position: result.position, estimatedWaitSeconds: result.estimatedWaitSeconds });
    } else {
      this.store.setMeta('promisedReplyTime', result.promisedReplyTime);
      this.changeState('offline', phrase(locale, 'offline', { promise: result.promisedReplyTime }), { promisedReplyTime: result.promisedReplyTime });
    }
  }

  private async createTicket(ws: WebSocket, email: string, message: string): Promise<void> {
    if (this.state() !== 'offline') {
      return this.send(ws, { v: 1, type: 'error', code: 'not_now', message: 'The offline form is only open when no one can come.' });
    }
    const shopper = this.shopper();
    await this.inbox().createTicket({ siteId: this.siteId(), conversationId: this.conversationId(), email, message, locale: shopper.locale });
    this.setShopper({ ...shopper, email: shopper.email ?? email });
    const promise = this.store.getMeta('promisedReplyTime') ?? '';
    const confirmation = this.store.insert({
      author: 'system',
      text: phrase(shopper.locale, 'ticketCreated', { email, promise }),
      system: { event: 'ticket', email },
    });
    this.broadcastMessage(confirmation);
  }

  private async rate(ws: WebSocket, score: number, comment: string): Promise<void> {
    if (this.state() !== 'closed' || this.store.getMeta('rating') !== null) {
      return this.send(ws, { v: 1, type: 'error', code: 'not_now', message: 'There is no finished chat to rate.' });
    }
    this.store.setJson('rating', { score, comment });
    await this.inbox().recordRating(this.conversationId(), score, comment);
    const thanks = this.store.insert({ author: 'system', text: phrase(this.locale(), 'rated'), system: { event: 'rated', score } });
    this.broadcastMessage(thanks);
    this.broadcastToAgents({ v: 1, type: 'rating', score, comment });
  }

  private async close(): Promise<void> {
    await this.cancelIdleTimer();
    this.changeState('closed', phrase(this.locale(), 'closed'));
    await this.inbox().release(this.conversationId(), 'closed');
  }

  // ---- agent frames ---------------------------------------------------------------------

  private async onAgentFrame(ws: WebSocket, agent: Extract<SocketAttachment, { role: 'agent' }>, frame: AgentConversationInbound): Promise<void> {
    if (frame.type === 'hello') return this.welcomeAgent(ws, agent, frame.lastSeq);
    if (!agent.ready) return this.send(ws, { v: 1, type: 'error', code: 'hello_required', message: 'Send a hello frame first.' });

    switch (frame.type) {
      case 'note': {
        const { note, duplicate } = this.store.addNote({
          agentId: agent.agentId,
          agentName: agent.agentName,
          text: frame.text,
          clientMsgId: frame.clientMsgId,
        });
        if (duplicate) return this.send(ws, { v: 1, type: 'note', note, clientMsgId: frame.clientMsgId });
        this.broadcastToAgents({ v: 1, type: 'note', note, clientMsgId: frame.clientMsgId });
        return;
      }
      case 'typing':
        if (this.holds(agent) && this.mayRelayTyping('agent')) this.broadcastToVisitors({ v: 1, type: 'typing', from: 'agent', on: frame.on });
        return;
      case 'read':
        // Only the agent holding the chat speaks for the shop, read receipts included.
        if (this.holds(agent)) this.broadcastToVisitors({ v: 1, type: 'read', by: 'agent', seq: Math.min(frame.seq, this.store.lastSeq()) });
        return;
    }

    // Everything below speaks for the site: only the agent holding the chat may do it.
    if (!this.holds(agent)) {
      return this.send(ws, {
        v: 1,
        type: 'error',
        code: 'not_assigned',
        message: 'Claim this chat from the queue before acting on it.',
        clientMsgId: 'clientMsgId' in frame ? frame.clientMsgId : undefined,
      });
    }
    switch (frame.type) {
      case 'message': {
        const existing = this.store.byClientMsgId(frame.clientMsgId);
        if (existing) return this.send(ws, { v: 1, type: 'ack', clientMsgId: frame.clientMsgId, seq: existing.seq });
        const message = this.store.insert({ author: 'agent', agentName: agent.agentName, text: frame.text, clientMsgId: frame.clientMsgId });
        // As for the shopper's messages: in seq order on every socket, so nothing awaits first.
        this.send(ws, { v: 1, type: 'ack', clientMsgId: frame.clientMsgId, seq: message.seq });
        this.broadcastMessage(message, ws);
        await this.startIdleTimer(message.at);
        await this.inbox().recordAgentReply(this.conversationId(), message.at);
        return;
      }
      case 'transfer': {
        const result = await this.inbox().transfer(this.conversationId(), agent.agentId, frame.toAgentId);
        if (!result.ok) return this.send(ws, { v: 1, type: 'error', code: result.code, message: result.message });
        if (frame.note.trim()) {
          const { note } = this.store.addNote({ agentId: agent.agentId, agentName: agent.agentName, text: frame.note.trim() });
          this.broadcastToAgents({ v: 1, type: 'note', note });
        }
        this.store.setMeta('assignedAgentId', frame.toAgentId);
        this.store.setMeta('assignedAgentName', result.agentName);
        const message = this.store.insert({
          author: 'system',
          text: phrase(this.locale(), 'transferred', { agent: result.agentName }),
          system: { event: 'transferred', agentName: result.agentName },
        });
        this.broadcastMessage(message);
        this.broadcastToAgents({ v: 1, type: 'state', state: 'agent', assignedAgentId: frame.toAgentId });
        return;
      }
      case 'back_to_bot':
        await this.cancelIdleTimer();
        this.clearAssignment();
        this.changeState('bot', phrase(this.locale(), 'backToBot'));
        await this.inbox().release(this.conversationId(), 'back_to_bot');
        return;
      case 'close':
        return this.close();
    }
  }

  private welcomeAgent(ws: WebSocket, agent: Extract<SocketAttachment, { role: 'agent' }>, clientLastSeq: number): void {
    const lastSeq = this.store.lastSeq();
    this.send(ws, {
      v: 1,
      type: 'welcome',
      conversationId: this.conversationId(),
      state: this.state(),
      lastSeq,
      assignedAgentId: this.store.getMeta('assignedAgentId'),
      shopper: this.shopper(),
      notes: this.store.notes(),
      rating: this.store.getJson<{ score: number; comment: string }>('rating'),
    });
    this.replay(ws, clientLastSeq, lastSeq);
    ws.serializeAttachment({ ...agent, ready: true } satisfies SocketAttachment);
  }

  private isRevoked(agentId: string, sessionVersion: number): boolean {
    return sessionVersion < Number(this.store.getMeta(`agentSessionsFrom:${agentId}`) ?? 0);
  }

  private holds(agent: { agentId: string }): boolean {
    return this.state() === 'agent' && this.store.getMeta('assignedAgentId') === agent.agentId;
  }

  /** The shopper spoke (or the chat left the agent): no more idle prompts. */
  private async cancelIdleTimer(): Promise<void> {
    this.store.setMeta('idleSince', null);
    await this.ctx.storage.deleteAlarm();
  }

  private async startIdleTimer(since: number): Promise<void> {
    const site = await this.site();
    if (!site) return;
    this.store.setMeta('idleSince', String(since));
    this.store.setMeta('idleStep', '0');
    await this.ctx.storage.setAlarm(since + site.idle.firstPromptSeconds * 1000);
  }

  // ---- state and helpers ----------------------------------------------------------------

  private changeState(state: ConversationState, text: string, extra: { agentName?: string; promisedReplyTime?: string } = {}): void {
    this.store.setMeta('state', state);
    const message = this.store.insert({ author: 'system', text, system: { event: 'state', state, ...extra } });
    this.broadcastMessage(message);
    this.broadcastToVisitors({ v: 1, type: 'state', state, ...extra });
    this.broadcastToAgents({ v: 1, type: 'state', state, assignedAgentId: this.store.getMeta('assignedAgentId') });
  }

  private clearAssignment(): void {
    this.store.setMeta('assignedAgentId', null);
    this.store.setMeta('assignedAgentName', null);
  }

  /** Sends what the client missed, or the whole transcript when it claims a future or is too far behind. */
  private replay(ws: WebSocket, clientLastSeq: number, lastSeq: number): void {
    if (clientLastSeq > lastSeq || lastSeq - clientLastSeq > MAX_REPLAY_MESSAGES) {
      this.send(ws, { v: 1, type: 'resync', messages: this.store.after(0), lastSeq });
      return;
    }
    for (const message of this.store.after(clientLastSeq)) this.send(ws, { v: 1, type: 'message', message });
  }

  private async article(articleId: string, locale: PhraseLocale = this.locale()): Promise<ArticleCard | null> {
    const kb = await knowledgeFor(this.env, this.siteId());
    const knowledge = kb?.locales[locale] ?? kb?.locales.en;
    const view = knowledge ? getArticle(knowledge, articleId) : undefined;
    return view ? { id: view.id, title: view.title, excerpt: view.excerpt, html: view.html } : null;
  }

  private history(): HistoryEntry[] {
    return this.store.getJson<HistoryEntry[]>('history') ?? [];
  }

  private pushHistory(entry: HistoryEntry): void {
    this.store.setJson('history', [...this.history(), entry].slice(-HISTORY_LIMIT));
  }

  private state(): ConversationState {
    return (this.store.getMeta('state') as ConversationState | null) ?? 'bot';
  }

  private shopper(): ShopperContext {
    return this.store.getJson<ShopperContext>('shopper') ?? { vip: false, locale: 'en', visits: 0 };
  }

  /** Stores the shopper's context and tells agents, only when something changed (reconnects are frequent). */
  private setShopper(shopper: ShopperContext): void {
    if (JSON.stringify(shopper) === this.store.getMeta('shopper')) return;
    this.store.setJson('shopper', shopper);
    this.broadcastToAgents({ v: 1, type: 'shopper', shopper });
  }

  private locale(): PhraseLocale {
    return this.shopper().locale;
  }

  private siteId(): string {
    return this.store.getMeta('siteId') ?? '';
  }

  private conversationId(): string {
    return this.store.getMeta('conversationId') ?? '';
  }

  private async site(): Promise<SiteConfig | null> {
    return findSite(this.env, this.siteId());
  }

  private inbox() {
    return this.env.SITE_INBOX.get(this.env.SITE_INBOX.idFromName(this.siteId()));
  }

  // ---- sockets --------------------------------------------------------------------------

  private send(ws: WebSocket, frame: VisitorOutbound | AgentConversationOutbound): void {
    try {
      ws.send(JSON.stringify(frame));
    } catch {
      // The socket closed under us; the client will resume with its lastSeq.
    }
  }

  /** A stored message goes to every ready socket, shoppers and agents alike, except `skip` (it got an ack). */
  private broadcastMessage(message: TranscriptMessage, skip?: WebSocket): void {
    for (const ws of this.ctx.getWebSockets()) {
      if (ws !== skip && (ws.deserializeAttachment() as SocketAttachment | null)?.ready) this.send(ws, { v: 1, type: 'message', message });
    }
  }

  private broadcastToVisitors(frame: VisitorOutbound): void {
    for (const ws of this.ctx.getWebSockets('visitor')) {
      if ((ws.deserializeAttachment() as SocketAttachment | null)?.ready) this.send(ws, frame);
    }
  }

  private broadcastToAgents(frame: AgentConversationOutbound): void {
    for (const ws of this.ctx.getWebSockets('agent')) {
      if ((ws.deserializeAttachment() as SocketAttachment | null)?.ready) this.send(ws, frame);
    }
  }
}

/** The router percent-encodes the agent's name into a header; a broken one falls back to "Agent". */
function decodeAgentName(header: string | null): string {
  if (!header) return 'Agent';
  try {
    return decodeURIComponent(header);
  } catch {
    return 'Agent';
  }
}
