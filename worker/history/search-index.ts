/**
 * Full-text search over the site's transcripts, internal notes and shoppers' names and e-mails:
 * one FTS5 table (unicode61; Chinese spaced per character at write time, see search-text.ts).
 * The original text is kept beside the indexed form for snippets.
 *
 * Messages and notes are queued (a plain table, so nothing is lost) and indexed in batches by
 * indexQueued(): FTS5 writes one segment per transaction and merges segments as they pile up, so
 * one transaction per chat message (a hundred a second under load) made merges frequent and,
 * now and then, long enough to stall every object of the runtime (issue 16: p99 of 2-3 s at
 * 1,000 shoppers); a batch a second keeps them rare and small.
 */
import type { ConversationListItem, SearchHit } from '../../protocol/index.ts';
import type { HistoryMessage, HistoryNote } from './history-types.ts';
import { indexText, matchExpression, queryTerms, snippetOf } from './search-text.ts';

/** Documents indexed per transaction at most (a backlog is worked off in several). */
const INDEX_BATCH_LIMIT = 2000;

interface QueuedRow extends Record<string, SqlStorageValue> {
  id: number;
  conversation_id: string;
  seq: number | null;
  kind: string;
  at: number;
  text: string;
}

interface DocRow extends Record<string, SqlStorageValue> {
  conversation_id: string;
  seq: number | null;
  kind: string;
  at: number;
  text: string;
}

export class SearchIndex {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE VIRTUAL TABLE IF NOT EXISTS search_docs USING fts5(
        body, conversation_id UNINDEXED, seq UNINDEXED, kind UNINDEXED, at UNINDEXED, text UNINDEXED,
        tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE TABLE IF NOT EXISTS search_queue (
        id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id TEXT NOT NULL, seq INTEGER, kind TEXT NOT NULL, at INTEGER NOT NULL, text TEXT NOT NULL
      );
    `);
  }

  queueMessages(conversationId: string, messages: readonly HistoryMessage[]): void {
    for (const message of messages) this.queue(conversationId, message.seq, 'message', message.at, message.text);
  }

  /** Notes are found like messages, and open the conversation at the message they follow. */
  queueNotes(conversationId: string, notes: readonly HistoryNote[]): void {
    for (const note of notes) this.queue(conversationId, note.afterSeq || null, 'note', note.at, note.text);
  }

  /** Indexes the oldest queued documents (call inside a transaction). Returns how many are still queued. */
  indexQueued(): number {
    const rows = this.sql.exec<QueuedRow>('SELECT * FROM search_queue ORDER BY id LIMIT ?', INDEX_BATCH_LIMIT).toArray();
    for (const row of rows) this.add(row.conversation_id, row.seq, row.kind, row.at, row.text);
    if (rows.length > 0) this.sql.exec('DELETE FROM search_queue WHERE id <= ?', rows.at(-1)!.id);
    return this.queued();
  }

  queued(): number {
    return this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM search_queue').one().n;
  }

  /** The shopper's name and e-mail as one document; `previous` (its rowid) is replaced. Returns the new rowid. */
  replaceShopper(conversationId: string, previous: number | null, shopper: { name?: string; email?: string }, at: number): number | null {
    if (previous !== null) this.sql.exec('DELETE FROM search_docs WHERE rowid = ?', previous);
    const text = [shopper.name, shopper.email].filter(Boolean).join(' · ');
    return text ? this.add(conversationId, null, 'shopper', at, text) : null;
  }

  /**
   * The best matches, most relevant first (FTS5's bm25), at most `limit`. `items` supplies each
   * conversation's list entry. An empty result when nothing searchable was typed.
   */
  search(query: string, limit: number, items: (ids: string[]) => Map<string, ConversationListItem>): SearchHit[] {
    const terms = queryTerms(query);
    const match = matchExpression(terms);
    if (!match) return [];
    const rows = this.sql
      .exec<DocRow>('SELECT conversation_id, seq, kind, at, text FROM search_docs WHERE search_docs MATCH ? ORDER BY rank LIMIT ?', match, limit)
      .toArray();
    const conversations = items(rows.map((row) => row.conversation_id));
    return rows.flatMap((row) => {
      const conversation = conversations.get(row.conversation_id);
      if (!conversation) return [];
      const kind = row.kind === 'note' ? 'note' : row.kind === 'shopper' ? 'shopper' : 'message';
      return [{ conversationId: row.conversation_id, seq: row.seq, kind, at: row.at, snippet: snippetOf(row.text, terms), conversation } satisfies SearchHit];
    });
  }

  /** Erasure: every document of the chat (and of its later conversations `#n`). */
  erase(chatId: string): void {
    this.sql.exec("DELETE FROM search_docs WHERE conversation_id = ? OR conversation_id LIKE ? || '#%'", chatId, chatId);
    this.sql.exec("DELETE FROM search_queue WHERE conversation_id = ? OR conversation_id LIKE ? || '#%'", chatId, chatId);
  }

  private queue(conversationId: string, seq: number | null, kind: string, at: number, text: string): void {
    this.sql.exec('INSERT INTO search_queue (conversation_id, seq, kind, at, text) VALUES (?, ?, ?, ?, ?)', conversationId, seq, kind, at, text);
  }

  private add(conversationId: string, seq: number | null, kind: string, at: number, text: string): number {
    return this.sql
      .exec<{ id: number }>(
        'INSERT INTO search_docs (body, conversation_id, seq, kind, at, text) VALUES (?, ?, ?, ?, ?, ?) RETURNING rowid AS id',
        indexText(text),
        conversationId,
        seq,
        kind,
        at,
        text,
      )
      .one().id;
  }
}
