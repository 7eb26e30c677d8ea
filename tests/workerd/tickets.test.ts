/**
 * Work orders: the offline form's ticket and a ticket opened from a chat, due times from the
 * site's SLA per kind on a fixed clock, overdue first and due today, the activity log, the
 * returning shopper's view and message, 403 across sites and conversations, and erasure read
 * back from the inbox's storage.
 */
import { env, runInDurableObject, SELF } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import examples from '../../knowledge-base/dist/example-sites.json';
import type { DataExport, ShopperTicket, TicketDetail, TicketListResponse } from '../../protocol/index.ts';
import { MAX_SHOPPER_MESSAGES } from '../../worker/inbox/ticket-desk.ts';
import { Tickets } from '../../worker/inbox/tickets.ts';
import { ADMIN_KEY, importSite } from './catalog-helpers.ts';
import { useFixedClock } from './clock.ts';
import { createAgent, LOCAL_ORIGIN, loginAgain, openAndHello, openInbox, say, type TestAgent, WORKER_ORIGIN } from './sockets.ts';

// London is on UTC in January: 10:00 local on a Monday, inside the demo shop's hours.
const MONDAY_MORNING = new Date('2030-01-07T10:00:00Z');
const HOUR = 60 * 60 * 1000;

useFixedClock(MONDAY_MORNING);

