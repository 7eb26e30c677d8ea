/**
 * SQLite tables of one site's catalog: settings and the site version, articles (draft and
 * published content), the last versions of each article, the compiled indexes in chunks, and
 * proposed example questions. Synchronous and transaction-free: SiteCatalog groups the writes
 * of one operation in ctx.storage.transactionSync so a failure leaves the old state serving.
 */
import type { ArticleContent, ArticleSource, ArticleStatus } from '../../protocol/site-admin.ts';
import type { SiteConfig } from '../../protocol/site-config.ts';
import type { Locale } from '../bot/text.ts';

/**
 * Durable Object SQLite values must stay under 2 MB; a compiled index of a 1,000-article site is
 * several MB of JSON, so it is stored as UTF-8 chunks of this many bytes.
 */
export const INDEX_CHUNK_BYTES = 512 * 1024;

export interface ArticleRecord {
  locale: Locale;
  id: string;
  draft: ArticleContent;
  revision: number;
  published: ArticleContent | null;
  publishedRevision: number | null;
  status: ArticleStatus;
  updatedAt: number;
  updatedBy: string;
}

interface ArticleRow extends Record<string, SqlStorageValue> {
  locale: string;
  id: string;
  draft: string;
  revision: number;
  published: string | null;
  published_revision: number | null;
  status: string;
  updated_at: number;
  updated_by: string;
}

export interface VersionRecord {
  revision: number;
  content: ArticleContent;
  savedAt: number;
  savedBy: string;
  published: boolean;
}

