/**
 * `npm start`: runs the Worker on local workerd (wrangler dev, storage under .wrangler/state),
 * imports the two example sites (knowledge-base/sites: demo, lantern-tea) into its storage when they
 * are not there yet (what an owner changed in the console stays; `npm run site:import` re-imports a
 * folder on purpose), seeds the demo agent and prints where everything is.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { readDevVars, seedDemoAgent } from './lib/admin-client.ts';
import { importExampleSites } from './lib/site-import.ts';

const port = Number(process.env.PORT ?? 8787);
const baseUrl = `http://127.0.0.1:${port}`;

const wrangler = spawn('npx', ['wrangler', 'dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', '.wrangler/state'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    WRANGLER_SEND_METRICS: 'false',
    XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME ?? join(process.cwd(), '.config'),
  },
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => wrangler.kill(signal));
wrangler.on('exit', (code) => process.exit(code ?? 0));

async function waitUntilReady(): Promise<void> {
  for (let attempt = 0; attempt < 240; attempt += 1) {
    try {
      if ((await fetch(`${baseUrl}/widget/loader.js`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('wrangler dev did not answer within 2 minutes');
}

try {
  await waitUntilReady();
  for (const result of await importExampleSites(baseUrl, readDevVars().ADMIN_API_KEY ?? '', { onlyIfMissing: true })) {
    if (result.changed) console.log(`kefu: published ${result.articles} articles (site version ${result.version})`);
  }
  const login = await seedDemoAgent(baseUrl, readDevVars());
  console.log(`
  ┌─ kefu is running ───────────────────────────────────────────
  │ Demo shop with the widget: ${baseUrl}/
  │ Agent console:             ${baseUrl}/console/?site=demo
  │ Demo agent login:          ${login.email} / ${login.password}
  │ Local storage:             .wrangler/state (kept between runs)
  └─────────────────────────────────────────────────────────────
`);
} catch (error) {
  console.error(`kefu: could not import the example sites or seed the demo agent: ${(error as Error).message}`);
}
