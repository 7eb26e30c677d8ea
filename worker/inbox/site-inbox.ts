/**
 * SiteInbox: one Durable Object per site, where the site's agents meet its waiting chats. It
 * carries out; the rules live beside it:
 *   agent-directory.ts  agents, credentials, sessions, presence flags
 *   chat-rows.ts        the row per chat that reached a person, and its service figures
 *   assignment-policy.ts priority, queue order, routing, round robin, wait estimate (pure)
 *   agent-consoles.ts   console sockets, one snapshot per change
 *   inbox-views.ts      presence, snapshots, deltas, queue position and wait
 *   ticket-desk.ts      work orders (tickets.ts holds their tables)
 *   knowledge-gaps.ts, login-throttle.ts, session-revocation.ts, chat-deltas.ts
 *   chat-row-lifecycle.ts every change of a chat's row, through ../lifecycle.ts
 *
 * Every state change that matters runs synchronously on SQLite between awaits, so two agents
 * claiming the same chat can never both win: the second finds the row no longer queued.
 */

import { DurableObject } from 'cloudflare:workers';
import {
  type AgentCreate,
  type AgentProfile,
  CloseCode,
  type InboxInbound,
  inboxInboundSchema,
  parseFrame,
  type ShopperContext,
  type ShopperTicket,
  type TicketCreate,
  type TicketDetail,
  type TicketListQuery,
  type TicketListResponse,
  type TicketUpdate,
} from '../../protocol/index.ts';
import type { FollowUp, HandoverListResponse, ReportResponse, ReportTable } from '../../protocol/reports.ts';
import type { WebhookEventType } from '../../protocol/webhooks.ts';
import { isWithinBusinessHours } from '../business-hours.ts';
import type { Env } from '../env.ts';
import { FaultInjector } from '../fault-injection.ts';
import { MetaStore } from '../meta-store.ts';
import { findSite, type SiteConfig } from '../sites.ts';
import { answerClose, errorFrame, INTERNAL_ERROR_MESSAGE, sendFrame } from '../sockets.ts';
import { conversationStub } from '../stubs.ts';
import { WebhookEvents } from '../webhooks/webhook-events.ts';
import { AgentConsoles } from './agent-consoles.ts';
import { AgentDirectory } from './agent-directory.ts';
import { handoffRoute, nextAgent } from './assignment-policy.ts';
import { ChatDeltaCoalescer } from './chat-deltas.ts';
import { ChatRowLifecycle } from './chat-row-lifecycle.ts';
import { ChatRows } from './chat-rows.ts';
import { InboxViews } from './inbox-views.ts';
import { KnowledgeGaps } from './knowledge-gaps.ts';
import { LoginThrottle } from './login-throttle.ts';
import type { HandoffRequest, HandoffResult, LoginResult, ReleaseOutcome, TransferResult } from './rpc-types.ts';
import { INBOX_HEADERS } from './rpc-types.ts';
import { type ChatEvent, type ReportRequest, ServiceDesk } from './service-desk.ts';
import { AgentSocketRegistry, type RevocationCloseCode } from './session-revocation.ts';
import { TicketDesk, type TicketOutcome } from './ticket-desk.ts';

export type { HandoffRequest, HandoffResult, LoginResult, TransferResult } from './rpc-types.ts';
export { INBOX_HEADERS } from './rpc-types.ts';

/** When a Conversation could not be told of its return to the queue, the alarm tries again this soon. */
const GRACE_RETRY_MS = 5_000;

