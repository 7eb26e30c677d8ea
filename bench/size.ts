/** `npm run bench:size`: kefu's widget download beside other chat widgets' (run `npm run build` first). */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { BUNDLE_BUDGET_KIB, measureBundle } from './bundle-size.ts';
import { BUDGET_BYTES, widgetSizes } from './widget-size.ts';

const sizes = widgetSizes();
const gzippedFile = (path: string) => gzipSync(readFileSync(path), { level: 9 }).byteLength;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
// Others' figures are approximate public measurements of their first-load JavaScript, gzipped.
const rows = [
  { widget: 'kefu loader (on every page)', gzipped: kb(sizes.loader), budget: kb(BUDGET_BYTES.loader) },
  { widget: 'kefu app (after page load)', gzipped: kb(sizes.app), budget: kb(BUDGET_BYTES.app) },
  { widget: 'kefu total', gzipped: kb(sizes.loader + sizes.app), budget: kb(BUDGET_BYTES.loader + BUDGET_BYTES.app) },
  { widget: 'kefu upload chunk (when a file is picked)', gzipped: kb(gzippedFile('dist/public/widget/attachments.js')), budget: '' },
  { widget: 'Crisp (approx.)', gzipped: '~130 KB', budget: '' },
  { widget: 'Chatwoot (approx.)', gzipped: '~170 KB', budget: '' },
  { widget: 'Intercom (approx.)', gzipped: '300-500 KB', budget: '' },
];
console.table(rows);

const bundle = measureBundle();
console.table([
  { 'worker bundle (wrangler deploy --dry-run)': `${bundle.uploadKiB} KiB`, gzipped: `${bundle.gzipKiB} KiB`, budget: `${BUNDLE_BUDGET_KIB} KiB` },
]);
