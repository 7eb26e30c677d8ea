import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

/**
 * Three suites, one command:
 * - unit: plain Node (protocol, bot core, knowledge-base build);
 * - workerd: the Worker and its Durable Objects inside the real runtime;
 * - browser: real Chromium against `wrangler dev` started by tests/support/global-wrangler.ts.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' },
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
                IDENTITY_SECRETS: JSON.stringify({ 'lantern-tea': 'workerd-identity-secret' }),
              },
            },
          }),
        ],
        test: { name: 'workerd', include: ['tests/workerd/**/*.test.ts'] },
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
        },
      },
    ],
  },
});
