/**
 * Password-guessing brakes, per account. Kept in the SiteInbox's SQLite next to the account, so
 * the check and the count run with no await between them: parallel guessers cannot all slip
 * through before the first failure is written.
 *
 * - an attempt is counted before the password is hashed, and forgotten when it succeeds;
 * - after FREE_FAILURES failures each further one waits twice as long (1 s, 2 s, 4 s, …);
 * - after LOCK_AFTER_FAILURES the account is locked for LOCK_MS;
 * - a locked attempt is refused before any hashing, so guessing costs the inbox nothing;
 * - an admin reset (upsert) clears the count; so does a day without failures.
 * Unknown e-mails are counted the same way, so a refusal never tells which accounts exist.
 */
export const LOGIN_THROTTLE = {
  freeFailures: 5,
  lockAfterFailures: 20,
  lockMs: 15 * 60 * 1000,
  firstDelayMs: 1000,
  maxDelayMs: 5 * 60 * 1000,
  forgetAfterMs: 24 * 60 * 60 * 1000,
} as const;

/** How long a refused attempt must wait, in milliseconds. */
export type LoginGate = { allowed: true } | { allowed: false; retryAfterMs: number };

interface FailureRow extends Record<string, SqlStorageValue> {
  failures: number;
  locked_until: number;
  last_failure_at: number;
}

/** When the next attempt may come after `failures` consecutive failures. */
export function lockedUntil(failures: number, now: number): number {
  if (failures >= LOGIN_THROTTLE.lockAfterFailures) return now + LOGIN_THROTTLE.lockMs;
  if (failures < LOGIN_THROTTLE.freeFailures) return 0;
  const delay = LOGIN_THROTTLE.firstDelayMs * 2 ** (failures - LOGIN_THROTTLE.freeFailures);
  return now + Math.min(delay, LOGIN_THROTTLE.maxDelayMs);
}

export class LoginThrottle {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS login_failures (
      email TEXT PRIMARY KEY, failures INTEGER NOT NULL, locked_until INTEGER NOT NULL, last_failure_at INTEGER NOT NULL)`);
  }

  /** Checks the gate and, when open, counts this attempt as a failure until `succeeded` says otherwise. */
  begin(email: string, now = Date.now()): LoginGate {
    const row = this.sql.exec<FailureRow>('SELECT failures, locked_until, last_failure_at FROM login_failures WHERE email = ?', email).toArray()[0];
    const stale = row !== undefined && now - row.last_failure_at > LOGIN_THROTTLE.forgetAfterMs;
    if (row && !stale && row.locked_until > now) return { allowed: false, retryAfterMs: row.locked_until - now };
    const failures = row && !stale ? row.failures + 1 : 1;
    this.sql.exec(
      `INSERT INTO login_failures (email, failures, locked_until, last_failure_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(email) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, last_failure_at = excluded.last_failure_at`,
      email,
      failures,
      lockedUntil(failures, now),
      now,
    );
    return { allowed: true };
  }

  /** The password was right: the account starts afresh. */
  succeeded(email: string): void {
    this.reset(email);
  }

  /** An admin reset the account. */
  reset(email: string): void {
    this.sql.exec('DELETE FROM login_failures WHERE email = ?', email);
  }
}
