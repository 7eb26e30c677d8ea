import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

/**
 * Every suite, one command (`npm test` runs `vitest run` after the typecheck):
 * - unit: plain Node (protocol, bot core, knowledge-base build, theme, sizes);
 * - workerd: the Worker and its Durable Objects inside the real runtime;
 * - browser: real Chromium against `wrangler dev` (tests/support/global-wrangler.ts);
 * - security, fault, load: real `ws` clients against `wrangler dev` on 127.0.0.1.
 * groupOrder runs the heavy out-of-process groups one after another: on a 2-core machine,
 * several wrangler servers and Chromium at once would measure the machine, not kefu.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', sequence: { groupOrder: 0 } },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                RESUME_TOKEN_SECRET: 'workerd-test-secret',
                SESSION_SECRET: 'workerd-session-secret',
                ADMIN_API_KEY: 'workerd-admin-key',
                ALLOW_LOCALHOST_ORIGINS: 'true',
                // These tests play Cloudflare's edge: each test shopper gets an address of its own.
                TRUST_CF_CONNECTING_IP: 'true',
                // and are served as http://kefu.test (the Host check of worker/public-origin.ts).
                PUBLIC_ORIGIN: 'http://kefu.test',
                IDENTITY_SECRETS: JSON.stringify({ 'lantern-tea': 'workerd-identity-secret' }),
                FAULT_INJECTION: 'on',
                // The production rule for webhook URLs (https, public hosts), whatever .dev.vars says.
                ALLOW_HTTP_WEBHOOKS: 'false',
              },
            },
          }),
        ],
        test: {
          name: 'workerd',
          include: ['tests/workerd/**/*.test.ts'],
          setupFiles: ['tests/workerd/setup.ts'],
          // A cap, not a speed check: the default 5 s is too tight for a file of socket tests
          // while the unit project shares the two cores (tests wait for state, never sleep).
          testTimeout: 30_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/support/global-wrangler.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'security',
          include: ['tests/security/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/security/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 90_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
      {
        test: {
          name: 'fault',
          include: ['tests/fault/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          sequence: { groupOrder: 3 },
        },
      },
      {
        test: {
          name: 'load',
          include: ['tests/load/**/*.test.ts'],
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          sequence: { groupOrder: 4 },
        },
      },
    ],
  },
});
