/**
 * The floor of a live chat in workerd, for bench/load/floor.ts: the least a conversation can be,
 * one Durable Object per socket with a SQLite table, accepting a hibernatable WebSocket and
 * storing and echoing each frame. What kefu's Conversation costs beyond this is kefu's own.
 */
import { DurableObject } from 'cloudflare:workers';

export class SocketFloor extends DurableObject {
  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  }

  override async fetch(): Promise<Response> {
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    const body = typeof message === 'string' ? message : '';
    this.ctx.storage.sql.exec('INSERT INTO messages (body) VALUES (?)', body);
    ws.send(body);
  }
}

export default {
  async fetch(request: Request, env: { SOCKET_FLOOR: DurableObjectNamespace<SocketFloor> }): Promise<Response> {
    // Any other request gets a 200, which is how benches find the runtime's own port (runtimeEntryUrl).
    if (request.headers.get('Upgrade') !== 'websocket') return new Response('socket floor');
    const id = new URL(request.url).searchParams.get('id') ?? 'default';
    return env.SOCKET_FLOOR.get(env.SOCKET_FLOOR.idFromName(id)).fetch(request);
  },
};
