/**
 * Minimal Node WebSocket + HTTP helpers for the hostile-input suite. Everything talks to a
 * `wrangler dev` on 127.0.0.1 only; every wait is bounded by a timeout.
 */
import WebSocket from 'ws';

export type Frame = { type: string; [key: string]: unknown };

export function assertLocal(baseUrl: string): void {
  const url = new URL(baseUrl);
  if (url.hostname !== '127.0.0.1') throw new Error(`security tests only talk to 127.0.0.1, not ${url.hostname}`);
}

export function wsUrl(baseUrl: string, path: string): string {
  assertLocal(baseUrl);
  return `${baseUrl.replace(/^http/, 'ws')}${path}`;
}

export interface TestSocket {
  ws: WebSocket;
  frames: Frame[];
  /** Close code once closed, else null. */
  closed: { code: number; reason: string } | null;
  send(frame: unknown): void;
  sendRaw(data: string | Buffer, options?: { binary?: boolean }): void;
  waitFor(type: string, match?: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  /** Resolves once `count` frames have arrived in total (bounded). */
  waitForCount(count: number, timeoutMs?: number): Promise<void>;
  all(type: string): Frame[];
  close(): void;
  /** Resolves once the socket is closed (or after timeoutMs). */
  waitClosed(timeoutMs?: number): Promise<void>;
}

export interface UpgradeRefusal {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

export class UpgradeRefused extends Error {
  constructor(readonly refusal: UpgradeRefusal) {
    super(`upgrade refused with HTTP ${refusal.status}: ${refusal.body.slice(0, 300)}`);
  }
}

/** Opens a socket; rejects with UpgradeRefused when the server answers the upgrade with HTTP. */
export function openSocket(url: string, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<TestSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, handshakeTimeout: timeoutMs, maxPayload: 64 * 1024 * 1024 });
    const frames: Frame[] = [];
    const listeners = new Set<() => void>();
    const notify = () => {
      for (const listener of [...listeners]) listener();
    };
    const socket: TestSocket = {
      ws,
      frames,
      closed: null,
      send: (frame) => ws.send(JSON.stringify(frame)),
      sendRaw: (data, options) => ws.send(data, { binary: options?.binary ?? false }),
      all: (type) => frames.filter((frame) => frame.type === type),
      waitFor: (type, match, waitMs = 5000) =>
        new Promise((resolveWait, rejectWait) => {
          const check = () => {
            const found = frames.find((frame) => frame.type === type && (!match || match(frame)));
            if (found) {
              listeners.delete(check);
              clearTimeout(timer);
              resolveWait(found);
            } else if (socket.closed) {
              listeners.delete(check);
              clearTimeout(timer);
              rejectWait(new Error(`socket closed (${socket.closed.code} ${socket.closed.reason}) before a matching ${type} frame`));
            }
          };
          const timer = setTimeout(() => {
            listeners.delete(check);
            rejectWait(new Error(`no matching ${type} frame within ${waitMs} ms; last frames: ${JSON.stringify(frames.slice(-5)).slice(0, 1500)}`));
          }, waitMs);
          listeners.add(check);
          check();
        }),
      waitForCount: (count, waitMs = 10_000) =>
        new Promise((resolveWait, rejectWait) => {
          const check = () => {
            if (frames.length >= count) {
              listeners.delete(check);
              clearTimeout(timer);
              resolveWait();
            } else if (socket.closed) {
              listeners.delete(check);
              clearTimeout(timer);
              rejectWait(new Error(`socket closed (${socket.closed.code}) with ${frames.length}/${count} frames`));
            }
          };
          const timer = setTimeout(() => {
            listeners.delete(check);
            rejectWait(new Error(`only ${frames.length}/${count} frames within ${waitMs} ms`));
          }, waitMs);
          listeners.add(check);
          check();
        }),
      close: () => {
        try {
          ws.close(1000, 'test done');
        } catch {
          // already closed
        }
      },
      waitClosed: (waitMs = 5000) =>
        new Promise((resolveWait) => {
          if (socket.closed) return resolveWait();
          const timer = setTimeout(resolveWait, waitMs);
          ws.once('close', () => {
            clearTimeout(timer);
            resolveWait();
          });
        }),
    };
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? `<binary ${(data as Buffer).length}>` : data.toString();
      try {
        frames.push(JSON.parse(text) as Frame);
      } catch {
        frames.push({ type: '__unparseable__', raw: text.slice(0, 200) });
      }
      notify();
    });
    ws.on('close', (code, reason) => {
      socket.closed = { code, reason: reason.toString() };
      notify();
    });
    ws.on('error', () => {
      // surfaced through 'close' or the open promise
    });
    ws.once('open', () => resolve(socket));
    ws.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => reject(new UpgradeRefused({ status: response.statusCode ?? 0, body, headers: response.headers })));
      response.on('error', () => reject(new UpgradeRefused({ status: response.statusCode ?? 0, body, headers: response.headers })));
    });
    ws.once('error', (error) => reject(error));
  });
}

