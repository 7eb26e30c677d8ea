/**
 * The Conversation's SQLite tables: the transcript (gapless seq, UNIQUE client_msg_id),
 * and internal notes (kept apart so the shopper's transcript stays gapless and never holds them).
 * The chat's other state is in its meta table (chat-record.ts).
 */
import type { AttachmentRef, Author, BotPayload, InternalNote, SystemPayload, TranscriptMessage } from '../../protocol/index.ts';

export type NewMessage = Omit<TranscriptMessage, 'seq' | 'at'>;

interface MessageRow extends Record<string, SqlStorageValue> {
  seq: number;
  at: number;
  author: string;
  text: string;
  client_msg_id: string | null;
  payload: string | null;
}

interface NoteRow extends Record<string, SqlStorageValue> {
  id: number;
  at: number;
  agent_id: string;
  agent_name: string;
  text: string;
  after_seq: number;
}

/** Told of every stored message and note (the history feed). */
export interface TranscriptListener {
  message(message: TranscriptMessage): void;
  note(note: InternalNote): void;
}

export class TranscriptStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly listener?: TranscriptListener,
  ) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS messages (
        seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, author TEXT NOT NULL, text TEXT NOT NULL,
        client_msg_id TEXT UNIQUE, payload TEXT
      );
      CREATE TABLE IF NOT EXISTS notes (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, agent_id TEXT NOT NULL, agent_name TEXT NOT NULL,
        text TEXT NOT NULL, after_seq INTEGER NOT NULL, client_msg_id TEXT UNIQUE
      );
    `);
  }

  /** Stores a message with the next seq. Inside a single-threaded object MAX+1 stays gapless. */
  insert(message: NewMessage): TranscriptMessage {
    const at = Date.now();
    const extra: { bot?: BotPayload; system?: SystemPayload; agentName?: string; attachment?: AttachmentRef } = {};
    if (message.bot) extra.bot = message.bot;
    if (message.system) extra.system = message.system;
    if (message.agentName) extra.agentName = message.agentName;
    if (message.attachment) extra.attachment = message.attachment;
    const row = this.sql
      .exec<{ seq: number }>(
        `INSERT INTO messages (seq, at, author, text, client_msg_id, payload)
         VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM messages), ?, ?, ?, ?, ?) RETURNING seq`,
        at,
        message.author,
        message.text,
        message.clientMsgId ?? null,
        Object.keys(extra).length ? JSON.stringify(extra) : null,
      )
      .one();
    const stored = { ...message, seq: row.seq, at };
    this.listener?.message(stored);
    return stored;
  }

  byClientMsgId(clientMsgId: string): TranscriptMessage | null {
    const row = this.sql.exec<MessageRow>('SELECT * FROM messages WHERE client_msg_id = ?', clientMsgId).toArray()[0];
    return row ? rowToMessage(row) : null;
  }

  bySeq(seq: number): TranscriptMessage | null {
    const row = this.sql.exec<MessageRow>('SELECT * FROM messages WHERE seq = ?', seq).toArray()[0];
    return row ? rowToMessage(row) : null;
  }

  after(seq: number): TranscriptMessage[] {
    return this.sql.exec<MessageRow>('SELECT * FROM messages WHERE seq > ? ORDER BY seq', seq).toArray().map(rowToMessage);
  }

  lastSeq(): number {
    return this.sql.exec<{ last: number }>('SELECT COALESCE(MAX(seq), 0) AS last FROM messages').one().last;
  }

  /** The newest message by `author`, if any. */
  lastBy(author: Author): TranscriptMessage | null {
    const row = this.sql.exec<MessageRow>('SELECT * FROM messages WHERE author = ? ORDER BY seq DESC LIMIT 1', author).toArray()[0];
    return row ? rowToMessage(row) : null;
  }

  /** Stores an internal note once per clientMsgId; returns the stored note and whether it was new. */
  addNote(note: { agentId: string; agentName: string; text: string; clientMsgId?: string }): { note: InternalNote; duplicate: boolean } {
    if (note.clientMsgId) {
      const existing = this.sql.exec<NoteRow>('SELECT * FROM notes WHERE client_msg_id = ?', note.clientMsgId).toArray()[0];
      if (existing) return { note: rowToNote(existing), duplicate: true };
    }
    const row = this.sql
      .exec<NoteRow>(
        'INSERT INTO notes (at, agent_id, agent_name, text, after_seq, client_msg_id) VALUES (?, ?, ?, ?, ?, ?) RETURNING *',
        Date.now(),
        note.agentId,
        note.agentName,
        note.text,
        this.lastSeq(),
        note.clientMsgId ?? null,
      )
      .one();
    const stored = rowToNote(row);
    this.listener?.note(stored);
    return { note: stored, duplicate: false };
  }

  /** Erasure: every message and note goes. */
  clear(): number {
    const count = this.lastSeq();
    this.sql.exec('DELETE FROM messages');
    this.sql.exec('DELETE FROM notes');
    return count;
  }

  notes(): InternalNote[] {
    return this.sql.exec<NoteRow>('SELECT * FROM notes ORDER BY id').toArray().map(rowToNote);
  }
}

function rowToMessage(row: MessageRow): TranscriptMessage {
  const message: TranscriptMessage = { seq: row.seq, at: row.at, author: row.author as Author, text: row.text };
  if (row.client_msg_id) message.clientMsgId = row.client_msg_id;
  if (row.payload) Object.assign(message, JSON.parse(row.payload) as Partial<TranscriptMessage>);
  return message;
}

function rowToNote(row: NoteRow): InternalNote {
  return { id: row.id, at: row.at, agentId: row.agent_id, agentName: row.agent_name, text: row.text, afterSeq: row.after_seq };
}
