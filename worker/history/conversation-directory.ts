/**
 * The `conversations` table: one row per conversation of the site, bot-only ones included, kept
 * fresh by the Conversations themselves (history-feed.ts), with the site's labels on them. The
 * list is read newest activity first, a page at a time by keyset (updated_at, id).
 */
import type { ConversationFilter, ConversationListItem, ConversationState, HandoffReason } from '../../protocol/index.ts';
import type { HistoryConversation, HistoryMessage } from './history-types.ts';

interface ConversationRow extends Record<string, SqlStorageValue> {
  id: string;
  state: string;
  started_at: number;
  updated_at: number;
  locale: string;
  shopper_name: string | null;
  shopper_email: string | null;
  user_id: string | null;
  verified: number;
  browser_key: string;
  assignee_id: string | null;
  assignee_name: string | null;
  handoff_reason: string | null;
  rating: number | null;
  labels: string;
  last_message: string;
  message_count: number;
  previous_id: string | null;
  indexed_seq: number;
  indexed_note: number;
  shopper_doc: number | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** `<id>#<n>` → `<id>`: the chat (Conversation object) a history conversation belongs to. */
export const baseId = (id: string) => id.split('#')[0]!;
/** How much of the last message the list shows. */
const LAST_MESSAGE_CHARS = 200;

export class ConversationDirectory {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS conversations (
        id TEXT PRIMARY KEY, state TEXT NOT NULL, started_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
        locale TEXT NOT NULL, shopper_name TEXT, shopper_email TEXT, user_id TEXT, verified INTEGER NOT NULL DEFAULT 0,
        browser_key TEXT NOT NULL, assignee_id TEXT, assignee_name TEXT, handoff_reason TEXT, rating INTEGER,
        labels TEXT NOT NULL DEFAULT '[]', last_message TEXT NOT NULL DEFAULT '', message_count INTEGER NOT NULL DEFAULT 0,
        previous_id TEXT, indexed_seq INTEGER NOT NULL DEFAULT 0, indexed_note INTEGER NOT NULL DEFAULT 0, shopper_doc INTEGER
      );
      CREATE INDEX IF NOT EXISTS conversations_by_activity ON conversations (updated_at DESC, id DESC);
      CREATE INDEX IF NOT EXISTS conversations_by_user ON conversations (user_id) WHERE user_id IS NOT NULL;
      CREATE INDEX IF NOT EXISTS conversations_by_browser ON conversations (browser_key);
      CREATE TABLE IF NOT EXISTS conversation_labels (
        conversation_id TEXT NOT NULL, label TEXT NOT NULL COLLATE NOCASE, PRIMARY KEY (conversation_id, label)
      );
    `);
  }

  get(id: string): ConversationRow | undefined {
    return this.sql.exec<ConversationRow>('SELECT * FROM conversations WHERE id = ?', id).toArray()[0];
  }

  /** Stores what the Conversation reports; labels and the index marks stay as they are. */
  upsert(conversation: HistoryConversation, newMessages: readonly HistoryMessage[]): void {
    const last = newMessages.at(-1);
    const c = conversation;
    this.sql.exec(
      `INSERT INTO conversations (id, state, started_at, updated_at, locale, shopper_name, shopper_email, user_id, verified, browser_key,
         assignee_id, assignee_name, handoff_reason, rating, last_message, message_count, previous_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET state = excluded.state, updated_at = MAX(updated_at, excluded.updated_at), locale = excluded.locale,
         shopper_name = excluded.shopper_name, shopper_email = excluded.shopper_email, user_id = excluded.user_id, verified = excluded.verified,
         assignee_id = excluded.assignee_id, assignee_name = excluded.assignee_name, handoff_reason = excluded.handoff_reason,
         rating = excluded.rating, last_message = CASE WHEN ? THEN excluded.last_message ELSE last_message END,
         message_count = message_count + ?`,
      c.id,
      c.state,
      c.startedAt,
      c.updatedAt,
      c.locale,
      c.shopper.name ?? null,
      c.shopper.email ?? null,
      c.shopper.userId ?? null,
      c.shopper.verified ? 1 : 0,
      c.browserKey,
      c.assignee?.id ?? null,
      c.assignee?.name ?? null,
      c.handoffReason,
      c.rating,
      last ? last.text.slice(0, LAST_MESSAGE_CHARS) : '',
      newMessages.length,
      c.previousId,
      last ? 1 : 0,
      newMessages.length,
    );
  }

  markIndexed(id: string, seq: number, note: number, shopperDoc: number | null): void {
    this.sql.exec(
      'UPDATE conversations SET indexed_seq = MAX(indexed_seq, ?), indexed_note = MAX(indexed_note, ?), shopper_doc = ? WHERE id = ?',
      seq,
      note,
      shopperDoc,
      id,
    );
  }

  setLabels(id: string, labels: readonly string[]): boolean {
    if (!this.get(id)) return false;
    this.sql.exec('UPDATE conversations SET labels = ? WHERE id = ?', JSON.stringify(labels), id);
    this.sql.exec('DELETE FROM conversation_labels WHERE conversation_id = ?', id);
    for (const label of labels) this.sql.exec('INSERT OR IGNORE INTO conversation_labels (conversation_id, label) VALUES (?, ?)', id, label);
    return true;
  }

  /** One page of the list, newest activity first; every filter combines (AND). */
  list(filter: ConversationFilter): { items: ConversationListItem[]; nextCursor: string | null } {
    const where: string[] = [];
    const bindings: SqlStorageValue[] = [];
    const add = (clause: string, ...values: SqlStorageValue[]) => {
      where.push(clause);
      bindings.push(...values);
    };
    if (filter.state) add('state = ?', filter.state);
    if (filter.assignee === 'none') add('assignee_id IS NULL');
    else if (filter.assignee) add('assignee_id = ?', filter.assignee);
    if (filter.label) add('EXISTS (SELECT 1 FROM conversation_labels l WHERE l.conversation_id = conversations.id AND l.label = ?)', filter.label);
    if (filter.reason) add('handoff_reason = ?', filter.reason);
    if (filter.rating) add('rating = ?', filter.rating);
    if (filter.locale) add('locale = ?', filter.locale);
    if (filter.from) add('updated_at >= ?', Date.parse(`${filter.from}T00:00:00Z`));
    if (filter.to) add('updated_at < ?', Date.parse(`${filter.to}T00:00:00Z`) + DAY_MS);
    if (filter.cursor) {
      const split = filter.cursor.indexOf('_');
      const at = Number(filter.cursor.slice(0, split));
      add('(updated_at < ? OR (updated_at = ? AND id < ?))', at, at, filter.cursor.slice(split + 1));
    }
    const rows = this.sql
      .exec<ConversationRow>(
        `SELECT * FROM conversations ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY updated_at DESC, id DESC LIMIT ?`,
        ...bindings,
        filter.limit + 1,
      )
      .toArray();
    const page = rows.slice(0, filter.limit);
    const last = page.at(-1);
    return { items: page.map(toItem), nextCursor: rows.length > filter.limit && last ? `${last.updated_at}_${last.id}` : null };
  }

  /** The same shopper's conversations: the same verified user id, or the same browser. Newest first. */
  timeline(id: string, limit = 50): ConversationListItem[] {
    const row = this.get(id);
    if (!row) return [];
    const byUser = row.verified === 1 && row.user_id ? row.user_id : null;
    return this.sql
      .exec<ConversationRow>(
        'SELECT * FROM conversations WHERE browser_key = ? OR (verified = 1 AND user_id = ?) ORDER BY started_at DESC, id DESC LIMIT ?',
        row.browser_key,
        byUser,
        limit,
      )
      .toArray()
      .map(toItem);
  }

  /** The chats (base ids, without `#n`) a shopper had: by the shop's user id, or by e-mail. */
  findChats(subject: { userId?: string; email?: string }): string[] {
    const rows = subject.userId
      ? this.sql.exec<{ id: string }>('SELECT id FROM conversations WHERE user_id = ?', subject.userId).toArray()
      : subject.email
        ? this.sql.exec<{ id: string }>('SELECT id FROM conversations WHERE lower(shopper_email) = ?', subject.email.toLowerCase()).toArray()
        : [];
    return [...new Set(rows.map((row) => baseId(row.id)))];
  }

  /** Chats (base ids) whose last activity, in every conversation they started, is before `cutoff`. */
  idleSince(cutoff: number): string[] {
    const rows = this.sql.exec<{ id: string; last: number }>('SELECT id, updated_at AS last FROM conversations').toArray();
    const latest = new Map<string, number>();
    for (const row of rows) latest.set(baseId(row.id), Math.max(latest.get(baseId(row.id)) ?? 0, row.last));
    return [...latest].filter(([, last]) => last < cutoff).map(([id]) => id);
  }

  /** Erasure: the chat's rows (every `#n` too) and labels go. */
  erase(chatId: string): void {
    this.sql.exec("DELETE FROM conversation_labels WHERE conversation_id = ? OR conversation_id LIKE ? || '#%'", chatId, chatId);
    this.sql.exec("DELETE FROM conversations WHERE id = ? OR id LIKE ? || '#%'", chatId, chatId);
  }

  items(ids: readonly string[]): Map<string, ConversationListItem> {
    const found = new Map<string, ConversationListItem>();
    for (const id of new Set(ids)) {
      const row = this.get(id);
      if (row) found.set(id, toItem(row));
    }
    return found;
  }
}

function toItem(row: ConversationRow): ConversationListItem {
  return {
    conversationId: row.id,
    state: row.state as ConversationState,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    locale: row.locale === 'zh' ? 'zh' : 'en',
    shopper: {
      name: row.shopper_name ?? undefined,
      email: row.shopper_email ?? undefined,
      userId: row.user_id ?? undefined,
      verified: row.verified === 1 || undefined,
    },
    assignee: row.assignee_id ? { id: row.assignee_id, name: row.assignee_name ?? 'Agent' } : null,
    handoffReason: (row.handoff_reason as HandoffReason | null) ?? null,
    rating: row.rating,
    labels: JSON.parse(row.labels) as string[],
    lastMessage: row.last_message,
    messageCount: row.message_count,
    previousId: row.previous_id,
  };
}
