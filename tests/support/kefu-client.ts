/**
 * kefu-client: Node clients that talk to a running kefu server (`wrangler dev`) the way the
 * widget and the console do. Used by tests/fault, tests/load, bench/load (and tests/security
 * may import it). Node only: it uses the `ws` package so it can set Origin and Cookie headers.
 *
 * ## Shoppers: `new ShopperClient({ baseUrl, site?, token?, backoff?, ... })`
 * Mirrors widget/app/connection.ts:
 * - `start()` opens `ws://…/v1/visitor?site=…[&token=…]` with `Origin: <baseUrl origin>`, sends
 *   `hello {lastSeq}` on open, keeps the welcome's `token` and reconnects with it;
 * - reconnects by itself after any close, with the widget's jittered exponential backoff
 *   (`delay = c/2 + random·c/2`, `c = min(capMs, baseMs·2^attempt)`; defaults 500 ms / 15 s);
 * - `send(text)` puts the message in the outbox (returns its clientMsgId) and sends it when
 *   welcomed; every unacked message is resent with the same clientMsgId after each welcome;
 *   `rate_limited` (and `internal`) errors keep the message and resend it after
 *   `rateLimitRetryMs`·(1..2); any other error naming the clientMsgId marks it failed;
 * - `message` / `ack` frames fill `transcript: Map<seq, TranscriptMessage>`; `resync` replaces it.
 * Control: `drop()` hard-terminates the socket (it reconnects by itself), `goOffline()` /
 * `goOnline()` keep it closed until told, `stop()` closes for good.
 *
 * ## Agents
 * - `createAgent(baseUrl, site, name)` → `AgentSession {id, name, email, cookie}` (admin API with
 *   ADMIN_API_KEY from .dev.vars, then POST /v1/agent/login); `loginAgent()` for an existing one.
 * - `new InboxClient({ baseUrl, session })`: the inbox socket; `snapshot` is the latest `inbox`
 *   frame; `claim(conversationId)` resolves 'claimed' or the error code. Reconnects by itself.
 * - `new AgentChatClient({ baseUrl, session, conversationId })`: one chat socket, with the same
 *   outbox / transcript / counters as a shopper (`send(text)` for agent messages).
 *
 * ## What every conversation client (ShopperClient, AgentChatClient) exposes
 * - `transcript` Map<seq, TranscriptMessage>, `lastSeq`, `ordered()`, `state`, `conversationId`;
 * - `outbox` (unacked, in send order), `failed`, `acked` Map<clientMsgId, seq> (own messages known
 *   stored, by ack or by replay), `sentLog` (everything given to send());
 * - `send(text)` → clientMsgId; `sendAndWait(text)` → its seq; `sendFrame(frame)` raw, no outbox;
 * - `counters`: see {@link ClientCounters} (acks, reAcks, duplicateFrames, gaps, conflicts,
 *   reconnects, resyncs, rateLimited, resends, errors by code, connect failures …);
 * - `timeline`: ms timestamps of connect attempts, opens, welcomes and closes;
 * - events (EventEmitter): 'welcome', 'frame', 'message' (TranscriptMessage, connection number),
 *   'ack', 'close', 'change';
 * - `waitUntil(predicate, timeoutMs, label)`; `waitForWelcomes(n)`.
 *
 * ## Checking against the server
 * - `fetchServerTranscript(baseUrl, token)` opens a fresh shopper socket with the token and
 *   `lastSeq 0` and returns every stored message (what a new tab would replay);
 * - `verifyAgainstServer(client, server, { complete })` lists every problem: server seqs not
 *   1..N, a clientMsgId stored twice, an acked message missing or changed, a client message
 *   that differs from the server's at its seq, gaps in the client, and (complete) a client that
 *   has not caught up or still holds unsent messages. An empty list means exactly once, in order.
 *
 * Helpers: `percentile(values, p)`, `backoffDelay(attempt, backoff)`, `sleep(ms)`.
 */

import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { ConversationSync } from '../../protocol/conversation-sync.ts';
import type { AgentConversationOutbound, ConversationState, InboxOutbound, TranscriptMessage, VisitorOutbound } from '../../protocol/index.ts';
import { readDevVars, upsertAgent } from '../../scripts/lib/admin-client.ts';

// ---- small helpers ----------------------------------------------------------------------

export interface Backoff {
  baseMs: number;
  capMs: number;
}

