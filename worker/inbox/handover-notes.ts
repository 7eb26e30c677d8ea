/**
 * Shift handover notes (交班日记): agents write notes for the next shift. At login the console
 * shows the notes written since the reader's previous session, unread first. Searchable; kept for
 * the site's retention (90 days by default), pruned when notes are written or read.
 */
import type { HandoverNote } from '../../protocol/reports.ts';

const DAY_MS = 86_400_000;

interface NoteRow extends Record<string, SqlStorageValue> {
  id: number;
  author_id: string;
  text: string;
  created_at: number;
  read: number;
}

export class HandoverNotes {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS handover_notes (
        id INTEGER PRIMARY KEY AUTOINCREMENT, author_id TEXT NOT NULL, text TEXT NOT NULL, created_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS handover_notes_created ON handover_notes (created_at);
      CREATE TABLE IF NOT EXISTS handover_reads (agent_id TEXT NOT NULL, note_id INTEGER NOT NULL, PRIMARY KEY (agent_id, note_id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS agent_sessions (agent_id TEXT PRIMARY KEY, current_at INTEGER NOT NULL, previous_at INTEGER);
    `);
  }

  /** A login: the session before this one becomes "the last session". */
  sessionStarted(agentId: string, at: number): void {
    this.sql.exec(
      `INSERT INTO agent_sessions (agent_id, current_at, previous_at) VALUES (?, ?, NULL)
       ON CONFLICT(agent_id) DO UPDATE SET previous_at = current_at, current_at = excluded.current_at`,
      agentId,
      at,
    );
  }

  /** When the agent's previous session began (null before their second login). */
  lastSession(agentId: string): number | null {
    return (
      this.sql.exec<{ previous_at: number | null }>('SELECT previous_at FROM agent_sessions WHERE agent_id = ?', agentId).toArray()[0]?.previous_at ?? null
    );
  }

  write(authorId: string, text: string, at: number, retentionDays: number): number {
    this.prune(at, retentionDays);
    const row = this.sql
      .exec<{ id: number }>('INSERT INTO handover_notes (author_id, text, created_at) VALUES (?, ?, ?) RETURNING id', authorId, text, at)
      .one();
    // The author has read their own note.
    this.sql.exec('INSERT OR IGNORE INTO handover_reads (agent_id, note_id) VALUES (?, ?)', authorId, row.id);
    return row.id;
  }

  /**
   * The reader's view. `sinceLastSession`: notes by others written since their previous session began (all
   * notes on a first login), unread first, newest first within each. `query`: words the text must contain.
   */
  list(
    readerId: string,
    options: { query?: string; sinceLastSession: boolean; now: number; retentionDays: number },
    names: Map<string, string>,
  ): HandoverNote[] {
    const since = options.sinceLastSession ? (this.lastSession(readerId) ?? 0) : 0;
    const oldest = Math.max(since, options.now - options.retentionDays * DAY_MS);
    const words = (options.query ?? '').split(/\s+/).filter(Boolean).slice(0, 8);
    // LIKE with the wildcards escaped: the search is for the words as typed.
    const filters = words.map(() => "AND n.text LIKE ? ESCAPE '\\'").join(' ');
    const patterns = words.map((word) => `%${word.replace(/[\\%_]/g, (char) => `\\${char}`)}%`);
    return this.sql
      .exec<NoteRow>(
        `SELECT n.id, n.author_id, n.text, n.created_at, (r.note_id IS NOT NULL) AS read
         FROM handover_notes n LEFT JOIN handover_reads r ON r.note_id = n.id AND r.agent_id = ?
         WHERE n.created_at >= ? ${options.sinceLastSession ? 'AND n.author_id != ?' : ''} ${filters}
         ORDER BY ${options.sinceLastSession ? 'read ASC,' : ''} n.created_at DESC, n.id DESC LIMIT 200`,
        readerId,
        oldest,
        ...(options.sinceLastSession ? [readerId] : []),
        ...patterns,
      )
      .toArray()
      .map((row) => ({
        id: row.id,
        authorId: row.author_id,
        authorName: names.get(row.author_id) ?? 'A former agent',
        text: row.text,
        createdAt: row.created_at,
        read: row.read === 1,
      }));
  }

  markRead(readerId: string, noteIds: number[]): void {
    for (const id of noteIds)
      this.sql.exec('INSERT OR IGNORE INTO handover_reads (agent_id, note_id) SELECT ?, id FROM handover_notes WHERE id = ?', readerId, id);
  }

  private prune(now: number, retentionDays: number): void {
    const cutoff = now - retentionDays * DAY_MS;
    this.sql.exec('DELETE FROM handover_reads WHERE note_id IN (SELECT id FROM handover_notes WHERE created_at < ?)', cutoff);
    this.sql.exec('DELETE FROM handover_notes WHERE created_at < ?', cutoff);
  }
}
