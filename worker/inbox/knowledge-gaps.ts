/**
 * The `gaps` table: questions the knowledge base could not answer, counted per normalised
 * wording, so owners see what to write next (the console's Gaps page).
 */
export interface KnowledgeGap {
  id: string;
  locale: string;
  question: string;
  count: number;
  reason: string;
  lastAsked: number;
}

export class KnowledgeGaps {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS gaps (
        locale TEXT NOT NULL, question TEXT NOT NULL, count INTEGER NOT NULL, reason TEXT NOT NULL,
        first_asked INTEGER NOT NULL, last_asked INTEGER NOT NULL, PRIMARY KEY (locale, question)
      );
    `);
  }

  record(gap: { locale: 'en' | 'zh'; question: string; reason: string }, now: number): void {
    const question = gap.question.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim().slice(0, 500);
    if (!question) return;
    this.sql.exec(
      `INSERT INTO gaps (locale, question, count, reason, first_asked, last_asked) VALUES (?, ?, 1, ?, ?, ?)
       ON CONFLICT(locale, question) DO UPDATE SET count = count + 1, reason = excluded.reason, last_asked = excluded.last_asked`,
      gap.locale,
      question,
      gap.reason,
      now,
      now,
    );
  }

  top(limit: number): KnowledgeGap[] {
    return this.sql
      .exec<{ id: number; locale: string; question: string; count: number; reason: string; last_asked: number }>(
        'SELECT rowid AS id, locale, question, count, reason, last_asked FROM gaps ORDER BY count DESC, last_asked DESC LIMIT ?',
        limit,
      )
      .toArray()
      .map((row) => ({ id: String(row.id), locale: row.locale, question: row.question, count: row.count, reason: row.reason, lastAsked: row.last_asked }));
  }

  get(id: number): { locale: 'en' | 'zh'; question: string } | null {
    const row = this.sql.exec<{ locale: string; question: string }>('SELECT locale, question FROM gaps WHERE rowid = ?', id).toArray()[0];
    return row ? { locale: row.locale === 'zh' ? 'zh' : 'en', question: row.question } : null;
  }

  /** The question is now an example question of an article: it leaves the list (asked again, it comes back). */
  remove(id: number): void {
    this.sql.exec('DELETE FROM gaps WHERE rowid = ?', id);
  }
}
