/**
 * npm run bench:load -- --shoppers 1000 --minutes 5 [--url http://127.0.0.1:8787] [--ramp 60]
 *                       [--interval 10] [--json] [--pgid <wrangler process group>]
 *
 * Ramps N concurrent shoppers against `wrangler dev` (its own, started on a free 127.0.0.1
 * port with throwaway storage, unless --url names a running one). Each shopper asks a shop
 * question every `interval` seconds on average (uniform 0.5-1.5 × interval), at most one
 * unanswered question at a time, and counts the bot's reply. It prints:
 * connections held, messages sent, bot replies received, errors, p50/p95/p99 send → bot reply,
 * and the RSS of the runtime (the workerd processes under the wrangler process group, from
 * /proc/<pid>/status VmRSS; with --url pass --pgid to get it). At the end every shopper's
 * transcript is compared with the server's replay: "lost" counts messages sent but not
 * stored, acked but missing, or questions the bot never answered.
 * Bounded: sending stops at --minutes; draining and checking have their own time limits.
 */
import { pathToFileURL } from 'node:url';
import { inBatches, killHard, printFigures, question, startFaultServer, workerdRss } from '../../tests/fault/harness.ts';
import { type Backoff, fetchServerTranscript, percentile, ShopperClient, sleep, verifyAgainstServer } from '../../tests/support/kefu-client.ts';
import type { WranglerServer } from '../../tests/support/wrangler-dev.ts';

export interface LoadOptions {
  shoppers: number;
  minutes: number;
  /** A running server; otherwise one is started and stopped. */
  url?: string;
  /** Process group of the runtime to measure when --url is used. */
  pgid?: number;
  /** Seconds to bring all shoppers online (default: a fifth of the run, at most 60 s). */
  rampSeconds?: number;
  /** Mean seconds between one shopper's questions (default 10). */
  intervalSeconds?: number;
  /** Print progress every 10 s. */
  progress?: boolean;
}

export interface LoadReport {
  shoppers: number;
  minutes: number;
  connectionsHeldAtEnd: number;
  connectionsHeldMin: number;
  messagesSent: number;
  botReplies: number;
  unanswered: number;
  errors: number;
  errorDetail: Record<string, number>;
  /** Verified against the server's replay: sent but not stored, acked but missing or changed, unanswered. */
  lost: number;
  lostDetail: string[];
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  runtimeRssMb: { processes: number; start: number; peak: number; end: number } | null;
  loadGeneratorRssMb: number;
  reconnects: number;
  elapsedSeconds: number;
}

interface Question {
  clientMsgId: string;
  sentAt: number;
}

