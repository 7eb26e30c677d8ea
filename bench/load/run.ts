/**
 * npm run bench:load -- --shoppers 1000 --minutes 10 [--url http://127.0.0.1:8787 --pgid <group>]
 *                       [--ramp 60] [--interval 10] [--no-deflate] [--direct] [--profile out.cpuprofile] [--alloc all|old] [--pin] [--json]
 * npm run bench:load -- --idle 5000 [--idle-seconds 30] [--talk 0.1] [--second-wave 1000]   (idle shoppers: see idle.ts)
 *
 * Ramps N concurrent shoppers against `wrangler dev` (its own, started on a free 127.0.0.1
 * port with throwaway storage, unless --url names a running one). Each shopper asks a shop
 * question every `interval` seconds on average (uniform 0.5-1.5 × interval), at most one
 * unanswered question at a time, and counts the bot's reply. It prints:
 * connections held, messages sent, bot replies received, errors, p50/p95/p99 send → bot reply,
 * overall and for every minute (by the minute a question was sent), and each minute's memory and
 * CPU: the RSS of the runtime that runs kefu and, apart, of wrangler's dev-only proxy in front of
 * it (from /proc; with --url pass --pgid to get them), the CPU share of runtime, proxy and load
 * generator, and the generator's own event-loop delay (a busy generator inflates the tail it
 * measures). Clients offer permessage-deflate as browsers do; --no-deflate turns that off. --direct
 * connects the shoppers to the runtime itself, past the dev proxy (runtimeEntryUrl). Through the
 * runtime's inspector it also reads the isolate's JS heap every minute, and --profile records a CPU
 * profile from the first shopper to the end of sending and prints its busy stretches (no chat on
 * the thread is answered during one) and the functions in them (inspector.ts); --alloc all samples what the
 * isolate allocates over the same span, garbage included, and prints KB per reply by function;
 * --alloc old only what outlived the young generation (what the full collections work through). At the end every shopper's
 * transcript is compared with the server's replay: "lost" counts messages sent but not
 * stored, acked but missing, or questions the bot never answered.
 * --pin keeps the load generator, wrangler and its dev proxy off CPU 0, so the runtime always has a
 * core free for it (it may use the others too), as in production, where shoppers' browsers are not
 * on kefu's machine (Linux, taskset; at least 2 cores). Without it all of them share every core.
 * Bounded: sending stops at --minutes; draining and checking have their own time limits.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import {
  cpuMs,
  inBatches,
  killHard,
  printFigures,
  printTable,
  processGroup,
  question,
  runtimeEntryUrl,
  startFaultServer,
  workerdMemory,
  workerdProcesses,
} from '../../tests/fault/harness.ts';
import {
  type Backoff,
  clientErrorCount,
  fetchServerTranscript,
  percentile,
  ShopperClient,
  sleep,
  verifyAgainstServer,
} from '../../tests/support/kefu-client.ts';
import { freePort, type WranglerServer } from '../../tests/support/wrangler-dev.ts';
import { printIdleReport, runIdle } from './idle.ts';
import { allocationsBySelf, type BusyStretch, busyStretches, RuntimeInspector, selfTimes } from './inspector.ts';
import { findStalls, type GeneratorPause, STALL_DEFAULTS, type Stall, type TimedReply } from './stalls.ts';

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
  /** Clients offer permessage-deflate, as browsers do (default true). */
  deflate?: boolean;
  /** Shoppers connect to the runtime itself, past wrangler's dev proxy (needs the process group). */
  direct?: boolean;
  /** Write a CPU profile of the runtime (from the first shopper) to this file and print its busy stretches. */
  profile?: string;
  /**
   * Sample the runtime's allocations from the first shopper to the end of sending: 'all' (garbage
   * included), or 'old': what outlived the young generation (promoted, then freed by a full collection, or kept).
   */
  alloc?: 'all' | 'old';
  /** Keep the generator, wrangler and the dev proxy off CPU 0, which the runtime then has for itself. */
  pin?: boolean;
}

