/**
 * The shopper's data rights: export and erase across the Conversation, the SiteInbox and the
 * SiteHistory, read back from each object's storage; retention by age; the audit log.
 */
import { env, runDurableObjectAlarm, runInDurableObject, SELF } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import examples from '../../knowledge-base/dist/example-sites.json';
import type { AuditEntry, ConversationListResponse, DataExport, ErasureResult, SearchResponse } from '../../protocol/index.ts';
import { ADMIN_KEY, importSite } from './catalog-helpers.ts';
import { useFixedClock } from './clock.ts';
import { createAgent, openAndHello, say, type TestAgent, upgrade, WORKER_ORIGIN } from './sockets.ts';

const MONDAY_MORNING = new Date('2030-01-07T10:00:00Z');
const DAY = 24 * 60 * 60 * 1000;

useFixedClock(MONDAY_MORNING);

async function operator<T>(site: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const response = await SELF.fetch(`${WORKER_ORIGIN}/v1/admin/sites/${site}/data-rights${path}`, {
    ...init,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function searchHits(agent: TestAgent, q: string) {
  const response = await SELF.fetch(`${WORKER_ORIGIN}/v1/agent/search?q=${encodeURIComponent(q)}`, {
    headers: { Cookie: agent.cookie, Origin: WORKER_ORIGIN },
  });
  return ((await response.json()) as SearchResponse).hits;
}

const conversationStub = (id: string) => env.CONVERSATION.get(env.CONVERSATION.idFromName(id));
const inboxOf = (site: string) => env.SITE_INBOX.get(env.SITE_INBOX.idFromName(site));
const historyOf = (site: string) => env.SITE_HISTORY.get(env.SITE_HISTORY.idFromName(site));

/** Everything each object holds that mentions the needle, as text. */
async function everythingAbout(site: string, conversationId: string, needle: string): Promise<string[]> {
  const dump = (state: DurableObjectState, tables: string[]) =>
    tables.flatMap((table) =>
      state.storage.sql
        .exec(`SELECT * FROM ${table}`)
        .toArray()
        .map((row) => `${table}: ${JSON.stringify(row)}`),
    );
  const found = [
    ...(await runInDurableObject(conversationStub(conversationId), (_i, state) => dump(state, ['messages', 'notes', 'meta']))),
    ...(await runInDurableObject(inboxOf(site), (_i, state) => dump(state, ['tickets', 'chats', 'follow_ups', 'report_chats']))),
    ...(await runInDurableObject(historyOf(site), (_i, state) => dump(state, ['conversations', 'search_docs', 'audit_log']))),
  ];
  return found.filter((line) => line.toLowerCase().includes(needle.toLowerCase()));
}

describe('export and erasure', () => {
  it('finds a shopper by e-mail, exports everything, then erases it from every object, and the audit log names no one', async () => {
    const ana = await createAgent('demo', 'Ana');
    // Nobody online in the inbox: the shopper gets the offline form and leaves a ticket.
    const { socket, welcome } = await openAndHello();
    const conversationId = welcome.conversationId;
    socket.send({ v: 1, type: 'identify', identity: { name: 'Zelda Quux', email: 'zelda.quux@example.com' } });
    await socket.waitFor('identity');
    await say(socket, 'My xylophone arrived in pieces');
    // The bot does not know xylophones: it hands off, and with nobody online that is the offline form.
    await socket.waitFor('state', (frame) => frame.state === 'offline');
    socket.send({ v: 1, type: 'offline_ticket', email: 'zelda.quux@example.com', message: 'Xylophone broken, please call' });
    await socket.waitFor('message', (frame) => frame.message.system?.event === 'ticket');
    await expect.poll(async () => (await searchHits(ana, 'xylophone')).some((hit) => hit.conversationId === conversationId)).toBe(true);

    const exported = await operator<DataExport>('demo', '/export?email=ZELDA.QUUX%40example.com');
    expect(exported.status).toBe(200);
    expect(exported.body.conversations).toHaveLength(1);
    const [chat] = exported.body.conversations;
    expect(chat).toMatchObject({ conversationId, shopper: { name: 'Zelda Quux', email: 'zelda.quux@example.com' } });
    expect(chat!.transcript.some((m) => m.text.includes('xylophone'))).toBe(true);
    expect(chat!.tickets.map((t) => t.message)).toEqual(['Xylophone broken, please call']);

    const erased = await operator<ErasureResult>('demo', '/erase', { method: 'POST', body: JSON.stringify({ email: 'zelda.quux@example.com' }) });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ conversations: 1, tickets: 1 });
    expect(erased.body.messages).toBeGreaterThan(3);

    for (const needle of ['zelda', 'quux', 'xylophone']) expect(await everythingAbout('demo', conversationId, needle), needle).toEqual([]);
    expect(await searchHits(ana, 'xylophone')).toEqual([]);
    // The inbox keeps the chat's anonymous figures (it reached the offline form).
    const row = await runInDurableObject(inboxOf('demo'), (_i, state) =>
      state.storage.sql.exec('SELECT state, last_message, comment FROM chats WHERE conversation_id = ?', conversationId).toArray(),
    );
    expect(row).toEqual([{ state: 'offline', last_message: '', comment: null }]);
    // The shopper's old link no longer opens the chat.
    const reopened = await upgrade(`site=demo&token=${encodeURIComponent(welcome.token)}`);
    expect(reopened.status).toBe(410);

    const audit = await operator<{ entries: AuditEntry[] }>('demo', '/audit');
    expect(audit.body.entries.slice(0, 2).map((e) => [e.action, e.subjectKind, e.actor, e.conversations])).toEqual([
      ['erase', 'email', 'operator', 1],
      ['export', 'email', 'operator', 1],
    ]);
    socket.close();
  });

  it('refuses an agent who is not an admin, and a request naming nobody or two people', async () => {
    const ana = await createAgent('demo', 'Ana');
    const response = await SELF.fetch(`${WORKER_ORIGIN}/v1/agent/data-rights/erase`, {
      method: 'POST',
      headers: { Cookie: ana.cookie, Origin: WORKER_ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'someone@example.com' }),
    });
    expect(response.status).toBe(403);
    expect((await operator('demo', '/erase', { method: 'POST', body: JSON.stringify({}) })).status).toBe(400);
    expect((await operator('demo', '/erase', { method: 'POST', body: JSON.stringify({ email: 'a@b.example', userId: 'u1' }) })).status).toBe(400);
    expect((await operator('demo', '/export?conversationId=..%2F..%2Fetc')).status).toBe(400);
  });

  it('a conversation id of another site finds nothing', async () => {
    const { socket, welcome } = await openAndHello();
    await say(socket, 'hello there');
    const other = await operator<DataExport>('lantern-tea', `/export?conversationId=${welcome.conversationId}`);
    expect(other.body.conversations).toEqual([]);
    socket.close();
  });
});

