/**
 * Full-text search over the site's transcripts, internal notes and shoppers' names and e-mails:
 * one FTS5 table (unicode61; Chinese spaced per character at write time, see search-text.ts).
 * The original text is kept beside the indexed form for snippets.
 */
import type { ConversationListItem, SearchHit } from '../../protocol/index.ts';
import type { HistoryMessage, HistoryNote } from './history-types.ts';
import { indexText, matchExpression, queryTerms, snippetOf } from './search-text.ts';

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
    `);
  }

  addMessages(conversationId: string, messages: readonly HistoryMessage[]): void {
    for (const message of messages) this.add(conversationId, message.seq, 'message', message.at, message.text);
  }

  /** Notes are found like messages, and open the conversation at the message they follow. */
  addNotes(conversationId: string, notes: readonly HistoryNote[]): void {
    for (const note of notes) this.add(conversationId, note.afterSeq || null, 'note', note.at, note.text);
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