/** One minute of the run; questions count in the minute they were sent. */
export interface MinuteRow {
  minute: number;
  held: number;
  sent: number;
  replies: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
  runtimeMb: number;
  devProxyMb: number;
  /** CPU used in the minute, in % of one core. */
  runtimeCpu: number;
  devProxyCpu: number;
  generatorCpu: number;
  /** The load generator's event-loop delay, p99 ms: its own lateness is part of what it measures. */
  generatorLagP99: number;
  /** Used JS heap of the isolate that runs kefu, at the minute's end (only when this bench started the server). */
  jsHeapMb?: number;
  /** Stalls (stalls.ts) that began in the minute, and how many of them the generator itself paused in. */
  stalls: number;
  stallsGeneratorPaused: number;
  /** Slow replies (over 50 ms) in those stalls, against all slow replies of the minute. */
  slowInStalls: number;
  slow: number;
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
  /** The runtime that runs kefu (not wrangler's dev proxy, reported apart). */
  runtimeRssMb: { start: number; peak: number; end: number } | null;
  devProxyRssMb: { start: number; peak: number; end: number } | null;
  /** Used JS heap of the isolate (Worker and every Durable Object), before the first shopper and at the end. */
  jsHeapMb: { start: number; end: number } | null;
  /**
   * The heap still reachable after a full collection: after one warm-up question has loaded the
   * site's knowledge, and at the end with every shopper still connected. Their difference is
   * what the live conversations keep; the used size's growth is mostly garbage between collections.
   */
  liveHeapMb: { start: number; end: number } | null;
  profile: { file: string; seconds: number; busyPercent: number; stretches: BusyStretch[]; self: Array<{ fn: string; ms: number }> } | null;
  /** --alloc: bytes allocated per bot reply, in all and by function (sampled; collected garbage included). */
  allocation: { kind: 'all' | 'old'; bytesPerReply: number; top: Array<{ fn: string; bytesPerReply: number }> } | null;
  perMinute: MinuteRow[];
  /** Every stall of the run (stalls.ts), ms from the first shopper: to set beside a --profile. */
  stalls: Stall[];
  deflate: boolean;
  direct: boolean;
  /** --pin: the runtime had CPU 0 to itself; otherwise the generator shared every core with it. */
  pinned: boolean;
  loadGeneratorRssMb: number;
  reconnects: number;
  elapsedSeconds: number;
}

interface Question {
  clientMsgId: string;
  sentAt: number;
}

const BACKOFF: Backoff = { baseMs: 500, capMs: 15_000 };
/** The generator's pause detector ticks this often; a tick late by more than one more is a pause. */
const PAUSE_TICK_MS = 20;

/**
 * One shopper asks one question before the run, so that the site's knowledge is loaded (once
 * per isolate) before the reachable heap is first read; returns that reading.
 */