/** The widget's own settings (widget/app/connection.ts). */
export const WIDGET_BACKOFF: Backoff = { baseMs: 500, capMs: 15_000 };

/** The widget's jitter: half the ceiling fixed, half random. */
export function backoffDelay(attempt: number, backoff: Backoff, random = Math.random): number {
  const ceiling = Math.min(backoff.capMs, backoff.baseMs * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}

/**
 * Resolves when `predicate()` holds, checked on every 'change' event of `emitter` (and every
 * `pollMs`, if given); rejects with `describe()` after `timeoutMs`.
 */
function waitForChange(emitter: EventEmitter, predicate: () => boolean, timeoutMs: number, describe: () => string, pollMs?: number): Promise<void> {
  if (predicate()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!predicate()) return;
      cleanup();
      resolve();
    };
    const poll = pollMs ? setInterval(check, pollMs) : undefined;
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(describe()));
    }, timeoutMs);
    const cleanup = () => {
      clearInterval(poll);
      clearTimeout(timer);
      emitter.off('change', check);
    };
    emitter.on('change', check);
  });
}

export function newClientMsgId(prefix = 'm'): string {
  return `${prefix}-${randomBytes(12).toString('hex')}`.slice(0, 64);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

function originOf(baseUrl: string): string {
  return new URL(baseUrl).origin;
}

function wsUrl(baseUrl: string, path: string): URL {
  const url = new URL(path, baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url;
}

// ---- counters -------------------------------------------------------------------------------

/** Error frames, failed connects and closes nobody asked for, so far: what a load run counts as errors. */
export function clientErrorCount(client: ConversationClient): number {
  const { counters } = client;
  const frames = Object.values(counters.errors).reduce((a, b) => a + b, 0);
  const connects = Object.values(counters.connectErrors).reduce((a, b) => a + b, 0);
  return frames + connects + Math.max(0, counters.closes - counters.connectFailures - counters.drops);
}

export interface ClientCounters {
  /** Socket opening attempts (first one included). */
  connectAttempts: number;
  /** Attempts that failed before a welcome (refused, HTTP error such as 429, timeout). */
  connectFailures: number;
  welcomes: number;
  /** Welcomes after the first one. */
  reconnects: number;
  /** Closes seen (any cause), including ones we caused. */
  closes: number;
  /** Closes we caused with drop(). */
  drops: number;
  /** Messages given to send(). */
  sent: number;
  /** Frames of type message that we transmitted, first sends and resends. */
  transmits: number;
  /** Transmits of a clientMsgId that had been transmitted before (outbox retries). */
  resends: number;
  /** First ack of an own message. */
  acks: number;
  /** An ack for a message already known stored, with the same seq (a deduplicated retry). */
  reAcks: number;
  /** Own messages learnt as stored from a replayed message frame rather than an ack. */
  settledByReplay: number;
  /** A message frame for a seq already held, with the same content. Must stay 0. */
  duplicateFrames: number;
  /** A message/ack whose seq skipped past lastSeq + 1. Must stay 0. */
  gaps: number;
  /** Same seq with different content, or one clientMsgId acked with two seqs. Must stay 0. */
  conflicts: number;
  resyncs: number;
  rateLimited: number;
  /** Outbox messages refused for good (an error frame naming them, not rate_limited/internal). */
  failed: number;
  /** Error frames by code. */
  errors: Record<string, number>;
  /** Failed connects by cause ("429", "ECONNREFUSED", "timeout", …). */
  connectErrors: Record<string, number>;
}

function newCounters(): ClientCounters {
  return {
    connectAttempts: 0,
    connectFailures: 0,
    welcomes: 0,
    reconnects: 0,
    closes: 0,
    drops: 0,
    sent: 0,
    transmits: 0,
    resends: 0,
    acks: 0,
    reAcks: 0,
    settledByReplay: 0,
    duplicateFrames: 0,
    gaps: 0,
    conflicts: 0,
    resyncs: 0,
    rateLimited: 0,
    failed: 0,
    errors: {},
    connectErrors: {},
  };
}

export interface ClientTimeline {
  connectAttempts: number[];
  opens: number[];
  welcomes: number[];
  closes: number[];
}

export interface OutboxEntry {
  clientMsgId: string;
  text: string;
  /** When send() was called (ms). */
  queuedAt: number;
  /** How many times it was transmitted. */
  transmits: number;
  failed?: string;
}

export interface ClientOptions {
  baseUrl: string;
  /** Defaults to the base URL's origin (local origins are allowed in dev). */
  origin?: string;
  backoff?: Backoff;
  /** Wait before resending a rate_limited message: rateLimitRetryMs·(1 + random). Default 1000. */
  rateLimitRetryMs?: number;
  /** Give up on an attempt with no welcome after this long. Default 10 s. */
  welcomeTimeoutMs?: number;
  /** Offer permessage-deflate as browsers do (default true); false measures sockets without it. */
  perMessageDeflate?: boolean;
  /** Label for messages and logs. */
  name?: string;
  /**
   * Keep each message whole in the transcript (default). false keeps only what verification
   * compares (seq, at, author, text, clientMsgId), without the bot's payloads (the article's
   * HTML, chips): bench:load's 1,000 shoppers holding whole transcripts made its own process
   * pause for garbage collection, and those pauses were counted as reply time.
   */
  keepPayloads?: boolean;
}

type AnyOutbound = VisitorOutbound | AgentConversationOutbound;

/**
 * What ShopperClient and AgentChatClient share: one reconnecting socket to one conversation,
 * an outbox and a transcript checked frame by frame.
 */
export abstract class ConversationClient extends EventEmitter {
  /** The transcript and outbox, kept by the same core the widget and the console use. */
  private readonly sync = new ConversationSync<TranscriptMessage, OutboxEntry>(
    [],
    () => {},
    (held, message) => held.author === message.author && held.text === message.text && (held.clientMsgId ?? null) === (message.clientMsgId ?? null),
  );
  readonly counters = newCounters();
  readonly timeline: ClientTimeline = { connectAttempts: [], opens: [], welcomes: [], closes: [] };
  /** Own messages known stored: clientMsgId → seq. */
  readonly acked = new Map<string, number>();
  /** Everything send() was given, by clientMsgId (text and when). */
  readonly sentLog = new Map<string, OutboxEntry>();
  state: ConversationState | null = null;
  conversationId: string | null = null;
  /** Number of the current connection (1 = first welcome). */
  connection = 0;
  /** True between a welcome and the next close. */
  welcomed = false;
  name: string;

  protected ws: WebSocket | null = null;
  protected readonly options: Required<Omit<ClientOptions, 'name'>>;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private welcomeTimer: NodeJS.Timeout | undefined;
  private readonly resendTimers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private offline = false;

  constructor(options: ClientOptions) {
    super();
    this.setMaxListeners(0);
    this.name = options.name ?? 'client';
    this.options = {
      baseUrl: options.baseUrl,
      origin: options.origin ?? originOf(options.baseUrl),
      backoff: options.backoff ?? WIDGET_BACKOFF,
      rateLimitRetryMs: options.rateLimitRetryMs ?? 1000,
      welcomeTimeoutMs: options.welcomeTimeoutMs ?? 10_000,
      perMessageDeflate: options.perMessageDeflate ?? true,
      keepPayloads: options.keepPayloads ?? true,
    };
  }

  protected abstract url(): string;
  protected abstract headers(): Record<string, string>;
  protected abstract hello(lastSeq: number): object;
  protected abstract readonly author: 'shopper' | 'agent';
  protected onWelcome(_frame: Extract<AnyOutbound, { type: 'welcome' }>): void {}
  protected onOtherFrame(_frame: AnyOutbound): void {}

  get lastSeq(): number {
    return this.sync.lastSeq;
  }

  /** Unacked messages, in send order. */
  get outbox(): OutboxEntry[] {
    return this.sync.outbox.filter((entry) => !entry.failed);
  }

  get failed(): OutboxEntry[] {
    return this.sync.outbox.filter((entry) => entry.failed);
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** The transcript in seq order. */
  ordered(): TranscriptMessage[] {
    return this.sync.ordered();
  }

  start(): this {
    this.stopped = false;
    if (!this.ws && this.retryTimer === undefined && !this.offline) this.connect();
    return this;
  }

  /** Queues a message (kept until acked) and returns its clientMsgId. */
  send(text: string, clientMsgId = newClientMsgId(this.author === 'agent' ? 'a' : 's')): string {
    const entry: OutboxEntry = { clientMsgId, text, queuedAt: Date.now(), transmits: 0 };
    this.sync.enqueue(entry);
    this.sentLog.set(clientMsgId, entry);
    this.counters.sent += 1;
    if (this.welcomed) this.transmitEntry(entry);
    return clientMsgId;
  }

  /** Sends any frame as is when the socket is open (no outbox); false when it is not. */
  sendFrame(frame: object | string): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    return true;
  }

  /** Hard drop, like a lost network: no close handshake. The client reconnects by itself. */
  drop(): void {
    if (!this.ws) return;
    this.counters.drops += 1;
    this.ws.terminate();
  }

  /** Goes offline (socket terminated) and stays so until goOnline(). */
  goOffline(): void {
    this.offline = true;
    this.clearRetry();
    if (this.ws) this.ws.terminate();
  }

  goOnline(): void {
    this.offline = false;
    this.attempt = 0;
    if (!this.ws && this.retryTimer === undefined && !this.stopped) this.connect();
  }

  /** Closes for good (no reconnect). */
  stop(): void {
    this.stopped = true;
    this.clearRetry();
    for (const timer of this.resendTimers) clearTimeout(timer);
    this.resendTimers.clear();
    if (this.ws) {
      try {
        this.ws.terminate();
      } catch {
        // already gone
      }
    }
  }

  /** Resolves when `predicate()` holds (checked on every change and every 100 ms); rejects after timeoutMs. */
  waitUntil(predicate: () => boolean, timeoutMs = 10_000, label = 'condition'): Promise<void> {
    return waitForChange(
      this,
      predicate,
      timeoutMs,
      () =>
        `${this.name}: ${label} not reached within ${timeoutMs} ms (lastSeq ${this.lastSeq}, welcomes ${this.counters.welcomes}, outbox ${this.sync.outbox.length})`,
      100,
    );
  }

  waitForWelcomes(count: number, timeoutMs = 10_000): Promise<void> {
    return this.waitUntil(() => this.counters.welcomes >= count && this.welcomed, timeoutMs, `welcome #${count}`);
  }

  /** Sends a message and resolves with its seq once acked (or learnt stored). */
  async sendAndWait(text: string, timeoutMs = 10_000): Promise<number> {
    const id = this.send(text);
    await this.waitUntil(() => this.acked.has(id), timeoutMs, `ack of ${id}`);
    return this.acked.get(id)!;
  }

  // -----------------------------------------------------------------------------------------

  private clearRetry(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private connect(): void {
    this.retryTimer = undefined;
    this.counters.connectAttempts += 1;
    this.timeline.connectAttempts.push(Date.now());
    let welcomedHere = false;
    let failure: string | null = null;
    const ws = new WebSocket(this.url(), {
      headers: { Origin: this.options.origin, ...this.headers() },
      handshakeTimeout: this.options.welcomeTimeoutMs,
      perMessageDeflate: this.options.perMessageDeflate,
    });
    this.ws = ws;
    this.welcomeTimer = setTimeout(() => {
      if (this.ws === ws && !this.welcomed) {
        failure = 'timeout';
        ws.terminate();
      }
    }, this.options.welcomeTimeoutMs);
    ws.on('open', () => {
      this.timeline.opens.push(Date.now());
      ws.send(JSON.stringify(this.hello(this.sync.lastSeq)));
    });
    ws.on('message', (data, isBinary) => {
      if (this.ws !== ws || isBinary) return;
      let frame: AnyOutbound;
      try {
        frame = JSON.parse(data.toString()) as AnyOutbound;
      } catch {
        this.countError('unreadable_frame');
        return;
      }
      if (frame.type === 'welcome') welcomedHere = true;
      this.receive(frame);
    });
    ws.on('unexpected-response', (_request, response) => {
      failure = String(response.statusCode);
      response.resume();
      ws.terminate();
    });
    ws.on('error', (error: NodeJS.ErrnoException) => {
      failure ??= error.code ?? error.message.slice(0, 40);
    });
    ws.on('close', () => {
      clearTimeout(this.welcomeTimer);
      if (this.ws !== ws) return;
      this.ws = null;
      this.welcomed = false;
      this.counters.closes += 1;
      this.timeline.closes.push(Date.now());
      if (!welcomedHere) {
        this.counters.connectFailures += 1;
        const cause = failure ?? 'closed_before_welcome';
        this.counters.connectErrors[cause] = (this.counters.connectErrors[cause] ?? 0) + 1;
      }
      this.emit('close');
      this.emit('change');
      if (this.stopped || this.offline) return;
      const delay = backoffDelay(this.attempt, this.options.backoff);
      this.attempt += 1;
      this.retryTimer = setTimeout(() => this.connect(), delay);
    });
  }

  private transmitEntry(entry: OutboxEntry): void {
    if (entry.failed || this.ws?.readyState !== WebSocket.OPEN) return;
    if (entry.transmits > 0) this.counters.resends += 1;
    entry.transmits += 1;
    this.counters.transmits += 1;
    this.ws.send(JSON.stringify({ v: 1, type: 'message', clientMsgId: entry.clientMsgId, text: entry.text }));
  }

  private countError(code: string): void {
    this.counters.errors[code] = (this.counters.errors[code] ?? 0) + 1;
  }

  /** A seq-carrying message: checks it against what we hold, then keeps it. */
  private take(message: TranscriptMessage, via: 'message' | 'ack'): void {
    const lastSeq = this.sync.lastSeq;
    // The core also takes our own message out of the outbox; settle() still counts how it was stored.
    const result = this.sync.take(this.kept(message));
    if (result === 'different') this.counters.conflicts += 1;
    else if (result === 'same' && via === 'message') this.counters.duplicateFrames += 1;
    if (result !== 'new') return;
    if (message.seq > lastSeq + 1) this.counters.gaps += 1;
    this.emit('message', message, this.connection);
  }

  /** The message as the transcript keeps it (see ClientOptions.keepPayloads). */
  private kept(message: TranscriptMessage): TranscriptMessage {
    if (this.options.keepPayloads) return message;
    const { seq, at, author, text, clientMsgId } = message;
    return clientMsgId === undefined ? { seq, at, author, text } : { seq, at, author, text, clientMsgId };
  }

  /** One of our messages is known stored at `seq`. */
  private settle(clientMsgId: string, seq: number, via: 'ack' | 'replay'): void {
    const known = this.acked.get(clientMsgId);
    if (known !== undefined) {
      if (known !== seq) this.counters.conflicts += 1;
      else if (via === 'ack') this.counters.reAcks += 1;
      return;
    }
    if (!this.sentLog.has(clientMsgId)) return; // another tab's message
    this.acked.set(clientMsgId, seq);
    if (via === 'ack') this.counters.acks += 1;
    else this.counters.settledByReplay += 1;
    this.sync.settle(clientMsgId);
  }

  private receive(frame: AnyOutbound): void {
    this.emit('frame', frame);
    switch (frame.type) {
      case 'welcome':
        clearTimeout(this.welcomeTimer);
        this.attempt = 0;
        this.welcomed = true;
        this.connection += 1;
        this.counters.welcomes += 1;
        if (this.counters.welcomes > 1) this.counters.reconnects += 1;
        this.timeline.welcomes.push(Date.now());
        this.state = frame.state;
        this.conversationId = frame.conversationId;
        this.onWelcome(frame);
        for (const entry of this.sync.toResend()) this.transmitEntry(entry);
        this.emit('welcome', frame);
        break;
      case 'message': {
        this.take(frame.message, 'message');
        const id = frame.message.clientMsgId;
        if (id) this.settle(id, frame.message.seq, 'replay');
        break;
      }
      case 'ack': {
        const known = this.acked.get(frame.clientMsgId);
        const entry = this.sentLog.get(frame.clientMsgId);
        if (!entry) {
          this.counters.conflicts += 1; // an ack for something we never sent
          break;
        }
        if (known === undefined) this.take({ seq: frame.seq, at: Date.now(), author: this.author, text: entry.text, clientMsgId: frame.clientMsgId }, 'ack');
        this.settle(frame.clientMsgId, frame.seq, 'ack');
        this.emit('ack', frame.clientMsgId, frame.seq);
        break;
      }
      case 'resync':
        this.counters.resyncs += 1;
        this.sync.resync(frame.messages.map((message) => this.kept(message)));
        for (const message of frame.messages) if (message.clientMsgId) this.settle(message.clientMsgId, message.seq, 'replay');
        break;
      case 'state':
        this.state = frame.state;
        break;
      case 'error': {
        this.countError(frame.code);
        const entry = frame.clientMsgId ? this.sync.find(frame.clientMsgId) : undefined;
        if (!entry) break;
        if (frame.code === 'rate_limited' || frame.code === 'internal') {
          if (frame.code === 'rate_limited') this.counters.rateLimited += 1;
          const timer = setTimeout(
            () => {
              this.resendTimers.delete(timer);
              if (this.sync.find(entry.clientMsgId) && this.welcomed) this.transmitEntry(entry);
            },
            this.options.rateLimitRetryMs * (1 + Math.random()),
          );
          this.resendTimers.add(timer);
        } else {
          this.sync.fail(entry.clientMsgId, `${frame.code}: ${frame.message}`);
          this.counters.failed += 1;
        }
        break;
      }
      default:
        this.onOtherFrame(frame);
    }
    this.emit('change');
  }
}

// ---- shoppers ----------------------------------------------------------------------------

export interface ShopperOptions extends ClientOptions {
  site?: string;
  /** Resume token of an existing conversation (another tab, or a returning shopper). */
  token?: string;
  locale?: 'en' | 'zh';
  page?: { url: string; title: string };
}

export class ShopperClient extends ConversationClient {
  protected readonly author = 'shopper' as const;
  token: string | null;
  /** Latest live queue position while waiting for a person. */
  queue: { position: number; estimatedWaitSeconds: number } | null = null;
  private readonly site: string;

  constructor(private readonly shopper: ShopperOptions) {
    super({ name: 'shopper', ...shopper });
    this.site = shopper.site ?? 'demo';
    this.token = shopper.token ?? null;
  }

  protected url(): string {
    const url = wsUrl(this.options.baseUrl, '/v1/visitor');
    url.searchParams.set('site', this.site);
    if (this.token) url.searchParams.set('token', this.token);
    return url.href;
  }

  protected headers(): Record<string, string> {
    return {};
  }

  protected hello(lastSeq: number): object {
    return {
      v: 1,
      type: 'hello',
      lastSeq,
      ...(this.shopper.locale ? { locale: this.shopper.locale } : {}),
      ...(this.shopper.page ? { page: this.shopper.page } : {}),
    };
  }

  protected override onWelcome(frame: Extract<AnyOutbound, { type: 'welcome' }>): void {
    if ('token' in frame) this.token = frame.token;
  }

  protected override onOtherFrame(frame: AnyOutbound): void {
    if (frame.type === 'queue') this.queue = { position: frame.position, estimatedWaitSeconds: frame.estimatedWaitSeconds };
  }
}

// ---- agents ------------------------------------------------------------------------------

export interface AgentSession {
  id: string;
  name: string;
  email: string;
  /** `kefu_session=…`, ready for a Cookie header. */
  cookie: string;
}

/** Logs an existing agent in and returns its session cookie. */
export async function loginAgent(baseUrl: string, site: string, email: string, password: string): Promise<AgentSession> {
  const response = await fetch(new URL('/v1/agent/login', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', Origin: originOf(baseUrl) },
    body: JSON.stringify({ site, email, password }),
  });
  if (response.status !== 200) throw new Error(`agent login failed: ${response.status} ${await response.text()}`);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { agent } = (await response.json()) as { agent: { id: string; name: string } };
  return { id: agent.id, name: agent.name, email, cookie };
}

/** Creates an agent through the admin API (ADMIN_API_KEY from .dev.vars unless given) and logs it in. */
export async function createAgent(baseUrl: string, site: string, name: string, adminKey = readDevVars().ADMIN_API_KEY ?? ''): Promise<AgentSession> {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${randomBytes(4).toString('hex')}@example.com`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  await upsertAgent(baseUrl, adminKey, site, { email, name, password });
  return loginAgent(baseUrl, site, email, password);
}

export interface AgentChatOptions extends ClientOptions {
  session: AgentSession;
  conversationId: string;
}

/** An agent's console socket to one conversation. */
export class AgentChatClient extends ConversationClient {
  protected readonly author = 'agent' as const;

  constructor(private readonly chat: AgentChatOptions) {
    super({ name: `agent ${chat.session.name}`, ...chat });
    this.conversationId = chat.conversationId;
  }

  protected url(): string {
    return wsUrl(this.options.baseUrl, `/v1/agent/conversations/${this.chat.conversationId}`).href;
  }

  protected headers(): Record<string, string> {
    return { Cookie: this.chat.session.cookie };
  }

  protected hello(lastSeq: number): object {
    return { v: 1, type: 'hello', lastSeq };
  }
}

export interface InboxOptions {
  baseUrl: string;
  session: AgentSession;
  backoff?: Backoff;
  origin?: string;
}

/** An agent's inbox socket (queue, presence, claims). Reconnects by itself. */
export class InboxClient extends EventEmitter {
  snapshot: Extract<InboxOutbound, { type: 'inbox' }> | null = null;
  welcomes = 0;
  connectAttempts = 0;
  private ws: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: InboxOptions) {
    super();
    this.setMaxListeners(0);
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN && this.snapshot !== null;
  }

  start(): this {
    this.stopped = false;
    if (!this.ws && this.retryTimer === undefined) this.connect();
    return this;
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.ws?.terminate();
  }

  drop(): void {
    this.ws?.terminate();
  }

  /** Resolves once a snapshot has arrived on a socket opened at least `count` times. */
  waitForWelcomes(count: number, timeoutMs = 10_000): Promise<void> {
    return this.waitFor(() => this.welcomes >= count, timeoutMs, `inbox snapshot #${count}`);
  }

  waitFor(predicate: () => boolean, timeoutMs = 10_000, label = 'inbox condition'): Promise<void> {
    return waitForChange(this, predicate, timeoutMs, () => `${this.options.session.name}: ${label} not reached within ${timeoutMs} ms`);
  }

  /** Claims a queued chat: 'claimed', or the error code the inbox answered. */
  claim(conversationId: string, timeoutMs = 10_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const onFrame = (frame: InboxOutbound) => {
        if (frame.type === 'claimed' && frame.conversationId === conversationId) done('claimed');
        else if (frame.type === 'error' && frame.conversationId === conversationId) done(frame.code);
      };
      const timer = setTimeout(() => {
        this.off('frame', onFrame);
        reject(new Error(`claim of ${conversationId} not answered within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (outcome: string) => {
        clearTimeout(timer);
        this.off('frame', onFrame);
        resolve(outcome);
      };
      this.on('frame', onFrame);
      if (this.ws?.readyState !== WebSocket.OPEN) return done('not_connected');
      this.ws.send(JSON.stringify({ v: 1, type: 'claim', conversationId }));
    });
  }

  private connect(): void {
    this.retryTimer = undefined;
    this.connectAttempts += 1;
    const url = wsUrl(this.options.baseUrl, '/v1/agent/inbox').href;
    const ws = new WebSocket(url, {
      headers: { Origin: this.options.origin ?? originOf(this.options.baseUrl), Cookie: this.options.session.cookie },
      handshakeTimeout: 10_000,
    });
    this.ws = ws;
    let first = true;
    ws.on('open', () => ws.send(JSON.stringify({ v: 1, type: 'hello' })));
    ws.on('message', (data) => {
      if (this.ws !== ws) return;
      const frame = JSON.parse(data.toString()) as InboxOutbound;
      if (frame.type === 'inbox') {
        this.snapshot = frame;
        if (first) {
          first = false;
          this.attempt = 0;
          this.welcomes += 1;
        }
      }
      this.emit('frame', frame);
      this.emit('change');
    });
    ws.on('unexpected-response', (_request, response) => {
      response.resume();
      ws.terminate();
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.emit('change');
      if (this.stopped) return;
      const delay = backoffDelay(this.attempt, this.options.backoff ?? WIDGET_BACKOFF);
      this.attempt += 1;
      this.retryTimer = setTimeout(() => this.connect(), delay);
    });
  }
}

// ---- checking against the server ---------------------------------------------------------

/** Every stored message of a conversation, as a fresh tab with `lastSeq 0` gets it replayed. */
export async function fetchServerTranscript(
  baseUrl: string,
  token: string,
  options: { site?: string; origin?: string; timeoutMs?: number } = {},
): Promise<TranscriptMessage[]> {
  const url = wsUrl(baseUrl, '/v1/visitor');
  url.searchParams.set('site', options.site ?? 'demo');
  url.searchParams.set('token', token);
  return replayAll(url.href, { Origin: options.origin ?? originOf(baseUrl) }, options.timeoutMs ?? 10_000);
}

/** The same, as an agent's console sees it. */
export async function fetchAgentTranscript(baseUrl: string, session: AgentSession, conversationId: string, timeoutMs = 10_000): Promise<TranscriptMessage[]> {
  const url = wsUrl(baseUrl, `/v1/agent/conversations/${conversationId}`).href;
  return replayAll(url, { Origin: originOf(baseUrl), Cookie: session.cookie }, timeoutMs);
}

function replayAll(url: string, headers: Record<string, string>, timeoutMs: number): Promise<TranscriptMessage[]> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, handshakeTimeout: timeoutMs });
    const messages: TranscriptMessage[] = [];
    let target: number | null = null;
    const timer = setTimeout(() => finish(new Error(`replay from ${url} incomplete after ${timeoutMs} ms (${messages.length}/${target ?? '?'})`)), timeoutMs);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      ws.terminate();
      if (error) reject(error);
      else resolve(messages);
    };
    const check = () => {
      if (target !== null && messages.length >= target) finish();
    };
    ws.on('open', () => ws.send(JSON.stringify({ v: 1, type: 'hello', lastSeq: 0 })));
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as AnyOutbound;
      if (frame.type === 'welcome') target = frame.lastSeq;
      else if (frame.type === 'message' && target !== null && frame.message.seq <= target) messages.push(frame.message);
      else if (frame.type === 'resync') {
        messages.splice(0, messages.length, ...frame.messages);
        target = frame.messages.length;
      }
      check();
    });
    ws.on('unexpected-response', (_request, response) => finish(new Error(`replay upgrade answered ${response.statusCode}`)));
    ws.on('error', (error) => finish(error));
  });
}

export interface VerifyOptions {
  /** The client must hold everything the server holds and have nothing left to send. */
  complete?: boolean;
}

/**
 * Problems between one client and the server's transcript; [] means every acked message is
 * stored exactly once, and the client holds the server's messages, gapless, in seq order.
 */
export function verifyAgainstServer(client: ConversationClient, server: readonly TranscriptMessage[], options: VerifyOptions = {}): string[] {
  const problems: string[] = [];
  const who = `${client.name} (${client.conversationId ?? '?'})`;
  const bySeq = new Map<number, TranscriptMessage>();
  const byId = new Map<string, number[]>();
  server.forEach((message, index) => {
    if (message.seq !== index + 1) problems.push(`${who}: server seq #${index + 1} is ${message.seq} (not gapless / ordered)`);
    bySeq.set(message.seq, message);
    if (message.clientMsgId) byId.set(message.clientMsgId, [...(byId.get(message.clientMsgId) ?? []), message.seq]);
  });
  for (const [id, seqs] of byId) if (seqs.length > 1) problems.push(`${who}: clientMsgId ${id} stored ${seqs.length} times (seqs ${seqs.join(',')})`);
  for (const [id, seq] of client.acked) {
    const stored = bySeq.get(seq);
    const sent = client.sentLog.get(id);
    if (!stored) problems.push(`${who}: acked ${id} (seq ${seq}) missing on the server`);
    else if (stored.clientMsgId !== id || stored.text !== sent?.text)
      problems.push(`${who}: acked ${id} at seq ${seq}, server holds ${stored.clientMsgId} "${stored.text.slice(0, 40)}"`);
  }
  let expected = 1;
  for (const message of client.ordered()) {
    if (message.seq !== expected) problems.push(`${who}: client transcript jumps from ${expected - 1} to ${message.seq}`);
    expected = message.seq + 1;
    const stored = bySeq.get(message.seq);
    if (!stored) problems.push(`${who}: client holds seq ${message.seq} the server does not`);
    else if (stored.author !== message.author || stored.text !== message.text || (stored.clientMsgId ?? null) !== (message.clientMsgId ?? null)) {
      problems.push(
        `${who}: seq ${message.seq} differs: client ${message.author} "${message.text.slice(0, 30)}", server ${stored.author} "${stored.text.slice(0, 30)}"`,
      );
    }
  }
  for (const field of ['duplicateFrames', 'gaps', 'conflicts'] as const) {
    if (client.counters[field] > 0) problems.push(`${who}: ${client.counters[field]} ${field}`);
  }
  if (options.complete) {
    if (client.lastSeq !== server.length) problems.push(`${who}: client lastSeq ${client.lastSeq}, server ${server.length}`);
    if (client.outbox.length) problems.push(`${who}: ${client.outbox.length} messages never acked`);
    if (client.failed.length) problems.push(`${who}: ${client.failed.length} messages refused: ${client.failed[0]!.failed}`);
    for (const id of client.sentLog.keys()) if (!byId.has(id)) problems.push(`${who}: sent ${id} is not stored (lost)`);
  }
  return problems;
}
