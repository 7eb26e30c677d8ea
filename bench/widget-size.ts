/**
 * The shopper's download, gzipped, as built in dist/public/widget. Shared by the budget test
 * and `npm run bench:size`.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export const BUDGET_BYTES = { loader: 1024, app: 15 * 1024 } as const;

export function widgetSizes(dir = 'dist/public/widget'): { loader: number; app: number } {
  const gzipped = (file: string) => gzipSync(readFileSync(`${dir}/${file}`), { level: 9 }).byteLength;
  return { loader: gzipped('loader.js'), app: gzipped('app.js') };
}
