/**
 * npm run bench:floor -- [--sockets 1000] [--direct] [--stored-kb 100]
 *
 * What one live chat costs the runtime when the chat is as small as it can be: the same `wrangler
 * dev` stack as bench:load, running bench/workerd/socket-floor-worker.ts (one Durable Object per
 * socket, one SQLite table, a hibernatable socket that stores and echoes each frame). With and
 * without permessage-deflate offered by the client (browsers always offer it), it reads the RSS
 * of the runtime and of wrangler's dev proxy:
 *   - awake: every socket has sent one frame and had its echo, so every object is in memory;
 *   - asleep: 12 s later, past workerd's 10 s eviction of idle objects (the allocator keeps what
 *     they freed, so RSS barely falls);
 *   - second wave: as many sockets again, then asleep too. Their objects reuse what the first
 *     wave's freed, so the RSS they add per socket is what a sleeping chat with an open socket
 *     keeps (an upper bound: whatever the allocator could not reuse counts too). A smaller second
 *     wave would fit in what the first freed and show nothing.
 * --stored-kb N: once all are awake, every socket sends N KB more in 2 KB frames (each stored in its
 *   object's table, as a transcript grows), and the RSS is read again while they are still awake:
 *   what a stored KB costs the runtime in a bare object, whatever kefu stores.
 * --direct connects to the runtime's own port, past the dev proxy, as bench:load --direct does.
 * Compare with bench:load's "runtime RSS per live conversation" and bench:load --idle.
 */
import WebSocket from 'ws';
import { killHard, printTable, runtimeEntryUrl, workerdMemory } from '../../tests/fault/harness.ts';
import { sleep } from '../../tests/support/kefu-client.ts';
import { startWrangler } from '../../tests/support/wrangler-dev.ts';

/** Past workerd's eviction of an object idle for 10 s. */
const ASLEEP_AFTER_MS = 12_000;

interface Reading {
  runtimeMb: number;
  devProxyMb: number;
}

interface Measurement {
  sockets: number;
  before: Reading;
  awake: Reading;
  /** Awake, after every socket stored `storedKb` more (null without --stored-kb). */
  stored: Reading | null;
  asleep: Reading;
  secondAsleep: Reading;
}

/** A 2 KB frame of varied text, as an answer with its article is. */
const FRAME = Array.from({ length: 2048 }, (_, index) => String.fromCharCode(97 + ((index * 7919) % 26))).join('');

async function measure(total: number, deflate: boolean, direct: boolean, storedKb: number): Promise<Measurement> {
  const server = await startWrangler({ config: 'bench/workerd/socket-floor.toml' });
  const pgid = server.process.pid!;
  const socketBase = (direct ? await runtimeEntryUrl(pgid, server.port) : server.baseUrl).replace(/^http/, 'ws');
  const read = () => workerdMemory(pgid, server.port);
  const sockets: WebSocket[] = [];
  const open = async (count: number) => {
    const target = sockets.length + count;
    while (sockets.length < target) {
      const batch: Promise<void>[] = [];
      for (let index = 0; index < 25 && sockets.length < target; index += 1) {
        const ws = new WebSocket(`${socketBase}/?id=chat-${sockets.length}`, { perMessageDeflate: deflate });
        sockets.push(ws);
        batch.push(
          new Promise<void>((resolve, reject) => {
            ws.once('error', reject);
            ws.once('open', () => ws.send('hello'));
            ws.once('message', () => resolve());
          }),
        );
      }
      await Promise.all(batch);
    }
  };
  try {
    await sleep(ASLEEP_AFTER_MS); // the runtime settled after start-up
    const before = read();
    await open(total);
    const awake = read();
    let stored: Reading | null = null;
    if (storedKb > 0) {
      for (let start = 0; start < sockets.length; start += 100) {
        await Promise.all(sockets.slice(start, start + 100).map((ws) => storeFrames(ws, Math.ceil(storedKb / 2))));
      }
      stored = read();
    }
    await sleep(ASLEEP_AFTER_MS);
    const asleep = read();
    await open(total);
    await sleep(ASLEEP_AFTER_MS);
    const secondAsleep = read();
    return { sockets: total, before, awake, stored, asleep, secondAsleep };
  } finally {
    for (const ws of sockets) ws.terminate();
    await killHard(server);
  }
}

/** Sends `frames` frames one after another, each after the previous one's echo. */
async function storeFrames(ws: WebSocket, frames: number): Promise<void> {
  for (let index = 0; index < frames; index += 1) {
    await new Promise<void>((resolve) => {
      ws.once('message', () => resolve());
      ws.send(FRAME);
    });
  }
}

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const total = flag('--sockets', 1000);
const direct = args.includes('--direct');
const storedKb = flag('--stored-kb', 0);
const rows: Record<string, string | number>[] = [];
const kb = (mb: number, count: number) => Math.round((mb * 1024) / count);
for (const deflate of [true, false]) {
  const m = await measure(total, deflate, direct, storedKb);
  rows.push({
    'permessage-deflate': deflate ? 'offered (as browsers)' : 'off',
    sockets: m.sockets,
    'runtime MB before': Math.round(m.before.runtimeMb),
    'KB / socket, awake': kb(m.awake.runtimeMb - m.before.runtimeMb, m.sockets),
    ...(m.stored
      ? {
          [`KB / socket, awake after storing ${storedKb} KB each`]: kb(m.stored.runtimeMb - m.before.runtimeMb, m.sockets),
          'RSS per KB stored': (((m.stored.runtimeMb - m.awake.runtimeMb) * 1024) / (m.sockets * storedKb)).toFixed(2),
        }
      : {}),
    'KB / socket, asleep': kb(m.asleep.runtimeMb - m.before.runtimeMb, m.sockets),
    'KB kept per sleeping socket (second wave)': kb(m.secondAsleep.runtimeMb - m.asleep.runtimeMb, m.sockets),
    'dev proxy KB / socket': direct ? 'n/a (direct)' : kb(m.awake.devProxyMb - m.before.devProxyMb, m.sockets),
  });
}
printTable(
  `floor: the smallest possible chat object in the same wrangler dev stack (${total} sockets${direct ? ', straight to the runtime' : ', through the dev proxy'}; runtime RSS per socket)`,
  rows,
);
process.exit(0);
