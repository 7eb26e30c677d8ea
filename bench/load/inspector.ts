/**
 * The runtime's V8 inspector, for the load benches: the JS heap of the isolate that runs kefu's
 * Worker and every one of its Durable Objects (locally they share one isolate and one thread), and a
 * CPU profile with its busy stretches, the moments when no chat on that thread could be answered.
 * Chrome DevTools Protocol over the inspector port `wrangler dev --inspector-port` opens.
 */
import WebSocket from 'ws';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface BusyStretch {
  /** ms from the profile's start. */
  at: number;
  ms: number;
  /** Functions by time on the stack during the stretch (inclusive), most first. */
  top: string[];
}

export class RuntimeInspector {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private constructor(
    private readonly socket: WebSocket,
    /** Called while a reply is awaited: the inspector only answers while the isolate runs. */
    private readonly poke: () => Promise<unknown>,
  ) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = message.id === undefined ? undefined : this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id!);
      if (message.error) waiter.reject(new Error(message.error.message));
      else waiter.resolve(message.result);
    });
  }

  /** Connects to the first target the inspector lists; `poke` should make the Worker run (any /v1 request). */
  static async connect(port: number, poke: () => Promise<unknown>): Promise<RuntimeInspector> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as Array<{ webSocketDebuggerUrl?: string }>;
        const url = targets.find((target) => target.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
        if (url) {
          const socket = new WebSocket(url);
          await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
          return new RuntimeInspector(socket, poke);
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`no inspector target on 127.0.0.1:${port}`);
      await poke().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async send<T>(method: string, params: object = {}): Promise<T> {
    const id = this.nextId++;
    const reply = new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject }));
    this.socket.send(JSON.stringify({ id, method, params }));
    let answered = false;
    void reply.finally(() => (answered = true)).catch(() => undefined);
    const deadline = Date.now() + 30_000;
    while (!answered) {
      if (Date.now() > deadline) throw new Error(`inspector: no reply to ${method}`);
      await Promise.race([reply.catch(() => undefined), this.poke().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 200))]);
    }
    return reply;
  }

  /** Used JS heap of the isolate, in MB. */
  async heapUsedMb(): Promise<number> {
    const usage = await this.send<{ usedSize: number }>('Runtime.getHeapUsage');
    return usage.usedSize / 1024 / 1024;
  }

  /**
   * The JS heap still reachable: a full collection first, then the used size. Between
   * collections the used size also counts garbage, which is most of its growth under load.
   */
  async liveHeapMb(): Promise<number> {
    await this.send('HeapProfiler.collectGarbage');
    return this.heapUsedMb();
  }

  async startProfile(sampleIntervalUs = 2000): Promise<void> {
    await this.send('Profiler.enable');
    await this.send('Profiler.setSamplingInterval', { interval: sampleIntervalUs });
    await this.send('Profiler.start');
  }

  async stopProfile(): Promise<CpuProfile> {
    const { profile } = await this.send<{ profile: CpuProfile }>('Profiler.stop');
    return profile;
  }

  /**
   * Samples what the isolate allocates, collected garbage included (V8's sampling heap profiler
   * with the include-collected flags): where the collector's work comes from.
   */
  async startAllocationSampling(samplingIntervalBytes = 16 * 1024, oldOnly = false): Promise<void> {
    await this.send('HeapProfiler.enable');
    // oldOnly leaves out what the young generation's scavenges collect: what is left was promoted
    // (or is still alive), which is what makes the full collections' pauses.
    await this.send('HeapProfiler.startSampling', {
      samplingInterval: samplingIntervalBytes,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: !oldOnly,
    });
  }

  async stopAllocationSampling(): Promise<AllocationProfile> {
    const { profile } = await this.send<{ profile: AllocationProfile }>('HeapProfiler.stopSampling');
    return profile;
  }

  close(): void {
    this.socket.close();
  }
}

interface AllocationNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: AllocationNode[];
}

export interface AllocationProfile {
  head: AllocationNode;
}

/**
 * Bytes allocated by function (self), most first, with the file each function is in. A built-in
 * or the runtime's API (no file) is named with the function that called it: "split ← tokens".
 */
export function allocationsBySelf(profile: AllocationProfile, limit: number): Array<{ fn: string; bytes: number }> {
  const self = new Map<string, number>();
  const walk = (node: AllocationNode, caller: string) => {
    const file = node.callFrame.url.split('/').at(-1) ?? '';
    const fn = node.callFrame.functionName || '(anonymous)';
    const name = file ? `${fn}:${node.callFrame.lineNumber + 1} ${file}` : `${fn} ← ${caller}`;
    if (node.selfSize) self.set(name, (self.get(name) ?? 0) + node.selfSize);
    for (const child of node.children) walk(child, file ? name : caller);
  };
  walk(profile.head, '(root)');
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([fn, bytes]) => ({ fn, bytes }));
}

const label = (node: ProfileNode) => `${node.callFrame.functionName || '(anonymous)'}:${node.callFrame.lineNumber + 1}`;

/**
 * Busy stretches of at least `minMs`: runs of samples with no "(idle)" between them. On the one
 * thread every chat waits through such a stretch, so they are where a tail comes from.
 */
export function busyStretches(profile: CpuProfile, minMs: number): BusyStretch[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const stack = (id: number): ProfileNode[] => {
    const frames: ProfileNode[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) frames.push(byId.get(at)!);
    return frames;
  };
  const stretches: BusyStretch[] = [];
  let clock = 0;
  let start = -1;
  let inclusive = new Map<string, number>();
  const close = (end: number) => {
    if (start >= 0 && (end - start) / 1000 >= minMs) {
      const top = [...inclusive.entries()]
        .filter(([name]) => !name.startsWith('(root)') && !name.startsWith('(anonymous)'))
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([name, us]) => `${name} ${Math.round(us / 1000)}`);
      stretches.push({ at: Math.round(start / 1000), ms: Math.round((end - start) / 1000), top });
    }
    start = -1;
    inclusive = new Map();
  };
  profile.samples.forEach((id, index) => {
    clock += profile.timeDeltas[index] ?? 0;
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') return close(clock);
    if (start < 0) start = clock;
    const delta = profile.timeDeltas[index + 1] ?? 0;
    for (const name of new Set(stack(id).map(label))) inclusive.set(name, (inclusive.get(name) ?? 0) + delta);
  });
  close(clock);
  return stretches;
}

/** Self time by function over the whole profile, in ms, most first (idle left out). */
export function selfTimes(profile: CpuProfile, limit: number): Array<{ fn: string; ms: number }> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') return;
    self.set(label(node), (self.get(label(node)) ?? 0) + (profile.timeDeltas[index + 1] ?? 0));
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([fn, us]) => ({ fn, ms: Math.round(us / 1000) }));
}
