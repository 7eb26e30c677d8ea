/**
 * Vitest global setup: runs `wrangler dev` on 127.0.0.1 with throwaway local storage for the
 * browser suite, seeds the demo agent, and stops the server afterwards. Business hours are
 * forced open so the handoff scenario does not depend on the time of day CI runs at.
 */
import type { TestProject } from 'vitest/node';
import { readDevVars, seedDemoAgent } from '../../scripts/lib/admin-client.ts';
import { startWrangler } from './wrangler-dev.ts';

export default async function setup(project: TestProject) {
  const server = await startWrangler({ vars: { BUSINESS_HOURS_OVERRIDE: 'open' } });
  const login = await seedDemoAgent(server.baseUrl, readDevVars());
  process.env.KEFU_DEMO_AGENT_PASSWORD = login.password;
  project.provide('kefuBaseUrl', server.baseUrl);
  return async () => {
    await server.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    kefuBaseUrl: string;
  }
}
