/**
 * Conversation: one Durable Object per chat. It owns the transcript and every socket attached
 * to the chat: the shopper's (one per tab) and the agents' (one per console that has it open).
 * It validates frames and routes them; the rules live beside it:
 *   chat-lifecycle.ts  every state change, through the transition table of ../lifecycle.ts
 *   bot-turn.ts        the bot's answers, feedback and what the knowledge base learns
 *   chat-record.ts     the chat's state beside the transcript; transcript-store.ts the messages
 *   chat-sockets.ts    the sockets, broadcasts and replay
 *
 * Rules it keeps:
 * - durable before visible: a message is acked and broadcast only after its INSERT, and the
 *   output gate holds those sends until the write is confirmed;
 * - exactly once: a retried clientMsgId is acked again with its original seq, never stored twice;
 * - in order: a stored message is acked and broadcast before anything awaits, so no later
 *   message (a bot reply waiting on the site's knowledge) reaches a socket ahead of it;
 * - the bot speaks only while the chat is in state `bot`; every state change is a system
 *   message, so replaying the transcript rebuilds any view;
 * - hibernation: sockets are accepted with ctx.acceptWebSocket and their state lives in
 *   attachments and SQLite, so the object can sleep; the constructor only runs DDL.
 */
import { DurableObject } from 'cloudflare:workers';
import {
  type AgentConversationInbound,
  type AttachmentRef,
  agentConversationInboundSchema,
  CloseCode,
  type ExportedConversation,
  parseFrame,
  type VisitorHello,
  type VisitorInbound,
  visitorInboundSchema,
} from '../../protocol/index.ts';
import { deleteConversationFiles } from '../attachments/attachment-store.ts';
import { FileLinks } from '../attachments/file-links.ts';
import type { UploadAuthor } from '../attachments/upload.ts';
import type { Env } from '../env.ts';
import { FaultInjector } from '../fault-injection.ts';
import { LifecycleError } from '../lifecycle.ts';
import { phrase } from '../phrases.ts';
import { findSite, type SiteConfig } from '../sites.ts';
import { answerClose, errorFrame, INTERNAL_ERROR_MESSAGE } from '../sockets.ts';
import { siteInbox } from '../stubs.ts';
import { BotTurn } from './bot-turn.ts';
import { ChatAttachments } from './chat-attachments.ts';
import { ChatLifecycle } from './chat-lifecycle.ts';
import { ChatRecord } from './chat-record.ts';
import { type AgentAttachment, ChatSockets, type SocketAttachment, type VisitorAttachment } from './chat-sockets.ts';
import { HistoryFeed } from './history-feed.ts';
import { ActionBucket, TypingRelay } from './shopper-limits.ts';
import { ShopperProfile } from './shopper-profile.ts';
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

