// Gives `env` from cloudflare:test the Worker's real bindings.
import type { Env as WorkerEnv } from '../../worker/env.ts';

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {}
  }
}