/** The HTTP status of an upgrade attempt: 101 when it opened (the socket is closed again at once). */
export async function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  try {
    const socket = await openSocket(url, headers);
    socket.close();
    return { status: 101, body: '' };
  } catch (error) {
    if (error instanceof UpgradeRefused) return { status: error.refusal.status, body: error.refusal.body };
    throw error;
  }
}

// ---- shoppers ----------------------------------------------------------------------------

export function localOrigin(baseUrl: string): string {
  return new URL(baseUrl).origin;
}

export function visitorUrl(baseUrl: string, site = 'demo', token?: string): string {
  const params = new URLSearchParams({ site });
  if (token) params.set('token', token);
  return wsUrl(baseUrl, `/v1/visitor?${params}`);
}

export interface Shopper {
  socket: TestSocket;
  welcome: Frame & { conversationId: string; token: string; lastSeq: number; state: string };
}

export async function openShopper(
  baseUrl: string,
  options: { site?: string; token?: string; origin?: string; lastSeq?: number; page?: { url: string; title: string }; headers?: Record<string, string> } = {},
): Promise<Shopper> {
  const socket = await openSocket(visitorUrl(baseUrl, options.site ?? 'demo', options.token), {
    Origin: options.origin ?? localOrigin(baseUrl),
    ...options.headers,
  });
  socket.send({ v: 1, type: 'hello', lastSeq: options.lastSeq ?? 0, ...(options.page ? { page: options.page } : {}) });
  const welcome = (await socket.waitFor('welcome')) as Shopper['welcome'];
  return { socket, welcome };
}

let counter = 0;
export function nextClientMsgId(prefix = 'sec'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter.toString(36)}-${Math.random().toString(36).slice(2, 8)}`.slice(0, 64);
}

/** Sends a message and resolves with its ack or the error frame that refused it. */
export async function sendMessage(socket: TestSocket, text: string, timeoutMs = 5000): Promise<Frame> {
  const clientMsgId = nextClientMsgId();
  socket.send({ v: 1, type: 'message', clientMsgId, text });
  return Promise.any([
    socket.waitFor('ack', (frame) => frame.clientMsgId === clientMsgId, timeoutMs),
    socket.waitFor('error', (frame) => frame.clientMsgId === clientMsgId, timeoutMs),
  ]);
}

/** Sends a message, waiting out rate limiting (bounded), and returns its seq. */
export async function sayAcked(socket: TestSocket, text: string, maxAttempts = 15): Promise<number> {
  for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
    const answer = await sendMessage(socket, text);
    if (answer.type === 'ack') return answer.seq as number;
    if (answer.code !== 'rate_limited') throw new Error(`message refused: ${JSON.stringify(answer)}`);
    await sleep(1100);
  }
  throw new Error(`message still rate limited after ${maxAttempts} attempts`);
}

export interface TranscriptMessage {
  seq: number;
  author: string;
  text: string;
  clientMsgId?: string;
  [key: string]: unknown;
}

/** The full stored transcript, read by resuming with the token and lastSeq 0. */
export async function readTranscript(baseUrl: string, token: string, site = 'demo'): Promise<{ conversationId: string; messages: TranscriptMessage[] }> {
  const { socket, welcome } = await openShopper(baseUrl, { token, site, lastSeq: 0 });
  try {
    const lastSeq = welcome.lastSeq;
    const deadline = Date.now() + 10_000;
    const collect = (): TranscriptMessage[] => {
      const out = new Map<number, TranscriptMessage>();
      for (const frame of socket.frames) {
        if (frame.type === 'message') {
          const message = frame.message as TranscriptMessage;
          out.set(message.seq, message);
        } else if (frame.type === 'resync') {
          for (const message of frame.messages as TranscriptMessage[]) out.set(message.seq, message);
        }
      }
      return [...out.values()].sort((a, b) => a.seq - b.seq);
    };
    while (Date.now() < deadline) {
      const messages = collect();
      if (messages.filter((message) => message.seq <= lastSeq).length >= lastSeq) return { conversationId: welcome.conversationId, messages };
      await sleep(50);
    }
    throw new Error(`transcript replay incomplete: ${collect().length}/${lastSeq}`);
  } finally {
    socket.close();
  }
}

// ---- agents ------------------------------------------------------------------------------

export async function adminCreateAgent(
  baseUrl: string,
  adminKey: string,
  site: string,
  body: { email: string; name: string; password: string; role?: 'agent' | 'admin' },
): Promise<{ agent: { id: string; name: string } }> {
  assertLocal(baseUrl);
  const response = await fetch(`${baseUrl}/v1/admin/sites/${site}/agents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`agent create failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { agent: { id: string; name: string } };
}

export async function loginAgent(
  baseUrl: string,
  site: string,
  email: string,
  password: string,
): Promise<{ cookie: string; agent: { id: string; name: string; site: string } }> {
  assertLocal(baseUrl);
  const response = await fetch(`${baseUrl}/v1/agent/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', Origin: localOrigin(baseUrl) },
    body: JSON.stringify({ site, email, password }),
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { agent } = (await response.json()) as { agent: { id: string; name: string; site: string } };
  return { cookie, agent };
}