export interface ProposalRecord {
  id: number;
  locale: Locale;
  articleId: string;
  question: string;
  count: number;
  lastSeen: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS catalog_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS articles (
    locale TEXT NOT NULL, id TEXT NOT NULL, draft TEXT NOT NULL, revision INTEGER NOT NULL,
    published TEXT, published_revision INTEGER, status TEXT NOT NULL,
    updated_at INTEGER NOT NULL, updated_by TEXT NOT NULL, PRIMARY KEY (locale, id)
  );
  CREATE TABLE IF NOT EXISTS article_versions (
    locale TEXT NOT NULL, id TEXT NOT NULL, revision INTEGER NOT NULL, content TEXT NOT NULL,
    saved_at INTEGER NOT NULL, saved_by TEXT NOT NULL, published INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (locale, id, revision)
  );
  CREATE TABLE IF NOT EXISTS index_chunks (
    locale TEXT NOT NULL, seq INTEGER NOT NULL, version INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (locale, seq)
  );
  CREATE TABLE IF NOT EXISTS proposals (
    id INTEGER PRIMARY KEY AUTOINCREMENT, locale TEXT NOT NULL, article_id TEXT NOT NULL, question TEXT NOT NULL,
    count INTEGER NOT NULL, last_seen INTEGER NOT NULL, UNIQUE (locale, article_id, question)
  );
`;

export class CatalogStore {
  private schemaReady = false;

  constructor(private readonly sql: SqlStorage) {}

  /**
   * Tables are created on the first write only: the Worker asks this object about any site id a
   * request names, and a lookup of an unknown id must not leave storage behind.
   */
  ensureSchema(): void {
    if (this.schemaReady) return;
    this.sql.exec(SCHEMA);
    this.schemaReady = true;
  }

  private hasSchema(): boolean {
    if (this.schemaReady) return true;
    const found = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'catalog_meta'").one().n > 0;
    if (found) this.schemaReady = true;
    return found;
  }

  // ---- settings and version ---------------------------------------------------------------

  private meta(key: string): string | null {
    if (!this.hasSchema()) return null;
    return this.sql.exec<{ value: string }>('SELECT value FROM catalog_meta WHERE key = ?', key).toArray()[0]?.value ?? null;
  }

  private setMeta(key: string, value: string): void {
    this.ensureSchema();
    this.sql.exec('INSERT INTO catalog_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', key, value);
  }

  /** 0 for a site that does not exist. */
  version(): number {
    return Number(this.meta('version') ?? 0);
  }

  /** The next version; call inside the operation's transaction. */
  bumpVersion(): number {
    const next = this.version() + 1;
    this.setMeta('version', String(next));
    return next;
  }

  settings(): SiteConfig | null {
    const raw = this.meta('settings');
    return raw ? (JSON.parse(raw) as SiteConfig) : null;
  }

  setSettings(settings: SiteConfig): void {
    this.setMeta('settings', JSON.stringify(settings));
  }

  // ---- articles ---------------------------------------------------------------------------

  article(locale: string, id: string): ArticleRecord | null {
    if (!this.hasSchema()) return null;
    const row = this.sql.exec<ArticleRow>('SELECT * FROM articles WHERE locale = ? AND id = ?', locale, id).toArray()[0];
    return row ? toRecord(row) : null;
  }

  articles(locale?: string): ArticleRecord[] {
    if (!this.hasSchema()) return [];
    const rows = locale
      ? this.sql.exec<ArticleRow>('SELECT * FROM articles WHERE locale = ? ORDER BY locale, id', locale)
      : this.sql.exec<ArticleRow>('SELECT * FROM articles ORDER BY locale, id');
    return rows.toArray().map(toRecord);
  }

  articleCount(): number {
    if (!this.hasSchema()) return 0;
    return this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM articles').one().n;
  }

  /** What the widget serves: the published content of every published article. */
  publishedSources(locale?: string): ArticleSource[] {
    return this.articles(locale).flatMap((a) => (a.status === 'published' && a.published ? [{ ...a.published, id: a.id, locale: a.locale }] : []));
  }

  putArticle(record: ArticleRecord): void {
    this.ensureSchema();
    this.sql.exec(
      `INSERT INTO articles (locale, id, draft, revision, published, published_revision, status, updated_at, updated_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(locale, id) DO UPDATE SET draft = excluded.draft, revision = excluded.revision, published = excluded.published,
         published_revision = excluded.published_revision, status = excluded.status, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      record.locale,
      record.id,
      JSON.stringify(record.draft),
      record.revision,
      record.published ? JSON.stringify(record.published) : null,
      record.publishedRevision,
      record.status,
      record.updatedAt,
      record.updatedBy,
    );
  }

  deleteArticle(locale: string, id: string): void {
    this.ensureSchema();
    this.sql.exec('DELETE FROM articles WHERE locale = ? AND id = ?', locale, id);
    this.sql.exec('DELETE FROM article_versions WHERE locale = ? AND id = ?', locale, id);
    this.sql.exec('DELETE FROM proposals WHERE locale = ? AND article_id = ?', locale, id);
  }

  // ---- versions (history) -----------------------------------------------------------------

  /** Records a saved revision and drops all but the newest `keep`. */
  addVersion(locale: string, id: string, version: VersionRecord, keep: number): void {
    this.ensureSchema();
    this.sql.exec(
      `INSERT INTO article_versions (locale, id, revision, content, saved_at, saved_by, published) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(locale, id, revision) DO UPDATE SET content = excluded.content, saved_at = excluded.saved_at, saved_by = excluded.saved_by`,
      locale,
      id,
      version.revision,
      JSON.stringify(version.content),
      version.savedAt,
      version.savedBy,
      version.published ? 1 : 0,
    );
    this.sql.exec(
      `DELETE FROM article_versions WHERE locale = ? AND id = ? AND revision NOT IN
         (SELECT revision FROM article_versions WHERE locale = ? AND id = ? ORDER BY revision DESC LIMIT ?)`,
      locale,
      id,
      locale,
      id,
      keep,
    );
  }

  markVersionPublished(locale: string, id: string, revision: number): void {
    this.ensureSchema();
    this.sql.exec('UPDATE article_versions SET published = 1 WHERE locale = ? AND id = ? AND revision = ?', locale, id, revision);
  }

  versions(locale: string, id: string): VersionRecord[] {
    if (!this.hasSchema()) return [];
    return this.sql
      .exec<{ revision: number; content: string; saved_at: number; saved_by: string; published: number }>(
        'SELECT revision, content, saved_at, saved_by, published FROM article_versions WHERE locale = ? AND id = ? ORDER BY revision DESC',
        locale,
        id,
      )
      .toArray()
      .map((row) => ({
        revision: row.revision,
        content: JSON.parse(row.content) as ArticleContent,
        savedAt: row.saved_at,
        savedBy: row.saved_by,
        published: row.published === 1,
      }));
  }

  // ---- compiled indexes -------------------------------------------------------------------

  /** Replaces one locale's compiled index (null: the locale has no published article). */
  writeIndex(locale: string, json: string | null, version: number): void {
    this.ensureSchema();
    this.sql.exec('DELETE FROM index_chunks WHERE locale = ?', locale);
    if (json === null) return;
    const bytes = new TextEncoder().encode(json);
    for (let seq = 0, offset = 0; offset < bytes.length; seq++, offset += INDEX_CHUNK_BYTES) {
      this.writeChunk(locale, seq, version, bytes.slice(offset, offset + INDEX_CHUNK_BYTES));
    }
  }

  /** One chunk (a separate method so a test can make a publish fail halfway through). */
  writeChunk(locale: string, seq: number, version: number, data: Uint8Array): void {
    this.sql.exec('INSERT INTO index_chunks (locale, seq, version, data) VALUES (?, ?, ?, ?)', locale, seq, version, data.buffer as ArrayBuffer);
  }

  /** The site version each locale's index was written at (a publish rebuilds only the locales it touches). */
  indexVersions(): Partial<Record<Locale, number>> {
    if (!this.hasSchema()) return {};
    const out: Partial<Record<Locale, number>> = {};
    for (const row of this.sql.exec<{ locale: string; version: number }>('SELECT locale, MAX(version) AS version FROM index_chunks GROUP BY locale')) {
      if (row.locale === 'en' || row.locale === 'zh') out[row.locale] = row.version;
    }
    return out;
  }

  /** Compiled indexes as JSON text: every locale, or only `locales`. */
  readIndexes(locales?: readonly string[]): Partial<Record<Locale, string>> {
    if (!this.hasSchema()) return {};
    const parts = new Map<string, Uint8Array[]>();
    for (const row of this.sql.exec<{ locale: string; data: ArrayBuffer }>('SELECT locale, data FROM index_chunks ORDER BY locale, seq')) {
      if (locales && !locales.includes(row.locale)) continue;
      const list = parts.get(row.locale) ?? [];
      list.push(new Uint8Array(row.data));
      parts.set(row.locale, list);
    }
    const out: Partial<Record<Locale, string>> = {};
    for (const [locale, chunks] of parts) {
      const total = chunks.reduce((sum, c) => sum + c.length, 0);
      const joined = new Uint8Array(total);
      let offset = 0;
      for (const c of chunks) {
        joined.set(c, offset);
        offset += c.length;
      }
      if (locale === 'en' || locale === 'zh') out[locale] = new TextDecoder().decode(joined);
    }
    return out;
  }

  indexChunkSizes(): { locale: string; seq: number; bytes: number }[] {
    if (!this.hasSchema()) return [];
    return this.sql
      .exec<{ locale: string; seq: number; bytes: number }>('SELECT locale, seq, length(data) AS bytes FROM index_chunks ORDER BY locale, seq')
      .toArray();
  }

  // ---- proposed example questions ---------------------------------------------------------

  addProposal(locale: string, articleId: string, question: string, now: number): void {
    this.ensureSchema();
    this.sql.exec(
      `INSERT INTO proposals (locale, article_id, question, count, last_seen) VALUES (?, ?, ?, 1, ?)
       ON CONFLICT(locale, article_id, question) DO UPDATE SET count = count + 1, last_seen = excluded.last_seen`,
      locale,
      articleId,
      question,
      now,
    );
  }

  proposals(): ProposalRecord[] {
    if (!this.hasSchema()) return [];
    return this.sql
      .exec<{ id: number; locale: string; article_id: string; question: string; count: number; last_seen: number }>(
        'SELECT * FROM proposals ORDER BY count DESC, last_seen DESC LIMIT 200',
      )
      .toArray()
      .map((row) => ({
        id: row.id,
        locale: row.locale as Locale,
        articleId: row.article_id,
        question: row.question,
        count: row.count,
        lastSeen: row.last_seen,
      }));
  }

  proposal(id: number): ProposalRecord | null {
    if (!this.hasSchema()) return null;
    const row = this.sql
      .exec<{ id: number; locale: string; article_id: string; question: string; count: number; last_seen: number }>('SELECT * FROM proposals WHERE id = ?', id)
      .toArray()[0];
    return row
      ? { id: row.id, locale: row.locale as Locale, articleId: row.article_id, question: row.question, count: row.count, lastSeen: row.last_seen }
      : null;
  }

  deleteProposal(id: number): boolean {
    if (!this.hasSchema()) return false;
    return this.sql.exec('DELETE FROM proposals WHERE id = ?', id).rowsWritten > 0;
  }
}

function toRecord(row: ArticleRow): ArticleRecord {
  return {
    locale: row.locale as Locale,
    id: row.id,
    draft: JSON.parse(row.draft) as ArticleContent,
    revision: row.revision,
    published: row.published ? (JSON.parse(row.published) as ArticleContent) : null,
    publishedRevision: row.published_revision,
    status: row.status as ArticleStatus,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}
