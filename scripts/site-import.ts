/**
 * `npm run site:import -- knowledge-base/sites/demo [--url http://127.0.0.1:8787]`
 * Validates a site folder with kb:build's rules and messages (`file:line "field": reason`), then
 * publishes it through the running Worker's admin API: the site becomes exactly the folder
 * (articles missing from it are deleted). Importing the same folder again changes nothing.
 */
import { parseArgs } from 'node:util';
import { readDevVars } from './lib/admin-client.ts';
import { adminKeyFromEnv, importSite, readSiteFolder } from './lib/site-import.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { url: { type: 'string', default: 'http://127.0.0.1:8787' } } });
const folder = positionals[0];
if (!folder) {
  console.error('usage: npm run site:import -- <site folder, e.g. knowledge-base/sites/demo> [--url <worker url>]');
  process.exit(2);
}
let payload;
try {
  payload = readSiteFolder(folder);
} catch (error) {
  console.error((error as Error).message);
  console.error('site:import: nothing was published');
  process.exit(1);
}
const adminKey = adminKeyFromEnv(readDevVars());
if (!adminKey) {
  console.error('Set KEFU_ADMIN_KEY (the Worker secret ADMIN_API_KEY) or run from a checkout with .dev.vars.');
  process.exit(2);
}
try {
  const result = await importSite(values.url!, adminKey, payload);
  console.log(
    result.changed
      ? `site:import: ${payload.settings.id} published, ${result.articles} articles, site version ${result.version}`
      : `site:import: ${payload.settings.id} is already exactly this folder (version ${result.version}); nothing changed`,
  );
} catch (error) {
  console.error(`site:import: ${(error as Error).message}. Is the Worker running at ${values.url}?`);
  process.exit(1);
}
