/** The `tickets` table: what shoppers left on the offline form, until an agent resolves it. */
import type { OfflineTicket } from '../../protocol/index.ts';

interface TicketRow extends Record<string, SqlStorageValue> {
  id: number;
  conversation_id: string;
  email: string;
  message: string;
  locale: string;
  created_at: number;
  resolved: number;
}

export class Tickets {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS tickets (
        id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id TEXT NOT NULL, email TEXT NOT NULL,
        message TEXT NOT NULL, locale TEXT NOT NULL, created_at INTEGER NOT NULL, resolved INTEGER NOT NULL DEFAULT 0
      );
    `);
  }

  create(ticket: { conversationId: string; email: string; message: string; locale: 'en' | 'zh' }, now: number): number {
    return this.sql
      .exec<{ id: number }>(
        'INSERT INTO tickets (conversation_id, email, message, locale, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id',
        ticket.conversationId,
        ticket.email,
        ticket.message,
        ticket.locale,
        now,
      )
      .one().id;
  }

  resolve(id: number): void {
    this.sql.exec('UPDATE tickets SET resolved = 1 WHERE id = ?', id);
  }

  forConversations(conversationIds: readonly string[]): OfflineTicket[] {
    return conversationIds.flatMap((id) => this.sql.exec<TicketRow>('SELECT * FROM tickets WHERE conversation_id = ? ORDER BY id', id).toArray().map(toTicket));
  }

  /** Erasure: the chats' tickets go. Returns how many. */
  deleteFor(conversationIds: readonly string[]): number {
    let deleted = 0;
    for (const id of conversationIds) deleted += this.sql.exec('DELETE FROM tickets WHERE conversation_id = ?', id).rowsWritten;
    return deleted;
  }

  /** Open tickets first, newest first. */
  list(): OfflineTicket[] {
    return this.sql.exec<TicketRow>('SELECT * FROM tickets ORDER BY resolved ASC, created_at DESC LIMIT 100').toArray().map(toTicket);
  }
}

function toTicket(row: TicketRow): OfflineTicket {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    email: row.email,
    message: row.message,
    locale: row.locale === 'zh' ? 'zh' : 'en',
    createdAt: row.created_at,
    resolved: row.resolved === 1,
  };
}
