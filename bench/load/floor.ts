/**
 * npm run bench:floor -- [--sockets 600] [--step 300]
 *
 * What one live chat costs the runtime when the chat is as small as it can be: the same `wrangler
 * dev` stack as bench:load, running bench/workerd/socket-floor-worker.ts (one Durable Object per
 * socket, one SQLite table, a hibernatable socket that stores and echoes each frame). It opens
 * sockets in steps, each sending one frame and waiting for its echo, and prints the RSS of the
 * runtime and of wrangler's dev proxy per step, with and without permessage-deflate offered by the
 * client (browsers always offer it). Compare with bench:load's "runtime KB per conversation".
 */
import WebSocket from 'ws';
import { killHard, printTable, removeDir, workerdMemory } from '../../tests/fault/harness.ts';
import { sleep } from '../../tests/support/kefu-client.ts';
import { startWrangler } from '../../tests/support/wrangler-dev.ts';

interface Step {
  deflate: boolean;
  sockets: number;
  runtimeMb: number;
  devProxyMb: number;
}

async function measure(total: number, step: number, deflate: boolean): Promise<Step[]> {
  const server = await startWrangler({ config: 'bench/workerd/socket-floor.toml' });
  const { port } = server;
  const sockets: WebSocket[] = [];
  try {
    const steps: Step[] = [];
    for (let target = 0; target <= total; target += step) {
      while (sockets.length < target) {
        const batch: Promise<void>[] = [];
        for (let index = 0; index < 25 && sockets.length < target; index += 1) {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/?id=chat-${sockets.length}`, { perMessageDeflate: deflate });
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
      // Past workerd's 10 s eviction of idle objects: what stays is what an idle chat costs.
      await sleep(12_000);
      const memory = workerdMemory(server.process.pid!, port);
      steps.push({ deflate, sockets: target, runtimeMb: memory.runtimeMb, devProxyMb: memory.devProxyMb });
    }
    return steps;
  } finally {
    for (const ws of sockets) ws.terminate();
    await killHard(server);
    removeDir(server.persistDir);
  }
}

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const total = flag('--sockets', 600);
const step = flag('--step', 300);
const rows: Record<string, string | number>[] = [];
for (const deflate of [true, false]) {
  const steps = await measure(total, step, deflate);
  const first = steps[0]!;
  for (const row of steps) {
    rows.push({
      'permessage-deflate': deflate ? 'offered (as browsers)' : 'off',
      sockets: row.sockets,
      'runtime MB': Math.round(row.runtimeMb),
      'runtime KB / socket': row.sockets ? Math.round(((row.runtimeMb - first.runtimeMb) * 1024) / row.sockets) : 0,
      'dev proxy MB': Math.round(row.devProxyMb),
      'dev proxy KB / socket': row.sockets ? Math.round(((row.devProxyMb - first.devProxyMb) * 1024) / row.sockets) : 0,
    });
  }
}
printTable(`floor: the smallest possible chat object in the same wrangler dev stack (${total} sockets, measured 12 s after each step)`, rows);
process.exit(0);
