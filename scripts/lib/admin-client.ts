/** Small client for the Worker's admin API, shared by `npm start`, `npm run agent:add` and tests. */
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

export interface CreatedAgent {
  agent: { id: string; email: string; name: string; role: string; site: string };
  oneTimePassword?: string;
}

/** Reads .dev.vars (KEY=VALUE lines), the file wrangler dev reads for local secrets. */
export function readDevVars(path = '.dev.vars'): Record<string, string> {
  if (!existsSync(path)) return {};
  return parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
}

export async function upsertAgent(
  baseUrl: string,
  adminKey: string,
  site: string,
  body: { email: string; name: string; role?: 'agent' | 'admin'; password?: string },
): Promise<CreatedAgent> {
  const response = await fetch(`${baseUrl}/v1/admin/sites/${encodeURIComponent(site)}/agents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
    body: JSON.stringify(body),
  });
  const payload = (await response.json().catch(() => ({}))) as { message?: string } & Partial<CreatedAgent>;
  if (!response.ok) throw new Error(`admin API answered ${response.status}: ${payload.message ?? 'no message'}`);
  return payload as CreatedAgent;
}

export const DEMO_AGENT = { email: 'agent@mapleandmoss.example', name: 'Mei Chen', role: 'admin' as const };

/** Creates (or resets) the demo site's agent with the password from .dev.vars. */
export async function seedDemoAgent(baseUrl: string, vars: Record<string, string>): Promise<{ email: string; password: string }> {
  const password = vars.DEMO_AGENT_PASSWORD ?? 'demo-agent-password';
  await upsertAgent(baseUrl, vars.ADMIN_API_KEY ?? '', 'demo', { ...DEMO_AGENT, password });
  return { email: DEMO_AGENT.email, password };
}
