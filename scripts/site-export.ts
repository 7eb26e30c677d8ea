/**
 * `npm run site:export -- demo <folder> [--url http://127.0.0.1:8787]`
 * Writes a site's settings and published articles from the running Worker as a folder
 * (site.json, <locale>/<id>.md), the layout site:import and kb:build read.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readDevVars } from './lib/admin-client.ts';
import { adminKeyFromEnv, exportSite, writeSiteFolder } from './lib/site-import.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { url: { type: 'string', default: 'http://127.0.0.1:8787' } } });
const [site, folder] = positionals;
if (!site || !folder) {
  console.error('usage: npm run site:export -- <site id> <folder> [--url <worker url>]   (name the folder after the site id to import it again)');
  process.exit(2);
}
const adminKey = adminKeyFromEnv(readDevVars());
if (!adminKey) {
  console.error('Set KEFU_ADMIN_KEY (the Worker secret ADMIN_API_KEY) or run from a checkout with .dev.vars.');
  process.exit(2);
}
try {
  const exported = await exportSite(values.url!, adminKey, site);
  const files = writeSiteFolder(exported, resolve(folder));
  console.log(`site:export: ${site} (version ${exported.version}): ${exported.articles.length} articles → ${files.length} files in ${folder}`);
} catch (error) {
  console.error(`site:export: ${(error as Error).message}. Is the Worker running at ${values.url}?`);
  process.exit(1);
}