async function warmUp(socketUrl: string, inspector: RuntimeInspector, deflate: boolean): Promise<number> {
  const shopper = new ShopperClient({ baseUrl: socketUrl, name: 'warm-up shopper', welcomeTimeoutMs: 30_000, perMessageDeflate: deflate });
  try {
    shopper.start();
    await shopper.waitUntil(() => shopper.welcomed, 30_000, 'welcome');
    const clientMsgId = shopper.send(question(0));
    await shopper.waitUntil(
      () => {
        const seq = shopper.acked.get(clientMsgId);
        return seq !== undefined && shopper.ordered().some((message) => message.author === 'bot' && message.seq > seq);
      },
      30_000,
      'bot reply',
    );
  } finally {
    shopper.stop();
  }
  return inspector.liveHeapMb();
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const started = Date.now();
  const durationMs = options.minutes * 60_000;
  const rampMs = (options.rampSeconds ?? Math.min(60, (durationMs / 1000) * 0.2)) * 1000;
  const intervalMs = (options.intervalSeconds ?? 10) * 1000;
  let server: WranglerServer | null = null;
  const inspectorPort = options.url ? undefined : await freePort();
  const baseUrl = options.url ?? (server = await startFaultServer({ inspectorPort })).baseUrl;
  const pgid = server?.process.pid ?? options.pgid;
  const port = Number(new URL(baseUrl).port);
  // Any /v1 request runs the isolate, which the inspector needs to answer.
  const inspector = inspectorPort ? await RuntimeInspector.connect(inspectorPort, () => fetch(new URL('/v1/health', baseUrl))) : null;
  const jsHeapStart = inspector ? await inspector.heapUsedMb() : null;
  if (options.pin) {
    if (!pgid) throw new Error('--pin needs the server this bench starts (or --pgid)');
    keepOffRuntimeCore(pgid, port);
  }
  const direct = !!(options.direct && pgid);
  const socketUrl = direct ? await runtimeEntryUrl(pgid!, port) : baseUrl;
  const liveHeapStart = inspector ? await warmUp(socketUrl, inspector, options.deflate ?? true) : null;
  const memory = () => (pgid ? workerdMemory(pgid, port) : null);
  const memoryStart = memory();
  const peak = { runtime: memoryStart?.runtimeMb ?? 0, devProxy: memoryStart?.devProxyMb ?? 0 };
  const deflate = options.deflate ?? true;

  const shoppers: ShopperClient[] = [];
  const outstanding = new Map<ShopperClient, Question[]>();
  const latencies: number[] = [];
  // Every reply's timing and the generator's own pauses, for the stalls (stalls.ts).
  const timedReplies: TimedReply[] = [];
  const generatorPauses: GeneratorPause[] = [];
  let tickAt = Date.now();
  const pauseTimer = setInterval(() => {
    const now = Date.now();
    if (now - tickAt > 2 * PAUSE_TICK_MS) generatorPauses.push({ atMs: tickAt + PAUSE_TICK_MS - begin, ms: now - tickAt - PAUSE_TICK_MS });
    tickAt = now;
  }, PAUSE_TICK_MS);
  /** Latencies by the minute their question was sent. */
  const minuteLatencies: number[][] = [];
  const minuteSent: number[] = [];
  let botReplies = 0;
  let counter = 0;
  let heldMin = Number.POSITIVE_INFINITY;
  let sending = true;
  const timers: NodeJS.Timeout[] = [];

  // The profile covers the ramp too: new chats cost the thread more than questions do.
  if (options.profile && inspector) await inspector.startProfile();
  if (options.alloc && inspector) await inspector.startAllocationSampling(16 * 1024, options.alloc === 'old');
  const begin = Date.now();
  const sendUntil = begin + durationMs;
  const ask = (shopper: ShopperClient) => {
    if (!sending) return;
    const queue = outstanding.get(shopper)!;
    // At most one unanswered question: a shopper waits for the bot before asking again.
    if (queue.length === 0 && shopper.welcomed) {
      const sentAt = Date.now();
      queue.push({ clientMsgId: shopper.send(question((counter += 1))), sentAt });
      const minute = Math.floor((sentAt - begin) / 60_000);
      minuteSent[minute] = (minuteSent[minute] ?? 0) + 1;
    }
    const next = intervalMs * (0.5 + Math.random());
    if (Date.now() + next < sendUntil) timers.push(setTimeout(() => ask(shopper), next));
  };

  for (let index = 0; index < options.shoppers; index += 1) {
    const shopper = new ShopperClient({
      baseUrl: socketUrl,
      backoff: BACKOFF,
      name: `shopper ${index}`,
      welcomeTimeoutMs: 30_000,
      perMessageDeflate: deflate,
      keepPayloads: false,
    });
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
      const latency = Date.now() - first.sentAt;
      latencies.push(latency);
      timedReplies.push({ sentMs: first.sentAt - begin, latencyMs: latency });
      (minuteLatencies[Math.floor((first.sentAt - begin) / 60_000)] ??= []).push(latency);
    });
    const startAt = (rampMs * index) / options.shoppers;
    timers.push(
      setTimeout(() => {
        shopper.start();
        shopper.once('welcome', () => timers.push(setTimeout(() => ask(shopper), Math.random() * intervalMs)));
      }, startAt),
    );
  }

  // Every minute: that minute's memory, CPU and the generator's event-loop delay.
  const minuteRows: Omit<MinuteRow, 'sent' | 'replies' | 'p50' | 'p95' | 'p99' | 'max' | 'stalls' | 'stallsGeneratorPaused' | 'slowInStalls' | 'slow'>[] = [];
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const cpu = () => {
    const processes = pgid ? workerdProcesses(pgid, port) : { runtime: [], devProxy: [] };
    const total = (list: { pid: number }[]) => list.reduce((sum, process) => sum + cpuMs(process.pid), 0);
    return { runtime: total(processes.runtime), devProxy: total(processes.devProxy), generator: cpuMs(process.pid), at: Date.now() };
  };
  let cpuBefore = cpu();
  let errorsBefore = 0;
  const closeMinute = () => {
    const now = memory();
    const cpuNow = cpu();
    const share = (used: number) => Math.round((100 * used) / Math.max(1, cpuNow.at - cpuBefore.at));
    const errorsNow = sum(shoppers, clientErrorCount);
    minuteRows.push({
      minute: minuteRows.length + 1,
      held: shoppers.filter((shopper) => shopper.welcomed).length,
      errors: errorsNow - errorsBefore,
      runtimeMb: Math.round(now?.runtimeMb ?? 0),
      devProxyMb: Math.round(now?.devProxyMb ?? 0),
      runtimeCpu: share(cpuNow.runtime - cpuBefore.runtime),
      devProxyCpu: share(cpuNow.devProxy - cpuBefore.devProxy),
      generatorCpu: share(cpuNow.generator - cpuBefore.generator),
      generatorLagP99: Math.round(lag.percentile(99) / 1e6),
    });
    const row = minuteRows.at(-1)!;
    void inspector
      ?.heapUsedMb()
      .then((mb) => (row.jsHeapMb = Math.round(mb)))
      .catch(() => undefined);
    lag.reset();
    cpuBefore = cpuNow;
    errorsBefore = errorsNow;
  };
  const minuteTimer = setInterval(closeMinute, 60_000);

  const sampler = setInterval(() => {
    const now = memory();
    if (now) {
      peak.runtime = Math.max(peak.runtime, now.runtimeMb);
      peak.devProxy = Math.max(peak.devProxy, now.devProxyMb);
    }
    const held = shoppers.filter((shopper) => shopper.welcomed).length;
    if (Date.now() - begin > rampMs + 5000) heldMin = Math.min(heldMin, held);
    if (options.progress && Math.round((Date.now() - begin) / 1000) % 10 === 0) {
      console.error(
        `[load] t=${Math.round((Date.now() - begin) / 1000)}s held=${held} sent=${sum(shoppers, (s) => s.counters.sent)} replies=${botReplies} p95=${Math.round(percentile(latencies.slice(-2000), 95))}ms runtime=${now ? Math.round(now.runtimeMb) : '?'}MB proxy=${now ? Math.round(now.devProxyMb) : '?'}MB`,
      );
    }
  }, 1000);

  let profileWritten: LoadReport['profile'] = null;
  let allocation: LoadReport['allocation'] = null;
  try {
    await sleep(Math.max(0, sendUntil - Date.now()));
    sending = false;
    if (options.profile && inspector) {
      const profile = await inspector.stopProfile();
      writeFileSync(options.profile, JSON.stringify(profile));
      const seconds = (profile.endTime - profile.startTime) / 1e6;
      const busyMs = selfTimes(profile, Number.POSITIVE_INFINITY).reduce((total, entry) => total + entry.ms, 0);
      profileWritten = {
        file: options.profile,
        seconds: Math.round(seconds),
        busyPercent: Math.round(busyMs / (seconds * 10)),
        stretches: busyStretches(profile, 50),
        self: selfTimes(profile, 15),
      };
    }
    if (options.alloc && inspector) {
      const repliesSoFar = Math.max(1, botReplies);
      const top = allocationsBySelf(await inspector.stopAllocationSampling(), Number.POSITIVE_INFINITY);
      allocation = {
        kind: options.alloc,
        bytesPerReply: Math.round(sum(top, (entry) => entry.bytes) / repliesSoFar),
        top: top.slice(0, 25).map((entry) => ({ fn: entry.fn, bytesPerReply: Math.round(entry.bytes / repliesSoFar) })),
      };
    }
    for (const timer of timers) clearTimeout(timer);
    // Drain: last questions answered (bounded).
    const drainUntil = Date.now() + 30_000;
    while (Date.now() < drainUntil && [...outstanding.values()].some((queue) => queue.length > 0)) await sleep(200);
    clearInterval(sampler);
    clearInterval(minuteTimer);
    clearInterval(pauseTimer);
    // The last, partial minute (if the run is not a whole number of minutes) still gets its row.
    if (minuteRows.length < Math.ceil(durationMs / 60_000)) closeMinute();
    lag.disable();
    const held = shoppers.filter((shopper) => shopper.welcomed).length;
    const stalls = findStalls(timedReplies, generatorPauses);
    const memoryEnd = memory();
    const jsHeapEnd = inspector ? await inspector.heapUsedMb() : null;
    const liveHeapEnd = inspector ? await inspector.liveHeapMb() : null;

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
      runtimeRssMb: memoryStart && memoryEnd ? { start: memoryStart.runtimeMb, peak: peak.runtime, end: memoryEnd.runtimeMb } : null,
      devProxyRssMb: memoryStart && memoryEnd ? { start: memoryStart.devProxyMb, peak: peak.devProxy, end: memoryEnd.devProxyMb } : null,
      jsHeapMb: jsHeapStart !== null && jsHeapEnd !== null ? { start: jsHeapStart, end: jsHeapEnd } : null,
      liveHeapMb: liveHeapStart !== null && liveHeapEnd !== null ? { start: liveHeapStart, end: liveHeapEnd } : null,
      profile: profileWritten,
      allocation,
      stalls,
      perMinute: minuteRows.map((row, index) => {
        const values = minuteLatencies[index] ?? [];
        const inMinute = (ms: number) => Math.floor(ms / 60_000) === index;
        const minuteStalls = stalls.filter((stall) => inMinute(stall.startMs));
        return {
          ...row,
          stalls: minuteStalls.length,
          stallsGeneratorPaused: minuteStalls.filter((stall) => stall.generatorPaused).length,
          slowInStalls: minuteStalls.reduce((total, stall) => total + stall.replies, 0),
          slow: timedReplies.filter((reply) => reply.latencyMs > STALL_DEFAULTS.slowMs && inMinute(reply.sentMs + reply.latencyMs)).length,
          sent: minuteSent[index] ?? 0,
          replies: values.length,
          p50: percentile(values, 50),
          p95: percentile(values, 95),
          p99: percentile(values, 99),
          max: Math.max(0, ...values),
        };
      }),
      deflate,
      direct,
      pinned: !!options.pin,
      loadGeneratorRssMb: process.memoryUsage().rss / 1024 / 1024,
      reconnects: sum(shoppers, (shopper) => shopper.counters.reconnects),
      elapsedSeconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    clearInterval(sampler);
    clearInterval(minuteTimer);
    clearInterval(pauseTimer);
    for (const timer of timers) clearTimeout(timer);
    for (const shopper of shoppers) shopper.stop();
    inspector?.close();
    if (server) await killHard(server);
  }
}

