/**
 * Shared by the fault suites and the load bench: a `wrangler dev` started for faults (business
 * hours open, no per-IP cap on new conversations), a hard kill of its whole process group,
 * the runtime's memory, a table printer and a few waiting helpers.
 */
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWrangler, type WranglerOptions, type WranglerServer } from '../support/wrangler-dev.ts';

// DIAGNOSTICS lets the benches and tests ask a Conversation which wake-up answers (routes/diagnostics.ts).
export const FAULT_VARS = { BUSINESS_HOURS_OVERRIDE: 'open', NEW_CONVERSATION_LIMIT_OVERRIDE: '1000000', DIAGNOSTICS: 'on' };

export function tempPersistDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `kefu-${label}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** wrangler dev on 127.0.0.1 with the fault vars; pass port and persistDir to restart "the same" server. */
export function startFaultServer(options: WranglerOptions = {}): Promise<WranglerServer> {
  return startWrangler({ ...options, vars: { ...FAULT_VARS, ...options.vars } });
}

export interface GroupProcess {
  pid: number;
  command: string;
  rssKb: number;
}

/** Live processes of a process group, from /proc (Linux). */
export function processGroup(pgid: number): GroupProcess[] {
  const found: GroupProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp …: comm may hold spaces, so split after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid || fields[0] === 'Z') continue;
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const rss = /VmRSS:\s+(\d+) kB/.exec(status);
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).slice(0, 2).join(' ');
      found.push({ pid: Number(entry), command, rssKb: rss ? Number(rss[1]) : 0 });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/**
 * Memory of the workerd processes under a wrangler process group, in MB. `wrangler dev` runs two:
 * the runtime that runs kefu, and a dev-only proxy in front of it that owns the public port (and a
 * copy of every socket). Only the first exists in production, so the two are reported apart.
 */
export function workerdProcesses(pgid: number, publicPort: number): { runtime: GroupProcess[]; devProxy: GroupProcess[] } {
  const workerd = processGroup(pgid).filter((process) => process.command.includes('workerd'));
  const isProxy = (process: GroupProcess) => commandLine(process.pid).includes(`--socket-addr=entry=127.0.0.1:${publicPort}`);
  return { runtime: workerd.filter((process) => !isProxy(process)), devProxy: workerd.filter(isProxy) };
}

/** RSS in MB of the runtime and of the dev proxy (see workerdProcesses). */
export function workerdMemory(pgid: number, publicPort: number): { runtimeMb: number; devProxyMb: number } {
  const { runtime, devProxy } = workerdProcesses(pgid, publicPort);
  const mb = (processes: GroupProcess[]) => processes.reduce((total, process) => total + process.rssKb / 1024, 0);
  return { runtimeMb: mb(runtime), devProxyMb: mb(devProxy) };
}

/**
 * The runtime's own entry address, behind wrangler's dev proxy. The runtime listens on a random
 * port it reports only to wrangler, so this reads its listening sockets from /proc (Linux) and
 * keeps the one that serves kefu's static files. Benches use it to measure kefu without the dev
 * proxy, which production does not have and which holds about 6 file descriptors per socket.
 */
export async function runtimeEntryUrl(pgid: number, publicPort: number): Promise<string> {
  const inodes = new Set<string>();
  for (const runtime of workerdProcesses(pgid, publicPort).runtime) {
    for (const fd of readdirSync(`/proc/${runtime.pid}/fd`)) {
      try {
        const target = readlinkSync(`/proc/${runtime.pid}/fd/${fd}`);
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode) inodes.add(inode);
      } catch {
        // closed meanwhile
      }
    }
  }
  // /proc/net/tcp rows: sl local_address rem_address st … inode; st 0A is LISTEN, the address is hex.
  const ports = readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((row) => row.trim().split(/\s+/))
    .filter((fields) => fields[3] === '0A' && inodes.has(fields[9] ?? ''))
    .map((fields) => Number.parseInt(fields[1]!.split(':')[1]!, 16));
  for (const port of ports) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/widget/loader.js`, { signal: AbortSignal.timeout(3000) });
      if (response.ok) return `http://127.0.0.1:${port}`;
    } catch {
      // the inspector or another internal port
    }
  }
  throw new Error(`no runtime entry among the runtime's listening ports ${ports.join(', ')}`);
}

/** CPU time (user + system) a process has used so far, in ms (from /proc/<pid>/stat; 100 ticks a second). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/**
 * kill -9 of the whole group (npx, wrangler, esbuild and every workerd), then waits until none is
 * left. Storage the server made for itself goes too (a load run leaves hundreds of MB, on tmpfs in
 * RAM); a caller that restarts on the same storage passes its own persistDir and removes it.
 */
export async function killHard(server: WranglerServer): Promise<void> {
  const pgid = server.process.pid!;
  const exited = server.process.exitCode !== null ? Promise.resolve() : new Promise<void>((resolve) => server.process.once('exit', () => resolve()));
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
  await exited;
  const deadline = Date.now() + 10_000;
  while (processGroup(pgid).length > 0) {
    if (Date.now() > deadline) throw new Error(`process group ${pgid} still alive after kill -9: ${JSON.stringify(processGroup(pgid))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (server.ownsPersistDir) removeDir(server.persistDir);
}

/** Prints rows as an aligned text table (CI logs keep it readable). */
export function printTable(title: string, rows: Record<string, string | number>[]): void {
  if (rows.length === 0) return;
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: string | number | undefined) => (value === undefined ? '' : typeof value === 'number' ? formatNumber(value) : value);
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => cell(row[column]).length)));
  const line = (values: string[]) => values.map((value, index) => value.padEnd(widths[index]!)).join('  ');
  const out = [
    `\n${title}`,
    line(columns),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map((row) => line(columns.map((column) => cell(row[column])))),
  ];
  console.log(out.join('\n'));
}

/** Two-column table of figures. */
export function printFigures(title: string, figures: Record<string, string | number>): void {
  printTable(
    title,
    Object.entries(figures).map(([figure, value]) => ({ figure, value })),
  );
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** Polls until `predicate` holds; throws with `label` after timeoutMs. */
export async function until(predicate: () => boolean, timeoutMs: number, label: string, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${label}: not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Runs tasks with at most `limit` in flight. */
export async function inBatches<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index]!, index);
      }
    }),
  );
  return results;
}

/** Varied shop questions (written for these suites). */
export const SHOP_QUESTIONS = [
  'How long does delivery take to Manchester?',
  'Can I change the size of my order after paying?',
  'Where is my parcel? It has been five days.',
  'Do you ship to Ireland?',
  'How do I return a jumper that does not fit?',
  'When will my refund arrive?',
  'Can I pay with PayPal?',
  'Is the linen throw machine washable?',
  'I forgot my password, how do I reset it?',
  'Do you have gift wrapping?',
  'Can I cancel an order I placed this morning?',
  'What does express shipping cost?',
  'My discount code does not work at checkout',
  'The mug arrived broken, what should I do?',
  'Do you restock sold out items?',
  'How can I change my delivery address?',
  'Are your candles vegan?',
  'Can I collect my order in store?',
  'Do you offer student discounts?',
  'How do I delete my account?',
  'Is there a warranty on the lamps?',
  'Can I exchange a gift without the receipt?',
  'Why was my card declined?',
  'What are your opening hours?',
  '我的订单什么时候发货？',
  '可以退货吗？',
  'Thanks, that helps!',
  'Hello there',
  'Do you sell gift cards?',
  'How do I track my order?',
];

export function question(index: number): string {
  return `${SHOP_QUESTIONS[index % SHOP_QUESTIONS.length]} (#${index})`;
}
