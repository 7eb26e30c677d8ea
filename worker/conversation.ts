/**
 * Conversation: one Durable Object per chat. It owns the transcript (SQLite, gapless `seq`,
 * UNIQUE `client_msg_id`) and every socket attached to the chat.
 *
 * Rules it keeps:
 * - durable before visible: a message is acked and broadcast only after its INSERT, and the
 *   output gate holds those sends until the write is confirmed;
 * - exactly once: a retried clientMsgId is acked again with its original seq, never stored twice;
 * - hibernation: sockets are accepted with ctx.acceptWebSocket and their state lives in
 *   attachments, so the object can sleep between messages; the constructor only runs DDL.
 */
import { DurableObject } from 'cloudflare:workers';
import {
  MAX_REPLAY_MESSAGES,
  parseFrame,
  visitorInboundSchema,
  type Author,
  type BotPayload,
  type ConversationState,
  type SystemPayload,
  type TranscriptMessage,
  type VisitorHello,
  type VisitorInbound,
  type VisitorOutbound,
} from '../protocol/index.ts';
import type { Env } from './env.ts';
import { findSite } from './sites.ts';

/** Headers the router sets when it hands a verified upgrade to this object. */
export const CONVERSATION_HEADERS = {
  conversationId: 'x-kefu-conversation',
  siteId: 'x-kefu-site',
  resumeToken: 'x-kefu-resume-token',
} as const;

interface VisitorAttachment {
  role: 'visitor';
  /** True once the socket has said hello and received its welcome and backlog. */
  ready: boolean;
  resumeToken: string;
}

type NewMessage = Omit<TranscriptMessage, 'seq' | 'at'>;

interface MessageRow extends Record<string, SqlStorageValue> {
  seq: number;
  at: number;
  author: string;
  text: string;
  client_msg_id: string | null;
  payload: string | null;
}

