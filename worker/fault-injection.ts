/**
 * Test-only failure injection for calls between the Durable Objects: the workerd suite makes the
 * next calls of a method fail, to check that a handoff or a close that loses the other object
 * still ends in a state both sides agree on. Armed only when the binding FAULT_INJECTION is "on"
 * (the workerd test config sets it; wrangler.toml and production never do).
 */
export class FaultInjector {
  private readonly armed = new Map<string, { remaining: number; retryable: boolean }>();

  constructor(private readonly enabled: boolean) {}

  /** The next `times` calls of `method` throw; `retryable` marks them as the runtime marks transient errors. */
  arm(method: string, times: number, retryable: boolean): void {
    if (!this.enabled) throw new Error('fault injection is off');
    this.armed.set(method, { remaining: times, retryable });
  }

  /** Called at the top of an injectable method. */
  check(method: string): void {
    const fault = this.armed.get(method);
    if (!fault || fault.remaining <= 0) return;
    fault.remaining -= 1;
    throw Object.assign(new Error(`injected failure: ${method}`), { retryable: fault.retryable });
  }
}

/**
 * Runs a call to another Durable Object, once more if the runtime says the failure is transient
 * (`error.retryable`, as workerd marks a broken connection or a reset object). Other failures
 * are the caller's to report.
 */
export async function callOtherObject<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if ((error as { retryable?: boolean } | null)?.retryable !== true) throw error;
    return call();
  }
}
