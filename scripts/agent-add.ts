/**
 * `npm run agent:add -- --site demo --email ana@shop.example --name "Ana" [--role admin] [--url https://kefu.example.com]`
 * Creates an agent (or resets one) through the running Worker's admin API and prints a
 * one-time password. The admin key comes from KEFU_ADMIN_KEY, else from .dev.vars.
 */
import { parseArgs } from 'node:util';
import { readDevVars, upsertAgent } from './lib/admin-client.ts';

const { values } = parseArgs({
  options: {
    site: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', default: 'agent' },
    url: { type: 'string', default: 'http://127.0.0.1:8787' },
  },
});

if (!values.site || !values.email || !values.name || (values.role !== 'agent' && values.role !== 'admin')) {
  console.error('usage: npm run agent:add -- --site <site> --email <email> --name <name> [--role agent|admin] [--url <worker url>]');
  process.exit(2);
}
const adminKey = process.env.KEFU_ADMIN_KEY ?? readDevVars().ADMIN_API_KEY;
if (!adminKey) {
  console.error('Set KEFU_ADMIN_KEY (the Worker secret ADMIN_API_KEY) or run from a checkout with .dev.vars.');
  process.exit(2);
}

try {
  const created = await upsertAgent(values.url!, adminKey, values.site, { email: values.email, name: values.name, role: values.role });
  console.log(`Agent ${created.agent.name} <${created.agent.email}> (${created.agent.role}) on site ${created.agent.site}`);
  console.log(`One-time password: ${created.oneTimePassword}`);
  console.log(`They sign in at ${values.url}/console/?site=${values.site} and choose their own password.`);
} catch (error) {
  console.error(`Could not add the agent: ${(error as Error).message}. Is the Worker running at ${values.url}?`);
  process.exit(1);
}
