/**
 * The ticket tables: `tickets` (one row per work order), `ticket_comments` (agents' internal
 * comments and the shopper's messages) and `ticket_activity` (who changed what, when).
 *
 * `tickets` began as the offline form's list (id, conversation, e-mail, message, resolved); the
 * columns added since are added here to old storage too (ALTER TABLE), and an old row reads as
 * an offline ticket of kind question, open or (if it was resolved) solved, due a day after it came.
 */
import type { TicketActivity, TicketComment, TicketKind, TicketPriority, TicketStatus } from '../../protocol/tickets.ts';

export interface TicketRow extends Record<string, SqlStorageValue> {
  id: number;
  conversation_id: string;
  email: string;
  message: string;
  locale: string;
  created_at: number;
  resolved: number;
  title: string;
  kind: string;
  team: string | null;
  status: string;
  priority: string;
  assignee_id: string | null;
  source: string;
  due_at: number;
  updated_at: number;
}

interface CommentRow extends Record<string, SqlStorageValue> {
  id: number;
  ticket_id: number;
  at: number;
  author: string;
  agent_id: string | null;
  agent_name: string | null;
  text: string;
}

interface ActivityRow extends Record<string, SqlStorageValue> {
  id: number;
  ticket_id: number;
  at: number;
  actor: string;
  actor_name: string | null;
  action: string;
  from_value: string | null;
  to_value: string | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Columns added after the first version of the table: name and DDL type (with the default old rows get). */
const ADDED_COLUMNS: [string, string][] = [
  ['title', "TEXT NOT NULL DEFAULT ''"],
  ['kind', "TEXT NOT NULL DEFAULT 'question'"],
  ['team', 'TEXT'],
  ['status', "TEXT NOT NULL DEFAULT 'open'"],
  ['priority', "TEXT NOT NULL DEFAULT 'normal'"],
  ['assignee_id', 'TEXT'],
  ['source', "TEXT NOT NULL DEFAULT 'offline'"],
  ['due_at', 'INTEGER'],
  ['updated_at', 'INTEGER'],
];

export interface NewTicket {
  conversationId: string;
  email: string;
  message: string;
  locale: 'en' | 'zh';
  title: string;
  kind: TicketKind;
  team: string | null;
  priority: TicketPriority;
  assigneeId: string | null;
  source: 'offline' | 'chat';
  dueAt: number;
}

export class Tickets {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS tickets (
        id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id TEXT NOT NULL, email TEXT NOT NULL,
        message TEXT NOT NULL, locale TEXT NOT NULL, created_at INTEGER NOT NULL, resolved INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE IF NOT EXISTS ticket_comments (
        id INTEGER PRIMARY KEY AUTOINCREMENT, ticket_id INTEGER NOT NULL, at INTEGER NOT NULL, author TEXT NOT NULL,
        agent_id TEXT, agent_name TEXT, text TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS ticket_comments_by_ticket ON ticket_comments (ticket_id, id);
      CREATE TABLE IF NOT EXISTS ticket_activity (
        id INTEGER PRIMARY KEY AUTOINCREMENT, ticket_id INTEGER NOT NULL, at INTEGER NOT NULL, actor TEXT NOT NULL,
        actor_name TEXT, action TEXT NOT NULL, from_value TEXT, to_value TEXT
      );
      CREATE INDEX IF NOT EXISTS ticket_activity_by_ticket ON ticket_activity (ticket_id, id);
    `);
    this.migrate();
    sql.exec(`
      CREATE INDEX IF NOT EXISTS tickets_by_conversation ON tickets (conversation_id);
      CREATE INDEX IF NOT EXISTS tickets_by_due ON tickets (status, due_at);
    `);
  }

  /** Brings a table from before work orders up to date; a no-op once done. */
  private migrate(): void {
    const have = new Set(
      this.sql
        .exec<{ name: string }>("SELECT name FROM pragma_table_info('tickets')")
        .toArray()
        .map((row) => row.name),
    );
    const missing = ADDED_COLUMNS.filter(([name]) => !have.has(name));
    if (missing.length === 0) return;
    for (const [name, type] of missing) this.sql.exec(`ALTER TABLE tickets ADD COLUMN ${name} ${type}`);
    this.sql.exec(`
      UPDATE tickets SET status = 'solved' WHERE resolved = 1;
      UPDATE tickets SET title = substr(message, 1, 80) WHERE title = '';
      UPDATE tickets SET due_at = created_at + ${DAY_MS} WHERE due_at IS NULL;
      UPDATE tickets SET updated_at = created_at WHERE updated_at IS NULL;
    `);
  }

  create(ticket: NewTicket, now: number): number {
    return this.sql
      .exec<{ id: number }>(
        `INSERT INTO tickets (conversation_id, email, message, locale, created_at, title, kind, team, priority, assignee_id, source, due_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        ticket.conversationId,
        ticket.email,
        ticket.message,
        ticket.locale,
        now,
        ticket.title,
        ticket.kind,
        ticket.team,
        ticket.priority,
        ticket.assigneeId,
        ticket.source,
        ticket.dueAt,
        now,
      )
      .one().id;
  }

  get(id: number): TicketRow | null {
    return this.sql.exec<TicketRow>('SELECT * FROM tickets WHERE id = ?', id).toArray()[0] ?? null;
  }

  /** Changes the named fields; `resolved` follows the status for the reports of old. */
  set(
    id: number,
    fields: { status?: TicketStatus; priority?: TicketPriority; kind?: TicketKind; assignee_id?: string | null; due_at?: number },
    now: number,
  ): void {
    const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
    if (fields.status) entries.push(['resolved', fields.status === 'solved' ? 1 : 0]);
    entries.push(['updated_at', now]);
    this.sql.exec(`UPDATE tickets SET ${entries.map(([column]) => `${column} = ?`).join(', ')} WHERE id = ?`, ...entries.map(([, value]) => value ?? null), id);
  }

  /** Unsolved first, overdue (earliest due) on top; then solved, latest first. */
  list(filter: { status?: TicketStatus | 'unsolved' | 'all'; assigneeId?: string | null; conversationId?: string } = {}, limit = 200): TicketRow[] {
    const where: string[] = [];
    const args: SqlStorageValue[] = [];
    const add = (clause: string, ...values: SqlStorageValue[]) => {
      where.push(clause);
      args.push(...values);
    };
    if (filter.status === 'unsolved') add("status != 'solved'");
    else if (filter.status && filter.status !== 'all') add('status = ?', filter.status);
    if (filter.assigneeId === null) add('assignee_id IS NULL');
    else if (filter.assigneeId) add('assignee_id = ?', filter.assigneeId);
    if (filter.conversationId) add('conversation_id = ?', filter.conversationId);
    return this.sql
      .exec<TicketRow>(
        `SELECT * FROM tickets ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY status = 'solved', CASE WHEN status = 'solved' THEN -updated_at ELSE due_at END, id LIMIT ?`,
        ...args,
        limit,
      )
      .toArray();
  }

  /** Unsolved tickets due in [from, to). */
  countDueBetween(from: number, to: number): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM tickets WHERE status != 'solved' AND due_at >= ? AND due_at < ?", from, to).one().n;
  }

