/**
 * SiteInbox: one Durable Object per site. It owns the site's agents (credentials, presence),
 * the queue of chats waiting for a person, assignment, offline tickets, knowledge gaps and the
 * per-chat service statistics. Agents' consoles hold a socket to it.
 *
 * Every state change that matters runs synchronously on SQLite between awaits, so two agents
 * claiming the same chat can never both win: the second finds the row no longer queued.
 */
import { DurableObject } from 'cloudflare:workers';
import {
  type AgentCreate,
  type AgentPresence,
  type AgentProfile,
  type AgentRole,
  type ChatSummary,
  CloseCode,
  type HandoffReason,
  type InboxInbound,
  type InboxOutbound,
  inboxInboundSchema,
  type OfflineTicket,
  parseFrame,
  type QueueEntry,
  type QueuePriority,
  type ShopperContext,
} from '../protocol/index.ts';
import type { FollowUp, HandoverListResponse, ReportResponse, ReportTable } from '../protocol/reports.ts';
import { generatePassword, hashPassword, verifyPassword } from './agent-auth.ts';
import { isWithinBusinessHours } from './business-hours.ts';
import type { Env } from './env.ts';
import { type ChatEvent, type ReportRequest, ServiceDesk } from './inbox/service-desk.ts';
import { ChatDeltaCoalescer, queueLastMessage, queueShopper } from './inbox-deltas.ts';
import { LoginThrottle } from './login-throttle.ts';
import { AgentSocketRegistry, type RevocationCloseCode } from './session-revocation.ts';
import { findSite, type SiteConfig } from './sites.ts';

/** Headers the router sets when it hands a verified agent upgrade to this object. */
export const INBOX_HEADERS = { agentId: 'x-kefu-agent-id', siteId: 'x-kefu-site', sessionVersion: 'x-kefu-session-version' } as const;

const DEFAULT_WAIT_SECONDS = 90;

interface AgentAttachment {
  agentId: string;
  /** The session version the socket was opened with: a frame after revocation is refused. */
  sessionVersion: number;
}

export type LoginResult =
  | { outcome: 'ok'; agent: AgentProfile; sessionVersion: number }
  | { outcome: 'invalid' }
  | { outcome: 'throttled'; retryAfterMs: number };

interface AgentRow extends Record<string, SqlStorageValue> {
  id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string;
  password_salt: string;
  password_iterations: number;
  must_change_password: number;
}

interface ChatRow extends Record<string, SqlStorageValue> {
  conversation_id: string;
  state: string;
  reason: string;
  priority: number;
  requeued: number;
  queued_at: number;
  agent_id: string | null;
  shopper: string;
  last_message: string;
  updated_at: number;
  notified_position: number | null;
}

export interface HandoffRequest {
  siteId: string;
  conversationId: string;
  reason: HandoffReason;
  shopper: ShopperContext;
  lastMessage: string;
  /** When the handoff was asked for (defaults to now). */
  at?: number;
}

export type HandoffResult =
  | { outcome: 'queued'; position: number; estimatedWaitSeconds: number }
  | { outcome: 'assigned'; agentId: string; agentName: string }
  | { outcome: 'offline'; promisedReplyTime: string };

export type TransferResult = { ok: true; agentName: string } | { ok: false; code: 'unknown_agent' | 'not_assigned'; message: string };

/** Angry or upset first, then VIP, then an explicit request, then the bot being unsure. */
export function priorityOf(reason: HandoffReason, vip: boolean): QueuePriority {
  if (reason === 'angry' || reason === 'complaint') return 0;
  if (vip) return 1;
  if (reason === 'requested_human' || reason === 'not_helpful_twice') return 2;
  return 3;
}

