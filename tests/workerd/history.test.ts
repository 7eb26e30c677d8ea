/**
 * The site's history (worker/history): every conversation indexed as it is written, searched in
 * English and Chinese, filtered, labelled, only within the agent's own site; and a closed chat
 * the shopper writes into again: reopened within the site's window, a new linked conversation after it.
 */
import { env, runInDurableObject, SELF } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConversationListResponse, SearchResponse, TimelineResponse } from '../../protocol/index.ts';
import { useFixedClock } from './clock.ts';
import { createAgent, type InboxSocket, loginAgain, openAgentChat, openAndHello, openInbox, say, type TestAgent, WORKER_ORIGIN } from './sockets.ts';

const MONDAY_MORNING = new Date('2030-01-07T10:00:00Z');
const DAY = 24 * 60 * 60 * 1000;

useFixedClock(MONDAY_MORNING);

async function api<T>(agent: TestAgent, path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const response = await SELF.fetch(`${WORKER_ORIGIN}${path}`, {
    ...init,
    headers: { Cookie: agent.cookie, Origin: WORKER_ORIGIN, 'content-type': 'application/json', ...init.headers },
  });
  return { status: response.status, body: (await response.json()) as T };
}

const search = (agent: TestAgent, q: string) => api<SearchResponse>(agent, `/v1/agent/search?q=${encodeURIComponent(q)}`);
const list = (agent: TestAgent, query: string) => api<ConversationListResponse>(agent, `/v1/agent/conversations?${query}`);

/** The history is fed after the chat's own work: wait until a search finds the conversation. */
async function searchUntilFound(agent: TestAgent, q: string, conversationId: string) {
  let hits: SearchResponse['hits'] = [];
  await expect
    .poll(async () => {
      hits = (await search(agent, q)).body.hits;
      return hits.some((hit) => hit.conversationId === conversationId);
    })
    .toBe(true);
  return hits.filter((hit) => hit.conversationId === conversationId);
}