  addComment(ticketId: number, comment: { author: 'agent' | 'shopper'; agentId?: string; agentName?: string; text: string }, now: number): void {
    this.sql.exec(
      'INSERT INTO ticket_comments (ticket_id, at, author, agent_id, agent_name, text) VALUES (?, ?, ?, ?, ?, ?)',
      ticketId,
      now,
      comment.author,
      comment.agentId ?? null,
      comment.agentName ?? null,
      comment.text,
    );
  }

  log(
    ticketId: number,
    entry: { actor: string; actorName?: string | null; action: TicketActivity['action']; from?: string | null; to?: string | null },
    now: number,
  ): void {
    this.sql.exec(
      'INSERT INTO ticket_activity (ticket_id, at, actor, actor_name, action, from_value, to_value) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ticketId,
      now,
      entry.actor,
      entry.actorName ?? null,
      entry.action,
      entry.from ?? null,
      entry.to ?? null,
    );
  }

  comments(ticketId: number, author?: 'shopper'): TicketComment[] {
    const rows = author
      ? this.sql.exec<CommentRow>('SELECT * FROM ticket_comments WHERE ticket_id = ? AND author = ? ORDER BY id', ticketId, author)
      : this.sql.exec<CommentRow>('SELECT * FROM ticket_comments WHERE ticket_id = ? ORDER BY id', ticketId);
    return rows.toArray().map((row) => ({
      id: row.id,
      at: row.at,
      author: row.author === 'shopper' ? 'shopper' : 'agent',
      agentId: row.agent_id,
      agentName: row.agent_name,
      text: row.text,
    }));
  }

  activity(ticketId: number): TicketActivity[] {
    return this.sql
      .exec<ActivityRow>('SELECT * FROM ticket_activity WHERE ticket_id = ? ORDER BY id', ticketId)
      .toArray()
      .map((row) => ({
        id: row.id,
        at: row.at,
        actor: row.actor,
        actorName: row.actor_name,
        action: row.action as TicketActivity['action'],
        from: row.from_value,
        to: row.to_value,
      }));
  }

  forConversations(conversationIds: readonly string[]): TicketRow[] {
    return conversationIds.flatMap((id) => this.sql.exec<TicketRow>('SELECT * FROM tickets WHERE conversation_id = ? ORDER BY id', id).toArray());
  }

  /** Erasure: the chats' tickets go, with their comments and activity. Returns how many tickets. */
  deleteFor(conversationIds: readonly string[]): number {
    let deleted = 0;
    for (const row of this.forConversations(conversationIds)) {
      this.sql.exec('DELETE FROM ticket_comments WHERE ticket_id = ?', row.id);
      this.sql.exec('DELETE FROM ticket_activity WHERE ticket_id = ?', row.id);
      deleted += this.sql.exec('DELETE FROM tickets WHERE id = ?', row.id).rowsWritten;
    }
    return deleted;
  }
}