export class SiteInbox extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** The site's settings as last loaded (refreshSite/bindSite at each entry point; sync code reads site()). */
  private currentSite: SiteConfig | null = null;
  private readonly agentSockets: AgentSocketRegistry;
  private readonly loginThrottle: LoginThrottle;
  private readonly desk: ServiceDesk;
  private readonly chatDeltas = new ChatDeltaCoalescer((conversationId) => this.sendChatDelta(conversationId));

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS agents (
        id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, role TEXT NOT NULL,
        password_hash TEXT NOT NULL, password_salt TEXT NOT NULL, password_iterations INTEGER NOT NULL,
        must_change_password INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,
        away INTEGER NOT NULL DEFAULT 0, disconnected_at INTEGER,
        session_version INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE IF NOT EXISTS chats (
        conversation_id TEXT PRIMARY KEY, state TEXT NOT NULL, reason TEXT NOT NULL,
        priority INTEGER NOT NULL, requeued INTEGER NOT NULL DEFAULT 0, queued_at INTEGER NOT NULL,
        agent_id TEXT, claimed_at INTEGER, first_reply_at INTEGER, closed_at INTEGER,
        outcome TEXT, rating INTEGER, comment TEXT, shopper TEXT NOT NULL, last_message TEXT NOT NULL,
        updated_at INTEGER NOT NULL, notified_position INTEGER
      );
      CREATE INDEX IF NOT EXISTS chats_by_state ON chats (state, requeued, priority, queued_at);
      CREATE TABLE IF NOT EXISTS tickets (
        id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id TEXT NOT NULL, email TEXT NOT NULL,
        message TEXT NOT NULL, locale TEXT NOT NULL, created_at INTEGER NOT NULL, resolved INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE IF NOT EXISTS gaps (
        locale TEXT NOT NULL, question TEXT NOT NULL, count INTEGER NOT NULL, reason TEXT NOT NULL,
        first_asked INTEGER NOT NULL, last_asked INTEGER NOT NULL, PRIMARY KEY (locale, question)
      );
    `);
    this.agentSockets = new AgentSocketRegistry(this.sql);
    this.loginThrottle = new LoginThrottle(this.sql);
    this.desk = new ServiceDesk(this.sql);
  }

  // ---- agents and credentials (RPC from the router) ------------------------------------

  /**
   * Creates an agent, or resets an existing one's name, role and password. A reset ends every
   * session and socket of that agent and clears its failed logins. Returns the password once when generated.
   */
  async upsertAgent(siteId: string, input: AgentCreate): Promise<{ agent: AgentProfile; oneTimePassword?: string }> {
    await this.bindSite(siteId);
    const oneTimePassword = input.password ? undefined : generatePassword();
    const credentials = await hashPassword(input.password ?? oneTimePassword!);
    const existing = this.sql.exec<{ id: string }>('SELECT id FROM agents WHERE email = ?', input.email).toArray()[0];
    const id = existing?.id ?? `ag_${crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`;
    this.sql.exec(
      `INSERT INTO agents (id, email, name, role, password_hash, password_salt, password_iterations, must_change_password, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(email) DO UPDATE SET name = excluded.name, role = excluded.role, password_hash = excluded.password_hash,
         password_salt = excluded.password_salt, password_iterations = excluded.password_iterations,
         must_change_password = excluded.must_change_password, session_version = session_version + 1`,
      id,
      input.email,
      input.name,
      input.role,
      credentials.hash,
      credentials.salt,
      credentials.iterations,
      oneTimePassword ? 1 : 0,
      Date.now(),
    );
    this.loginThrottle.reset(input.email);
    if (existing) await this.endSockets(id, CloseCode.sessionRevoked);
    this.broadcastSnapshots();
    return { agent: this.profile(id)!, oneTimePassword };
  }

  /** Checks a password behind the per-account throttle (worker/login-throttle.ts). */
  async login(siteId: string, email: string, password: string): Promise<LoginResult> {
    await this.bindSite(siteId);
    const gate = this.loginThrottle.begin(email);
    if (!gate.allowed) return { outcome: 'throttled', retryAfterMs: gate.retryAfterMs };
    const row = this.sql.exec<AgentRow>('SELECT * FROM agents WHERE email = ?', email).toArray()[0];
    // Hash even for an unknown e-mail so response time does not reveal which e-mails exist.
    const stored = row
      ? { hash: row.password_hash, salt: row.password_salt, iterations: row.password_iterations }
      : { hash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', salt: 'AAAAAAAAAAAAAAAAAAAAAA', iterations: 100_000 };
    const valid = await verifyPassword(password, stored);
    const agent = row && valid ? this.profile(row.id) : null;
    if (!agent) return { outcome: 'invalid' };
    this.loginThrottle.succeeded(email);
    this.desk.handover.sessionStarted(agent.id, Date.now());
    return { outcome: 'ok', agent, sessionVersion: this.currentSessionVersion(agent.id) };
  }

  async changePassword(agentId: string, currentPassword: string, newPassword: string): Promise<boolean> {
    const row = this.sql.exec<AgentRow>('SELECT * FROM agents WHERE id = ?', agentId).toArray()[0];
    if (!row) return false;
    const valid = await verifyPassword(currentPassword, { hash: row.password_hash, salt: row.password_salt, iterations: row.password_iterations });
    if (!valid) return false;
    const next = await hashPassword(newPassword);
    this.sql.exec(
      // A new password ends every other session of this agent.
      'UPDATE agents SET password_hash = ?, password_salt = ?, password_iterations = ?, must_change_password = 0, session_version = session_version + 1 WHERE id = ?',
      next.hash,
      next.salt,
      next.iterations,
      agentId,
    );
    await this.endSockets(agentId, CloseCode.sessionRevoked);
    return true;
  }

  /** The agent behind a session cookie, if the agent still exists and the session was not revoked. */
  async authenticate(agentId: string, sessionVersion: number): Promise<AgentProfile | null> {
    const row = this.sql.exec<{ v: number }>('SELECT session_version AS v FROM agents WHERE id = ?', agentId).toArray()[0];
    return row && row.v === sessionVersion ? this.profile(agentId) : null;
  }

  /** The version a new session cookie must carry. */
  async sessionVersion(agentId: string): Promise<number> {
    return this.currentSessionVersion(agentId);
  }

  /** Logging out ends the agent's sessions everywhere (cookies are stateless; the version is not). */
  async revokeSessions(agentId: string): Promise<void> {
    this.sql.exec('UPDATE agents SET session_version = session_version + 1 WHERE id = ?', agentId);
    await this.endSockets(agentId, CloseCode.signedOut);
  }

  /**
   * The router is about to open a conversation socket for this session. Checked and remembered
   * in one step, so a revocation either comes first (refused here) or finds the conversation to close.
   */
  async admitConversationSocket(agentId: string, sessionVersion: number, conversationId: string): Promise<boolean> {
    if (this.currentSessionVersion(agentId) !== sessionVersion || !this.profile(agentId)) return false;
    this.agentSockets.track(agentId, conversationId);
    return true;
  }

  // ---- handoff and the queue (RPC from Conversation) -----------------------------------

  async requestHandoff(request: HandoffRequest): Promise<HandoffResult> {
    const site = await this.bindSite(request.siteId);
    const now = request.at ?? Date.now();
    const agentOnline = this.presence().some((agent) => agent.status === 'online');
    // Outside hours an online agent takes the chat unless the site prefers the offline form.
    if (!agentOnline || (!this.isOpen(site, now) && site.outsideHoursWithAgentOnline === 'offline_form')) {
      this.upsertChat(request, 'offline', now);
      this.desk.handedOff(request, 'offline', now);
      this.broadcastSnapshots();
      return { outcome: 'offline', promisedReplyTime: site.promisedReplyTime[request.shopper.locale] ?? site.promisedReplyTime.en ?? '' };
    }
    this.upsertChat(request, 'queued', now);
    this.desk.handedOff(request, 'queued', now);
    const assigned = site.assignment.autoAssign ? this.autoAssign(request.conversationId, now) : null;
    this.broadcastSnapshots();
    if (assigned) return { outcome: 'assigned', agentId: assigned.id, agentName: assigned.name };
    await this.notifyQueuePositions(request.conversationId);
    const position = this.queuePosition(request.conversationId);
    return { outcome: 'queued', position, estimatedWaitSeconds: this.estimatedWait(position) };
  }

  /** The shopper wrote again, or their page or identity changed: keep the console's view fresh. */
  async updateChat(conversationId: string, update: { lastMessage?: string; shopper?: ShopperContext }): Promise<void> {
    await this.refreshSite();
    const row = this.chat(conversationId);
    if (!row) return;
    this.sql.exec(
      'UPDATE chats SET last_message = ?, shopper = ?, updated_at = ? WHERE conversation_id = ?',
      update.lastMessage ?? row.last_message,
      update.shopper ? JSON.stringify(update.shopper) : row.shopper,
      Date.now(),
      conversationId,
    );
    // One small delta for this chat (coalesced), not the whole inbox: worker/inbox-deltas.ts.
    this.chatDeltas.changed(conversationId);
  }

  async recordAgentReply(conversationId: string, at = Date.now()): Promise<void> {
    this.sql.exec('UPDATE chats SET first_reply_at = COALESCE(first_reply_at, ?), updated_at = ? WHERE conversation_id = ?', at, at, conversationId);
    this.desk.reports.agentReplied(conversationId, at);
  }

  async transfer(conversationId: string, fromAgentId: string, toAgentId: string): Promise<TransferResult> {
    await this.refreshSite();
    const row = this.chat(conversationId);
    if (!row || row.state !== 'agent' || row.agent_id !== fromAgentId) {
      return { ok: false, code: 'not_assigned', message: 'Only the agent holding this chat can transfer it.' };
    }
    const target = this.profile(toAgentId);
    if (!target || toAgentId === fromAgentId) return { ok: false, code: 'unknown_agent', message: 'Choose another agent of this site.' };
    this.sql.exec('UPDATE chats SET agent_id = ?, updated_at = ? WHERE conversation_id = ?', toAgentId, Date.now(), conversationId);
    this.desk.reports.transferred(conversationId, fromAgentId, toAgentId);
    const from = this.profile(fromAgentId);
    this.sendToAgent(toAgentId, { v: 1, type: 'assigned', conversationId, by: 'transfer', fromAgent: from?.name });
    this.broadcastSnapshots();
    return { ok: true, agentName: target.name };
  }

  /** The chat left human hands: back to the bot, or closed. */
  async release(conversationId: string, outcome: 'back_to_bot' | 'closed'): Promise<void> {
    await this.refreshSite();
    const now = Date.now();
    this.sql.exec(
      `UPDATE chats SET state = ?, outcome = ?, closed_at = CASE WHEN ? = 'closed' THEN ? ELSE closed_at END, updated_at = ?
       WHERE conversation_id = ?`,
      outcome === 'closed' ? 'closed' : 'bot',
      outcome,
      outcome,
      now,
      now,
      conversationId,
    );
    this.desk.reports.released(conversationId, outcome, now);
    await this.afterQueueChange();
  }

  async recordRating(conversationId: string, score: number, comment: string): Promise<void> {
    await this.refreshSite();
    this.sql.exec('UPDATE chats SET rating = ?, comment = ?, updated_at = ? WHERE conversation_id = ?', score, comment, Date.now(), conversationId);
    this.desk.rated(conversationId, score, comment, Date.now());
    this.broadcastSnapshots();
  }

  async createTicket(ticket: { siteId: string; conversationId: string; email: string; message: string; locale: 'en' | 'zh' }): Promise<number> {
    await this.bindSite(ticket.siteId);
    const row = this.sql
      .exec<{ id: number }>(
        'INSERT INTO tickets (conversation_id, email, message, locale, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id',
        ticket.conversationId,
        ticket.email,
        ticket.message,
        ticket.locale,
        Date.now(),
      )
      .one();
    this.desk.reports.ticketCreated(row.id, ticket.conversationId, Date.now());
    this.broadcastSnapshots();
    return row.id;
  }

  /** A question the knowledge base could not answer, counted per normalised wording. */
  async recordKnowledgeGap(gap: { siteId: string; locale: 'en' | 'zh'; question: string; reason: string }): Promise<void> {
    await this.bindSite(gap.siteId);
    const question = gap.question.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim().slice(0, 500);
    if (!question) return;
    const now = Date.now();
    this.sql.exec(
      `INSERT INTO gaps (locale, question, count, reason, first_asked, last_asked) VALUES (?, ?, 1, ?, ?, ?)
       ON CONFLICT(locale, question) DO UPDATE SET count = count + 1, reason = excluded.reason, last_asked = excluded.last_asked`,
      gap.locale,
      question,
      gap.reason,
      now,
      now,
    );
    this.desk.reports.gapAsked(gap.locale, question, now);
  }

  async knowledgeGaps(limit = 50): Promise<{ id: string; locale: string; question: string; count: number; reason: string; lastAsked: number }[]> {
    return this.sql
      .exec<{ id: number; locale: string; question: string; count: number; reason: string; last_asked: number }>(
        'SELECT rowid AS id, locale, question, count, reason, last_asked FROM gaps ORDER BY count DESC, last_asked DESC LIMIT ?',
        limit,
      )
      .toArray()
      .map((row) => ({ id: String(row.id), locale: row.locale, question: row.question, count: row.count, reason: row.reason, lastAsked: row.last_asked }));
  }

  async knowledgeGap(id: number): Promise<{ locale: 'en' | 'zh'; question: string } | null> {
    const row = this.sql.exec<{ locale: string; question: string }>('SELECT locale, question FROM gaps WHERE rowid = ?', id).toArray()[0];
    return row ? { locale: row.locale === 'zh' ? 'zh' : 'en', question: row.question } : null;
  }

  /** The gap's question is now an example question of an article: it leaves the list (asked again, it comes back). */
  async solveKnowledgeGap(id: number): Promise<void> {
    this.sql.exec('DELETE FROM gaps WHERE rowid = ?', id);
  }

  /** Per-chat service figures for reports: waits, first human reply, reason, outcome, rating. */
  async chatStatistics(): Promise<Record<string, SqlStorageValue>[]> {
    return this.sql
      .exec(
        `SELECT conversation_id, reason, priority, queued_at, claimed_at, first_reply_at, closed_at, outcome, rating, comment
         FROM chats ORDER BY queued_at DESC LIMIT 1000`,
      )
      .toArray();
  }

  // ---- reports, follow-ups, handover notes (worker/inbox/service-desk.ts) ---------------

  async recordChatEvent(conversationId: string, event: ChatEvent): Promise<void> {
    this.desk.chatEvent(conversationId, event);
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
    if (!this.profile(agentId) || sessionVersion !== this.currentSessionVersion(agentId)) return new Response('Unknown agent.', { status: 401 });

    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1], [agentId]);
    pair[1].serializeAttachment({ agentId, sessionVersion } satisfies AgentAttachment);
    this.sql.exec('UPDATE agents SET disconnected_at = NULL WHERE id = ?', agentId);
    this.broadcastSnapshots();
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    // Refused frames are answered before anything awaits, so their errors keep the frames' order
    // (reloading the site settings can wait on the catalog, and a later frame would overtake).
    const parsed = parseFrame(inboxInboundSchema, raw);
    if (!parsed.ok) {
      this.send(ws, { v: 1, type: 'error', code: parsed.code, message: parsed.message });
      return;
    }
    const attachment = ws.deserializeAttachment() as AgentAttachment;
    if (attachment.sessionVersion !== this.currentSessionVersion(attachment.agentId)) {
      ws.close(CloseCode.sessionRevoked, 'Session ended');
      return;
    }
    try {
      await this.refreshSite();
      await this.handleAgentFrame(ws, attachment.agentId, parsed.frame);
    } catch (error) {
      console.error('inbox: frame handling failed', error);
      this.send(ws, { v: 1, type: 'error', code: 'internal', message: 'Something went wrong on our side. Please try again.' });
    }
  }

  async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    await this.refreshSite();
    try {
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // already closed
    }
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
    const cutoff = now - site.agentGraceSeconds * 1000;
    const gone = this.sql.exec<{ id: string; disconnected_at: number }>('SELECT id, disconnected_at FROM agents WHERE disconnected_at IS NOT NULL').toArray();
    for (const agent of gone) {
      if (this.ctx.getWebSockets(agent.id).some((ws) => ws.readyState === WebSocket.OPEN)) continue;
      if (agent.disconnected_at > cutoff) continue;
      const chats = this.sql.exec<{ conversation_id: string }>("SELECT conversation_id FROM chats WHERE state = 'agent' AND agent_id = ?", agent.id).toArray();
      for (const chat of chats) {
        this.sql.exec(
          "UPDATE chats SET state = 'queued', agent_id = NULL, requeued = 1, notified_position = NULL, updated_at = ? WHERE conversation_id = ?",
          now,
          chat.conversation_id,
        );
      }
      this.sql.exec('UPDATE agents SET disconnected_at = NULL WHERE id = ?', agent.id);
      for (const chat of chats) {
        await this.conversation(chat.conversation_id).returnToQueue();
      }
    }
    await this.afterQueueChange();
    this.scheduleGraceAlarm();
  }

  // -------------------------------------------------------------------------------------

  private async handleAgentFrame(ws: WebSocket, agentId: string, frame: InboxInbound): Promise<void> {
    switch (frame.type) {
      case 'hello':
      case 'heartbeat':
        if (frame.type === 'hello') this.sendSnapshot(ws, agentId);
        return;
      case 'presence':
        this.sql.exec('UPDATE agents SET away = ? WHERE id = ?', frame.status === 'away' ? 1 : 0, agentId);
        if (frame.status === 'online') this.assignWaitingChats();
        this.broadcastSnapshots();
        return;
      case 'resolve_ticket':
        this.sql.exec('UPDATE tickets SET resolved = 1 WHERE id = ?', frame.ticketId);
        this.desk.reports.ticketAnswered(frame.ticketId, Date.now());
        this.broadcastSnapshots();
        return;
      case 'claim':
        await this.claim(ws, agentId, frame.conversationId);
        return;
    }
  }

  private async claim(ws: WebSocket, agentId: string, conversationId: string): Promise<void> {
    const row = this.chat(conversationId);
    if (!row) {
      this.send(ws, { v: 1, type: 'error', code: 'not_found', message: 'That chat is not in the queue.', conversationId });
      return;
    }
    if (row.state !== 'queued') {
      const holder = row.agent_id ? this.profile(row.agent_id)?.name : null;
      this.send(ws, {
        v: 1,
        type: 'error',
        code: 'already_claimed',
        message: holder ? `${holder} already took this chat.` : 'This chat is no longer waiting.',
        conversationId,
      });
      return;
    }
    // The check above and this write run with no await between them: the claim is atomic.
    this.assign(conversationId, agentId, Date.now());
    this.send(ws, { v: 1, type: 'claimed', conversationId });
    const agent = this.profile(agentId)!;
    await this.conversation(conversationId).assignAgent({ agentId, agentName: agent.name });
    await this.afterQueueChange();
  }

  private assign(conversationId: string, agentId: string, now: number): void {
    this.sql.exec(
      "UPDATE chats SET state = 'agent', agent_id = ?, claimed_at = COALESCE(claimed_at, ?), requeued = 0, updated_at = ? WHERE conversation_id = ?",
      agentId,
      now,
      now,
      conversationId,
    );
    this.desk.reports.taken(conversationId, agentId, now);
  }

  /** Round robin among online agents under their cap, starting after the last one served. */
  private autoAssign(conversationId: string, now: number): AgentProfile | null {
    const site = this.site();
    if (!site) return null;
    const candidates = this.presence()
      .filter((agent) => agent.status === 'online' && agent.activeChats < site.assignment.maxChatsPerAgent)
      .sort((a, b) => a.id.localeCompare(b.id));
    if (candidates.length === 0) return null;
    const last = this.getMeta('roundRobinLast') ?? '';
    const next = candidates.find((agent) => agent.id > last) ?? candidates[0]!;
    this.setMeta('roundRobinLast', next.id);
    this.assign(conversationId, next.id, now);
    this.sendToAgent(next.id, { v: 1, type: 'assigned', conversationId, by: 'auto' });
    return this.profile(next.id);
  }

  /** With auto-assignment on, hand waiting chats to agents who have room. */
  private assignWaitingChats(): void {
    const site = this.site();
    if (!site?.assignment.autoAssign) return;
    for (const entry of this.queue()) {
      const agent = this.autoAssign(entry.conversationId, Date.now());
      if (!agent) break;
      void this.conversation(entry.conversationId).assignAgent({ agentId: agent.id, agentName: agent.name });
    }
  }

  private async afterQueueChange(): Promise<void> {
    this.assignWaitingChats();
    this.broadcastSnapshots();
    await this.notifyQueuePositions();
  }

  /** Tells each waiting shopper their position and wait when it changed (skip: already answered). */
  private async notifyQueuePositions(skip?: string): Promise<void> {
    const queue = this.queue();
    const updates: Promise<void>[] = [];
    queue.forEach((entry, index) => {
      const position = index + 1;
      const row = this.chat(entry.conversationId);
      if (row?.notified_position === position) return;
      this.sql.exec('UPDATE chats SET notified_position = ? WHERE conversation_id = ?', position, entry.conversationId);
      if (entry.conversationId === skip) return;
      updates.push(this.conversation(entry.conversationId).updateQueue(position, this.estimatedWait(position)));
    });
    await Promise.allSettled(updates);
  }

  private async agentSocketGone(ws: WebSocket): Promise<void> {
    const attachment = ws.deserializeAttachment() as AgentAttachment | null;
    if (!attachment) return;
    const stillConnected = this.ctx.getWebSockets(attachment.agentId).some((socket) => socket !== ws && socket.readyState === WebSocket.OPEN);
    if (!stillConnected) {
      // Close and error can both arrive for one socket: the first one starts the grace period.
      this.sql.exec('UPDATE agents SET disconnected_at = COALESCE(disconnected_at, ?) WHERE id = ?', Date.now(), attachment.agentId);
      this.scheduleGraceAlarm();
    }
    this.broadcastSnapshots(ws);
  }

  /** Closes every socket of the agent's revoked sessions: the inbox's here, the conversations' through them. */
  private async endSockets(agentId: string, code: RevocationCloseCode): Promise<void> {
    const version = this.currentSessionVersion(agentId);
    for (const ws of this.ctx.getWebSockets(agentId)) {
      const attachment = ws.deserializeAttachment() as AgentAttachment | null;
      if (attachment && attachment.sessionVersion < version) ws.close(code, code === CloseCode.signedOut ? 'Signed out' : 'Session ended');
    }
    const conversations = this.agentSockets.takeAll(agentId);
    await Promise.allSettled(conversations.map((id) => this.conversation(id).revokeAgentSessions(agentId, version, code)));
  }

  private currentSessionVersion(agentId: string): number {
    return this.sql.exec<{ v: number }>('SELECT session_version AS v FROM agents WHERE id = ?', agentId).toArray()[0]?.v ?? -1;
  }

  private scheduleGraceAlarm(): void {
    const site = this.site();
    const earliest = this.sql.exec<{ at: number | null }>('SELECT MIN(disconnected_at) AS at FROM agents').one().at;
    if (!site || earliest === null) return;
    void this.ctx.storage.setAlarm(earliest + site.agentGraceSeconds * 1000);
  }

  // ---- views ---------------------------------------------------------------------------

  private queue(): QueueEntry[] {
    return this.sql
      .exec<ChatRow>("SELECT * FROM chats WHERE state = 'queued' ORDER BY requeued DESC, priority ASC, queued_at ASC")
      .toArray()
      .map((row) => ({
        conversationId: row.conversation_id,
        priority: row.priority as QueuePriority,
        reason: row.reason as HandoffReason,
        queuedAt: row.queued_at,
        lastMessage: queueLastMessage(row.last_message),
        shopper: queueShopper(JSON.parse(row.shopper) as ShopperContext),
      }));
  }

  private queuePosition(conversationId: string): number {
    return this.queue().findIndex((entry) => entry.conversationId === conversationId) + 1;
  }

  /** Recent average time to be claimed, times position, spread over the agents online. */
  private estimatedWait(position: number): number {
    const recent = this.sql
      .exec<{ wait: number }>('SELECT claimed_at - queued_at AS wait FROM chats WHERE claimed_at IS NOT NULL ORDER BY claimed_at DESC LIMIT 20')
      .toArray();
    const average = recent.length ? recent.reduce((sum, row) => sum + row.wait, 0) / recent.length / 1000 : DEFAULT_WAIT_SECONDS;
    const online = Math.max(1, this.presence().filter((agent) => agent.status === 'online').length);
    return Math.max(15, Math.round((Math.max(average, 15) * position) / online));
  }

  /** `closing`: a socket being closed right now, which the runtime may still list as open. */
  private presence(closing?: WebSocket): AgentPresence[] {
    const active = new Map(
      this.sql
        .exec<{ agent_id: string; n: number }>("SELECT agent_id, COUNT(*) AS n FROM chats WHERE state = 'agent' GROUP BY agent_id")
        .toArray()
        .map((row) => [row.agent_id, row.n]),
    );
    return this.sql
      .exec<{ id: string; name: string; away: number }>('SELECT id, name, away FROM agents ORDER BY name')
      .toArray()
      .map((row) => {
        const connected = this.ctx.getWebSockets(row.id).some((ws) => ws !== closing && ws.readyState === WebSocket.OPEN);
        return { id: row.id, name: row.name, status: !connected ? 'offline' : row.away ? 'away' : 'online', activeChats: active.get(row.id) ?? 0 };
      });
  }

  private chatSummaries(where: string, ...bindings: SqlStorageValue[]): ChatSummary[] {
    return this.sql
      .exec<ChatRow>(`SELECT * FROM chats WHERE ${where} ORDER BY updated_at DESC LIMIT 100`, ...bindings)
      .toArray()
      .map((row) => ({
        conversationId: row.conversation_id,
        state: row.state as ChatSummary['state'],
        agentId: row.agent_id,
        reason: row.reason as HandoffReason,
        lastMessage: queueLastMessage(row.last_message),
        updatedAt: row.updated_at,
        shopper: queueShopper(JSON.parse(row.shopper) as ShopperContext),
      }));
  }

  private tickets(): OfflineTicket[] {
    return this.sql
      .exec<{ id: number; conversation_id: string; email: string; message: string; locale: string; created_at: number; resolved: number }>(
        'SELECT * FROM tickets ORDER BY resolved ASC, created_at DESC LIMIT 100',
      )
      .toArray()
      .map((row) => ({
        id: row.id,
        conversationId: row.conversation_id,
        email: row.email,
        message: row.message,
        locale: row.locale === 'zh' ? 'zh' : 'en',
        createdAt: row.created_at,
        resolved: row.resolved === 1,
      }));
  }

  private sendSnapshot(ws: WebSocket, agentId: string, closing?: WebSocket): void {
    const agent = this.profile(agentId);
    if (!agent) return;
    this.send(ws, {
      v: 1,
      type: 'inbox',
      agent,
      agents: this.presence(closing),
      queue: this.queue(),
      mine: this.chatSummaries("state = 'agent' AND agent_id = ?", agentId),
      tickets: this.tickets(),
      cannedReplies: this.site()?.cannedReplies ?? [],
    });
  }

  private broadcastSnapshots(closing?: WebSocket): void {
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === closing || ws.readyState !== WebSocket.OPEN) continue;
      const attachment = ws.deserializeAttachment() as AgentAttachment | null;
      if (attachment) this.sendSnapshot(ws, attachment.agentId, closing);
    }
  }

  /** The chat's delta goes to whoever lists it: every agent while it is queued, its holder once claimed. */
  private sendChatDelta(conversationId: string): void {
    const row = this.chat(conversationId);
    if (!row || (row.state !== 'queued' && row.state !== 'agent')) return;
    const frame: InboxOutbound = {
      v: 1,
      type: 'chat',
      chat: {
        conversationId,
        lastMessage: queueLastMessage(row.last_message),
        updatedAt: row.updated_at,
        shopper: queueShopper(JSON.parse(row.shopper) as ShopperContext),
      },
    };
    const sockets = row.state === 'queued' ? this.ctx.getWebSockets() : row.agent_id ? this.ctx.getWebSockets(row.agent_id) : [];
    for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) this.send(ws, frame);
  }

  private sendToAgent(agentId: string, frame: InboxOutbound): void {
    for (const ws of this.ctx.getWebSockets(agentId)) this.send(ws, frame);
  }

  private send(ws: WebSocket, frame: InboxOutbound): void {
    try {
      ws.send(JSON.stringify(frame));
    } catch {
      // closed under us
    }
  }

  // ---- storage helpers -----------------------------------------------------------------

  private upsertChat(request: HandoffRequest, state: 'queued' | 'offline', now: number): void {
    this.sql.exec(
      `INSERT INTO chats (conversation_id, state, reason, priority, queued_at, shopper, last_message, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(conversation_id) DO UPDATE SET state = excluded.state, reason = excluded.reason, priority = excluded.priority,
         queued_at = excluded.queued_at, shopper = excluded.shopper, last_message = excluded.last_message, updated_at = excluded.updated_at,
         agent_id = NULL, claimed_at = NULL, first_reply_at = NULL, closed_at = NULL, outcome = NULL, requeued = 0, notified_position = NULL`,
      request.conversationId,
      state,
      request.reason,
      priorityOf(request.reason, request.shopper.vip),
      now,
      JSON.stringify(request.shopper),
      request.lastMessage.slice(0, 500),
      now,
    );
  }

  private chat(conversationId: string): ChatRow | undefined {
    return this.sql.exec<ChatRow>('SELECT * FROM chats WHERE conversation_id = ?', conversationId).toArray()[0];
  }

  private profile(agentId: string): AgentProfile | null {
    const row = this.sql.exec<AgentRow>('SELECT * FROM agents WHERE id = ?', agentId).toArray()[0];
    const site = this.getMeta('siteId');
    if (!row || !site) return null;
    return {
      id: row.id,
      site,
      email: row.email,
      name: row.name,
      role: row.role as AgentRole,
      mustChangePassword: row.must_change_password === 1,
    };
  }

  private isOpen(site: SiteConfig, now: number): boolean {
    const override = this.env.BUSINESS_HOURS_OVERRIDE;
    if (override === 'open') return true;
    if (override === 'closed') return false;
    return isWithinBusinessHours(site.businessHours, new Date(now));
  }

  /** Remembers which site this object serves; every entry point passes it. */
  private async bindSite(siteId: string): Promise<SiteConfig> {
    const known = this.getMeta('siteId');
    if (known && known !== siteId) throw new Error(`inbox of ${known} called for ${siteId}`);
    if (!known) this.setMeta('siteId', siteId);
    const site = await this.refreshSite();
    if (!site) throw new Error(`unknown site ${siteId}`);
    return site;
  }

  /** Settings change at runtime (the catalog): entry points reload them (cached per isolate). */
  private async refreshSite(): Promise<SiteConfig | null> {
    this.currentSite = await findSite(this.env, this.getMeta('siteId'));
    return this.currentSite;
  }

  private site(): SiteConfig | null {
    return this.currentSite;
  }

  private conversation(conversationId: string) {
    return this.env.CONVERSATION.get(this.env.CONVERSATION.idFromName(conversationId));
  }

  private getMeta(key: string): string | null {
    return this.sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', key).toArray()[0]?.value ?? null;
  }

  private setMeta(key: string, value: string): void {
    this.sql.exec('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', key, value);
  }
}
