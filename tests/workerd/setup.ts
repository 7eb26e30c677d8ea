/**
 * Every workerd test file starts with the example sites (demo, lantern-tea) published into
 * storage through the admin API, as `npm start` and the wrangler-dev suites do. The payload is
 * what `npm run build` (kb:build) wrote from knowledge-base/sites; the Worker never imports it.
 * Importing an unchanged site again is a no-op, so files sharing storage pay once.
 */
import { SELF } from 'cloudflare:test';
import { beforeAll } from 'vitest';
import examples from '../../knowledge-base/dist/example-sites.json';
import { ADMIN_KEY, importSite } from './catalog-helpers.ts';

beforeAll(async () => {
  for (const site of examples.sites) await importSite(site, ADMIN_KEY, SELF);
});
