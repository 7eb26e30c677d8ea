/** The `audit_log` table: who exported or erased what, and when, in counts: never the person's data. */
import type { AuditEntry } from '../../protocol/index.ts';

/** Entries kept (the newest). */
const KEEP = 10_000;

export class AuditLog {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
        subject_kind TEXT NOT NULL, conversations INTEGER NOT NULL, messages INTEGER NOT NULL, tickets INTEGER NOT NULL
      );
    `);
  }

  append(entry: Omit<AuditEntry, 'id' | 'at'>, at: number): void {
    this.sql.exec(
      'INSERT INTO audit_log (at, actor, action, subject_kind, conversations, messages, tickets) VALUES (?, ?, ?, ?, ?, ?, ?)',
      at,
      entry.actor,
      entry.action,
      entry.subjectKind,
      entry.conversations,
      entry.messages,
      entry.tickets,
    );
    this.sql.exec('DELETE FROM audit_log WHERE id <= (SELECT MAX(id) FROM audit_log) - ?', KEEP);
  }

  entries(limit = 200): AuditEntry[] {
    return this.sql
      .exec<{ id: number; at: number; actor: string; action: string; subject_kind: string; conversations: number; messages: number; tickets: number }>(
        'SELECT * FROM audit_log ORDER BY id DESC LIMIT ?',
        limit,
      )
      .toArray()
      .map((row) => ({
        id: row.id,
        at: row.at,
        actor: row.actor,
        action: row.action as AuditEntry['action'],
        subjectKind: row.subject_kind as AuditEntry['subjectKind'],
        conversations: row.conversations,
        messages: row.messages,
        tickets: row.tickets,
      }));
  }
}