const DAY_MS = 24 * 60 * 60 * 1000;
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
  private readonly record: ChatRecord;
  private readonly sockets: ChatSockets;
  private readonly lifecycle: ChatLifecycle;
  private readonly bot: BotTurn;
  private readonly shopper: ShopperProfile;
  private readonly history: HistoryFeed;
  private readonly faults: FaultInjector;
  private readonly links: FileLinks;
  private readonly files: ChatAttachments;
  private readonly actions = new ActionBucket(SHOPPER_ACTION_BURST, SHOPPER_ACTIONS_PER_SECOND);
  private readonly typing = new TypingRelay();

  /** Which wake-up of this object is answering: a new value after every eviction (diagnostics only). */
  private readonly instance = { id: crypto.randomUUID(), constructedAt: Date.now() };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.faults = new FaultInjector(env.FAULT_INJECTION === 'on');
    this.record = new ChatRecord(ctx.storage.sql);
    this.history = new HistoryFeed(env, ctx, this.record, () => this.store.bySeq(1)?.at ?? Date.now());
    this.store = new TranscriptStore(ctx.storage.sql, this.history);
    this.links = new FileLinks(env, () => {
      const siteId = this.record.knownSite();
      return siteId ? { siteId, conversationId: this.record.conversationId() } : null;
    });
    this.sockets = new ChatSockets(ctx, this.store, this.links);
    const parts = { env, record: this.record, store: this.store, sockets: this.sockets, site: () => this.site() };
    this.shopper = new ShopperProfile({ ...parts, takeActionToken: () => this.actions.take(), changed: () => this.history.changed() });
    this.bot = new BotTurn({
      ...parts,
      handOff: (reason, lastMessage) => this.lifecycle.apply({ type: 'handoff', reason }, { lastMessage }),
      switchLocale: (locale) => this.shopper.set({ ...this.record.shopper(), locale }),
    });
    this.lifecycle = new ChatLifecycle({ ...parts, storage: ctx.storage, botReply: (text) => this.bot.reply(text) });
    this.files = new ChatAttachments({
      ...parts,
      links: this.links,
      lifecycle: this.lifecycle,
      isRevoked: (agentId, sessionVersion) => this.isRevoked(agentId, sessionVersion),
    });
  }

  async fetch(request: Request): Promise<Response> {
    if (request.headers.get('Upgrade') !== 'websocket') return new Response('Expected a WebSocket upgrade.', { status: 426 });
    const siteId = request.headers.get(CONVERSATION_HEADERS.siteId);
    const conversationId = request.headers.get(CONVERSATION_HEADERS.conversationId);
    if (!siteId || !conversationId) return new Response('Missing routing headers.', { status: 400 });
    const knownSite = this.record.knownSite();
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
      if (!(tokenVersion >= this.record.tokenVersion())) return new Response('This chat has ended.', { status: 410 });
      if (knownSite === null) this.record.bind(siteId, conversationId);
      attachment = { role: 'visitor', ready: false, resumeToken, openedAt: Date.now() };
    }

    const pair = new WebSocketPair();
    this.sockets.accept(pair[1], attachment);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    const attachment = this.sockets.attachment(ws);
    if (!attachment) return;
    try {
      if (attachment.role === 'visitor') {
        const parsed = parseFrame(visitorInboundSchema, raw);
        if (!parsed.ok) return this.sockets.send(ws, errorFrame(parsed.code, parsed.message, { clientMsgId: parsed.clientMsgId }));
        await this.onVisitorFrame(ws, attachment, parsed.frame);
      } else {
        if (this.isRevoked(attachment.agentId, attachment.sessionVersion)) return ws.close(CloseCode.sessionRevoked, 'Session ended');
        const parsed = parseFrame(agentConversationInboundSchema, raw);
        if (!parsed.ok) return this.sockets.send(ws, errorFrame(parsed.code, parsed.message, { clientMsgId: parsed.clientMsgId }));
        await this.onAgentFrame(ws, attachment, parsed.frame);
      }
    } catch (error) {
      // An event the chat's state does not allow (it changed under the sender): a sentence, not a stack.
      if (error instanceof LifecycleError) return this.sockets.send(ws, errorFrame('not_now', 'That is not possible in this chat right now.'));
      // Log the detail for us; the client gets a code and a sentence, never a stack.
      console.error('conversation: frame handling failed', error);
      this.sockets.send(ws, errorFrame('internal', INTERNAL_ERROR_MESSAGE));
    }
  }

  async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    answerClose(ws, code, reason);
  }

  async webSocketError(_ws: WebSocket, error: unknown): Promise<void> {
    console.warn('conversation: socket error', error);
  }

  // ---- RPC from the SiteInbox ---------------------------------------------------------

  /** The agent's sessions below `validFrom` were revoked: their sockets here close, and stay refused. */
  async revokeAgentSessions(agentId: string, validFrom: number, code: number): Promise<void> {
    this.record.raiseAgentSessionsFrom(agentId, validFrom);
    this.sockets.closeAgents(
      (agent) => this.isRevoked(agent.agentId, agent.sessionVersion),
      code,
      code === CloseCode.signedOut ? 'Signed out' : 'Session ended',
    );
  }

  /** An agent claimed the chat (or was given it): the bot stops speaking from here on. A repeated call changes nothing. */
  async assignAgent(agent: { agentId: string; agentName: string }): Promise<void> {
    this.faults.check('assignAgent');
    if (this.record.state() === 'agent' && this.record.assignedAgent()?.id === agent.agentId) return;
    await this.lifecycle.apply({ type: 'agent_assigned', ...agent });
  }

  /** Whether a resume token of this version still opens this chat (kefu('shutdown') raises the version). */
  async acceptsToken(version: number): Promise<boolean> {
    return version >= this.record.tokenVersion();
  }

  /** The site the chat belongs to (null: no shopper ever opened it). */
  async siteOf(): Promise<string | null> {
    return this.record.knownSite();
  }

  /** Files (worker/attachments/upload.ts): may this sender add one now? */
  async admitUpload(siteId: string, author: UploadAuthor, clientMsgId?: string) {
    return this.files.admit(siteId, author, clientMsgId);
  }

  /** A file is in R2: store its message and show it. */
  async addAttachment(siteId: string, author: UploadAuthor, attachment: AttachmentRef, clientMsgId?: string) {
    return this.files.add(siteId, author, attachment, clientMsgId);
  }

  /** The shopper's data as the chat holds it (data-rights export). */
  async exportData(): Promise<Omit<ExportedConversation, 'tickets'>> {
    return {
      attachments: this.files.list(),
      conversationId: this.record.conversationId(),
      state: this.record.state(),
      shopper: this.record.shopper(),
      rating: this.record.rating(),
      transcript: this.store.after(0),
      notes: this.store.notes(),
    };
  }

  /** Erasure: the transcript, notes and everything known about the shopper go; every socket closes. */
  async erase(): Promise<{ messages: number }> {
    this.sockets.closeVisitors(CloseCode.shutdown, 'Chat ended');
    this.sockets.closeAgents(() => true, CloseCode.shutdown, 'Chat erased');
    // The files first: if R2 fails, the erasure throws with the transcript still there, and a rerun finishes it.
    const siteId = this.record.knownSite();
    if (siteId) await deleteConversationFiles(this.env, siteId, this.record.conversationId());
    this.history.clear();
    const messages = this.store.clear();
    this.record.erase();
    await this.ctx.storage.deleteAlarm();
    return { messages };
  }

  /**
   * Diagnostics (DIAGNOSTICS=on, load and fault servers only): which wake-up of the object answers,
   * and the sockets it holds. A changed instance id while a socket stayed open proves the object
   * was evicted (hibernated) and woke again.
   */
  async diagnostics(): Promise<{ instanceId: string; constructedAt: number; sockets: number; lastSeq: number; state: string }> {
    return {
      instanceId: this.instance.id,
      constructedAt: this.instance.constructedAt,
      sockets: this.ctx.getWebSockets().length,
      lastSeq: this.store.lastSeq(),
      state: this.record.state(),
    };
  }

  /** Test-only (FAULT_INJECTION=on): the next `times` calls of `method` fail. */
  async injectFault(method: 'assignAgent', times: number, retryable: boolean): Promise<void> {
    this.faults.arm(method, times, retryable);
  }

  /** The shopper's place in the queue changed. Not stored: it is live information. */
  async updateQueue(position: number, estimatedWaitSeconds: number): Promise<void> {
    await this.lifecycle.apply({ type: 'queue_position', position, estimatedWaitSeconds });
  }

  /** The agent stayed disconnected past the grace period: back to the front of the queue. */
  async returnToQueue(): Promise<void> {
    await this.lifecycle.apply({ type: 'agent_grace_expired' });
  }

  /** Idle handling: two polite prompts to a silent shopper, then a polite close. */
  async alarm(): Promise<void> {
    const idle = this.record.idle();
    if (!idle) return;
    await this.lifecycle.apply(idle.step < 2 ? { type: 'idle_prompt', step: idle.step === 0 ? 1 : 2 } : { type: 'idle_close' });
  }

  // ---- shopper frames -------------------------------------------------------------------

  private async onVisitorFrame(ws: WebSocket, attachment: VisitorAttachment, frame: VisitorInbound): Promise<void> {
    if (frame.type === 'hello') {
      if (attachment.ready) return this.sockets.send(ws, errorFrame('invalid_frame', 'This socket has already said hello.'));
      return this.welcomeVisitor(ws, attachment, frame);
    }
    if (!attachment.ready) return this.sockets.send(ws, errorFrame('hello_required', 'Send a hello frame first.'));
    const clientMsgId = 'clientMsgId' in frame ? frame.clientMsgId : undefined;
    if (clientMsgId) {
      // A retry of a stored message is acked again without costing the sender anything.
      const existing = this.store.byClientMsgId(clientMsgId);
      if (existing) return this.sockets.send(ws, { v: 1, type: 'ack', clientMsgId, seq: existing.seq });
    }
    if (RATE_LIMITED_FRAMES.has(frame.type) && !this.actions.take()) {
      return this.sockets.send(ws, errorFrame('rate_limited', 'You are sending messages too quickly. Please wait a moment.', { clientMsgId }));
    }
    const state = this.record.state();

    switch (frame.type) {
      case 'message': {
        const message = this.store.insert({ author: 'shopper', text: frame.text, clientMsgId: frame.clientMsgId });
        // Ack and broadcast before anything awaits (see the rules above).
        this.sockets.send(ws, { v: 1, type: 'ack', clientMsgId: frame.clientMsgId, seq: message.seq });
        this.sockets.broadcastMessage(message, ws);
        return this.afterShopperMessage(message.seq, message.text);
      }
      case 'choose_article': {
        const article = await this.bot.article(frame.articleId);
        if (!article) return this.sockets.send(ws, errorFrame('invalid_frame', phrase(this.record.locale(), 'unknownArticle'), { clientMsgId }));
        const message = this.store.insert({ author: 'shopper', text: article.title, clientMsgId: frame.clientMsgId });
        this.sockets.send(ws, { v: 1, type: 'ack', clientMsgId: frame.clientMsgId, seq: message.seq });
        this.sockets.broadcastMessage(message, ws);
        if (this.record.state() === 'bot') await this.bot.answerChosen(article);
        return;
      }
      case 'feedback': {
        const answer = this.store.bySeq(frame.seq);
        if (answer?.bot?.kind !== 'answer') return this.sockets.send(ws, errorFrame('unknown_message', 'Feedback must refer to a bot answer.'));
        return this.bot.feedback(answer.bot.article, frame.helpful);
      }
      case 'request_human':
        if (state === 'queued' || state === 'agent') return this.sockets.send(ws, errorFrame('not_now', 'A person is already on the way.'));
        return this.lifecycle.apply({ type: 'handoff', reason: 'requested_human' }, { lastMessage: this.store.lastBy('shopper')?.text ?? '' });
      case 'offline_ticket': {
        if (state !== 'offline') return this.sockets.send(ws, errorFrame('not_now', 'The offline form is only open when no one can come.'));
        await this.lifecycle.apply({ type: 'offline_ticket', email: frame.email }, { ticketMessage: frame.message });
        const shopper = this.record.shopper();
        this.shopper.set({ ...shopper, email: shopper.email ?? frame.email });
        return;
      }
      case 'rate':
        if (state !== 'closed' || this.record.rating() !== null) return this.sockets.send(ws, errorFrame('not_now', 'There is no finished chat to rate.'));
        return this.lifecycle.apply({ type: 'rate', score: frame.score, comment: frame.comment });
      case 'identify':
        return this.shopper.identify(ws, frame.identity);
      case 'page':
        return this.shopper.page(frame.page);
      case 'typing':
        if (this.typing.mayRelay('shopper')) this.sockets.toAgents({ v: 1, type: 'typing', from: 'shopper', on: frame.on });
        return;
      case 'shutdown':
        // kefu('shutdown'): every token minted so far stops opening this chat, and its sockets close.
        this.record.bumpTokenVersion();
        try {
          await this.lifecycle.apply({ type: 'shopper_shutdown' });
        } finally {
          // The page asked to end the chat: its sockets close even if the inbox missed the close.
          this.sockets.closeVisitors(CloseCode.shutdown, 'Chat ended');
        }
        return;
      case 'read':
        return this.sockets.toAgents({ v: 1, type: 'read', by: 'shopper', seq: Math.min(frame.seq, this.store.lastSeq()) });
    }
  }

  /**
   * A message into a closed chat within the site's reopen window reopens it (to its last agent if
   * online, else the queue). Later, it starts a new conversation in the site's history, linked to
   * the old one, and the bot answers as in any new chat.
   */
  private async afterShopperMessage(seq: number, text: string): Promise<void> {
    if (this.record.state() === 'closed') {
      const windowMs = ((await this.site())?.reopenWindowDays ?? 0) * DAY_MS;
      const closedAt = this.record.closedAt();
      if (windowMs > 0 && closedAt !== null && Date.now() - closedAt <= windowMs) return this.lifecycle.apply({ type: 'reopen' }, { lastMessage: text });
      // From this message on (the feed sends earlier ones under the old id).
      this.history.startNext(() => this.record.startHistorySegment(seq, Date.now()));
    }
    return this.lifecycle.apply({ type: 'shopper_message' }, { text });
  }

  private async welcomeVisitor(ws: WebSocket, attachment: VisitorAttachment, hello: VisitorHello): Promise<void> {
    const site = await this.site();
    const isNew = this.record.isNew();
    if (isNew) this.shopper.start(hello, site);
    // Identity first, so that a new chat's greeting can use the shopper's name. It costs an
    // action token like identify(), so reconnect loops cannot flood the agents with updates.
    if (hello.identity) {
      if (this.actions.take()) await this.shopper.identify(ws, hello.identity);
      else this.sockets.send(ws, errorFrame('rate_limited', 'Too many identity changes; try again in a moment.'));
    }
    if (isNew) this.shopper.greet(site);
    await this.shopper.recordVisit(hello);
    await this.links.ready();
    const lastSeq = this.store.lastSeq();
    const state = this.record.state();
    this.sockets.send(ws, {
      v: 1,
      type: 'welcome',
      conversationId: this.record.conversationId(),
      token: attachment.resumeToken,
      state,
      lastSeq,
      rated: this.record.rating() !== null,
      agentName: state === 'agent' ? this.record.assignedAgent()?.name : undefined,
    });
    this.sockets.replay(ws, hello.lastSeq, lastSeq);
    this.sockets.markReady(ws, attachment);
  }

  // ---- agent frames ---------------------------------------------------------------------

  private async onAgentFrame(ws: WebSocket, agent: AgentAttachment, frame: AgentConversationInbound): Promise<void> {
    if (frame.type === 'hello') {
      await this.links.ready();
      return this.welcomeAgent(ws, agent, frame.lastSeq);
    }
    if (!agent.ready) return this.sockets.send(ws, errorFrame('hello_required', 'Send a hello frame first.'));

    switch (frame.type) {
      case 'note': {
        const { note, duplicate } = this.store.addNote({
          agentId: agent.agentId,
          agentName: agent.agentName,
          text: frame.text,
          clientMsgId: frame.clientMsgId,
        });
        if (duplicate) return this.sockets.send(ws, { v: 1, type: 'note', note, clientMsgId: frame.clientMsgId });
        return this.sockets.toAgents({ v: 1, type: 'note', note, clientMsgId: frame.clientMsgId });
      }
      case 'typing':
        if (this.holds(agent) && this.typing.mayRelay('agent')) this.sockets.toVisitors({ v: 1, type: 'typing', from: 'agent', on: frame.on });
        return;
      case 'read':
        // Only the agent holding the chat speaks for the shop, read receipts included.
        if (this.holds(agent)) this.sockets.toVisitors({ v: 1, type: 'read', by: 'agent', seq: Math.min(frame.seq, this.store.lastSeq()) });
        return;
    }

    // Everything below speaks for the site: only the agent holding the chat may do it.
    const clientMsgId = 'clientMsgId' in frame ? frame.clientMsgId : undefined;
    if (!this.holds(agent)) return this.sockets.send(ws, errorFrame('not_assigned', 'Claim this chat from the queue before acting on it.', { clientMsgId }));
    switch (frame.type) {
      case 'message': {
        const existing = this.store.byClientMsgId(frame.clientMsgId);
        if (existing) return this.sockets.send(ws, { v: 1, type: 'ack', clientMsgId: frame.clientMsgId, seq: existing.seq });
        const message = this.store.insert({ author: 'agent', agentName: agent.agentName, text: frame.text, clientMsgId: frame.clientMsgId });
        // As for the shopper's messages: in seq order on every socket, so nothing awaits first.
        this.sockets.send(ws, { v: 1, type: 'ack', clientMsgId: frame.clientMsgId, seq: message.seq });
        this.sockets.broadcastMessage(message, ws);
        await this.lifecycle.startIdleTimer(message.at);
        await siteInbox(this.env, this.record.siteId()).recordAgentReply(this.record.conversationId(), message.at);
        return;
      }
      case 'transfer': {
        // The inbox first: it refuses a transfer the row does not allow, and then nothing here changes.
        const inbox = siteInbox(this.env, this.record.siteId());
        const result = await inbox.transfer(this.record.conversationId(), agent.agentId, frame.toAgentId);
        if (!result.ok) return this.sockets.send(ws, errorFrame(result.code, result.message));
        if (frame.note.trim()) {
          const { note } = this.store.addNote({ agentId: agent.agentId, agentName: agent.agentName, text: frame.note.trim() });
          this.sockets.toAgents({ v: 1, type: 'note', note });
        }
        return this.lifecycle.apply({ type: 'transfer', toAgentId: frame.toAgentId, agentName: result.agentName });
      }
      case 'back_to_bot':
        return this.applyForAgent(ws, { type: 'back_to_bot' });
      case 'close':
        return this.applyForAgent(ws, { type: 'agent_close' });
    }
  }

  /** A step the agent asked for that needs the inbox: if the inbox cannot be reached, nothing changed, and the agent is told. */
  private async applyForAgent(ws: WebSocket, event: { type: 'back_to_bot' } | { type: 'agent_close' }): Promise<void> {
    try {
      await this.lifecycle.apply(event);
    } catch (error) {
      if (error instanceof LifecycleError) throw error;
      console.error('conversation: the inbox did not answer', event.type, error);
      this.sockets.send(ws, errorFrame('try_again', 'The inbox could not be reached, so the chat is still yours. Please try again.'));
    }
  }

  private welcomeAgent(ws: WebSocket, agent: AgentAttachment, clientLastSeq: number): void {
    const lastSeq = this.store.lastSeq();
    this.sockets.send(ws, {
      v: 1,
      type: 'welcome',
      conversationId: this.record.conversationId(),
      state: this.record.state(),
      lastSeq,
      assignedAgentId: this.record.assignedAgent()?.id ?? null,
      shopper: this.record.shopper(),
      notes: this.store.notes(),
      rating: this.record.rating(),
    });
    this.sockets.replay(ws, clientLastSeq, lastSeq);
    this.sockets.markReady(ws, agent);
  }

  private isRevoked(agentId: string, sessionVersion: number): boolean {
    return sessionVersion < this.record.agentSessionsFrom(agentId);
  }

  private holds(agent: { agentId: string }): boolean {
    return this.record.state() === 'agent' && this.record.assignedAgent()?.id === agent.agentId;
  }

  private async site(): Promise<SiteConfig | null> {
    return findSite(this.env, this.record.siteId());
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
