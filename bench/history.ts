/**
 * `npm run bench:history`: the site history's costs (issue 15), on the real modules
 * (worker/history) inside workerd through Miniflare, with SQLite in Miniflare's temporary storage. Prints tables; not a test.
 *
 * 1. Indexing: 50,000 conversations with 100,000 messages (half English, half Chinese, synthetic)
 *    written in batches of 500 conversations, one transaction each, as SiteHistory.record does;
 *    the cost per message is the batch's wall time over its messages (HTTP into workerd included).
 * 2. Search: 300 English and 300 Chinese queries of one or two words; wall time per request.
 * 3. The "all conversations" page: 300 first pages and 300 deeper pages (by cursor) of 50, with
 *    and without filters; wall time per request.
 * Wall times are measured from Node around each request, so they include one local HTTP round
 * trip into workerd (about 0.2 ms here).
 */
import { cpus } from 'node:os';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import type { HistoryRecord } from '../worker/history/history-types.ts';

const CONVERSATIONS = Number(process.env.CONVERSATIONS ?? 50_000);
const MESSAGES = Number(process.env.MESSAGES ?? 100_000);
const BATCH = 500;
const QUERIES = 300;

const EN =
  'order parcel delivery refund return exchange broken mug teapot invoice address tracking courier late missing damaged size colour voucher discount payment card paypal'.split(
    ' ',
  );
const ZH = '订单 包裹 快递 退款 退货 换货 破损 杯子 茶壶 发票 地址 物流 迟到 丢失 尺码 颜色 优惠券 折扣 付款 支付宝'.split(' ');

let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
const sentence = (zh: boolean) =>
  zh ? Array.from({ length: 6 }, () => pick(ZH)).join('') + '。' : `Hello, ${Array.from({ length: 10 }, () => pick(EN)).join(' ')}.`;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;

const bundled = await build({
  entryPoints: ['bench/workerd/history-worker.ts'],
  bundle: true,
  format: 'esm',
  write: false,
  external: ['cloudflare:workers'],
  platform: 'neutral',
});
const mf = new Miniflare({
  modules: true,
  script: bundled.outputFiles[0]!.text,
  compatibilityDate: '2026-04-30',
  durableObjects: { BENCH: { className: 'HistoryBench', useSQLite: true } },
});
const url = await mf.ready;
const call = async (path: string, body?: unknown) => {
  const started = performance.now();
  const response = await fetch(new URL(path, url), body ? { method: 'POST', body: JSON.stringify(body) } : {});
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  await response.arrayBuffer();
  return performance.now() - started;
};

// 1. Indexing
const perConversation = MESSAGES / CONVERSATIONS;
let written = 0;
let indexingMs = 0;
const start = Date.UTC(2030, 0, 1);
for (let first = 0; first < CONVERSATIONS; first += BATCH) {
  const records: HistoryRecord[] = [];
  for (let i = first; i < Math.min(CONVERSATIONS, first + BATCH); i++) {
    const zh = i % 2 === 1;
    const count = Math.round((i + 1) * perConversation) - Math.round(i * perConversation);
    const at = start + i * 60_000;
    records.push({
      siteId: 'bench',
      conversation: {
        id: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
        state: pick(['bot', 'closed', 'agent', 'queued', 'offline'] as const),
        startedAt: at,
        updatedAt: at + 30_000,
        locale: zh ? 'zh' : 'en',
        shopper: { name: `Shopper ${i}`, email: `s${i}@example.com` },
        browserKey: `b${i}`,
        assignee: i % 3 === 0 ? { id: `ag_agent${i % 7}`, name: `Agent ${i % 7}` } : null,
        handoffReason: i % 3 === 0 ? 'requested_human' : null,
        rating: i % 5 === 0 ? (i % 4) + 1 : null,
        previousId: null,
      },
      messages: Array.from({ length: count }, (_, seq) => ({ seq: seq + 1, at: at + seq * 1000, author: seq % 2 ? 'bot' : 'shopper', text: sentence(zh) })),
      notes: [],
    });
  }
  written += records.reduce((sum, record) => sum + record.messages.length, 0);
  indexingMs += await call('/seed', records);
}

// 2. Search
const searchTimes = { en: [] as number[], zh: [] as number[] };
for (let i = 0; i < QUERIES; i++) {
  searchTimes.en.push(await call(`/search?q=${encodeURIComponent(i % 2 ? pick(EN) : `${pick(EN)} ${pick(EN)}`)}`));
  searchTimes.zh.push(await call(`/search?q=${encodeURIComponent(i % 2 ? pick(ZH) : `${pick(ZH)} ${pick(ZH)}`)}`));
}

// 3. The list
const listTimes = { first: [] as number[], deep: [] as number[], filtered: [] as number[] };
for (let i = 0; i < QUERIES; i++) {
  listTimes.first.push(await call('/list?limit=50'));
  const cursorAt = start + Math.floor(random() * CONVERSATIONS) * 60_000 + 30_000;
  listTimes.deep.push(await call(`/list?limit=50&cursor=${cursorAt}_ffffffff-ffff-4fff-8fff-ffffffffffff`));
  listTimes.filtered.push(await call(`/list?limit=50&state=closed&locale=${i % 2 ? 'zh' : 'en'}&rating=${(i % 4) + 1}`));
}
await mf.dispose();

const lines = [
  `bench:history: ${CONVERSATIONS.toLocaleString('en')} conversations, ${written.toLocaleString('en')} messages; ${cpus().length} cores, load generator (this Node process) on the same cores; SQLite in Miniflare's temporary local storage`,
  '',
  row(['step', 'p50', 'p99', 'requests']),
  row(['---', '---:', '---:', '---:']),
  row(['search, English', `${percentile(searchTimes.en, 50).toFixed(2)} ms`, `${percentile(searchTimes.en, 99).toFixed(2)} ms`, QUERIES]),
  row(['search, Chinese', `${percentile(searchTimes.zh, 50).toFixed(2)} ms`, `${percentile(searchTimes.zh, 99).toFixed(2)} ms`, QUERIES]),
  row(['list, first page of 50', `${percentile(listTimes.first, 50).toFixed(2)} ms`, `${percentile(listTimes.first, 99).toFixed(2)} ms`, QUERIES]),
  row(['list, a page deep in by cursor', `${percentile(listTimes.deep, 50).toFixed(2)} ms`, `${percentile(listTimes.deep, 99).toFixed(2)} ms`, QUERIES]),
  row([
    'list, state + language + rating',
    `${percentile(listTimes.filtered, 50).toFixed(2)} ms`,
    `${percentile(listTimes.filtered, 99).toFixed(2)} ms`,
    QUERIES,
  ]),
  '',
  `indexing: ${(indexingMs / 1000).toFixed(1)} s for ${written.toLocaleString('en')} messages = ${((1000 * indexingMs) / written).toFixed(1)} µs per message (directory row + FTS5 insert, batches of ${BATCH} conversations)`,
];
console.log(lines.join('\n'));