export function printLoadReport(report: LoadReport): void {
  const mb = (value: number) => `${Math.round(value)} MB`;
  const range = (value: { start: number; peak: number; end: number } | null) =>
    value ? `${mb(value.start)} / ${mb(value.peak)} / ${mb(value.end)}` : 'n/a (pass --pgid)';
  const perConversation =
    report.runtimeRssMb && report.connectionsHeldAtEnd
      ? `${Math.round(((report.runtimeRssMb.peak - report.runtimeRssMb.start) * 1024) / report.connectionsHeldAtEnd)} KB`
      : 'n/a';
  printFigures(
    `load: ${report.shoppers} shoppers, ${report.minutes} min, one question per shopper every ~10 s${report.deflate ? '' : ', no permessage-deflate'}${report.direct ? ', straight to the runtime (no dev proxy)' : ''}${report.pinned ? ', the generator, wrangler and dev proxy kept off CPU 0 (the runtime has it to itself)' : `, the generator sharing all ${availableParallelism()} cores with the runtime`}`,
    {
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
      'runtime RSS start / peak / end': range(report.runtimeRssMb),
      'runtime RSS per live conversation (peak - start)': perConversation,
      'dev proxy RSS start / peak / end (wrangler dev only)': range(report.devProxyRssMb),
      'JS heap of the isolate start / end': report.jsHeapMb ? `${mb(report.jsHeapMb.start)} / ${mb(report.jsHeapMb.end)}` : 'n/a',
      'JS heap per live conversation (end - start)':
        report.jsHeapMb && report.connectionsHeldAtEnd
          ? `${Math.round(((report.jsHeapMb.end - report.jsHeapMb.start) * 1024) / report.connectionsHeldAtEnd)} KB`
          : 'n/a',
      'JS heap reachable after a full GC, warm start / end': report.liveHeapMb
        ? `${report.liveHeapMb.start.toFixed(1)} / ${report.liveHeapMb.end.toFixed(1)} MB`
        : 'n/a',
      'JS heap kept per live conversation (reachable end - start)':
        report.liveHeapMb && report.connectionsHeldAtEnd
          ? `${(((report.liveHeapMb.end - report.liveHeapMb.start) * 1024) / report.connectionsHeldAtEnd).toFixed(1)} KB`
          : 'n/a',
      'load generator RSS': mb(report.loadGeneratorRssMb),
      reconnects: report.reconnects,
      'elapsed s': report.elapsedSeconds,
    },
  );
  printTable(
    "load: every minute (questions by the minute they were sent; RSS at the minute's end; CPU in % of one core)",
    report.perMinute.map((row) => ({
      min: row.minute,
      held: row.held,
      sent: row.sent,
      replies: row.replies,
      'p50 ms': row.p50,
      'p95 ms': row.p95,
      'p99 ms': row.p99,
      'max ms': row.max,
      errors: row.errors,
      'runtime MB': row.runtimeMb,
      'proxy MB': row.devProxyMb,
      'runtime cpu': row.runtimeCpu,
      // CPU per answered question: what a turn costs, whatever else shares the cores.
      'runtime cpu ms / reply': row.replies ? Math.round((row.runtimeCpu * 60_000) / row.replies) / 100 : '',
      'proxy cpu': row.devProxyCpu,
      'generator cpu': row.generatorCpu,
      'generator lag p99 ms': row.generatorLagP99,
      'JS heap MB': row.jsHeapMb ?? '',
      // Replies over 50 ms that arrived together (stalls.ts): a stall, not queueing; and how many
      // of those stalls the generator itself paused in (its own collections count as reply time).
      'slow (in stalls)': `${row.slow} (${row.slowInStalls})`,
      'stalls (generator paused)': `${row.stalls} (${row.stallsGeneratorPaused})`,
    })),
  );
  if (report.profile) {
    const profile = report.profile;
    console.log(
      `\nload: CPU profile of the runtime's isolate, ${profile.seconds} s from the first shopper, written to ${profile.file}: JS busy ${profile.busyPercent}% of the time; ${profile.stretches.length} busy stretches of 50 ms or more`,
    );
    printTable(
      'load: the longest busy stretches (no chat on the thread is answered meanwhile; functions by ms on the stack)',
      [...profile.stretches]
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 15)
        .map((stretch) => ({ 's into profile': Math.round(stretch.at / 1000), ms: stretch.ms, functions: stretch.top.join(', ') })),
    );
    printTable(
      'load: self time by function over the profile',
      profile.self.map((entry) => ({ function: entry.fn, ms: entry.ms })),
    );
  }
  if (report.allocation) {
    console.log(
      `\nload: the runtime's isolate allocated about ${(report.allocation.bytesPerReply / 1024).toFixed(1)} KB per bot reply ${report.allocation.kind === 'old' ? 'that outlived the young generation (promoted, or still alive)' : '(garbage included)'} from the first shopper to the end of sending (sampled every 16 KB; the ramp's new chats count too)`,
    );
    printTable(
      `load: allocation by function (self), KB per bot reply${report.allocation.kind === 'old' ? ', what outlived the young generation' : ''}`,
      report.allocation.top.map((entry) => ({ function: entry.fn, 'KB / reply': (entry.bytesPerReply / 1024).toFixed(2) })),
    );
  }
  if (report.errors) printFigures('load: errors', report.errorDetail);
  if (report.lostDetail.length) console.log(`load: lost (first ${report.lostDetail.length}):\n  ${report.lostDetail.join('\n  ')}`);
}

