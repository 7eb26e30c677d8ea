/**
 * npm run bench:load -- --idle 5000 [--idle-seconds 30] [--talk 0.1] [--ramp 125] [--no-deflate] [--direct]
 *
 * Idle shoppers: most who open the widget never type. N shoppers connect and stay silent; after
 * --idle-seconds (more than workerd's 10 s eviction of idle objects) the runtime's memory is read
 * again and a sample of conversations is asked which wake-up answers (DIAGNOSTICS=on, see
 * worker/routes/diagnostics.ts): a new instance while the socket stayed open means the object was
 * evicted and woke. Then a fraction of the shoppers (the sample first) ask one question each at
 * the same moment: p50/p95/p99 send → bot reply, and their transcripts are checked against the
 * server's replay (nothing lost, seq gapless across the eviction).
 * The runtime's allocator keeps what an evicted object freed for reuse, so its RSS does not fall
 * when the objects sleep. What a sleeping chat still holds is read with a second wave instead:
 * --second-wave M more shoppers (default as many as the first) connect and go idle while the
 * first sleep; their objects reuse what the first freed, so the RSS they add, divided by M, is
 * what an evicted chat with an open socket keeps (an upper bound). A second wave much smaller
 * than the first fits in what the first freed and shows nothing.
 * Memory is the runtime that runs kefu; wrangler's dev-only proxy is reported apart. --direct
 * connects the shoppers to the runtime itself: the dev proxy holds about 6 file descriptors per
 * socket, so on a machine with `ulimit -n` 20,000 it, not kefu, gives out near 3,300 sockets.
 */
import { inBatches, killHard, printFigures, printTable, question, runtimeEntryUrl, startFaultServer, workerdMemory } from '../../tests/fault/harness.ts';
import { clientErrorCount, fetchServerTranscript, percentile, ShopperClient, sleep, verifyAgainstServer } from '../../tests/support/kefu-client.ts';
import type { WranglerServer } from '../../tests/support/wrangler-dev.ts';

export interface IdleOptions {
  shoppers: number;
  idleSeconds?: number;
  /** Share of the shoppers that ask one question at once after the idle time (default 0.1). */
  talkFraction?: number;
  rampSeconds?: number;
  deflate?: boolean;
  /** Shoppers connect to the runtime itself, past wrangler's dev proxy (see runtimeEntryUrl). */
  direct?: boolean;
  url?: string;
  pgid?: number;
  /** Conversations asked for their wake-up before and after the idle time (default 20). */
  sample?: number;
  /** Shoppers of the second wave (default as many as the first; 0: none). */
  secondWave?: number;
}

export interface IdlePhase {
  phase: string;
  held: number;
  runtimeMb: number;
  devProxyMb: number;
  /** (runtime now − runtime before any shopper) / held. */
  runtimeKbPerConversation: number;
}

export interface IdleReport {
  shoppers: number;
  deflate: boolean;
  direct: boolean;
  idleSeconds: number;
  phases: IdlePhase[];
  /** RSS the second wave added per chat, once idle too: what an evicted chat keeps (null: no second wave). */
  keptPerSleepingChatKb: number | null;
  secondWave: number;
  eviction: { sampled: number; evicted: number; socketsOpenThroughout: number };
  burst: { talkers: number; replies: number; p50: number; p95: number; p99: number; max: number };
  errors: number;
  lost: number;
  lostDetail: string[];
  elapsedSeconds: number;
}

interface Diagnostics {
  instanceId: string;
  sockets: number;
  lastSeq: number;
  state: string;
}

