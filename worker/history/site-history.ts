/**
 * SiteHistory: one Durable Object per site, with one job: every conversation of the site, for
 * agents to find again. Conversations report to it as they change (history-feed.ts, batched,
 * never in the chat's way); agents list, filter, search and label through the console's API
 * (worker/routes/history.ts), always within their own site. Apart from the SiteInbox so that
 * indexing every message never slows the live queue.
 */
import { DurableObject } from 'cloudflare:workers';
import type { ConversationFilter, ConversationListResponse, SearchResponse, TimelineResponse } from '../../protocol/index.ts';
import type { Env } from '../env.ts';
import { ConversationDirectory } from './conversation-directory.ts';
import type { HistoryRecord } from './history-types.ts';
import { SearchIndex } from './search-index.ts';

export class SiteHistory extends DurableObject<Env> {
  private readonly directory: ConversationDirectory;
  private readonly index: SearchIndex;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.directory = new ConversationDirectory(ctx.storage.sql);
    this.index = new SearchIndex(ctx.storage.sql);
  }

  /** A Conversation's news: its current summary, and messages and notes not reported before. */
  async record(record: HistoryRecord): Promise<void> {
    const { conversation } = record;
    const before = this.directory.get(conversation.id);
    // A retried batch (its answer was lost) carries messages already indexed: only newer ones count.
    const messages = record.messages.filter((message) => message.seq > (before?.indexed_seq ?? 0));
    const notes = record.notes.filter((note) => note.id > (before?.indexed_note ?? 0));
    this.ctx.storage.transactionSync(() => {
      this.directory.upsert(conversation, messages);
      this.index.addMessages(conversation.id, messages);
      this.index.addNotes(conversation.id, notes);
      const shopperChanged =
        !before || before.shopper_name !== (conversation.shopper.name ?? null) || before.shopper_email !== (conversation.shopper.email ?? null);
      const shopperDoc = shopperChanged
        ? this.index.replaceShopper(conversation.id, before?.shopper_doc ?? null, conversation.shopper, conversation.updatedAt)
        : (before?.shopper_doc ?? null);
      this.directory.markIndexed(conversation.id, messages.at(-1)?.seq ?? 0, notes.at(-1)?.id ?? 0, shopperDoc);
    });
  }

  async list(filter: ConversationFilter): Promise<ConversationListResponse> {
    return this.directory.list(filter);
  }

  async search(query: string, limit: number): Promise<SearchResponse> {
    return { hits: this.index.search(query, limit, (ids) => this.directory.items(ids)) };
  }

  async timeline(conversationId: string): Promise<TimelineResponse | null> {
    return this.directory.get(conversationId) ? { items: this.directory.timeline(conversationId) } : null;
  }

  /** False when the conversation is not in this site's history. */
  async setLabels(conversationId: string, labels: string[]): Promise<boolean> {
    return this.directory.setLabels(conversationId, labels);
  }
}
