/**
 * npm run kb:build — validate knowledge-base/sites and write knowledge-base/dist.
 * Errors print as `file:line reason`, and the exit code is 1.
 * Options: --sites <dir> --out <dir>
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildKnowledgeBase, formatError, writeDist } from './compile.ts';

const kbRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const sitesDir = resolve(arg('--sites') ?? join(kbRoot, 'sites'));
const outDir = resolve(arg('--out') ?? join(kbRoot, 'dist'));

const started = performance.now();
const result = buildKnowledgeBase(sitesDir);
if (result.errors.length > 0) {
  for (const e of result.errors) console.error(formatError(e));
  console.error(`kb:build failed: ${result.errors.length} error(s)`);
  process.exit(1);
}
const written = writeDist(result, outDir);
const summary = Object.entries(result.sites)
  .map(
    ([id, s]) =>
      `${id} (${Object.entries(s.locales)
        .map(([l, c]) => `${l}: ${c!.articles.length}`)
        .join(', ')})`,
  )
  .join('; ');
console.log(`kb:build: ${summary} → ${written.length} files in ${Math.round(performance.now() - started)} ms`);
