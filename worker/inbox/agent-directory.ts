/**
 * The `agents` table: the site's agents, their credentials, session versions and presence flags.
 * Passwords are PBKDF2 hashes (worker/agent-auth.ts); a session cookie is valid only while it
 * carries the agent's current session version.
 */
import type { AgentCreate, AgentProfile, AgentRole } from '../../protocol/index.ts';
import { generatePassword, hashPassword, verifyPassword } from '../agent-auth.ts';

interface AgentRow extends Record<string, SqlStorageValue> {
  id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string;
  password_salt: string;
  password_iterations: number;
  must_change_password: number;
  away: number;
  disconnected_at: number | null;
  session_version: number;
}

/** Hashed against when the e-mail is unknown, so response time does not reveal which e-mails exist. */
const DUMMY_CREDENTIALS = { hash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', salt: 'AAAAAAAAAAAAAAAAAAAAAA', iterations: 100_000 };

export class AgentDirectory {
  constructor(
    private readonly sql: SqlStorage,
    /** The site these agents belong to (profiles carry it). */
    private readonly siteId: () => string | null,
  ) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS agents (
        id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, role TEXT NOT NULL,
        password_hash TEXT NOT NULL, password_salt TEXT NOT NULL, password_iterations INTEGER NOT NULL,
        must_change_password INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,
        away INTEGER NOT NULL DEFAULT 0, disconnected_at INTEGER,
        session_version INTEGER NOT NULL DEFAULT 0
      );
    `);
  }

  /**
   * Creates an agent, or resets an existing one's name, role and password (which ends its
   * sessions). Returns the password once when generated, and whether the agent existed.
   */
  async upsert(input: AgentCreate): Promise<{ id: string; existed: boolean; oneTimePassword?: string }> {
    const oneTimePassword = input.password ? undefined : generatePassword();
    const credentials = await hashPassword(input.password ?? oneTimePassword!);
    const existing = this.sql.exec<{ id: string }>('SELECT id FROM agents WHERE email = ?', input.email).toArray()[0];
    const id = existing?.id ?? `ag_${crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`;
    this.sql.exec(
      `INSERT INTO agents (id, email, name, role, password_hash, password_salt, password_iterations, must_change_password, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(email) DO UPDATE SET name = excluded.name, role = excluded.role, password_hash = excluded.password_hash,
         password_salt = excluded.password_salt, password_iterations = excluded.password_iterations,
         must_change_password = excluded.must_change_password, session_version = session_version + 1`,
      id,
      input.email,
      input.name,
      input.role,
      credentials.hash,
      credentials.salt,
      credentials.iterations,
      oneTimePassword ? 1 : 0,
      Date.now(),
    );
    return { id, existed: Boolean(existing), oneTimePassword };
  }

  /** The agent whose e-mail and password these are, or null. Always hashes once. */
  async verify(email: string, password: string): Promise<AgentProfile | null> {
    const row = this.sql.exec<AgentRow>('SELECT * FROM agents WHERE email = ?', email).toArray()[0];
    const stored = row ? { hash: row.password_hash, salt: row.password_salt, iterations: row.password_iterations } : DUMMY_CREDENTIALS;
    const valid = await verifyPassword(password, stored);
    return row && valid ? this.profile(row.id) : null;
  }

  /** A new password ends every other session of this agent. False when the current password is wrong. */
  async changePassword(agentId: string, currentPassword: string, newPassword: string): Promise<boolean> {
    const row = this.row(agentId);
    if (!row) return false;
    if (!(await verifyPassword(currentPassword, { hash: row.password_hash, salt: row.password_salt, iterations: row.password_iterations }))) return false;
    const next = await hashPassword(newPassword);
    this.sql.exec(
      'UPDATE agents SET password_hash = ?, password_salt = ?, password_iterations = ?, must_change_password = 0, session_version = session_version + 1 WHERE id = ?',
      next.hash,
      next.salt,
      next.iterations,
      agentId,
    );
    return true;
  }

  /** -1 for an unknown agent, which no session carries. */
  sessionVersion(agentId: string): number {
    return this.sql.exec<{ v: number }>('SELECT session_version AS v FROM agents WHERE id = ?', agentId).toArray()[0]?.v ?? -1;
  }

  bumpSessionVersion(agentId: string): void {
    this.sql.exec('UPDATE agents SET session_version = session_version + 1 WHERE id = ?', agentId);
  }

  profile(agentId: string): AgentProfile | null {
    const row = this.row(agentId);
    const site = this.siteId();
    if (!row || !site) return null;
    return { id: row.id, site, email: row.email, name: row.name, role: row.role as AgentRole, mustChangePassword: row.must_change_password === 1 };
  }

  /** Every agent, by name, with the away flag their console set. */
  roster(): { id: string; name: string; away: boolean }[] {
    return this.sql
      .exec<{ id: string; name: string; away: number }>('SELECT id, name, away FROM agents ORDER BY name')
      .toArray()
      .map((row) => ({ id: row.id, name: row.name, away: row.away === 1 }));
  }

  setAway(agentId: string, away: boolean): void {
    this.sql.exec('UPDATE agents SET away = ? WHERE id = ?', away ? 1 : 0, agentId);
  }

  connected(agentId: string): void {
    this.sql.exec('UPDATE agents SET disconnected_at = NULL WHERE id = ?', agentId);
  }

  /** The agent's last console went away. The first report (close or error) starts the grace period. */
  disconnected(agentId: string, now: number): void {
    this.sql.exec('UPDATE agents SET disconnected_at = COALESCE(disconnected_at, ?) WHERE id = ?', now, agentId);
  }

  /** Agents whose consoles are gone, and since when. */
  away(): { id: string; disconnectedAt: number }[] {
    return this.sql
      .exec<{ id: string; disconnected_at: number }>('SELECT id, disconnected_at FROM agents WHERE disconnected_at IS NOT NULL')
      .toArray()
      .map((row) => ({ id: row.id, disconnectedAt: row.disconnected_at }));
  }

  earliestDisconnect(): number | null {
    return this.sql.exec<{ at: number | null }>('SELECT MIN(disconnected_at) AS at FROM agents').one().at;
  }

  private row(agentId: string): AgentRow | undefined {
    return this.sql.exec<AgentRow>('SELECT * FROM agents WHERE id = ?', agentId).toArray()[0];
  }
}