describe('retention', () => {
  it('erases exactly the chats idle longer than retentionDays', async () => {
    const demo = examples.sites.find((site) => site.settings.id === 'demo')!;
    await importSite({ ...demo, settings: { ...demo.settings, id: 'short-memory', retentionDays: 30 } });
    const agent = await createAgent('short-memory', 'Rita');
    const old = await openAndHello({ site: 'short-memory' });
    const asked = await say(old.socket, 'an old question about parcels');
    await old.socket.waitFor('message', (frame) => frame.message.author === 'bot' && frame.message.seq > asked);
    // The history learns of a chat just after its work (history-feed.ts): let it, before time moves on.
    await expect
      .poll(async () => {
        const response = await SELF.fetch(`${WORKER_ORIGIN}/v1/agent/conversations`, { headers: { Cookie: agent.cookie, Origin: WORKER_ORIGIN } });
        return ((await response.json()) as ConversationListResponse).items.find((item) => item.conversationId === old.welcome.conversationId)?.messageCount;
      })
      .toBe(3);
    vi.setSystemTime(MONDAY_MORNING.getTime() + 20 * DAY);
    agent.cookie = (await createAgent('short-memory', 'Rita')).cookie;
    const recent = await openAndHello({ site: 'short-memory' });
    await say(recent.socket, 'a recent question about parcels');
    await expect.poll(async () => (await searchHits(agent, 'parcels')).length).toBe(2);

    vi.setSystemTime(MONDAY_MORNING.getTime() + 35 * DAY);
    const history = historyOf('short-memory');
    await runInDurableObject(history, (_i, state) => state.storage.setAlarm(Date.now() + 1000));
    expect(await runDurableObjectAlarm(history)).toBe(true);

    const fresh = await createAgent('short-memory', 'Rita');
    const remaining = await searchHits(fresh, 'parcels');
    expect(remaining.map((hit) => hit.conversationId)).toEqual([recent.welcome.conversationId]);
    const oldMessages = await runInDurableObject(
      conversationStub(old.welcome.conversationId),
      (_i, state) => state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM messages').one().n,
    );
    expect(oldMessages).toBe(0);
    const audit = await operator<{ entries: AuditEntry[] }>('short-memory', '/audit');
    expect(audit.body.entries[0]).toMatchObject({ action: 'retention', actor: 'retention', subjectKind: 'age', conversations: 1 });
    old.socket.close();
    recent.socket.close();
  });
});
