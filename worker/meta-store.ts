/**
 * A small key/value table in a Durable Object's SQLite: the one copy behind the Conversation's
 * meta (state, assignment, shopper, history) and the SiteInbox's (site id, round-robin cursor).
 * Each object owns its own table; `table` is a fixed identifier from code, never input.
 *
 * Reads come from memory. A chat's turn reads its meta a dozen times (site, id, state, shopper,
 * history), and as one SQL query each that was a tenth of the runtime's time under load
 * (`bench:load --profile`). The object owns the table and every write goes through set(), so
 * the copy read once when the object wakes stays exact. (No set() runs inside a transactionSync
 * that could roll back; a failed write resets the whole object, this copy with it.)
 */
export class MetaStore {
  private values: Map<string, string> | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly table = 'meta',
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
  }

  private loaded(): Map<string, string> {
    this.values ??= new Map(
      this.sql
        .exec<{ key: string; value: string }>(`SELECT key, value FROM ${this.table}`)
        .toArray()
        .map((row) => [row.key, row.value]),
    );
    return this.values;
  }

  get(key: string): string | null {
    return this.loaded().get(key) ?? null;
  }

  /** `null` deletes the key. Writing the value a key already has writes nothing (every shopper message clears the idle timer, mostly unset). */
  set(key: string, value: string | null): void {
    const values = this.loaded();
    if ((values.get(key) ?? null) === value) return;
    if (value === null) {
      this.sql.exec(`DELETE FROM ${this.table} WHERE key = ?`, key);
      values.delete(key);
    } else {
      this.sql.exec(`INSERT INTO ${this.table} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value);
      values.set(key, value);
    }
  }

  /** Erasure: every key goes. */
  clear(): void {
    this.sql.exec(`DELETE FROM ${this.table}`);
    this.values = new Map();
  }

  getJson<T>(key: string): T | null {
    const raw = this.get(key);
    return raw === null ? null : (JSON.parse(raw) as T);
  }

  setJson(key: string, value: unknown): void {
    this.set(key, JSON.stringify(value));
  }
}
