/**
 * Follow-ups (回訪): a chat rated 1–2, or a complaint, becomes an item to call back on: who,
 * why, a link to the transcript. An agent or admin marks it done with a note. Counted in reports.
 */
import type { FollowUp } from '../../protocol/reports.ts';

interface FollowUpRow extends Record<string, SqlStorageValue> {
  id: number;
  conversation_id: string;
  kind: string;
  rating: number | null;
  comment: string;
  agent_id: string | null;
  created_at: number;
  done_at: number | null;
  done_by: string | null;
  done_note: string;
}

export class FollowUps {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS follow_ups (
        id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id TEXT NOT NULL, kind TEXT NOT NULL, rating INTEGER,
        comment TEXT NOT NULL DEFAULT '', agent_id TEXT, created_at INTEGER NOT NULL,
        done_at INTEGER, done_by TEXT, done_note TEXT NOT NULL DEFAULT '',
        UNIQUE (conversation_id, kind, created_at)
      );
      CREATE INDEX IF NOT EXISTS follow_ups_open ON follow_ups (done_at, created_at);
    `);
  }

  /** A rating of 1 or 2 opens a follow-up; higher ratings do not. */
  fromRating(conversationId: string, score: number, comment: string, agentId: string | null, at: number): void {
    if (score > 2) return;
    this.open(conversationId, 'low_rating', score, comment, agentId, at);
  }

  fromComplaint(conversationId: string, lastMessage: string, at: number): void {
    this.open(conversationId, 'complaint', null, lastMessage, null, at);
  }

  list(status: 'open' | 'done' | 'all', names: Map<string, string>, limit = 200): FollowUp[] {
    const where = status === 'open' ? 'WHERE done_at IS NULL' : status === 'done' ? 'WHERE done_at IS NOT NULL' : '';
    return this.sql
      .exec<FollowUpRow>(`SELECT * FROM follow_ups ${where} ORDER BY done_at IS NOT NULL, created_at DESC LIMIT ?`, limit)
      .toArray()
      .map((row) => ({
        id: row.id,
        conversationId: row.conversation_id,
        kind: row.kind === 'complaint' ? 'complaint' : 'low_rating',
        rating: row.rating,
        comment: row.comment,
        agentId: row.agent_id,
        agentName: row.agent_id ? (names.get(row.agent_id) ?? null) : null,
        shopperName: null,
        shopperEmail: null,
        createdAt: row.created_at,
        done: row.done_at !== null,
        doneAt: row.done_at,
        doneBy: row.done_by ? (names.get(row.done_by) ?? row.done_by) : null,
        doneNote: row.done_note,
      }));
  }

  /** Marks an open item done; false when there is no such item or it was already done. */
  markDone(id: number, agentId: string, note: string, at: number): boolean {
    const cursor = this.sql.exec('UPDATE follow_ups SET done_at = ?, done_by = ?, done_note = ? WHERE id = ? AND done_at IS NULL', at, agentId, note, id);
    return cursor.rowsWritten > 0;
  }

  /** Created in [start, end), and how many of those are done. */
  counts(start: number, end: number): { created: number; done: number } {
    const row = this.sql
      .exec<{ created: number; done: number }>(
        'SELECT COUNT(*) AS created, COUNT(done_at) AS done FROM follow_ups WHERE created_at >= ? AND created_at < ?',
        start,
        end,
      )
      .one();
    return { created: row.created, done: row.done };
  }

  /** Erasure: the shopper's words (the rating comment) go; the item and its outcome stay. */
  anonymize(conversationIds: readonly string[]): void {
    for (const id of conversationIds) this.sql.exec("UPDATE follow_ups SET comment = '' WHERE conversation_id = ?", id);
  }

  private open(conversationId: string, kind: 'low_rating' | 'complaint', rating: number | null, comment: string, agentId: string | null, at: number): void {
    this.sql.exec(
      'INSERT OR IGNORE INTO follow_ups (conversation_id, kind, rating, comment, agent_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      conversationId,
      kind,
      rating,
      comment.slice(0, 500),
      agentId,
      at,
    );
  }
}
