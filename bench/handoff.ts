/**
 * `npm run bench:handoff [-- --runs 50] [--url http://127.0.0.1:8787]`: time from a shopper's
 * "I want a person" to that chat appearing in an agent console's queue (the inbox snapshot the
 * console renders), over real sockets against wrangler dev. Prints a table.
 */
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { readDevVars, upsertAgent } from '../scripts/lib/admin-client.ts';
import { startWrangler, type WranglerServer } from '../tests/support/wrangler-dev.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '50' }, url: { type: 'string' } } });
const runs = Math.max(1, Math.min(500, Number(values.runs)));

let server: WranglerServer | null = null;
let baseUrl = values.url;
if (!baseUrl) {
  server = await startWrangler({ vars: { BUSINESS_HOURS_OVERRIDE: 'open', NEW_CONVERSATION_LIMIT_OVERRIDE: '100000' } });
  baseUrl = server.baseUrl;
}
const wsBase = baseUrl.replace(/^http/, 'ws');

function open(url: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode} for ${url}`)));
  });
}

try {
  const vars = readDevVars();
  const email = `bench-${Date.now()}@example.com`;
  const password = 'bench-password-123';
  await upsertAgent(baseUrl, vars.ADMIN_API_KEY ?? '', 'demo', { email, name: 'Bench Agent', password });
  const login = await fetch(`${baseUrl}/v1/agent/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify({ site: 'demo', email, password }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const inbox = await open(`${wsBase}/v1/agent/inbox`, { cookie, origin: baseUrl });
  const seenAt = new Map<string, number>();
  inbox.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { type: string; queue?: { conversationId: string }[] };
    if (frame.type !== 'inbox') return;
    for (const entry of frame.queue ?? []) if (!seenAt.has(entry.conversationId)) seenAt.set(entry.conversationId, performance.now());
  });
  inbox.send(JSON.stringify({ v: 1, type: 'hello' }));

  const timings: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const shopper = await open(`${wsBase}/v1/visitor?site=demo`, { origin: baseUrl });
    const conversationId = await new Promise<string>((resolve) => {
      shopper.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { type: string; conversationId?: string };
        if (frame.type === 'welcome') resolve(frame.conversationId!);
      });
      shopper.send(JSON.stringify({ v: 1, type: 'hello', lastSeq: 0 }));
    });
    const sentAt = performance.now();
    shopper.send(JSON.stringify({ v: 1, type: 'message', clientMsgId: `bench-${run}-${Date.now()}`, text: 'I want to talk to a person, please' }));
    const deadline = Date.now() + 10_000;
    while (!seenAt.has(conversationId) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
    if (seenAt.has(conversationId)) timings.push(seenAt.get(conversationId)! - sentAt);
    inbox.send(JSON.stringify({ v: 1, type: 'claim', conversationId })); // keep the queue short
    shopper.close();
  }
  inbox.close();

  timings.sort((a, b) => a - b);
  const at = (q: number) => timings[Math.min(timings.length - 1, Math.floor(q * timings.length))]!;
  console.log(`\nHandoff → chat in the console queue, ${timings.length} of ${runs} runs (wrangler dev, 127.0.0.1)`);
  console.table([
    {
      runs: timings.length,
      'median ms': at(0.5).toFixed(1),
      'p95 ms': at(0.95).toFixed(1),
      'min ms': timings[0]!.toFixed(1),
      'max ms': timings.at(-1)!.toFixed(1),
    },
  ]);
} finally {
  await server?.stop();
}
