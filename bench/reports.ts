/**
 * `npm run bench:reports`: how long a report takes over 100,000 synthetic chats, in local workerd
 * (Miniflare), with the SQLite tables and queries the SiteInbox uses (worker/inbox/reports-store.ts).
 * The chats are seeded through the store's own recording methods, 30 days of them (plus the
 * 30 days before, for the comparison). Timed from Node around each request, so a figure includes
 * one local HTTP round trip. Prints tables; not a test.
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';

const CHATS = Number(process.env.CHATS ?? 100_000);
const BATCH = 5_000;
const RUNS = 15;
const DAY = 86_400_000;

const entry = fileURLToPath(new URL('./reports/bench-worker.ts', import.meta.url));
const bundle = await build({
  entryPoints: [entry],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  write: false,
  external: ['cloudflare:workers'],
  target: 'es2022',
});
const mf = new Miniflare({
  modules: true,
  script: bundle.outputFiles[0]!.text,
  compatibilityDate: '2026-04-01',
  compatibilityFlags: ['nodejs_compat'],
  durableObjects: { BENCH: { className: 'Bench', useSQLite: true } },
});

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const p90 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length * 0.9) - 1]!;
const pad = (text: string | number, width: number) => String(text).padEnd(width);

try {
  // The 30 days ending 2030-06-30 hold CHATS chats; the 30 before them (the comparison) CHATS / 2.
  const start = Date.parse('2030-06-01T00:00:00Z');
  const seedStarted = performance.now();
  for (let first = 0; first < CHATS; first += BATCH) {
    const response = await mf.dispatchFetch(`http://bench/seed?first=${first}&count=${Math.min(BATCH, CHATS - first)}&start=${start}&days=30`);
    if (!response.ok) throw new Error(`seed answered ${response.status}: ${await response.text()}`);
  }
  for (let first = 0; first < CHATS / 2; first += BATCH) {
    await (
      await mf.dispatchFetch(`http://bench/seed?first=${CHATS + first}&count=${Math.min(BATCH, CHATS / 2 - first)}&start=${start - 30 * DAY}&days=30`)
    ).text();
  }
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const size = (await (await mf.dispatchFetch('http://bench/size')).json()) as { chats: number; hours: number; durations: number; bytes: number };

  const ranges: [string, string, string, string?][] = [
    ['1 day', '2030-06-15', '2030-06-15'],
    ['7 days', '2030-06-24', '2030-06-30'],
    ['30 days', '2030-06-01', '2030-06-30'],
    ['30 days, one agent', '2030-06-01', '2030-06-30', 'ag_3'],
    ['30 days, Asia/Shanghai', '2030-06-01', '2030-06-30'],
    ['366 days', '2029-07-01', '2030-07-01'],
  ];
  const rows: string[][] = [];
  for (const [label, from, to, agent] of ranges) {
    const query = new URLSearchParams({ from, to, now: String(Date.parse('2030-07-01T12:00:00Z')) });
    if (agent) query.set('agent', agent);
    if (label.includes('Shanghai')) query.set('zone', 'Asia/Shanghai');
    const times: number[] = [];
    let started = 0;
    for (let run = 0; run < RUNS + 2; run++) {
      const t0 = performance.now();
      const response = await mf.dispatchFetch(`http://bench/report?${query}`);
      const body = (await response.json()) as { started: number };
      const elapsed = performance.now() - t0;
      if (run >= 2) times.push(elapsed); // two warm-up runs
      started = body.started;
    }
    rows.push([label, String(started), `${median(times).toFixed(1)} ms`, `${p90(times).toFixed(1)} ms`]);
  }

  console.log(
    `\nReports over ${CHATS.toLocaleString('en')} synthetic chats in 30 days (+ ${(CHATS / 2).toLocaleString('en')} in the 30 days before, for the comparison)`,
  );
  console.log(
    `seeded in ${seedSeconds.toFixed(1)} s through the store's recording methods; tables: ${size.chats.toLocaleString('en')} chat rows, ${size.hours.toLocaleString('en')} hour rows, ${size.durations.toLocaleString('en')} histogram rows, ${(size.bytes / 1_048_576).toFixed(1)} MB\n`,
  );
  console.log(`| ${pad('range (report + previous period)', 34)} | ${pad('chats in range', 14)} | ${pad('median', 9)} | ${pad('p90', 9)} |`);
  console.log(`|${'-'.repeat(36)}|${'-'.repeat(16)}|${'-'.repeat(11)}|${'-'.repeat(11)}|`);
  for (const [label, started, med, ninety] of rows) console.log(`| ${pad(label, 34)} | ${pad(started, 14)} | ${pad(med, 9)} | ${pad(ninety, 9)} |`);
  console.log(`\n${RUNS} runs each after two warm-ups, timed in Node around one request to local workerd; load average ${loadavg()[0]!.toFixed(1)}.`);
} finally {
  await mf.dispose();
}