describe('search', () => {
  let ana: TestAgent;
  beforeEach(async () => {
    ana = await createAgent('demo', 'Ana');
  });

  it('finds an English message as soon as it is stored, with the matching words marked, at its seq', async () => {
    const { socket, welcome } = await openAndHello();
    const seq = await say(socket, 'My mug arrived broken and I would like refunds for both cups');
    const [hit] = await searchUntilFound(ana, 'refund', welcome.conversationId);
    expect(hit).toMatchObject({ kind: 'message', seq });
    const marked = hit!.snippet.marks.map(([from, to]) => hit!.snippet.text.slice(from, to).toLowerCase());
    expect(marked).toEqual(['refund']);
    expect(hit!.conversation.conversationId).toBe(welcome.conversationId);
    socket.close();
  });

  it("indexes the shopper's words in batches, without waiting for a search, and never the bot's article text", async () => {
    const { socket, welcome } = await openAndHello();
    const asked = await say(socket, 'How do I return something I bought?');
    const answer = await socket.waitFor('message', (frame) => frame.message.author === 'bot' && frame.message.seq > asked);
    expect(answer.message.bot?.kind).toBe('answer');
    // The queue empties on its own (a batch a second), not only when someone searches.
    const history = env.SITE_HISTORY.get(env.SITE_HISTORY.idFromName('demo'));
    await expect
      .poll(
        () =>
          runInDurableObject(history, (_instance, state) => ({
            queued: state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM search_queue').one().n,
            indexed: state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM search_docs WHERE conversation_id = ?', welcome.conversationId).one().n,
          })),
        { timeout: 10_000 },
      )
      .toEqual({ queued: 0, indexed: 1 });
    // A word only the answer's article has (not the start of any word the shopper wrote): the chat is not found by it.
    const askedWords = 'how do i return something i bought'.split(' ');
    const articleWord = answer.message.text
      .toLowerCase()
      .split(/[^a-z]+/)
      .find((word) => word.length >= 5 && !askedWords.some((mine) => mine.startsWith(word) || word.startsWith(mine)));
    expect(articleWord).toBeDefined();
    expect((await search(ana, articleWord!)).body.hits.some((hit) => hit.conversationId === welcome.conversationId)).toBe(false);
    socket.close();
  });

  it('finds Chinese without spaces: the whole word, part of it, and not a different word', async () => {
    const { socket, welcome } = await openAndHello({ locale: 'zh' });
    await say(socket, '你好，我想退货，杯子坏了');
    const [hit] = await searchUntilFound(ana, '退货', welcome.conversationId);
    expect(hit!.snippet.marks.map(([from, to]) => hit!.snippet.text.slice(from, to))).toEqual(['退货']);
    expect((await search(ana, '杯子')).body.hits.some((h) => h.conversationId === welcome.conversationId)).toBe(true);
    expect((await search(ana, '退款')).body.hits.some((h) => h.conversationId === welcome.conversationId)).toBe(false);
    socket.close();
  });

  it("an agent finds only their own site's conversations", async () => {
    const { socket, welcome } = await openAndHello();
    await say(socket, 'zanzibar teapot question');
    await searchUntilFound(ana, 'zanzibar', welcome.conversationId);
    const tea = await createAgent('lantern-tea', 'Tao');
    expect((await search(tea, 'zanzibar')).body.hits).toEqual([]);
    expect((await list(tea, 'limit=100')).body.items.some((item) => item.conversationId === welcome.conversationId)).toBe(false);
    expect((await api(tea, `/v1/agent/conversations/${welcome.conversationId}/timeline`)).status).toBe(404);
    socket.close();
  });

  it('treats FTS syntax as text, and refuses empty, overlong and malformed queries with a clear message', async () => {
    for (const q of ['"refund', 'refund OR *', 'NEAR(a b)', 'body:refund', '^refund', '-refund AND "']) {
      const { status } = await search(ana, q);
      expect(status, q).toBe(200);
    }
    const long = await search(ana, 'a'.repeat(201));
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({ error: 'invalid_query', field: 'q', message: expect.stringContaining('200') });
    expect((await search(ana, '   ')).status).toBe(400);
    expect((await list(ana, 'state=sleeping')).body).toMatchObject({ error: 'invalid_query', field: 'state' });
    expect((await list(ana, 'from=2030-02-01&to=2030-01-01')).body).toMatchObject({ error: 'invalid_query', field: 'from' });
    expect((await list(ana, 'cursor=%27%3B%20DROP')).status).toBe(400);
    expect((await list(ana, 'rating=9')).status).toBe(400);
    expect((await list(ana, 'unknown=1')).status).toBe(400);
  });
});

describe('the list, labels and filters', () => {
  it('lists bot-only chats too, pages by keyset, and filters by label, state and language', async () => {
    const ana = await createAgent('demo', 'Ana');
    const opened = [];
    for (const text of ['first question about delivery', 'second question about delivery', 'third question about delivery']) {
      const chat = await openAndHello();
      const asked = await say(chat.socket, text);
      await chat.socket.waitFor('message', (frame) => frame.message.author === 'bot' && frame.message.seq > asked);
      // The history is fed just after the chat's work: let it see this chat before the clock moves on.
      await expect
        .poll(async () => (await list(ana, 'limit=100')).body.items.find((item) => item.conversationId === chat.welcome.conversationId)?.messageCount)
        .toBe(3);
      opened.push(chat);
      vi.setSystemTime(Date.now() + 1000);
    }
    const ids = opened.map((chat) => chat.welcome.conversationId);

    // Two at a time, newest activity first, no chat twice.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: ConversationListResponse } = await list(ana, `limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((item) => item.conversationId));
      cursor = page.body.nextCursor;
    } while (cursor && seen.length < 500);
    expect(new Set(seen).size).toBe(seen.length);
    const order = ids.map((id) => seen.indexOf(id));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => b - a));

    const labelled = await api<{ labels: string[] }>(ana, `/v1/agent/conversations/${ids[1]}/labels`, {
      method: 'PUT',
      body: JSON.stringify({ labels: ['Damaged', 'vip'] }),
    });
    expect(labelled).toEqual({ status: 200, body: { labels: ['damaged', 'VIP'] } });
    const unknown = await api(ana, `/v1/agent/conversations/${ids[1]}/labels`, { method: 'PUT', body: JSON.stringify({ labels: ['urgent'] }) });
    expect(unknown).toMatchObject({ status: 400, body: { error: 'invalid_query', field: 'labels' } });

    const byLabel = (await list(ana, 'label=damaged&state=bot&locale=en')).body.items;
    expect(byLabel.map((item) => item.conversationId)).toEqual([ids[1]]);
    expect(byLabel[0]).toMatchObject({ labels: ['damaged', 'VIP'], state: 'bot', assignee: null, handoffReason: null, rating: null });
    expect((await list(ana, 'label=damaged&state=closed')).body.items).toEqual([]);
    for (const chat of opened) chat.socket.close();
  });
});