/** Creates an agent on `site` and logs it in. */
export async function createAgent(baseUrl: string, adminKey: string, site: string, name: string) {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${Math.random().toString(36).slice(2, 10)}@example.com`;
  const password = 'correct horse battery staple';
  await adminCreateAgent(baseUrl, adminKey, site, { email, name, password });
  return loginAgent(baseUrl, site, email, password);
}

export function agentHeaders(baseUrl: string, cookie: string, origin: string | null = localOrigin(baseUrl)): Record<string, string> {
  return { Cookie: cookie, ...(origin === null ? {} : { Origin: origin }) };
}

export async function openInbox(baseUrl: string, cookie: string): Promise<TestSocket> {
  const socket = await openSocket(wsUrl(baseUrl, '/v1/agent/inbox'), agentHeaders(baseUrl, cookie));
  socket.send({ v: 1, type: 'hello' });
  await socket.waitFor('inbox');
  return socket;
}

export async function openAgentChat(baseUrl: string, cookie: string, conversationId: string): Promise<TestSocket> {
  const socket = await openSocket(wsUrl(baseUrl, `/v1/agent/conversations/${conversationId}`), agentHeaders(baseUrl, cookie));
  socket.send({ v: 1, type: 'hello', lastSeq: 0 });
  await socket.waitFor('welcome');
  return socket;
}

/** A shopper who asked for a person, queued, then claimed by the agent on `inbox`. */
export async function handedOffChat(baseUrl: string, inbox: TestSocket, cookie: string, options: { page?: { url: string; title: string } } = {}) {
  const shopper = await openShopper(baseUrl, options);
  await sayAcked(shopper.socket, 'I want to talk to a person please');
  await shopper.socket.waitFor('state', (frame) => frame.state === 'queued' || frame.state === 'agent', 10_000);
  const conversationId = shopper.welcome.conversationId;
  inbox.send({ v: 1, type: 'claim', conversationId });
  await inbox.waitFor('claimed', (frame) => frame.conversationId === conversationId, 10_000);
  await shopper.socket.waitFor('state', (frame) => frame.state === 'agent', 10_000);
  const chat = await openAgentChat(baseUrl, cookie, conversationId);
  return { shopper, chat, conversationId };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Prints an aligned table to stdout (vitest shows it with the test's output). */
export function printTable(title: string, rows: Record<string, string | number | boolean>[]): void {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => String(row[column] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, index) => cell.padEnd(widths[index]!)).join(' | ')} |`;
  const out = [
    `\n${title}`,
    line(columns),
    `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
    ...rows.map((row) => line(columns.map((column) => String(row[column] ?? '')))),
  ];
  console.log(out.join('\n'));
}