async function call<T>(agent: TestAgent, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await SELF.fetch(`${WORKER_ORIGIN}${path}`, {
    method,
    headers: { Cookie: agent.cookie, Origin: WORKER_ORIGIN, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function asShopper<T>(token: string, method: string, path: string, body?: unknown, site = 'demo'): Promise<{ status: number; body: T }> {
  const response = await SELF.fetch(`${WORKER_ORIGIN}${path}?site=${site}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, Origin: LOCAL_ORIGIN, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** A shopper who asks for a person with nobody online and leaves the offline form. */
async function offlineTicket(site = 'demo', text = 'Where is my parcel?') {
  const shopper = await openAndHello({ site });
  await say(shopper.socket, 'I want to talk to a person');
  await shopper.socket.waitFor('state', (frame) => frame.state === 'offline');
  shopper.socket.send({ v: 1, type: 'offline_ticket', email: 'pat@example.com', message: text });
  await shopper.socket.waitFor('message', (frame) => frame.message.system?.event === 'ticket');
  return shopper;
}

const inboxOf = (site: string) => env.SITE_INBOX.get(env.SITE_INBOX.idFromName(site));

describe('ticket life cycle and due times', () => {
  it('gives each kind its due time, flags overdue first, counts those due today and logs every change', async () => {
    const demo = examples.sites.find((site) => site.settings.id === 'demo')!;
    const serviceLevels = { ...demo.settings.serviceLevels, ticketDueHours: { order: 2 } };
    await importSite({ ...demo, settings: { ...demo.settings, id: 'ticket-shop', serviceLevels } });
    const ana = await createAgent('ticket-shop', 'Ana');
    const bo = await createAgent('ticket-shop', 'Bo');
    const shopper = await offlineTicket('ticket-shop');
    const conversationId = shopper.welcome.conversationId;

    const complaint = await call<{ ticket: TicketDetail }>(ana, 'POST', '/v1/agent/tickets', {
      conversationId,
      title: 'Mug arrived broken',
      kind: 'complaint',
    });
    expect(complaint.status).toBe(201);
    const order = await call<{ ticket: TicketDetail }>(ana, 'POST', '/v1/agent/tickets', {
      conversationId,
      title: 'Warehouse: check stock of the blue teapot',
      kind: 'order',
      team: 'warehouse',
      assigneeId: bo.id,
      comment: 'Shelf B4 looked empty yesterday',
    });
    expect(order.status).toBe(201);

    const listed = await call<TicketListResponse>(ana, 'GET', '/v1/agent/tickets?status=all');
    const byTitle = Object.fromEntries(listed.body.tickets.map((ticket) => [ticket.title, ticket]));
    const now = MONDAY_MORNING.getTime();
    // Offline question: ticketReplyHours (24); complaint: complaintCloseHours (48); order: the site's own 2 h.
    expect(byTitle['Where is my parcel?']).toMatchObject({
      kind: 'question',
      source: 'offline',
      status: 'open',
      dueAt: now + 24 * HOUR,
      email: 'pat@example.com',
    });
    expect(byTitle['Mug arrived broken']).toMatchObject({ kind: 'complaint', source: 'chat', dueAt: now + 48 * HOUR });
    expect(byTitle['Warehouse: check stock of the blue teapot']).toMatchObject({
      kind: 'order',
      team: 'warehouse',
      dueAt: now + 2 * HOUR,
      assigneeId: bo.id,
      assigneeName: 'Bo',
    });
    // Due today (London): only the order, at 12:00.
    expect(listed.body.dueToday).toBe(1);
    expect(listed.body.tickets.every((ticket) => !ticket.overdue)).toBe(true);

    // 15:00: the order is overdue and comes first; the others follow by due time.
    vi.setSystemTime(now + 5 * HOUR);
    const later = await call<TicketListResponse>(ana, 'GET', '/v1/agent/tickets');
    expect(later.body.tickets.map((ticket) => [ticket.kind, ticket.overdue])).toEqual([
      ['order', true],
      ['question', false],
      ['complaint', false],
    ]);
    // Tuesday 09:00: the question is due today (10:00); the overdue order is due yesterday.
    vi.setSystemTime(now + 23 * HOUR);
    // A day later the consoles sign in again (sessions are shorter than that).
    ana.cookie = await loginAgain(ana);
    bo.cookie = await loginAgain(bo);
    expect((await call<TicketListResponse>(ana, 'GET', '/v1/agent/tickets')).body.dueToday).toBe(1);
    const inbox = await openInbox(ana);
    const snapshot = await inbox.waitFor('inbox', (frame) => frame.tickets.length === 3);
    expect(snapshot.ticketsDueToday).toBe(1);
    expect(snapshot.tickets[0]).toMatchObject({ kind: 'order', overdue: true });

    // Work it: pending, the complaint becomes urgent and Ana's, then solved; filters follow.
    const ref = byTitle['Mug arrived broken']!.ref;
    expect((await call(ana, 'PUT', `/v1/agent/tickets/${ref}`, { status: 'pending', priority: 'urgent', assigneeId: ana.id })).status).toBe(200);
    expect((await call<TicketListResponse>(ana, 'GET', '/v1/agent/tickets?assignee=me')).body.tickets.map((t) => t.ref)).toEqual([ref]);
    expect((await call<TicketListResponse>(ana, 'GET', '/v1/agent/tickets?status=pending')).body.tickets.map((t) => t.ref)).toEqual([ref]);
    vi.setSystemTime(now + 24 * HOUR);
    const solved = await call<{ ticket: TicketDetail }>(ana, 'PUT', `/v1/agent/tickets/${ref}`, { status: 'solved' });
    expect(solved.body.ticket).toMatchObject({ status: 'solved', priority: 'urgent', assigneeId: ana.id, overdue: false, updatedAt: now + 24 * HOUR });
    expect(solved.body.ticket.activity.map((entry) => [entry.action, entry.from, entry.to, entry.actorName])).toEqual([
      ['created', null, 'open', 'Ana'],
      ['status', 'open', 'pending', 'Ana'],
      ['priority', 'normal', 'urgent', 'Ana'],
      ['assignee', null, ana.id, 'Ana'],
      ['status', 'pending', 'solved', 'Ana'],
    ]);
    await inbox.waitFor('inbox', (frame) => frame.tickets.length === 2 && !frame.tickets.some((ticket) => ticket.ref === ref));
    // A comment, and what is refused: an unknown assignee, a made-up status, an empty change.
    const commented = await call<{ ticket: TicketDetail }>(bo, 'POST', `/v1/agent/tickets/${ref}/comments`, { text: 'Refund sent' });
    expect(commented.body.ticket.comments.map((c) => [c.author, c.agentName, c.text])).toEqual([['agent', 'Bo', 'Refund sent']]);
    expect((await call(ana, 'PUT', `/v1/agent/tickets/${ref}`, { assigneeId: 'nobody-here' })).status).toBe(400);
    expect((await call(ana, 'PUT', `/v1/agent/tickets/${ref}`, { status: 'closed' })).status).toBe(400);
    expect((await call(ana, 'PUT', `/v1/agent/tickets/${ref}`, {})).status).toBe(400);
    expect((await call(ana, 'POST', '/v1/agent/tickets', { conversationId, title: '' })).status).toBe(400);
    expect((await call(ana, 'GET', '/v1/agent/tickets/ticket-shop-999')).status).toBe(404);
    inbox.close();
    shopper.socket.close();
  });

  it('links a ticket made from a chat and the chat both ways', async () => {
    const ana = await createAgent('demo', 'Ana');
    const { socket, welcome } = await openAndHello();
    await say(socket, 'Is the blue teapot in stock?');
    const created = await call<{ ticket: TicketDetail }>(ana, 'POST', '/v1/agent/tickets', {
      conversationId: welcome.conversationId,
      title: 'Needs the warehouse to check stock',
      team: 'warehouse',
    });
    expect(created.status).toBe(201);
    expect(created.body.ticket).toMatchObject({ conversationId: welcome.conversationId, source: 'chat', team: 'warehouse', kind: 'question' });
    const ofChat = await call<TicketListResponse>(ana, 'GET', `/v1/agent/tickets?status=all&conversationId=${welcome.conversationId}`);
    expect(ofChat.body.tickets.map((ticket) => ticket.ref)).toEqual([created.body.ticket.ref]);
    socket.close();
  });
});

describe("the shopper's side and who may touch a ticket", () => {
  it('a returning shopper sees the status and writes on the ticket; agents see it and a solved ticket opens again', async () => {
    const ana = await createAgent('demo', 'Ana');
    const first = await offlineTicket();
    const token = first.welcome.token;
    first.socket.close();
    const [mine] = (await call<TicketListResponse>(ana, 'GET', `/v1/agent/tickets?conversationId=${first.welcome.conversationId}`)).body.tickets;
    await call(ana, 'POST', `/v1/agent/tickets/${mine!.ref}/comments`, { text: 'internal: courier says lost' });
    await call(ana, 'PUT', `/v1/agent/tickets/${mine!.ref}`, { status: 'solved' });

    // Same browser, later: the resume token reads the ticket (never the internal comment).
    vi.setSystemTime(MONDAY_MORNING.getTime() + 3 * HOUR);
    const seen = await asShopper<{ tickets: ShopperTicket[] }>(token, 'GET', '/v1/visitor/tickets');
    expect(seen.status).toBe(200);
    expect(seen.body.tickets).toEqual([
      {
        ref: mine!.ref,
        title: 'Where is my parcel?',
        status: 'solved',
        updatedAt: expect.any(Number),
        messages: [{ at: MONDAY_MORNING.getTime(), text: 'Where is my parcel?' }],
      },
    ]);
    expect(JSON.stringify(seen.body)).not.toContain('courier');

    const wrote = await asShopper<{ ticket: ShopperTicket }>(token, 'POST', `/v1/visitor/tickets/${mine!.ref}/messages`, { text: 'It still has not come' });
    expect(wrote.status).toBe(201);
    expect(wrote.body.ticket.status).toBe('open');
    expect(wrote.body.ticket.messages.map((m) => m.text)).toEqual(['Where is my parcel?', 'It still has not come']);
    const detail = (await call<{ ticket: TicketDetail }>(ana, 'GET', `/v1/agent/tickets/${mine!.ref}`)).body.ticket;
    expect(detail.comments.map((c) => [c.author, c.text])).toEqual([
      ['agent', 'internal: courier says lost'],
      ['shopper', 'It still has not come'],
    ]);
    expect(detail.activity.slice(-2).map((e) => [e.actor, e.action, e.from, e.to, e.at])).toEqual([
      ['shopper', 'shopper_message', null, null, MONDAY_MORNING.getTime() + 3 * HOUR],
      ['shopper', 'status', 'solved', 'open', MONDAY_MORNING.getTime() + 3 * HOUR],
    ]);
    expect((await asShopper(token, 'POST', `/v1/visitor/tickets/${mine!.ref}/messages`, { text: '   ' })).status).toBe(400);
    // A script cannot fill a ticket: after MAX_SHOPPER_MESSAGES the next one is refused, and nothing is added.
    for (let i = 1; i < MAX_SHOPPER_MESSAGES; i++) await asShopper(token, 'POST', `/v1/visitor/tickets/${mine!.ref}/messages`, { text: `more ${i}` });
    const over = await asShopper<{ error: string }>(token, 'POST', `/v1/visitor/tickets/${mine!.ref}/messages`, { text: 'one too many' });
    expect([over.status, over.body.error]).toEqual([429, 'too_many_messages']);
    const full = (await call<{ ticket: TicketDetail }>(ana, 'GET', `/v1/agent/tickets/${mine!.ref}`)).body.ticket;
    expect(full.comments.filter((c) => c.author === 'shopper')).toHaveLength(MAX_SHOPPER_MESSAGES);
    expect((await asShopper('forged.token', 'GET', '/v1/visitor/tickets')).status).toBe(401);
  });

  it('refuses another conversation and another site with 403', async () => {
    const ana = await createAgent('demo', 'Ana');
    const tea = await createAgent('lantern-tea', 'Li');
    const owner = await offlineTicket();
    const [ticket] = (await call<TicketListResponse>(ana, 'GET', `/v1/agent/tickets?conversationId=${owner.welcome.conversationId}`)).body.tickets;
    const ref = ticket!.ref;

    // Another shopper of the same shop: sees none of it, cannot write on it.
    const stranger = await openAndHello();
    await say(stranger.socket, 'hello');
    expect((await asShopper<{ tickets: unknown[] }>(stranger.welcome.token, 'GET', '/v1/visitor/tickets')).body.tickets).toEqual([]);
    expect((await asShopper(stranger.welcome.token, 'POST', `/v1/visitor/tickets/${ref}/messages`, { text: 'mine now' })).status).toBe(403);

    // An agent of another site: the ticket, its changes and its comments are refused; so is a ticket on a demo chat.
    expect((await call(tea, 'GET', `/v1/agent/tickets/${ref}`)).status).toBe(403);
    expect((await call(tea, 'PUT', `/v1/agent/tickets/${ref}`, { status: 'solved' })).status).toBe(403);
    expect((await call(tea, 'POST', `/v1/agent/tickets/${ref}/comments`, { text: 'hi' })).status).toBe(403);
    expect((await call(tea, 'POST', '/v1/agent/tickets', { conversationId: owner.welcome.conversationId, title: 'Take over' })).status).toBe(403);
    expect((await call<TicketListResponse>(tea, 'GET', '/v1/agent/tickets?status=all')).body.tickets.some((t) => t.ref === ref)).toBe(false);
    // A shopper of the tea shop, for a demo ticket: another site. (A demo token names demo only: 401 elsewhere.)
    const teaShopper = await openAndHello({ site: 'lantern-tea' });
    expect((await asShopper(teaShopper.welcome.token, 'POST', `/v1/visitor/tickets/${ref}/messages`, { text: 'x' }, 'lantern-tea')).status).toBe(403);
    expect((await asShopper(owner.welcome.token, 'GET', '/v1/visitor/tickets', undefined, 'lantern-tea')).status).toBe(401);
    teaShopper.socket.close();
    // The widget on the shop's own pages asks first (CORS): only the site's origins are answered.
    const preflight = (site: string, origin: string) =>
      SELF.fetch(`${WORKER_ORIGIN}/v1/visitor/tickets?site=${site}`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
      });
    const allowed = await preflight('lantern-tea', 'https://lanterntea.example');
    expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe('https://lanterntea.example');
    expect(allowed.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('authorization');
    expect((await preflight('demo', 'https://evil.example')).headers.get('Access-Control-Allow-Origin')).toBeNull();
    // Unchanged after all that.
    const after = (await call<{ ticket: TicketDetail }>(ana, 'GET', `/v1/agent/tickets/${ref}`)).body.ticket;
    expect([after.status, after.comments.length]).toEqual(['open', 0]);
    owner.socket.close();
    stranger.socket.close();
  });
});

describe('data rights', () => {
  it("exports the shopper's ticket messages and activity, and erasure leaves none of it in storage", async () => {
    const ana = await createAgent('demo', 'Ana');
    const shopper = await offlineTicket('demo', 'Zanzibar parcel missing');
    const conversationId = shopper.welcome.conversationId;
    const [ticket] = (await call<TicketListResponse>(ana, 'GET', `/v1/agent/tickets?conversationId=${conversationId}`)).body.tickets;
    await call(ana, 'POST', `/v1/agent/tickets/${ticket!.ref}/comments`, { text: 'Called Zanzibar depot' });
    await asShopper(shopper.welcome.token, 'POST', `/v1/visitor/tickets/${ticket!.ref}/messages`, { text: 'My Zanzibar address is 5 Quux Lane' });

    const operator = (path: string, init: RequestInit = {}) =>
      SELF.fetch(`${WORKER_ORIGIN}/v1/admin/sites/demo/data-rights${path}`, {
        ...init,
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      });
    const exported = (await (await operator(`/export?conversationId=${conversationId}`)).json()) as DataExport;
    const [exportedTicket] = exported.conversations[0]!.tickets;
    expect(exportedTicket!.comments.map((c) => c.text)).toEqual(['Called Zanzibar depot', 'My Zanzibar address is 5 Quux Lane']);
    expect(exportedTicket!.activity.map((e) => e.action)).toEqual(['created', 'comment', 'shopper_message']);

    const erased = await operator('/erase', { method: 'POST', body: JSON.stringify({ conversationId }) });
    expect(((await erased.json()) as { tickets: number }).tickets).toBe(1);
    const left = await runInDurableObject(inboxOf('demo'), (_i, state) =>
      ['tickets', 'ticket_comments', 'ticket_activity'].flatMap((table) =>
        state.storage.sql
          .exec(`SELECT * FROM ${table}`)
          .toArray()
          .map((row) => `${table}: ${JSON.stringify(row)}`)
          .filter((line) => line.includes(conversationId) || /zanzibar|quux/i.test(line) || line.includes(`"ticket_id":${ticket!.id},`)),
      ),
    );
    expect(left).toEqual([]);
    expect((await call(ana, 'GET', `/v1/agent/tickets/${ticket!.ref}`)).status).toBe(404);
    expect((await asShopper(shopper.welcome.token, 'GET', '/v1/visitor/tickets')).status).toBe(401);
    shopper.socket.close();
  });
});

describe('migration', () => {
  it('brings a tickets table from before work orders up to date and keeps its rows', async () => {
    const fresh = env.SITE_INBOX.get(env.SITE_INBOX.newUniqueId());
    const rows = await runInDurableObject(fresh, (_i, state) => {
      const sql = state.storage.sql;
      // The inbox made its tables when it started; put back the old shape with two old rows.
      sql.exec('DROP TABLE tickets');
      sql.exec(`CREATE TABLE tickets (
        id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id TEXT NOT NULL, email TEXT NOT NULL,
        message TEXT NOT NULL, locale TEXT NOT NULL, created_at INTEGER NOT NULL, resolved INTEGER NOT NULL DEFAULT 0)`);
      sql.exec(
        "INSERT INTO tickets (conversation_id, email, message, locale, created_at, resolved) VALUES ('c1', 'a@example.com', 'Old question', 'en', 1000, 0)",
      );
      sql.exec(
        "INSERT INTO tickets (conversation_id, email, message, locale, created_at, resolved) VALUES ('c2', 'b@example.com', 'Old answered', 'zh', 2000, 1)",
      );
      const store = new Tickets(sql);
      new Tickets(sql); // a second start changes nothing
      return store.list({ status: 'all' }).map((row) => [row.title, row.status, row.kind, row.source, row.due_at, row.updated_at]);
    });
    expect(rows).toEqual([
      ['Old question', 'open', 'question', 'offline', 1000 + 24 * HOUR, 1000],
      ['Old answered', 'solved', 'question', 'offline', 2000 + 24 * HOUR, 2000],
    ]);
  });
});