describe('a shopper who writes again into a closed chat', () => {
  let ana: TestAgent;
  let inbox: InboxSocket;
  beforeEach(async () => {
    ana = await createAgent('demo', 'Ana');
    inbox = await openInbox(ana);
  });
  afterEach(() => inbox.close());

  async function closedChat() {
    const { socket, welcome } = await openAndHello();
    const conversationId = welcome.conversationId;
    await say(socket, 'I want to talk to a person about my order');
    await socket.waitFor('state', (frame) => frame.state === 'queued');
    inbox.send({ v: 1, type: 'claim', conversationId });
    await socket.waitFor('state', (frame) => frame.state === 'agent');
    const chat = await openAgentChat(ana, conversationId);
    chat.send({ v: 1, type: 'close' });
    await socket.waitFor('state', (frame) => frame.state === 'closed');
    chat.close();
    return { socket, conversationId };
  }

  it('within the window (the next day): back to the agent who closed it, as "reopened"', async () => {
    const { socket, conversationId } = await closedChat();
    vi.setSystemTime(MONDAY_MORNING.getTime() + DAY);
    ana.cookie = await loginAgain(ana); // yesterday's session has expired
    socket.frames.splice(0);
    await say(socket, 'Hello again, the parcel still has not come');
    await socket.waitFor('state', (frame) => frame.state === 'agent');
    await inbox.waitFor('assigned', (frame) => frame.conversationId === conversationId);
    await expect
      .poll(async () => {
        const page = await list(ana, 'reason=reopened&state=agent');
        if (page.status !== 200) throw new Error(JSON.stringify(page.body));
        return page.body.items.find((item) => item.conversationId === conversationId);
      })
      .toMatchObject({ assignee: { id: ana.id }, handoffReason: 'reopened' });
    socket.close();
  });

  it('after the window: a new conversation, linked to the old one in the timeline', async () => {
    const { socket, conversationId } = await closedChat();
    vi.setSystemTime(MONDAY_MORNING.getTime() + 8 * DAY);
    ana.cookie = await loginAgain(ana);
    socket.frames.splice(0);
    await say(socket, 'Do you deliver to Canada?');
    await socket.waitFor('state', (frame) => frame.state === 'bot');
    expect(socket.all('state').map((frame) => frame.state)).not.toContain('agent');
    const next = `${conversationId}#2`;
    await searchUntilFound(ana, 'canada', next);
    const timeline = await api<TimelineResponse>(ana, `/v1/agent/conversations/${encodeURIComponent(next)}/timeline`);
    expect(timeline.body.items.map((item) => item.conversationId)).toEqual([next, conversationId]);
    expect(timeline.body.items[0]).toMatchObject({ previousId: conversationId, state: 'bot', handoffReason: null, assignee: null });
    expect(timeline.body.items[1]).toMatchObject({ state: 'closed', assignee: { id: ana.id } });
    socket.close();
  });
});