/** Everything of the run but the runtime (the generator too) on CPUs 1…n-1; the runtime may use all. */
function keepOffRuntimeCore(pgid: number, port: number): void {
  const cores = availableParallelism();
  if (cores < 2) throw new Error('--pin needs at least 2 cores');
  const runtime = new Set(workerdProcesses(pgid, port).runtime.map((process) => process.pid));
  if (runtime.size === 0) throw new Error('--pin: no runtime process found');
  const rest = [
    ...processGroup(pgid)
      .map((process) => process.pid)
      .filter((pid) => !runtime.has(pid)),
    process.pid,
  ];
  // -a: every thread of each process (the generator's collector threads too).
  for (const pid of rest) execFileSync('taskset', ['-a', '-cp', `1-${cores - 1}`, String(pid)], { stdio: 'ignore' });
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

function parseArgs(argv: string[]): LoadOptions & { json: boolean; idle?: number; idleSeconds?: number; talk?: number; secondWave?: number } {
  const options: LoadOptions & { json: boolean; idle?: number; idleSeconds?: number; talk?: number; secondWave?: number } = {
    shoppers: 1000,
    minutes: 10,
    json: false,
    progress: true,
  };
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
    else if (flag === '--no-deflate') options.deflate = false;
    else if (flag === '--direct') options.direct = true;
    else if (flag === '--profile') options.profile = value();
    else if (flag === '--alloc') {
      const kind = value();
      if (kind !== 'all' && kind !== 'old') throw new Error('--alloc takes all or old');
      options.alloc = kind;
    } else if (flag === '--pin') options.pin = true;
    else if (flag === '--idle') options.idle = Number(value());
    else if (flag === '--idle-seconds') options.idleSeconds = Number(value());
    else if (flag === '--talk') options.talk = Number(value());
    else if (flag === '--second-wave') options.secondWave = Number(value());
    else if (flag === '--quiet') options.progress = false;
    else throw new Error(`unknown flag ${flag}`);
  }
  if (!(options.shoppers > 0) || !(options.minutes > 0) || options.minutes > 60) throw new Error('--shoppers must be > 0 and --minutes in (0, 60]');
  if (options.url && !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/?$/.test(options.url)) throw new Error('--url must be a local http://127.0.0.1:PORT server');
  return options;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const options = parseArgs(process.argv.slice(2));
  if (options.idle) {
    const report = await runIdle({
      shoppers: options.idle,
      idleSeconds: options.idleSeconds,
      talkFraction: options.talk,
      secondWave: options.secondWave,
      rampSeconds: options.rampSeconds,
      deflate: options.deflate,
      direct: options.direct,
      url: options.url,
      pgid: options.pgid,
    });
    if (options.json) console.log(JSON.stringify(report, null, 2));
    else printIdleReport(report);
  } else {
    const report = await runLoad(options);
    if (options.json) console.log(JSON.stringify(report, null, 2));
    else printLoadReport(report);
  }
  process.exit(0);
}
