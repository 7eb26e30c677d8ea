/** A shopper's socket opened through the real Worker inside workerd, with frame helpers. */
import { SELF } from 'cloudflare:test';
import type { VisitorOutbound } from '../../protocol/index.ts';

export const LOCAL_ORIGIN = 'http://127.0.0.1:8787';

export interface VisitorSocket {
  ws: WebSocket;
  frames: VisitorOutbound[];
  send(frame: unknown): void;
  /** Resolves with the first frame (from `from` on) that matches, or rejects after `timeoutMs`. */
  waitFor<T extends VisitorOutbound['type']>(type: T, match?: (frame: Extract<VisitorOutbound, { type: T }>) => boolean, timeoutMs?: number): Promise<Extract<VisitorOutbound, { type: T }>>;
  close(): void;
}

export async function upgrade(query: string, origin: string | null = LOCAL_ORIGIN): Promise<Response> {
  const headers: Record<string, string> = { Upgrade: 'websocket' };
  if (origin) headers.Origin = origin;
  return SELF.fetch(`http://kefu.test/v1/visitor?${query}`, { headers });
}

export async function openVisitor(options: { site?: string; token?: string } = {}): Promise<VisitorSocket> {
  const params = new URLSearchParams({ site: options.site ?? 'demo' });
  if (options.token) params.set('token', options.token);
  const response = await upgrade(params.toString());
  const ws = response.webSocket;
  if (!ws) throw new Error(`upgrade failed with ${response.status}`);
  ws.accept();
  const frames: VisitorOutbound[] = [];
  const listeners = new Set<() => void>();
  ws.addEventListener('message', (event) => {
    frames.push(JSON.parse(event.data as string) as VisitorOutbound);
    for (const listener of listeners) listener();
  });
  const socket: VisitorSocket = {
    ws,
    frames,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    waitFor: (type, match, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const seen = new Set<VisitorOutbound>();
        const check = () => {
          for (const frame of frames) {
            if (seen.has(frame)) continue;
            seen.add(frame);
            if (frame.type === type && (!match || match(frame as never))) {
              listeners.delete(check);
              clearTimeout(timer);
              resolve(frame as never);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${type} frame within ${timeoutMs} ms; got ${JSON.stringify(frames.map((f) => f.type))}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
    close: () => ws.close(1000, 'test done'),
  };
  return socket;
}

/** Opens a socket and completes the hello, returning the welcome. */
export async function openAndHello(options: { token?: string; lastSeq?: number } = {}) {
  const socket = await openVisitor({ token: options.token });
  socket.send({ v: 1, type: 'hello', lastSeq: options.lastSeq ?? 0 });
  const welcome = await socket.waitFor('welcome');
  return { socket, welcome };
}
