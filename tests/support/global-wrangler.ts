/**
 * Vitest global setup: runs `wrangler dev` on 127.0.0.1 with throwaway local storage for the
 * browser (and later fault/load) suites, and stops it afterwards.
 */
import type { TestProject } from 'vitest/node';
import { startWrangler } from './wrangler-dev.ts';

export default async function setup(project: TestProject) {
  const server = await startWrangler();
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
