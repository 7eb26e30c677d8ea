/** Real sockets opened through the Worker inside workerd, with helpers to await frames. */
import { SELF } from 'cloudflare:test';
import type { AgentConversationOutbound, InboxOutbound, VisitorOutbound } from '../../protocol/index.ts';

export const LOCAL_ORIGIN = 'http://127.0.0.1:8787';
export const WORKER_ORIGIN = 'http://kefu.test';

type AnyFrame = { type: string };

export interface TestSocket<F extends AnyFrame> {
  ws: WebSocket;
  frames: F[];
  send(frame: unknown): void;
  /** Resolves with the first frame of `type` (seen so far or arriving) that matches. */
  waitFor<T extends F['type']>(type: T, match?: (frame: Extract<F, { type: T }>) => boolean, timeoutMs?: number): Promise<Extract<F, { type: T }>>;
  /** Frames of `type` received so far. */
  all<T extends F['type']>(type: T): Extract<F, { type: T }>[];
  close(): void;
}

export function wrapSocket<F extends AnyFrame>(ws: WebSocket): TestSocket<F> {
  ws.accept();
  const frames: F[] = [];
  const listeners = new Set<() => void>();
  ws.addEventListener('message', (event) => {
    frames.push(JSON.parse(event.data as string) as F);
    for (const listener of [...listeners]) listener();
  });
  return {
    ws,
    frames,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    all: (type) => frames.filter((frame) => frame.type === type) as never,
    waitFor: (type, match, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = frames.find((frame) => frame.type === type && (!match || match(frame as never)));
          if (!found) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(found as never);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no matching ${type} frame within ${timeoutMs} ms; got ${JSON.stringify(frames).slice(0, 1500)}`));
        }, timeoutMs);
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
  };
}

// ---- shoppers ----------------------------------------------------------------------------

export type VisitorSocket = TestSocket<VisitorOutbound>;

/** A random client address, as Cloudflare's edge would set it: each test shopper is somebody else. */
export function randomIp(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(3));
  return `10.${bytes[0]}.${bytes[1]}.${bytes[2]}`;
}

export async function upgrade(query: string, origin: string | null = LOCAL_ORIGIN, ip = randomIp()): Promise<Response> {
  const headers: Record<string, string> = { Upgrade: 'websocket', 'CF-Connecting-IP': ip };
  if (origin) headers.Origin = origin;
  return SELF.fetch(`${WORKER_ORIGIN}/v1/visitor?${query}`, { headers });
}

export async function openVisitor(options: { site?: string; token?: string; origin?: string } = {}): Promise<VisitorSocket> {
  const params = new URLSearchParams({ site: options.site ?? 'demo' });
  if (options.token) params.set('token', options.token);
  const response = await upgrade(params.toString(), options.origin ?? LOCAL_ORIGIN);
  if (!response.webSocket) throw new Error(`upgrade failed with ${response.status}`);
  return wrapSocket<VisitorOutbound>(response.webSocket);
}

/** Opens a shopper socket and completes the hello, returning the welcome. */
export async function openAndHello(options: { token?: string; lastSeq?: number; site?: string; origin?: string; locale?: 'en' | 'zh' } = {}) {
  const socket = await openVisitor(options);
  socket.send({ v: 1, type: 'hello', lastSeq: options.lastSeq ?? 0, ...(options.locale ? { locale: options.locale } : {}) });
  const welcome = await socket.waitFor('welcome');
  return { socket, welcome };
}

let messageCounter = 0;
export function nextClientMsgId(): string {
  messageCounter += 1;
  return `test-msg-${messageCounter.toString().padStart(6, '0')}`;
}

/** Sends a shopper message and waits for its ack. */
export async function say(socket: VisitorSocket, text: string): Promise<number> {
  const clientMsgId = nextClientMsgId();
  socket.send({ v: 1, type: 'message', clientMsgId, text });
  return (await socket.waitFor('ack', (ack) => ack.clientMsgId === clientMsgId)).seq;
}

// ---- agents ------------------------------------------------------------------------------

export type InboxSocket = TestSocket<InboxOutbound>;
export type AgentChatSocket = TestSocket<AgentConversationOutbound>;

export interface TestAgent {
  id: string;
  name: string;
  cookie: string;
  site: string;
  email: string;
  password: string;
}

/** Creates an agent through the admin API and logs it in, returning its session cookie. */
export async function createAgent(site: string, name: string): Promise<TestAgent> {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${crypto.randomUUID().slice(0, 8)}@example.com`;
  const password = 'correct horse battery staple';
  const created = await SELF.fetch(`${WORKER_ORIGIN}/v1/admin/sites/${site}/agents`, {
    method: 'POST',
    headers: { authorization: 'Bearer workerd-admin-key', 'content-type': 'application/json' },
    body: JSON.stringify({ email, name, password }),
  });
  if (created.status !== 201) throw new Error(`agent create failed: ${created.status} ${await created.text()}`);
  const login = await SELF.fetch(`${WORKER_ORIGIN}/v1/agent/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', Origin: WORKER_ORIGIN },
    body: JSON.stringify({ site, email, password }),
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get('Set-Cookie') ?? '').split(';')[0]!;
  const { agent } = (await login.json()) as { agent: { id: string; name: string } };
  return { id: agent.id, name: agent.name, cookie, site, email, password };
}

/** Logs the same agent in a second time (another browser), returning that session's cookie. */
export async function loginAgain(agent: TestAgent): Promise<string> {
  const login = await SELF.fetch(`${WORKER_ORIGIN}/v1/agent/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', Origin: WORKER_ORIGIN },
    body: JSON.stringify({ site: agent.site, email: agent.email, password: agent.password }),
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
  return (login.headers.get('Set-Cookie') ?? '').split(';')[0]!;
}

export async function agentUpgrade(path: string, cookie: string): Promise<Response> {
  return SELF.fetch(`${WORKER_ORIGIN}${path}`, { headers: { Upgrade: 'websocket', Cookie: cookie, Origin: WORKER_ORIGIN } });
}

/** Connects an agent's console to the site inbox and waits for the first snapshot. */
export async function openInbox(agent: TestAgent): Promise<InboxSocket> {
  const response = await agentUpgrade('/v1/agent/inbox', agent.cookie);
  if (!response.webSocket) throw new Error(`inbox upgrade failed with ${response.status}`);
  const socket = wrapSocket<InboxOutbound>(response.webSocket);
  socket.send({ v: 1, type: 'hello' });
  await socket.waitFor('inbox');
  return socket;
}

export async function openAgentChat(agent: TestAgent, conversationId: string): Promise<AgentChatSocket> {
  const response = await agentUpgrade(`/v1/agent/conversations/${conversationId}`, agent.cookie);
  if (!response.webSocket) throw new Error(`conversation upgrade failed with ${response.status}`);
  const socket = wrapSocket<AgentConversationOutbound>(response.webSocket);
  socket.send({ v: 1, type: 'hello', lastSeq: 0 });
  await socket.waitFor('welcome');
  return socket;
}
