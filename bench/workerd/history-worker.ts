/**
 * The Worker bench/history.ts runs in workerd (through Miniflare): one SiteHistory-shaped object
 * built from the real modules (worker/history), with HTTP hooks to seed it and query it. Timing
 * is done by the caller: inside workerd the clock does not move during synchronous work.
 */
import { DurableObject } from 'cloudflare:workers';
import { conversationFilterSchema } from '../../protocol/history.ts';
import { ConversationDirectory } from '../../worker/history/conversation-directory.ts';
import type { HistoryRecord } from '../../worker/history/history-types.ts';
import { SearchIndex } from '../../worker/history/search-index.ts';

export class HistoryBench extends DurableObject {
  private readonly directory = new ConversationDirectory(this.ctx.storage.sql);
  private readonly index = new SearchIndex(this.ctx.storage.sql);

  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/seed') {
      const records = (await request.json()) as HistoryRecord[];
      this.ctx.storage.transactionSync(() => {
        for (const { conversation, messages } of records) {
          this.directory.upsert(conversation, messages);
          this.index.queueMessages(conversation.id, messages);
          this.directory.markIndexed(conversation.id, messages.at(-1)?.seq ?? 0, 0, null);
        }
        // As SiteHistory does: the queued documents go into the index in batches.
        while (this.index.indexQueued() > 0);
      });
      return Response.json({ ok: true });
    }
    if (url.pathname === '/search') {
      const hits = this.index.search(url.searchParams.get('q') ?? '', 20, (ids) => this.directory.items(ids));
      return Response.json({ hits: hits.length });
    }
    if (url.pathname === '/list') {
      const filter = conversationFilterSchema.parse(Object.fromEntries(url.searchParams));
      const page = this.directory.list(filter);
      return Response.json({ items: page.items.length, nextCursor: page.nextCursor });
    }
    return new Response('not found', { status: 404 });
  }
}

export default {
  async fetch(request: Request, env: { BENCH: DurableObjectNamespace<HistoryBench> }): Promise<Response> {
    return env.BENCH.get(env.BENCH.idFromName('site')).fetch(request);
  },
};
