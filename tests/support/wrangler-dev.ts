/**
 * Starts and stops a real `wrangler dev` (local workerd) on 127.0.0.1 for out-of-process tests.
 * Once it answers, the example sites (demo, lantern-tea) are published into its storage through
 * the admin API, as `npm start` does; on a restart over the same storage that is a no-op.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDevVars } from '../../scripts/lib/admin-client.ts';
import { importExampleSites } from '../../scripts/lib/site-import.ts';

export interface WranglerServer {
  baseUrl: string;
  port: number;
  persistDir: string;
  /** The storage folder was made for this server (no persistDir given): whoever ends it removes it. */
  ownsPersistDir: boolean;
  process: ChildProcess;
  stop(options?: { keepState?: boolean }): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface WranglerOptions {
  port?: number;
  persistDir?: string;
  vars?: Record<string, string>;
  /** Opens the runtime's V8 inspector on this 127.0.0.1 port (benches read the heap and profile through it). */
  inspectorPort?: number;
  /** Another Worker's config (a bench's own): then any answer means ready, and no site is imported. */
  config?: string;
}

export async function startWrangler(options: WranglerOptions = {}): Promise<WranglerServer> {
  const port = options.port ?? (await freePort());
  const persistDir = options.persistDir ?? mkdtempSync(join(tmpdir(), 'kefu-wrangler-'));
  // The package's own binary, not npx: the fault suite restarts the runtime 20 times.
  const child = spawn(
    join(process.cwd(), 'node_modules', '.bin', 'wrangler'),
    [
      'dev',
      ...(options.config ? ['-c', options.config] : []),
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--persist-to',
      persistDir,
      '--show-interactive-dev-session=false',
      '--log-level',
      'warn',
      ...(options.inspectorPort ? ['--inspector-port', String(options.inspectorPort)] : []),
      ...Object.entries(options.vars ?? {}).flatMap(([key, value]) => ['--var', `${key}:${value}`]),
    ],
    {
      env: {
        ...process.env,
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        WRANGLER_SEND_METRICS: 'false',
        XDG_CONFIG_HOME: join(process.cwd(), '.config'),
        CI: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const baseUrl = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${output}`);
    try {
      const response = await fetch(options.config ? baseUrl : `${baseUrl}/widget/loader.js`);
      if (response.ok || options.config) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      process.kill(-child.pid!, 'SIGKILL');
      throw new Error(`wrangler dev did not start within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  try {
    if (!options.config) await importExampleSites(baseUrl, readDevVars().ADMIN_API_KEY ?? '');
  } catch (error) {
    process.kill(-child.pid!, 'SIGKILL');
    throw new Error(`importing the example sites failed: ${(error as Error).message}\n${output}`);
  }

  return {
    baseUrl,
    port,
    persistDir,
    ownsPersistDir: !options.persistDir,
    process: child,
    async stop({ keepState = false } = {}) {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {
          // already gone
        }
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
      }
      if (!keepState && !options.persistDir) rmSync(persistDir, { recursive: true, force: true });
    },
  };
}
