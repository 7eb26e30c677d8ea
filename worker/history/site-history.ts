/**
 * SiteHistory: one Durable Object per site, with one job: every conversation of the site, for
 * agents to find again. Conversations report to it as they change (history-feed.ts, batched,
 * never in the chat's way); agents list, filter, search and label through the console's API
 * (worker/routes/history.ts), always within their own site. Apart from the SiteInbox so that
 * indexing every message never slows the live queue.
 */
import { DurableObject } from 'cloudflare:workers';
import type { AuditEntry, ConversationFilter, ConversationListResponse, DataSubject, SearchResponse, TimelineResponse } from '../../protocol/index.ts';
import { eraseChats } from '../data-rights.ts';
import type { Env } from '../env.ts';
import { MetaStore } from '../meta-store.ts';
import { findSite } from '../sites.ts';
import { AuditLog } from './audit-log.ts';
import { ConversationDirectory } from './conversation-directory.ts';
import type { HistoryRecord } from './history-types.ts';
import { SearchIndex } from './search-index.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Queued messages are indexed this long after the first of them arrived (search-index.ts says why). */
const INDEX_AFTER_MS = 1000;

export class SiteHistory extends DurableObject<Env> {
  private retentionScheduled = false;
  private indexTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly directory: ConversationDirectory;
  private readonly index: SearchIndex;
  private readonly auditLog: AuditLog;
  private readonly meta: MetaStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.directory = new ConversationDirectory(ctx.storage.sql);
    this.index = new SearchIndex(ctx.storage.sql);
    this.auditLog = new AuditLog(ctx.storage.sql);
    this.meta = new MetaStore(ctx.storage.sql, 'history_meta');
    // Documents queued before a restart are indexed without waiting for the next message.
    if (this.index.queued() > 0) this.scheduleIndexing();
  }

  /** A Conversation's news: its current summary, and messages and notes not reported before. */
  async record(record: HistoryRecord): Promise<void> {
    const { conversation } = record;
    if (!this.meta.get('siteId')) this.meta.set('siteId', record.siteId);
    await this.scheduleRetention();
    const before = this.directory.get(conversation.id);
    // A retried batch (its answer was lost) carries messages already indexed: only newer ones count.
    const messages = record.messages.filter((message) => message.seq > (before?.indexed_seq ?? 0));
    const notes = record.notes.filter((note) => note.id > (before?.indexed_note ?? 0));
    // The bot's answers are the help centre's own articles, the same text in thousands of chats:
    // indexing them made every merge heavy and found nothing an agent looks for.
    const searchable = messages.filter((message) => message.author !== 'bot');
    this.ctx.storage.transactionSync(() => {
      this.directory.upsert(conversation, messages);
      this.index.queueMessages(conversation.id, searchable);
      this.index.queueNotes(conversation.id, notes);
      const shopperChanged =
        !before || before.shopper_name !== (conversation.shopper.name ?? null) || before.shopper_email !== (conversation.shopper.email ?? null);
      const shopperDoc = shopperChanged
        ? this.index.replaceShopper(conversation.id, before?.shopper_doc ?? null, conversation.shopper, conversation.updatedAt)
        : (before?.shopper_doc ?? null);
      // Every chat change lands here, on the thread every chat shares: no statement that changes nothing.
      if (messages.length || notes.length || shopperChanged)
        this.directory.markIndexed(conversation.id, messages.at(-1)?.seq ?? 0, notes.at(-1)?.id ?? 0, shopperDoc);
    });
    // A batch still queued from before schedules its own next run (indexNow).
    if (searchable.length || notes.length) this.scheduleIndexing();
  }

  /** One batch of the queued documents into the index; another is scheduled while some remain. */
  private indexNow(): void {
    const remaining = this.ctx.storage.transactionSync(() => this.index.indexQueued());
    if (remaining > 0) this.scheduleIndexing();
  }

  private scheduleIndexing(): void {
    this.indexTimer ??= setTimeout(() => {
      this.indexTimer = null;
      this.indexNow();
    }, INDEX_AFTER_MS);
  }

  async list(filter: ConversationFilter): Promise<ConversationListResponse> {
    return this.directory.list(filter);
  }

  async search(query: string, limit: number): Promise<SearchResponse> {
    // What was queued is searchable at once: an agent never misses the newest messages.
    while (this.index.queued() > 0) this.ctx.storage.transactionSync(() => this.index.indexQueued());
    return { hits: this.index.search(query, limit, (ids) => this.directory.items(ids)) };
  }

  async timeline(conversationId: string): Promise<TimelineResponse | null> {
    return this.directory.get(conversationId) ? { items: this.directory.timeline(conversationId) } : null;
  }

  /** Data rights: the chats (Conversation ids) a shopper had on this site, by user id or e-mail. */
  async findConversations(subject: DataSubject): Promise<string[]> {
    return this.directory.findChats(subject);
  }

  /** Erasure: the chats' list entries, labels and search documents go. */
  async eraseConversations(chatIds: string[]): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      for (const id of chatIds) {
        this.directory.erase(id);
        this.index.erase(id);
      }
    });
  }

  async audit(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<void> {
    this.auditLog.append(entry, Date.now());
  }

  async auditEntries(): Promise<AuditEntry[]> {
    return this.auditLog.entries();
  }

  /** Retention: chats idle longer than the site's retentionDays are erased, once a day. */
  async alarm(): Promise<void> {
    const siteId = this.meta.get('siteId');
    const site = siteId ? await findSite(this.env, siteId) : null;
    if (!siteId || !site?.retentionDays) return;
    const ids = this.directory.idleSince(Date.now() - site.retentionDays * DAY_MS);
    if (ids.length > 0) {
      // A failure throws: the runtime retries the alarm, and erasure is idempotent.
      const result = await eraseChats(this.env, siteId, ids);
      await this.eraseConversations(ids);
      this.auditLog.append({ actor: 'retention', action: 'retention', subjectKind: 'age', ...result }, Date.now());
    }
    await this.ctx.storage.setAlarm(Date.now() + DAY_MS);
  }

  /** The daily retention pass runs while the site keeps anything for a limited time. */
  private async scheduleRetention(): Promise<void> {
    if (this.retentionScheduled) return;
    this.retentionScheduled = true;
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + DAY_MS);
  }

  /** False when the conversation is not in this site's history. */
  async setLabels(conversationId: string, labels: string[]): Promise<boolean> {
    return this.directory.setLabels(conversationId, labels);
  }
}
