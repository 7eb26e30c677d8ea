/**
 * A small key/value table in a Durable Object's SQLite: the one copy behind the Conversation's
 * meta (state, assignment, shopper, history) and the SiteInbox's (site id, round-robin cursor).
 * Each object owns its own table; `table` is a fixed identifier from code, never input.
 */
export class MetaStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly table = 'meta',
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
  }

  get(key: string): string | null {
    return this.sql.exec<{ value: string }>(`SELECT value FROM ${this.table} WHERE key = ?`, key).toArray()[0]?.value ?? null;
  }

  /** `null` deletes the key. */
  set(key: string, value: string | null): void {
    if (value === null) this.sql.exec(`DELETE FROM ${this.table} WHERE key = ?`, key);
    else this.sql.exec(`INSERT INTO ${this.table} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value);
  }

  /** Erasure: every key goes. */
  clear(): void {
    this.sql.exec(`DELETE FROM ${this.table}`);
  }

  getJson<T>(key: string): T | null {
    const raw = this.get(key);
    return raw === null ? null : (JSON.parse(raw) as T);
  }

  setJson(key: string, value: unknown): void {
    this.set(key, JSON.stringify(value));
  }
}
