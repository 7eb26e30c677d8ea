/**
 * `npm run site:create -- --id my-shop --name "My Shop" --origin https://my-shop.example --admin-email me@my-shop.example [--admin-name Me] [--url …]`
 * Creates an empty site with sensible default settings (English, weekdays 09:00-17:00 UTC) and
 * its first admin, and prints the admin's one-time password. No file in this repository is needed:
 * the owner writes articles and settings in the console.
 */
import { parseArgs } from 'node:util';
import { readDevVars } from './lib/admin-client.ts';
import { adminKeyFromEnv, createSite } from './lib/site-import.ts';

const { values } = parseArgs({
  options: {
    id: { type: 'string' },
    name: { type: 'string' },
    origin: { type: 'string', multiple: true },
    'admin-email': { type: 'string' },
    'admin-name': { type: 'string' },
    url: { type: 'string', default: 'http://127.0.0.1:8787' },
  },
});
if (!values.id || !values.name || !values.origin?.length || !values['admin-email']) {
  console.error(
    'usage: npm run site:create -- --id <site id> --name <shop name> --origin https://shop.example [--origin …] --admin-email <email> [--admin-name <name>] [--url <worker url>]',
  );
  process.exit(2);
}
const adminKey = adminKeyFromEnv(readDevVars());
if (!adminKey) {
  console.error('Set KEFU_ADMIN_KEY (the Worker secret ADMIN_API_KEY) or run from a checkout with .dev.vars.');
  process.exit(2);
}
try {
  const created = await createSite(values.url!, adminKey, {
    id: values.id,
    name: values.name,
    origins: values.origin,
    adminEmail: values['admin-email'],
    adminName: values['admin-name'],
  });
  console.log(`Site ${created.site.id} ("${created.site.name}") created, allowed origins: ${created.site.allowedOrigins.join(', ')}`);
  console.log(`Admin: ${created.admin.email}`);
  console.log(`One-time password: ${created.oneTimePassword}`);
  console.log(`Sign in at ${values.url}/console/?site=${created.site.id}, write your articles and settings there, then embed:`);
  console.log(`<script async src="${values.url}/widget/loader.js" data-site="${created.site.id}"></script>`);
} catch (error) {
  console.error(`site:create: ${(error as Error).message}. Is the Worker running at ${values.url}?`);
  process.exit(1);
}