export class SiteInbox extends DurableObject<Env> {
  /** The site's settings as last loaded (refreshSite/bindSite at each entry point; sync code reads this). */
  private currentSite: SiteConfig | null = null;
  private readonly meta: MetaStore;
  private readonly agents: AgentDirectory;
  private readonly chats: ChatRows;
  private readonly tickets: TicketDesk;
  private readonly gaps: KnowledgeGaps;
  private readonly consoles: AgentConsoles;
  private readonly agentSockets: AgentSocketRegistry;
  private readonly loginThrottle: LoginThrottle;
  private readonly views: InboxViews;
  private readonly rows: ChatRowLifecycle;
  private readonly chatDeltas = new ChatDeltaCoalescer((conversationId) => this.views.sendChatDelta(conversationId));
  private readonly faults: FaultInjector;
  private readonly desk: ServiceDesk;
  /** Events for the site's webhooks, sent on only when an endpoint listens (../webhooks/webhook-events.ts). */
  private readonly webhooks: WebhookEvents;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    this.meta = new MetaStore(sql);
    this.agents = new AgentDirectory(sql, () => this.meta.get('siteId'));
    this.chats = new ChatRows(sql);
    this.tickets = new TicketDesk(sql, this.agents);
    this.gaps = new KnowledgeGaps(sql);
    this.consoles = new AgentConsoles(ctx);
    this.agentSockets = new AgentSocketRegistry(sql);
    this.loginThrottle = new LoginThrottle(sql);
    this.faults = new FaultInjector(env.FAULT_INJECTION === 'on');
    this.desk = new ServiceDesk(sql);
    this.webhooks = new WebhookEvents(ctx, env, this.meta);
    const tables = { agents: this.agents, chats: this.chats, tickets: this.tickets, consoles: this.consoles };
    this.views = new InboxViews({ ...tables, site: () => this.currentSite });
    this.rows = new ChatRowLifecycle({
      ...tables,
      views: this.views,
      conversation: (id) => this.conversation(id),
      afterQueueChange: () => this.afterQueueChange(),
    });
  }

  // ---- agents and credentials (RPC from the router) ------------------------------------

  /**
   * Creates an agent, or resets an existing one's name, role and password. A reset ends every
   * session and socket of that agent and clears its failed logins. Returns the password once when generated.
   */
  async upsertAgent(siteId: string, input: AgentCreate): Promise<{ agent: AgentProfile; oneTimePassword?: string }> {
    await this.bindSite(siteId);
    const { id, existed, oneTimePassword } = await this.agents.upsert(input);
    this.loginThrottle.reset(input.email);
    if (existed) await this.endSockets(id, CloseCode.sessionRevoked);
    this.views.broadcastSnapshots();
    return { agent: this.agents.profile(id)!, oneTimePassword };
  }

  /** Checks a password behind the per-account throttle (login-throttle.ts). */
  async login(siteId: string, email: string, password: string): Promise<LoginResult> {
    await this.bindSite(siteId);
    const gate = this.loginThrottle.begin(email);
    if (!gate.allowed) return { outcome: 'throttled', retryAfterMs: gate.retryAfterMs };
    const agent = await this.agents.verify(email, password);
    if (!agent) return { outcome: 'invalid' };
    this.loginThrottle.succeeded(email);
    this.desk.handover.sessionStarted(agent.id, Date.now());
    return { outcome: 'ok', agent, sessionVersion: this.agents.sessionVersion(agent.id) };
  }

  async changePassword(agentId: string, currentPassword: string, newPassword: string): Promise<boolean> {
    if (!(await this.agents.changePassword(agentId, currentPassword, newPassword))) return false;
    await this.endSockets(agentId, CloseCode.sessionRevoked);
    return true;
  }

  /** The agent behind a session cookie, if the agent still exists and the session was not revoked. */
  async authenticate(agentId: string, sessionVersion: number): Promise<AgentProfile | null> {
    const current = this.agents.sessionVersion(agentId);
    return current >= 0 && current === sessionVersion ? this.agents.profile(agentId) : null;
  }

  /** The version a new session cookie must carry. */
  async sessionVersion(agentId: string): Promise<number> {
    return this.agents.sessionVersion(agentId);
  }

  /** Logging out ends the agent's sessions everywhere (cookies are stateless; the version is not). */
  async revokeSessions(agentId: string): Promise<void> {
    this.agents.bumpSessionVersion(agentId);
    await this.endSockets(agentId, CloseCode.signedOut);
  }

  /**
   * The router is about to open a conversation socket for this session. Checked and remembered
   * in one step, so a revocation either comes first (refused here) or finds the conversation to close.
   */
  async admitConversationSocket(agentId: string, sessionVersion: number, conversationId: string): Promise<boolean> {
    if (this.agents.sessionVersion(agentId) !== sessionVersion || !this.agents.profile(agentId)) return false;
    this.agentSockets.track(agentId, conversationId);
    return true;
  }

  // ---- handoff and the queue (RPC from Conversation) -----------------------------------

  async requestHandoff(request: HandoffRequest): Promise<HandoffResult> {
    this.faults.check('requestHandoff');
    const site = await this.bindSite(request.siteId);
    const now = request.at ?? Date.now();
    const id = request.conversationId;
    const route = handoffRoute({
      agentOnline: this.views.presence().some((agent) => agent.status === 'online'),
      withinBusinessHours: this.isOpen(site, now),
      outsideHoursWithAgentOnline: site.outsideHoursWithAgentOnline,
    });
    if (route === 'offline') {
      await this.rows.apply(id, { type: 'handoff_offline' }, { now, request });
      this.desk.handedOff(request, 'offline', now);
      this.emitHandoff(request, 'offline', null, now);
      return { outcome: 'offline', promisedReplyTime: site.promisedReplyTime[request.shopper.locale] ?? site.promisedReplyTime.en ?? '' };
    }
    await this.rows.apply(id, { type: 'handoff_queued' }, { now, request });
    this.desk.handedOff(request, 'queued', now);
    const preferred = request.preferredAgentId;
    const preferredOnline = preferred && this.views.presence().some((agent) => agent.id === preferred && agent.status === 'online');
    const agentId = preferredOnline ? preferred : site.assignment.autoAssign ? this.pickAgent(site) : null;
    if (agentId) {
      await this.rows.apply(id, { type: 'assign', agentId, by: 'handoff' }, { now });
      this.desk.reports.taken(id, agentId, now);
      this.emitHandoff(request, 'assigned', agentId, now);
      return { outcome: 'assigned', agentId, agentName: this.agents.profile(agentId)?.name ?? 'Agent' };
    }
    this.emitHandoff(request, 'queued', null, now);
    await this.notifyQueuePositions(id);
    const position = this.views.queuePosition(id);
    return { outcome: 'queued', position, estimatedWaitSeconds: this.views.estimatedWait(position) };
  }

  /** The shopper wrote again, or their page or identity changed: keep the console's view fresh. */
  async updateChat(conversationId: string, update: { lastMessage?: string; shopper?: ShopperContext }): Promise<void> {
    await this.refreshSite();
    // One small delta for this chat (coalesced), not the whole inbox: chat-deltas.ts.
    if (this.chats.updateView(conversationId, update, Date.now())) this.chatDeltas.changed(conversationId);
  }

  async recordAgentReply(conversationId: string, at = Date.now()): Promise<void> {
    this.chats.recordFirstReply(conversationId, at);
    this.desk.reports.agentReplied(conversationId, at);
  }

  async transfer(conversationId: string, fromAgentId: string, toAgentId: string): Promise<TransferResult> {
    await this.refreshSite();
    const row = this.chats.get(conversationId);
    if (!row || row.state !== 'agent' || row.agent_id !== fromAgentId) {
      return { ok: false, code: 'not_assigned', message: 'Only the agent holding this chat can transfer it.' };
    }
    const target = this.agents.profile(toAgentId);
    if (!target || toAgentId === fromAgentId) return { ok: false, code: 'unknown_agent', message: 'Choose another agent of this site.' };
    const fromAgentName = this.agents.profile(fromAgentId)?.name;
    await this.rows.apply(conversationId, { type: 'transfer', fromAgentId, toAgentId }, { now: Date.now(), fromAgentName });
    this.desk.reports.transferred(conversationId, fromAgentId, toAgentId);
    return { ok: true, agentName: target.name };
  }

  /** The chat left human hands: back to the bot, or closed. A repeat of a release already made changes nothing. */
  async release(conversationId: string, outcome: ReleaseOutcome): Promise<void> {
    this.faults.check('release');
    await this.refreshSite();
    const row = this.chats.get(conversationId);
    if (row?.state === (outcome === 'closed' ? 'closed' : 'bot')) return;
    await this.rows.apply(conversationId, { type: 'release', outcome }, { now: Date.now() });
    this.desk.reports.released(conversationId, outcome, Date.now());
    if (outcome === 'closed') this.emitWebhook({ type: 'conversation.closed', data: { conversationId, agentId: row?.agent_id ?? null } });
  }

  async recordRating(conversationId: string, score: number, comment: string): Promise<void> {
    await this.refreshSite();
    this.chats.recordRating(conversationId, score, comment, Date.now());
    this.desk.rated(conversationId, score, comment, Date.now());
    this.views.broadcastSnapshots();
    this.emitWebhook({ type: 'rating.created', data: { conversationId, score, hasComment: comment.trim().length > 0 } });
  }

  /** The offline form's ticket (a complaint when the chat was handed off as one). */
  async createTicket(ticket: { siteId: string; conversationId: string; email: string; message: string; locale: 'en' | 'zh' }): Promise<number> {
    const site = await this.bindSite(ticket.siteId);
    const now = Date.now();
    const complaint = this.chats.get(ticket.conversationId)?.reason === 'complaint';
    const id = this.tickets.createOffline(site, { ...ticket, complaint }, now);
    this.desk.reports.ticketCreated(id, ticket.conversationId, now);
    this.ticketCreated(site, id);
    return id;
  }

  // ---- work orders (ticket-desk.ts; routes/tickets.ts checks the site and the conversation) ----

  async listTickets(siteId: string, agentId: string, query: TicketListQuery): Promise<TicketListResponse> {
    return this.tickets.list(await this.bindSite(siteId), agentId, query, Date.now());
  }

  async ticket(siteId: string, id: number): Promise<TicketDetail | null> {
    return this.tickets.detail(await this.bindSite(siteId), id, Date.now());
  }

  /** An agent opens a ticket from a chat of this site (the router checked the chat's site). */
  async openTicket(siteId: string, agentId: string, input: TicketCreate): Promise<TicketOutcome<TicketDetail>> {
    const site = await this.bindSite(siteId);
    // The shopper as the inbox last saw them (a chat that never reached a person has no row: no e-mail).
    const row = this.chats.get(input.conversationId);
    const shopper = row ? (JSON.parse(row.shopper) as ShopperContext) : null;
    const contact = { email: shopper?.email ?? '', locale: shopper?.locale ?? site.defaultLocale ?? site.locales[0] ?? 'en' };
    const created = this.tickets.createFromChat(site, agentId, { ...input, ...contact }, Date.now());
    if (!created.ok) return created;
    return { ok: true, value: this.ticketCreated(site, created.value) };
  }

  async updateTicket(siteId: string, agentId: string, id: number, update: TicketUpdate): Promise<TicketOutcome<TicketDetail>> {
    const site = await this.bindSite(siteId);
    const now = Date.now();
    const updated = this.tickets.update(site, agentId, id, update, now);
    if (!updated.ok) return updated;
    if (update.status === 'solved' && updated.value.statusBefore !== 'solved') this.desk.reports.ticketAnswered(id, now);
    return { ok: true, value: this.ticketUpdated(site, id) };
  }

  async commentTicket(siteId: string, agentId: string, id: number, text: string): Promise<TicketDetail | null> {
    const site = await this.bindSite(siteId);
    return this.tickets.comment(agentId, id, text, Date.now()) ? this.ticketUpdated(site, id) : null;
  }

  /** The shopper's tickets: those of their own conversation only. */
  async shopperTickets(siteId: string, conversationId: string): Promise<ShopperTicket[]> {
    return this.tickets.forShopper(await this.bindSite(siteId), conversationId);
  }

  async shopperTicketMessage(siteId: string, conversationId: string, id: number, text: string): Promise<TicketOutcome<ShopperTicket>> {
    const site = await this.bindSite(siteId);
    const written = this.tickets.shopperMessage(conversationId, id, text, Date.now());
    if (!written.ok) return written;
    this.ticketUpdated(site, id);
    return { ok: true, value: this.tickets.shopperView(site, this.tickets.store.get(id)!) };
  }

  /** The one place a ticket is created (offline form or from a chat): consoles hear of it (and webhooks, ticket.created). */
  private ticketCreated(site: SiteConfig, id: number): TicketDetail {
    this.views.broadcastSnapshots();
    const ticket = this.tickets.detail(site, id, Date.now())!;
    this.emitWebhook({ type: 'ticket.created', data: ticketWebhookData(ticket) });
    return ticket;
  }

  /** The one place a ticket's change lands (status, assignee, priority, kind, a comment, the shopper's message): webhooks' ticket.updated. */
  private ticketUpdated(site: SiteConfig, id: number): TicketDetail {
    this.views.broadcastSnapshots();
    const ticket = this.tickets.detail(site, id, Date.now())!;
    this.emitWebhook({ type: 'ticket.updated', data: ticketWebhookData(ticket) });
    return ticket;
  }

  /** A question the knowledge base could not answer, counted per normalised wording. */
  async recordKnowledgeGap(gap: { siteId: string; locale: 'en' | 'zh'; question: string; reason: string }): Promise<void> {
    await this.bindSite(gap.siteId);
    this.gaps.record(gap, Date.now());
    this.desk.reports.gapAsked(gap.locale, gap.question, Date.now());
    this.emitWebhook({ type: 'gap.recorded', data: { locale: gap.locale, question: gap.question.slice(0, 500), reason: gap.reason } });
  }

  async knowledgeGaps(limit = 50) {
    return this.gaps.top(limit);
  }

  async knowledgeGap(id: number): Promise<{ locale: 'en' | 'zh'; question: string } | null> {
    return this.gaps.get(id);
  }

  async solveKnowledgeGap(id: number): Promise<void> {
    this.gaps.remove(id);
  }

  /** Per-chat service figures for reports: waits, first human reply, reason, outcome, rating. */
  async chatStatistics(): Promise<Record<string, SqlStorageValue>[]> {
    return this.chats.statistics();
  }

  /** Data rights: the chats' tickets with their comments and activity. */
  async subjectTickets(conversationIds: string[]): Promise<TicketDetail[]> {
    const site = await this.refreshSite();
    if (!site) return [];
    return this.tickets.store.forConversations(conversationIds).map((row) => this.tickets.detail(site, row.id, Date.now())!);
  }

  /** Erasure: the chats' tickets go and their rows keep only anonymous figures. */
  async eraseConversations(conversationIds: string[]): Promise<{ tickets: number }> {
    const tickets = this.tickets.store.deleteFor(conversationIds);
    this.chats.anonymize(conversationIds);
    this.desk.followUps.anonymize(conversationIds);
    this.views.broadcastSnapshots();
    return { tickets };
  }

  /** SiteWebhooks, after its endpoints changed: the events some endpoint listens to. */
  async setWebhookEvents(siteId: string, events: WebhookEventType[]): Promise<void> {
    await this.bindSite(siteId);
    this.webhooks.setSubscribed(events);
  }

  /** Test-only (FAULT_INJECTION=on): the next `times` calls of `method` fail. */
  async injectFault(method: 'requestHandoff' | 'release', times: number, retryable: boolean): Promise<void> {
    this.faults.arm(method, times, retryable);
  }

  // ---- reports, follow-ups, handover notes (service-desk.ts) ------------------------------

  /** A bot turn's events in one call: the chat's own thread makes one RPC a turn, not one per event. */
  async recordChatEvents(conversationId: string, events: ChatEvent[]): Promise<void> {
    this.desk.chatEvents(conversationId, events);
  }

  async report(siteId: string, request: ReportRequest): Promise<ReportResponse> {
    return this.desk.report(await this.bindSite(siteId), request, Date.now());
  }

  async reportCsv(siteId: string, request: ReportRequest & { table: ReportTable }): Promise<string> {
    return this.desk.reportCsv(await this.bindSite(siteId), request, Date.now());
  }

  async followUps(status: 'open' | 'done' | 'all'): Promise<FollowUp[]> {
    return this.desk.followUpList(status);
  }

  async markFollowUpDone(id: number, agentId: string, note: string): Promise<boolean> {
    return this.desk.followUps.markDone(id, agentId, note, Date.now());
  }

  async handoverNotes(siteId: string, readerId: string, options: { query?: string; sinceLastSession: boolean }): Promise<HandoverListResponse> {
    return this.desk.handoverList(await this.bindSite(siteId), readerId, options, Date.now());
  }

  async writeHandoverNote(siteId: string, authorId: string, text: string): Promise<number> {
    const site = await this.bindSite(siteId);
    return this.desk.handover.write(authorId, text, Date.now(), site.serviceLevels.handoverRetentionDays);
  }

  async markHandoverRead(readerId: string, noteIds: number[]): Promise<void> {
    this.desk.handover.markRead(readerId, noteIds);
  }

  // ---- agent sockets --------------------------------------------------------------------

  async fetch(request: Request): Promise<Response> {
    if (request.headers.get('Upgrade') !== 'websocket') return new Response('Expected a WebSocket upgrade.', { status: 426 });
    const agentId = request.headers.get(INBOX_HEADERS.agentId);
    const siteId = request.headers.get(INBOX_HEADERS.siteId);
    if (!agentId || !siteId) return new Response('Missing routing headers.', { status: 400 });
    await this.bindSite(siteId);
    const sessionVersion = Number(request.headers.get(INBOX_HEADERS.sessionVersion));
    if (!this.agents.profile(agentId) || sessionVersion !== this.agents.sessionVersion(agentId)) return new Response('Unknown agent.', { status: 401 });

    const pair = new WebSocketPair();
    this.consoles.accept(pair[1], { agentId, sessionVersion });
    this.agents.connected(agentId);
    this.views.broadcastSnapshots();
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    // Refused frames are answered before anything awaits, so their errors keep the frames' order
    // (reloading the site settings can wait on the catalog, and a later frame would overtake).
    const parsed = parseFrame(inboxInboundSchema, raw);
    if (!parsed.ok) return sendFrame(ws, errorFrame(parsed.code, parsed.message));
    const attachment = this.consoles.attachment(ws);
    if (!attachment || attachment.sessionVersion !== this.agents.sessionVersion(attachment.agentId)) return ws.close(CloseCode.sessionRevoked, 'Session ended');
    try {
      await this.refreshSite();
      await this.onAgentFrame(ws, attachment.agentId, parsed.frame);
    } catch (error) {
      console.error('inbox: frame handling failed', error);
      sendFrame(ws, errorFrame('internal', INTERNAL_ERROR_MESSAGE));
    }
  }

  async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    await this.refreshSite();
    answerClose(ws, code, reason);
    await this.agentSocketGone(ws);
  }

  async webSocketError(ws: WebSocket): Promise<void> {
    await this.refreshSite();
    await this.agentSocketGone(ws);
  }

  /** Agents gone longer than the grace period: their chats go back to the front of the queue. */
  async alarm(): Promise<void> {
    const site = await this.refreshSite();
    if (!site) return;
    const now = Date.now();
    let unreachable = 0;
    for (const agent of this.agents.away()) {
      if (this.consoles.isConnected(agent.id) || agent.disconnectedAt > now - site.agentGraceSeconds * 1000) continue;
      const results = await Promise.allSettled(this.chats.heldBy(agent.id).map((id) => this.rows.apply(id, { type: 'grace_expired' }, { now })));
      const failed = results.filter((result) => result.status === 'rejected').length;
      // Those rows still say agent, and the agent still counts as gone: the next alarm tries again.
      if (failed > 0)
        console.error(
          `inbox: ${failed} chats could not be returned to the queue`,
          results.find((r) => r.status === 'rejected'),
        );
      if (failed === 0) this.agents.connected(agent.id);
      unreachable += failed;
    }
    await this.afterQueueChange();
    if (unreachable > 0) await this.ctx.storage.setAlarm(Date.now() + GRACE_RETRY_MS);
    else await this.scheduleGraceAlarm();
  }

  // ---- agent frames ---------------------------------------------------------------------

  private async onAgentFrame(ws: WebSocket, agentId: string, frame: InboxInbound): Promise<void> {
    switch (frame.type) {
      case 'hello':
        return this.views.sendSnapshot(ws, agentId);
      case 'heartbeat':
        return;
      case 'presence':
        this.agents.setAway(agentId, frame.status === 'away');
        return this.afterQueueChange();
      case 'resolve_ticket': {
        // The sidebar's quick "Resolve": the same change as setting the status to solved.
        const site = this.currentSite;
        if (site) await this.updateTicket(site.id, agentId, frame.ticketId, { status: 'solved' });
        return;
      }
      case 'claim':
        return this.claim(ws, agentId, frame.conversationId);
    }
  }

  private async claim(ws: WebSocket, agentId: string, conversationId: string): Promise<void> {
    const row = this.chats.get(conversationId);
    if (!row) return sendFrame(ws, errorFrame('not_found', 'That chat is not in the queue.', { conversationId }));
    if (row.state !== 'queued') {
      const holder = row.agent_id ? this.agents.profile(row.agent_id)?.name : null;
      return sendFrame(ws, errorFrame('already_claimed', holder ? `${holder} already took this chat.` : 'This chat is no longer waiting.', { conversationId }));
    }
    // The check above and the write (assignTo's first effect) run with no await between them: the claim is atomic.
    const now = Date.now();
    if (await this.rows.assignTo(conversationId, agentId, 'claim')) {
      this.desk.reports.taken(conversationId, agentId, now);
      sendFrame(ws, { v: 1, type: 'claimed', conversationId });
    }
  }

  // ---- the queue ------------------------------------------------------------------------

  /** The next agent by round robin (assignment-policy.ts), remembered as the last one served. */
  private pickAgent(site: SiteConfig): string | null {
    const agentId = nextAgent(this.views.presence(), site.assignment.maxChatsPerAgent, this.meta.get('roundRobinLast') ?? '');
    if (agentId) this.meta.set('roundRobinLast', agentId);
    return agentId;
  }

  /** With auto-assignment on, hand waiting chats to agents who have room. */
  private async assignWaitingChats(): Promise<void> {
    const site = this.currentSite;
    if (!site?.assignment.autoAssign) return;
    for (const row of this.chats.waiting()) {
      const agentId = this.pickAgent(site);
      if (!agentId) return;
      const now = Date.now();
      if (await this.rows.assignTo(row.conversation_id, agentId, 'auto')) this.desk.reports.taken(row.conversation_id, agentId, now);
    }
  }

  private async afterQueueChange(): Promise<void> {
    await this.assignWaitingChats();
    this.views.broadcastSnapshots();
    await this.notifyQueuePositions();
  }

  /** Tells each waiting shopper their position and wait when it changed (skip: already answered). */
  private async notifyQueuePositions(skip?: string): Promise<void> {
    const updates: Promise<void>[] = [];
    this.chats.waiting().forEach((row, index) => {
      const position = index + 1;
      if (row.notified_position === position) return;
      this.chats.setNotifiedPosition(row.conversation_id, position);
      if (row.conversation_id === skip) return;
      updates.push(this.conversation(row.conversation_id).updateQueue(position, this.views.estimatedWait(position)));
    });
    // Live information only: a shopper who misses one update gets the next, or the state on reconnect.
    for (const result of await Promise.allSettled(updates)) {
      if (result.status === 'rejected') console.warn('inbox: a queue position was not delivered', result.reason);
    }
  }

  // ---- consoles -------------------------------------------------------------------------

  private async agentSocketGone(ws: WebSocket): Promise<void> {
    const attachment = this.consoles.attachment(ws);
    if (!attachment) return;
    if (!this.consoles.isConnected(attachment.agentId, ws)) {
      this.agents.disconnected(attachment.agentId, Date.now());
      await this.scheduleGraceAlarm();
    }
    this.views.broadcastSnapshots(ws);
  }

  /** Closes every socket of the agent's revoked sessions: the inbox's here, the conversations' through them. */
  private async endSockets(agentId: string, code: RevocationCloseCode): Promise<void> {
    const version = this.agents.sessionVersion(agentId);
    for (const { ws, sessionVersion } of this.consoles.open(agentId)) {
      if (sessionVersion < version) ws.close(code, code === CloseCode.signedOut ? 'Signed out' : 'Session ended');
    }
    const conversations = this.agentSockets.takeAll(agentId);
    const results = await Promise.allSettled(conversations.map((id) => this.conversation(id).revokeAgentSessions(agentId, version, code)));
    // A conversation that missed it still refuses the old session: its cookie fails authenticate() on the next upgrade.
    for (const result of results) if (result.status === 'rejected') console.warn('inbox: revocation not delivered', result.reason);
  }

  private async scheduleGraceAlarm(): Promise<void> {
    const earliest = this.agents.earliestDisconnect();
    if (!this.currentSite || earliest === null) return;
    await this.ctx.storage.setAlarm(earliest + this.currentSite.agentGraceSeconds * 1000);
  }

  // ---- webhooks -------------------------------------------------------------------------

  /** After this object's own change: queued for the site's webhooks without waiting (webhook-events.ts). */
  private emitWebhook(event: Parameters<WebhookEvents['emit']>[1]): void {
    this.webhooks.emit(this.meta.get('siteId'), event);
  }

  private emitHandoff(request: HandoffRequest, outcome: HandoffResult['outcome'], agentId: string | null, at: number): void {
    const data = { conversationId: request.conversationId, reason: request.reason, outcome, agentId, locale: request.shopper.locale };
    this.webhooks.emit(this.meta.get('siteId'), { type: 'conversation.handoff', data }, at);
  }

  // ---- the site -------------------------------------------------------------------------

  private isOpen(site: SiteConfig, now: number): boolean {
    const override = this.env.BUSINESS_HOURS_OVERRIDE;
    if (override === 'open') return true;
    if (override === 'closed') return false;
    return isWithinBusinessHours(site.businessHours, new Date(now));
  }

  /** Remembers which site this object serves; every entry point passes it. */
  private async bindSite(siteId: string): Promise<SiteConfig> {
    const known = this.meta.get('siteId');
    if (known && known !== siteId) throw new Error(`inbox of ${known} called for ${siteId}`);
    if (!known) this.meta.set('siteId', siteId);
    const site = await this.refreshSite();
    if (!site) throw new Error(`unknown site ${siteId}`);
    return site;
  }

  /** Settings change at runtime (the catalog): entry points reload them (cached per isolate). */
  private async refreshSite(): Promise<SiteConfig | null> {
    this.currentSite = await findSite(this.env, this.meta.get('siteId'));
    return this.currentSite;
  }

  private conversation(conversationId: string) {
    return conversationStub(this.env, conversationId);
  }
}

/** What ticket.created and ticket.updated carry: the ticket's facts, never the shopper's e-mail or words. */
function ticketWebhookData(ticket: TicketDetail) {
  const { id, ref, conversationId, kind, team, status, priority, assigneeId, source, locale, createdAt, updatedAt, dueAt, overdue } = ticket;
  return { ticketId: id, ref, conversationId, kind, team, status, priority, assigneeId, source, locale, createdAt, updatedAt, dueAt, overdue };
}