export async function runIdle(options: IdleOptions): Promise<IdleReport> {
  const started = Date.now();
  const idleSeconds = options.idleSeconds ?? 30;
  const talkFraction = options.talkFraction ?? 0.1;
  // 40 new chats a second: faster, and on 2 cores the ramp itself overloads the runtime (welcome
  // timeouts, then retries that open new chats), which measures the ramp, not idle shoppers.
  const rampMs = (options.rampSeconds ?? Math.max(10, options.shoppers / 40)) * 1000;
  const deflate = options.deflate ?? true;
  const sampleSize = Math.min(options.sample ?? 20, options.shoppers);
  const secondWave = Math.max(0, Math.round(options.secondWave ?? options.shoppers));
  let server: WranglerServer | null = null;
  const baseUrl = options.url ?? (server = await startFaultServer()).baseUrl;
  const pgid = server?.process.pid ?? options.pgid;
  const port = Number(new URL(baseUrl).port);
  const direct = !!(options.direct && pgid);
  const socketUrl = direct ? await runtimeEntryUrl(pgid!, port) : baseUrl;
  const shoppers: ShopperClient[] = [];
  const phases: IdlePhase[] = [];
  let baseline = 0;
  const measure = (phase: string) => {
    const memory = pgid ? workerdMemory(pgid, port) : { runtimeMb: 0, devProxyMb: 0 };
    const held = shoppers.filter((shopper) => shopper.welcomed).length;
    if (phases.length === 0) baseline = memory.runtimeMb;
    phases.push({
      phase,
      held,
      runtimeMb: Math.round(memory.runtimeMb),
      devProxyMb: Math.round(memory.devProxyMb),
      runtimeKbPerConversation: held ? Math.round(((memory.runtimeMb - baseline) * 1024) / held) : 0,
    });
  };
  const diagnostics = async (shopper: ShopperClient): Promise<Diagnostics> => {
    const response = await fetch(new URL(`/v1/diagnostics/conversations/${encodeURIComponent(shopper.conversationId ?? '')}`, baseUrl));
    if (!response.ok) throw new Error(`diagnostics answered ${response.status}: is DIAGNOSTICS=on?`);
    return (await response.json()) as Diagnostics;
  };

  try {
    measure('before any shopper');
    // Connect `count` more at an even pace (the ramp's), then wait for every welcome (bounded).
    const connect = async (count: number) => {
      const wave = Array.from(
        { length: count },
        (_, index) =>
          new ShopperClient({
            baseUrl: socketUrl,
            name: `idle shopper ${shoppers.length + index}`,
            welcomeTimeoutMs: 30_000,
            perMessageDeflate: deflate,
            keepPayloads: false,
          }),
      );
      shoppers.push(...wave);
      const waveStart = Date.now();
      const waveMs = (rampMs * count) / options.shoppers;
      for (let index = 0; index < wave.length; index += 1) {
        wave[index].start();
        const due = waveStart + (waveMs * (index + 1)) / wave.length;
        if (due > Date.now()) await sleep(due - Date.now());
      }
      const welcomedBy = Date.now() + 60_000;
      while (wave.some((shopper) => !shopper.welcomed) && Date.now() < welcomedBy) await sleep(200);
    };
    await connect(options.shoppers);
    measure('all connected, just welcomed');

    const sample = shoppers.slice(0, sampleSize);
    const before = await inBatches(sample, 10, diagnostics);
    const closesBefore = sample.map((shopper) => shopper.counters.closes);
    await sleep(idleSeconds * 1000);
    measure(`after ${idleSeconds} s idle`);
    const after = await inBatches(sample, 10, diagnostics);
    const evicted = after.filter((now, index) => now.instanceId !== before[index].instanceId).length;
    const socketsOpenThroughout = sample.filter(
      (shopper, index) => shopper.welcomed && shopper.counters.closes === closesBefore[index] && after[index].sockets >= 1,
    ).length;

    let keptPerSleepingChatKb: number | null = null;
    if (secondWave > 0) {
      const firstAsleep = phases.at(-1)!.runtimeMb;
      await connect(secondWave);
      measure(`second wave: ${secondWave} more, just welcomed`);
      await sleep(idleSeconds * 1000);
      measure(`second wave after ${idleSeconds} s idle`);
      keptPerSleepingChatKb = Math.round(((phases.at(-1)!.runtimeMb - firstAsleep) * 1024) / secondWave);
    }

    // The burst: a share of the shoppers (the evicted sample first) ask at the same moment.
    const talkers = shoppers.slice(0, Math.max(sampleSize, Math.round(options.shoppers * talkFraction)));
    const latencies: number[] = [];
    await Promise.all(
      talkers.map(async (shopper, index) => {
        const sentAt = Date.now();
        const clientMsgId = shopper.send(question(index + 1));
        const answered = () => {
          const seq = shopper.acked.get(clientMsgId);
          return seq !== undefined && shopper.ordered().some((message) => message.author === 'bot' && message.seq > seq);
        };
        try {
          await shopper.waitUntil(answered, 60_000, 'bot reply');
          latencies.push(Date.now() - sentAt);
        } catch {
          // counted below as unanswered (lost)
        }
      }),
    );
    measure('after the burst');

    const lostDetail: string[] = [];
    await inBatches(talkers, 25, async (shopper) => {
      const transcript = await fetchServerTranscript(baseUrl, shopper.token!, { timeoutMs: 30_000 });
      lostDetail.push(...verifyAgainstServer(shopper, transcript, { complete: true }));
    });
    const unanswered = talkers.length - latencies.length;
    return {
      shoppers: options.shoppers,
      deflate,
      direct,
      idleSeconds,
      phases,
      keptPerSleepingChatKb,
      secondWave,
      eviction: { sampled: sample.length, evicted, socketsOpenThroughout },
      burst: {
        talkers: talkers.length,
        replies: latencies.length,
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        p99: percentile(latencies, 99),
        max: Math.max(0, ...latencies),
      },
      errors: shoppers.reduce((total, shopper) => total + clientErrorCount(shopper), 0),
      lost: lostDetail.length + unanswered,
      lostDetail: lostDetail.slice(0, 20),
      elapsedSeconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    for (const shopper of shoppers) shopper.stop();
    if (server) await killHard(server);
  }
}

export function printIdleReport(report: IdleReport): void {
  printTable(
    `idle: ${report.shoppers} connected shoppers, silent for ${report.idleSeconds} s${report.deflate ? '' : ', no permessage-deflate'}${report.direct ? ', straight to the runtime (no dev proxy)' : ''} (runtime = the workerd that runs kefu; proxy = wrangler dev's own, not in production)`,
    report.phases.map((phase) => ({
      phase: phase.phase,
      held: phase.held,
      'runtime MB': phase.runtimeMb,
      'runtime KB / conversation': phase.runtimeKbPerConversation,
      'proxy MB': phase.devProxyMb,
    })),
  );
  printFigures('idle: eviction and the burst', {
    'what a sleeping chat keeps (RSS the second wave added per chat, once idle)':
      report.keptPerSleepingChatKb === null ? 'n/a (no second wave)' : `${report.keptPerSleepingChatKb} KB (${report.secondWave} chats)`,
    'sampled conversations evicted while their socket stayed open': `${report.eviction.evicted} of ${report.eviction.sampled}`,
    'sampled sockets open throughout': `${report.eviction.socketsOpenThroughout} of ${report.eviction.sampled}`,
    'burst: shoppers asking at once': report.burst.talkers,
    'burst: bot replies': report.burst.replies,
    'burst: send → bot reply p50 / p95 / p99 / max (ms)': `${report.burst.p50} / ${report.burst.p95} / ${report.burst.p99} / ${report.burst.max}`,
    errors: report.errors,
    lost: report.lost,
    'elapsed s': report.elapsedSeconds,
  });
  if (report.lostDetail.length) console.log(`idle: lost (first ${report.lostDetail.length}):\n  ${report.lostDetail.join('\n  ')}`);
}