const BACKOFF: Backoff = { baseMs: 500, capMs: 15_000 };

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const started = Date.now();
  const durationMs = options.minutes * 60_000;
  const rampMs = (options.rampSeconds ?? Math.min(60, (durationMs / 1000) * 0.2)) * 1000;
  const intervalMs = (options.intervalSeconds ?? 10) * 1000;
  let server: WranglerServer | null = null;
  const baseUrl = options.url ?? (server = await startFaultServer()).baseUrl;
  const pgid = server?.process.pid ?? options.pgid;
  const rss = () => (pgid ? workerdRss(pgid) : null);
  const rssStart = rss();
  let rssPeak = rssStart?.totalMb ?? 0;

  const shoppers: ShopperClient[] = [];
  const outstanding = new Map<ShopperClient, Question[]>();
  const latencies: number[] = [];
  let botReplies = 0;
  let counter = 0;
  let heldMin = Number.POSITIVE_INFINITY;
  let sending = true;
  const timers: NodeJS.Timeout[] = [];

  const begin = Date.now();
  const sendUntil = begin + durationMs;
  const ask = (shopper: ShopperClient) => {
    if (!sending) return;
    const queue = outstanding.get(shopper)!;
    // At most one unanswered question: a shopper waits for the bot before asking again.
    if (queue.length === 0 && shopper.welcomed) {
      queue.push({ clientMsgId: shopper.send(question((counter += 1))), sentAt: Date.now() });
    }
    const next = intervalMs * (0.5 + Math.random());
    if (Date.now() + next < sendUntil) timers.push(setTimeout(() => ask(shopper), next));
  };

  for (let index = 0; index < options.shoppers; index += 1) {
    const shopper = new ShopperClient({ baseUrl, backoff: BACKOFF, name: `shopper ${index}`, welcomeTimeoutMs: 30_000 });
    shoppers.push(shopper);
    outstanding.set(shopper, []);
    shopper.on('message', (message) => {
      if (message.author !== 'bot') return;
      const queue = outstanding.get(shopper)!;
      const first = queue[0];
      const seq = first ? shopper.acked.get(first.clientMsgId) : undefined;
      if (!first || seq === undefined || message.seq < seq) return;
      queue.shift();
      botReplies += 1;
      latencies.push(Date.now() - first.sentAt);
    });
    const startAt = (rampMs * index) / options.shoppers;
    timers.push(
      setTimeout(() => {
        shopper.start();
        shopper.once('welcome', () => timers.push(setTimeout(() => ask(shopper), Math.random() * intervalMs)));
      }, startAt),
    );
  }

  const sampler = setInterval(() => {
    const now = rss();
    if (now) rssPeak = Math.max(rssPeak, now.totalMb);
    const held = shoppers.filter((shopper) => shopper.welcomed).length;
    if (Date.now() - begin > rampMs + 5000) heldMin = Math.min(heldMin, held);
    if (options.progress && Math.round((Date.now() - begin) / 1000) % 10 === 0) {
      console.error(
        `[load] t=${Math.round((Date.now() - begin) / 1000)}s held=${held} sent=${sum(shoppers, (s) => s.counters.sent)} replies=${botReplies} p95=${Math.round(percentile(latencies.slice(-2000), 95))}ms rss=${now ? Math.round(now.totalMb) : '?'}MB`,
      );
    }
  }, 1000);

  try {
    await sleep(Math.max(0, sendUntil - Date.now()));
    sending = false;
    for (const timer of timers) clearTimeout(timer);
    // Drain: last questions answered (bounded).
    const drainUntil = Date.now() + 30_000;
    while (Date.now() < drainUntil && [...outstanding.values()].some((queue) => queue.length > 0)) await sleep(200);
    clearInterval(sampler);
    const held = shoppers.filter((shopper) => shopper.welcomed).length;
    const rssEnd = rss();

    // Lost: compare every shopper with the server's replay.
    const lostDetail: string[] = [];
    let unverified = 0;
    await inBatches(
      shoppers.filter((shopper) => shopper.token),
      25,
      async (shopper) => {
        try {
          const transcript = await fetchServerTranscript(baseUrl, shopper.token!, { timeoutMs: 30_000 });
          await shopper.waitUntil(() => shopper.lastSeq >= transcript.length, 5000).catch(() => undefined);
          lostDetail.push(...verifyAgainstServer(shopper, transcript, { complete: true }));
        } catch (error) {
          unverified += 1;
          if (unverified <= 3) console.error(`[load] ${shopper.name}: could not read the server transcript: ${(error as Error).message.slice(0, 120)}`);
        }
      },
    );
    const unanswered = sum([...outstanding.values()], (queue) => queue.length);
    const errorDetail: Record<string, number> = {};
    if (unverified) errorDetail['server transcript unreadable (not verified)'] = unverified;
    for (const shopper of shoppers) {
      for (const [code, count] of Object.entries(shopper.counters.errors))
        errorDetail[`error frame ${code}`] = (errorDetail[`error frame ${code}`] ?? 0) + count;
      for (const [cause, count] of Object.entries(shopper.counters.connectErrors))
        errorDetail[`connect ${cause}`] = (errorDetail[`connect ${cause}`] ?? 0) + count;
      const unexpectedCloses = shopper.counters.closes - shopper.counters.connectFailures - shopper.counters.drops;
      if (unexpectedCloses > 0) errorDetail['socket closed by server'] = (errorDetail['socket closed by server'] ?? 0) + unexpectedCloses;
      if (!shopper.token) errorDetail['never connected'] = (errorDetail['never connected'] ?? 0) + 1;
    }
    return {
      shoppers: options.shoppers,
      minutes: options.minutes,
      connectionsHeldAtEnd: held,
      connectionsHeldMin: Number.isFinite(heldMin) ? heldMin : held,
      messagesSent: sum(shoppers, (shopper) => shopper.counters.sent),
      botReplies,
      unanswered,
      errors: Object.values(errorDetail).reduce((a, b) => a + b, 0),
      errorDetail,
      lost: lostDetail.length + unanswered,
      lostDetail: lostDetail.slice(0, 20),
      latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: Math.max(0, ...latencies) },
      runtimeRssMb: rssStart && rssEnd ? { processes: rssEnd.processes, start: rssStart.totalMb, peak: rssPeak, end: rssEnd.totalMb } : null,
      loadGeneratorRssMb: process.memoryUsage().rss / 1024 / 1024,
      reconnects: sum(shoppers, (shopper) => shopper.counters.reconnects),
      elapsedSeconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    clearInterval(sampler);
    for (const timer of timers) clearTimeout(timer);
    for (const shopper of shoppers) shopper.stop();
    if (server) await killHard(server);
  }
}