export class Conversation extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS messages (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        author TEXT NOT NULL,
        text TEXT NOT NULL,
        client_msg_id TEXT UNIQUE,
        payload TEXT
      );
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
  }

  async fetch(request: Request): Promise<Response> {
    if (request.headers.get('Upgrade') !== 'websocket') {
      return new Response('Expected a WebSocket upgrade.', { status: 426 });
    }
    const conversationId = request.headers.get(CONVERSATION_HEADERS.conversationId);
    const siteId = request.headers.get(CONVERSATION_HEADERS.siteId);
    const resumeToken = request.headers.get(CONVERSATION_HEADERS.resumeToken);
    if (!conversationId || !siteId || !resumeToken) {
      return new Response('Missing routing headers.', { status: 400 });
    }
    const knownSite = this.getMeta('siteId');
    if (knownSite !== null && knownSite !== siteId) {
      // Unreachable through the router (tokens are bound to a site), but never mix sites.
      return new Response('Conversation belongs to another site.', { status: 403 });
    }
    if (knownSite === null) {
      this.setMeta('siteId', siteId);
      this.setMeta('conversationId', conversationId);
    }

    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server, ['visitor']);
    const attachment: VisitorAttachment = { role: 'visitor', ready: false, resumeToken };
    server.serializeAttachment(attachment);
    return new Response(null, { status: 101, webSocket: client });
  }

  async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    const parsed = parseFrame(visitorInboundSchema, raw);
    if (!parsed.ok) {
      this.send(ws, { v: 1, type: 'error', code: parsed.code, message: parsed.message, clientMsgId: parsed.clientMsgId });
      return;
    }
    try {
      this.handleVisitorFrame(ws, parsed.frame);
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

  // -------------------------------------------------------------------------------------

  private handleVisitorFrame(ws: WebSocket, frame: VisitorInbound): void {
    const attachment = ws.deserializeAttachment() as VisitorAttachment;
    if (frame.type === 'hello') {
      this.welcome(ws, attachment, frame);
      return;
    }
    if (!attachment.ready) {
      this.send(ws, { v: 1, type: 'error', code: 'hello_required', message: 'Send a hello frame first.' });
      return;
    }
    switch (frame.type) {
      case 'message': {
        const { message, duplicate } = this.storeShopperMessage(frame.clientMsgId, frame.text);
        this.send(ws, { v: 1, type: 'ack', clientMsgId: frame.clientMsgId, seq: message.seq });
        if (duplicate) return;
        this.broadcast({ v: 1, type: 'message', message }, ws);
        this.replyAsBot(message);
        return;
      }
      case 'typing':
        // Only agents see a shopper typing; agent sockets arrive with the handoff work.
        return;
      case 'feedback':
      case 'choose_article':
        this.send(ws, { v: 1, type: 'error', code: 'unknown_message', message: 'There is no bot answer to respond to yet.' });
        return;
    }
  }

  private welcome(ws: WebSocket, attachment: VisitorAttachment, hello: VisitorHello): void {
    if (this.getMeta('state') === null) this.startConversation(hello);
    const lastSeq = this.lastSeq();
    this.send(ws, {
      v: 1,
      type: 'welcome',
      conversationId: this.getMeta('conversationId') ?? '',
      token: attachment.resumeToken,
      state: this.state(),
      lastSeq,
    });
    if (hello.lastSeq > lastSeq || lastSeq - hello.lastSeq > MAX_REPLAY_MESSAGES) {
      // The client knows a future we don't (or is too far behind to replay): give it the whole truth.
      this.send(ws, { v: 1, type: 'resync', messages: this.messagesAfter(0), lastSeq });
    } else {
      for (const message of this.messagesAfter(hello.lastSeq)) this.send(ws, { v: 1, type: 'message', message });
    }
    ws.serializeAttachment({ ...attachment, ready: true } satisfies VisitorAttachment);
  }

  private startConversation(hello: VisitorHello): void {
    const site = findSite(this.getMeta('siteId'))?.site;
    const locale = hello.locale ?? 'en';
    this.setMeta('state', 'bot' satisfies ConversationState);
    this.setMeta('locale', locale);
    this.setMeta('createdAt', String(Date.now()));
    const template = site?.greeting[locale as keyof typeof site.greeting] ?? 'Hi{name}! How can we help?';
    this.insertMessage({ author: 'bot', text: template.replace('{name}', ''), bot: { kind: 'greeting' } });
  }

  /** Until the bot core is wired in, say plainly that no automatic answer is coming. */
  private replyAsBot(_shopperMessage: TranscriptMessage): void {
    if (this.state() !== 'bot') return;
    const notice = this.insertMessage({
      author: 'system',
      text: 'Automatic answers are not available yet. Your message is saved.',
      system: { event: 'notice', notice: 'bot_unavailable' },
    });
    this.broadcast({ v: 1, type: 'message', message: notice });
  }

  // ---- storage -------------------------------------------------------------------------

  private storeShopperMessage(clientMsgId: string, text: string): { message: TranscriptMessage; duplicate: boolean } {
    const existing = this.sql.exec<MessageRow>('SELECT * FROM messages WHERE client_msg_id = ?', clientMsgId).toArray()[0];
    if (existing) return { message: rowToMessage(existing), duplicate: true };
    return { message: this.insertMessage({ author: 'shopper', text, clientMsgId }), duplicate: false };
  }

  private insertMessage(message: NewMessage): TranscriptMessage {
    const at = Date.now();
    const payload = message.bot ? JSON.stringify({ bot: message.bot }) : message.system ? JSON.stringify({ system: message.system }) : null;
    // seq = MAX+1 inside this single-threaded object keeps the sequence gapless.
    const row = this.sql
      .exec<{ seq: number }>(
        `INSERT INTO messages (seq, at, author, text, client_msg_id, payload)
         VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM messages), ?, ?, ?, ?, ?) RETURNING seq`,
        at,
        message.author,
        message.text,
        message.clientMsgId ?? null,
        payload,
      )
      .one();
    return { ...message, seq: row.seq, at };
  }

  private messagesAfter(seq: number): TranscriptMessage[] {
    return this.sql.exec<MessageRow>('SELECT * FROM messages WHERE seq > ? ORDER BY seq', seq).toArray().map(rowToMessage);
  }

  private lastSeq(): number {
    return this.sql.exec<{ last: number }>('SELECT COALESCE(MAX(seq), 0) AS last FROM messages').one().last;
  }

  private state(): ConversationState {
    return (this.getMeta('state') as ConversationState | null) ?? 'bot';
  }

  private getMeta(key: string): string | null {
    const row = this.sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', key).toArray()[0];
    return row ? row.value : null;
  }

  private setMeta(key: string, value: string): void {
    this.sql.exec('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', key, value);
  }

  // ---- sockets -------------------------------------------------------------------------

  private send(ws: WebSocket, frame: VisitorOutbound): void {
    try {
      ws.send(JSON.stringify(frame));
    } catch {
      // The socket closed under us; the client will resume with its lastSeq.
    }
  }

  /** Sends to every socket that has finished its hello, except `skip` (which already has an ack). */
  private broadcast(frame: VisitorOutbound, skip?: WebSocket): void {
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === skip) continue;
      const attachment = ws.deserializeAttachment() as VisitorAttachment | null;
      if (attachment?.ready) this.send(ws, frame);
    }
  }
}

function rowToMessage(row: MessageRow): TranscriptMessage {
  const message: TranscriptMessage = { seq: row.seq, at: row.at, author: row.author as Author, text: row.text };
  if (row.client_msg_id) message.clientMsgId = row.client_msg_id;
  if (row.payload) {
    const payload = JSON.parse(row.payload) as { bot?: BotPayload; system?: SystemPayload };
    if (payload.bot) message.bot = payload.bot;
    if (payload.system) message.system = payload.system;
  }
  return message;
}
