/**
 * `npm run bench:uploads [-- --images 60] [--pdfs 10] [--concurrency 4] [--url http://127.0.0.1:8787]`:
 * upload throughput against wrangler dev (local workerd, local R2), through the shopper's real
 * path: POST /v1/attachments with a resume token, type sniffing, metadata stripping, R2 write,
 * the Conversation storing and broadcasting the message. Two kinds of file: 200 KB photos (a real
 * JPEG with EXIF and GPS, to strip, padded after its end-of-image) and 5 MB PDFs.
 *
 * Each chat takes 10 files a minute (protocol/attachments.ts), so the files are spread over as
 * many chats as needed, opened first (not timed). Prints MB/s, uploads/s and latency per kind.
 */
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { concat, jpegWithMetadata, MINIMAL_PDF } from '../tests/fixtures/images.ts';
import { startWrangler, type WranglerServer } from '../tests/support/wrangler-dev.ts';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '60' },
    pdfs: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '4' },
    url: { type: 'string' },
  },
});
const PER_CHAT = 10;
const concurrency = Math.max(1, Math.min(32, Number(values.concurrency)));

let server: WranglerServer | null = null;
let baseUrl = values.url;
if (!baseUrl) {
  server = await startWrangler({ vars: { NEW_CONVERSATION_LIMIT_OVERRIDE: '100000' } });
  baseUrl = server.baseUrl;
}
const origin = baseUrl;

/** A chat's resume token, from a real shopper socket (the chat must exist before files go in). */
function openChat(): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${baseUrl!.replace(/^http/, 'ws')}/v1/visitor?site=demo`, { headers: { origin } });
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ v: 1, type: 'hello', lastSeq: 0 })));
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; token?: string };
      if (frame.type !== 'welcome') return;
      socket.close();
      resolve(frame.token!);
    });
  });
}

function padded(head: Uint8Array<ArrayBuffer>, size: number, fill: number): Uint8Array<ArrayBuffer> {
  return concat(head, new Uint8Array(Math.max(0, size - head.length)).fill(fill));
}

async function run(kind: string, count: number, bytes: Uint8Array<ArrayBuffer>, name: string) {
  const tokens: string[] = [];
  for (let i = 0; i < Math.ceil(count / PER_CHAT); i++) tokens.push(await openChat());
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const index = next++;
        const at = performance.now();
        const response = await fetch(`${baseUrl}/v1/attachments?site=demo&name=${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${tokens[Math.floor(index / PER_CHAT)]}`, Origin: origin },
          body: bytes,
        });
        await response.arrayBuffer();
        if (response.status === 201) latencies.push(performance.now() - at);
        else failures += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    file: kind,
    uploads: latencies.length,
    failed: failures,
    'MB sent': ((latencies.length * bytes.length) / 1e6).toFixed(1),
    seconds: seconds.toFixed(2),
    'MB/s': ((latencies.length * bytes.length) / 1e6 / seconds).toFixed(1),
    'uploads/s': (latencies.length / seconds).toFixed(1),
    'p50 ms': at(0.5).toFixed(0),
    'p95 ms': at(0.95).toFixed(0),
  };
}

try {
  const photo = padded(jpegWithMetadata(), 200 * 1024, 0);
  const pdf = padded(new TextEncoder().encode(MINIMAL_PDF), 5 * 1024 * 1024, 0x25);
  const rows = [
    await run('200 KB JPEG (EXIF stripped)', Number(values.images), photo, 'photo.jpg'),
    await run('5 MB PDF', Number(values.pdfs), pdf, 'invoice.pdf'),
  ];
  console.log(`\nUploads through POST /v1/attachments (wrangler dev on 127.0.0.1, local R2, ${concurrency} at a time)`);
  console.table(rows);
} finally {
  await server?.stop();
}