export function printLoadReport(report: LoadReport): void {
  const mb = (value: number) => `${Math.round(value)} MB`;
  printFigures(`load: ${report.shoppers} shoppers, ${report.minutes} min, one question per shopper every ~10 s`, {
    'connections held (end / min after ramp)': `${report.connectionsHeldAtEnd} / ${report.connectionsHeldMin}`,
    'messages sent': report.messagesSent,
    'bot replies received': report.botReplies,
    'questions unanswered': report.unanswered,
    errors: report.errors,
    lost: report.lost,
    'send → bot reply p50 (ms)': report.latencyMs.p50,
    'send → bot reply p95 (ms)': report.latencyMs.p95,
    'send → bot reply p99 (ms)': report.latencyMs.p99,
    'send → bot reply max (ms)': report.latencyMs.max,
    'runtime RSS start / peak / end': report.runtimeRssMb
      ? `${mb(report.runtimeRssMb.start)} / ${mb(report.runtimeRssMb.peak)} / ${mb(report.runtimeRssMb.end)} (${report.runtimeRssMb.processes} workerd)`
      : 'n/a (pass --pgid)',
    'load generator RSS': mb(report.loadGeneratorRssMb),
    reconnects: report.reconnects,
    'elapsed s': report.elapsedSeconds,
  });
  if (report.errors) printFigures('load: errors', report.errorDetail);
  if (report.lostDetail.length) console.log(`load: lost (first ${report.lostDetail.length}):\n  ${report.lostDetail.join('\n  ')}`);
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

function parseArgs(argv: string[]): LoadOptions & { json: boolean } {
  const options: LoadOptions & { json: boolean } = { shoppers: 1000, minutes: 5, json: false, progress: true };
  for (let index = 0; index < argv.length; index += 1) {
    const flag = argv[index];
    const value = () => {
      const next = argv[(index += 1)];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === '--shoppers') options.shoppers = Number(value());
    else if (flag === '--minutes') options.minutes = Number(value());
    else if (flag === '--url') options.url = value();
    else if (flag === '--pgid') options.pgid = Number(value());
    else if (flag === '--ramp') options.rampSeconds = Number(value());
    else if (flag === '--interval') options.intervalSeconds = Number(value());
    else if (flag === '--json') options.json = true;
    else if (flag === '--quiet') options.progress = false;
    else throw new Error(`unknown flag ${flag}`);
  }
  if (!(options.shoppers > 0) || !(options.minutes > 0) || options.minutes > 60) throw new Error('--shoppers must be > 0 and --minutes in (0, 60]');
  if (options.url && !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/?$/.test(options.url)) throw new Error('--url must be a local http://127.0.0.1:PORT server');
  return options;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const options = parseArgs(process.argv.slice(2));
  const report = await runLoad(options);
  if (options.json) console.log(JSON.stringify(report, null, 2));
  else printLoadReport(report);
  process.exit(0);
}
