/**
 * Vitest global setup for the security project: one `wrangler dev` on 127.0.0.1 with throwaway
 * storage, shared by every file that does not need a server of its own (flood.test.ts starts a
 * second one without the conversation-cap override to test the per-site setting).
 *
 * - BUSINESS_HOURS_OVERRIDE=open: handoffs queue instead of going offline, whatever the time.
 * - NEW_CONVERSATION_LIMIT_OVERRIDE: the fuzz and XSS suites open hundreds of chats from 127.0.0.1.
 * - IDENTITY_SECRETS: the dev secret from .dev.vars (or .dev.vars.example), passed explicitly so
 *   the identity tests know the key even when .dev.vars predates it.
 */
import type { TestProject } from 'vitest/node';
import { readDevVars, seedDemoAgent } from '../../scripts/lib/admin-client.ts';
import { startWrangler } from '../support/wrangler-dev.ts';

export const FALLBACK_IDENTITY_SECRETS = JSON.stringify({ 'lantern-tea': 'local-dev-lantern-tea-identity-secret' });

export function identitySecrets(): string {
  return readDevVars().IDENTITY_SECRETS ?? readDevVars('.dev.vars.example').IDENTITY_SECRETS ?? FALLBACK_IDENTITY_SECRETS;
}

export default async function setup(project: TestProject) {
  const vars = readDevVars();
  const secrets = identitySecrets();
  // Debugging aid: KEFU_SECURITY_BASE_URL=http://127.0.0.1:<port> reuses a `wrangler dev` you started
  // yourself (with the same vars) so its log stays visible. Never anything but 127.0.0.1.
  const existing = process.env.KEFU_SECURITY_BASE_URL;
  if (existing) {
    if (new URL(existing).hostname !== '127.0.0.1') throw new Error('KEFU_SECURITY_BASE_URL must be on 127.0.0.1');
    const pidFile = process.env.KEFU_SECURITY_PID;
    const login = await seedDemoAgent(existing, vars);
    project.provide('kefuSecurity', {
      baseUrl: existing,
      adminKey: vars.ADMIN_API_KEY ?? '',
      sessionSecret: vars.SESSION_SECRET ?? '',
      resumeTokenSecret: vars.RESUME_TOKEN_SECRET ?? '',
      identitySecrets: secrets,
      demoAgent: login,
      pid: pidFile ? Number(pidFile) : process.pid,
    });
    return;
  }
  const server = await startWrangler({
    vars: {
      BUSINESS_HOURS_OVERRIDE: 'open',
      NEW_CONVERSATION_LIMIT_OVERRIDE: '100000',
      ...(vars.IDENTITY_SECRETS ? {} : { IDENTITY_SECRETS: secrets }),
    },
  });
  const login = await seedDemoAgent(server.baseUrl, vars);
  project.provide('kefuSecurity', {
    baseUrl: server.baseUrl,
    adminKey: vars.ADMIN_API_KEY ?? '',
    sessionSecret: vars.SESSION_SECRET ?? '',
    resumeTokenSecret: vars.RESUME_TOKEN_SECRET ?? '',
    identitySecrets: secrets,
    demoAgent: login,
    pid: server.process.pid ?? 0,
  });
  return async () => {
    await server.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    kefuSecurity: {
      baseUrl: string;
      adminKey: string;
      sessionSecret: string;
      resumeTokenSecret: string;
      identitySecrets: string;
      demoAgent: { email: string; password: string };
      /** The wrangler process group leader: fuzzing checks it is still alive. */
      pid: number;
    };
  }
}
