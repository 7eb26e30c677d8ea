/**
 * Pins Date for every test of the file (timers stay real: the runtime fires alarms by the real
 * clock, so an alarm set for a pinned "now" runs only when a test calls runDurableObjectAlarm).
 * Tests move the clock on with vi.setSystemTime.
 */
import { afterEach, beforeEach, vi } from 'vitest';

export function useFixedClock(at: Date | (() => Date)): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(typeof at === 'function' ? at() : at);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}
