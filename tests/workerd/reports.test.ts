/**
 * Reports: a scripted day of chats on a fixed clock, through real sockets, produces exactly the
 * figures computed here by hand. Also: bad ranges, the agent's own view, CSV = JSON, follow-ups
 * from a low rating, and handover notes from one agent at another's next login.
 */
import { SELF } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import type { FollowUp, HandoverListResponse, ReportResponse } from '../../protocol/reports.ts';
import { parseCsv } from '../../worker/reports/figures.ts';
import { useFixedClock } from './clock.ts';
import {
  createAgent,
  type InboxSocket,
  loginAgain,
  nextClientMsgId,
  openAgentChat,
  openAndHello,
  openInbox,
  say,
  type TestAgent,
  type VisitorSocket,
  WORKER_ORIGIN,
} from './sockets.ts';

// Wednesday 3 July 2030. The demo shop's zone is Europe/London, on summer time (UTC+1), open
// 09:00–18:00 local, so 08:00–17:00 UTC. The dates lie in the future: alarms never fire by themselves.
const DAY = '2030-07-03';
const at = (time: string, plusHours = 0) => new Date(Date.parse(`${DAY}T${time}Z`) + plusHours * 3_600_000);

useFixedClock(() => at('07:00:00'));

function agentFetch(agent: TestAgent, path: string, init: { method?: string; body?: unknown; cookie?: string } = {}) {
  return SELF.fetch(`${WORKER_ORIGIN}${path}`, {
    method: init.method ?? 'GET',
    headers: { Cookie: init.cookie ?? agent.cookie, Origin: WORKER_ORIGIN, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
}

function adminFetch(path: string) {
  return SELF.fetch(`${WORKER_ORIGIN}${path}`, { headers: { authorization: 'Bearer workerd-admin-key' } });
}

async function askForPerson(text = 'I would like to speak to a person please'): Promise<{ socket: VisitorSocket; conversationId: string }> {
  const { socket, welcome } = await openAndHello();
  await say(socket, text);
  await socket.waitFor('state', (frame) => frame.state === 'queued' || frame.state === 'offline');
  return { socket, conversationId: welcome.conversationId };
}

async function claim(inbox: InboxSocket, conversationId: string) {
  inbox.send({ v: 1, type: 'claim', conversationId });
  await inbox.waitFor('claimed', (frame) => frame.conversationId === conversationId);
}

/** The agent's first message; resolves once the shopper has it (the inbox recorded the reply before the broadcast returns). */
async function reply(agent: TestAgent, conversationId: string, shopper: VisitorSocket) {
  const chat = await openAgentChat(agent, conversationId);
  const text = `Hello from ${agent.name} ${nextClientMsgId()}`;
  chat.send({ v: 1, type: 'message', clientMsgId: nextClientMsgId(), text });
  await shopper.waitFor('message', (frame) => frame.message.text === text);
  return chat;
}

/** The agent closes; resolves once the inbox has released the chat (its snapshot no longer lists it as mine). */
async function closeChat(chat: Awaited<ReturnType<typeof openAgentChat>>, inbox: InboxSocket, conversationId: string, shopper: VisitorSocket) {
  const before = inbox.all('inbox').length;
  chat.send({ v: 1, type: 'close' });
  await shopper.waitFor('state', (frame) => frame.state === 'closed');
  await inbox.waitFor('inbox', (frame) => inbox.all('inbox').indexOf(frame) >= before && !frame.mine.some((c) => c.conversationId === conversationId));
}

async function rate(shopper: VisitorSocket, score: number) {
  shopper.send({ v: 1, type: 'rate', score, comment: score <= 2 ? 'Not good' : 'Lovely' });
  await shopper.waitFor('message', (frame) => frame.message.system?.event === 'rated');
}

describe('reports', () => {
  it('a scripted day produces exactly the figures computed by hand', async () => {
    const ana = await createAgent('demo', 'Ana');
    const bo = await createAgent('demo', 'Bo');
    const inbox = await openInbox(ana);

    // A 08:00 — the bot answers and the shopper finds it helpful: resolved by the bot alone.
    vi.setSystemTime(at('08:00:00'));
    const a = await openAndHello();
    const seq = await say(a.socket, 'Do you ship to Canada and who pays customs duties?');
    const answer = await a.socket.waitFor('message', (frame) => frame.message.seq > seq && frame.message.bot?.kind === 'answer');
    a.socket.send({ v: 1, type: 'feedback', seq: answer.message.seq, helpful: true });
    // The next shopper action lands after the feedback (one socket, frames in order).
    await say(a.socket, 'thanks');

    // B 08:10 — taken in 5 s, first reply after 15 s, closed after 10 min, rated 5.
    vi.setSystemTime(at('08:10:00'));
    const b = await askForPerson();
    vi.setSystemTime(at('08:10:05'));
    await claim(inbox, b.conversationId);
    vi.setSystemTime(at('08:10:20'));
    const bChat = await reply(ana, b.conversationId, b.socket);
    vi.setSystemTime(at('08:20:05'));
    await closeChat(bChat, inbox, b.conversationId, b.socket);
    await rate(b.socket, 5);

    // C 08:30 — taken in 30 s, first reply after 60 s, transferred to Bo, who closes it 10 min
    // after it was taken; rated 1 (Bo's rating: he held it).
    vi.setSystemTime(at('08:30:00'));
    const c = await askForPerson();
    vi.setSystemTime(at('08:30:30'));
    await claim(inbox, c.conversationId);
    vi.setSystemTime(at('08:31:30'));
    const anaOnC = await reply(ana, c.conversationId, c.socket);
    const boInbox = await openInbox(bo);
    vi.setSystemTime(at('08:35:00'));
    anaOnC.send({ v: 1, type: 'transfer', toAgentId: bo.id, note: '' });
    await boInbox.waitFor('assigned', (frame) => frame.conversationId === c.conversationId && frame.by === 'transfer');
    const cChat = await openAgentChat(bo, c.conversationId);
    vi.setSystemTime(at('08:40:30'));
    await closeChat(cChat, boInbox, c.conversationId, c.socket);
    await rate(c.socket, 1);
    // Bo goes home: nobody but Ana is left online.
    boInbox.close();
    await inbox.waitFor('inbox', (frame) => frame.agents.some((agent) => agent.id === bo.id && agent.status === 'offline'));

    // D 09:00 — the shopper gives up in the queue: abandoned.
    vi.setSystemTime(at('09:00:00'));
    const d = await askForPerson();
    vi.setSystemTime(at('09:02:00'));
    const dClosed = new Promise((resolve) => d.socket.ws.addEventListener('close', resolve));
    d.socket.send({ v: 1, type: 'shutdown' });
    await dClosed;

    // E 10:00 and F 11:00 — complaints, taken in 8 s and 20 s; replies after 10 s and 30 s.
    vi.setSystemTime(at('10:00:00'));
    const e = await askForPerson('I want to make a complaint about my order');
    vi.setSystemTime(at('10:00:08'));
    await claim(inbox, e.conversationId);
    vi.setSystemTime(at('10:00:18'));
    const eChat = await reply(ana, e.conversationId, e.socket);
    vi.setSystemTime(at('11:00:00'));
    const f = await askForPerson('I want to make a complaint about my order');
    vi.setSystemTime(at('11:00:20'));
    await claim(inbox, f.conversationId);
    vi.setSystemTime(at('11:00:50'));
    const fChat = await reply(ana, f.conversationId, f.socket);

    // G 12:00 — nobody online: the offline form; a ticket, answered three hours later.
    vi.setSystemTime(at('12:00:00'));
    inbox.send({ v: 1, type: 'presence', status: 'away' });
    await inbox.waitFor('inbox', (frame) => frame.agents.some((agent) => agent.id === ana.id && agent.status === 'away'));
    const g = await askForPerson();
    expect(g.socket.all('state').at(-1)?.state).toBe('offline');
    vi.setSystemTime(at('12:01:00'));
    g.socket.send({ v: 1, type: 'offline_ticket', email: 'shopper@example.com', message: 'Where is my parcel?' });
    const withTicket = await inbox.waitFor('inbox', (frame) => frame.tickets.length > 0);
    inbox.send({ v: 1, type: 'presence', status: 'online' });
    vi.setSystemTime(at('15:01:00'));
    const ticketId = withTicket.tickets[0]!.id;
    const framesBefore = inbox.frames.length;
    inbox.send({ v: 1, type: 'resolve_ticket', ticketId });
    // The inbox lists unsolved tickets only: a solved one leaves the next snapshot.
    await inbox.waitFor('inbox', (frame) => inbox.frames.indexOf(frame) >= framesBefore && !frame.tickets.some((ticket) => ticket.id === ticketId));

    // The complaints close 47 h and 49 h after they were made.
    vi.setSystemTime(at('10:00:00', 47));
    await closeChat(eChat, inbox, e.conversationId, e.socket);
    vi.setSystemTime(at('11:00:00', 49));
    await closeChat(fChat, inbox, f.conversationId, f.socket);

    // Two days on, the sessions have expired: both sign in again.
    ana.cookie = await loginAgain(ana);
    bo.cookie = await loginAgain(bo);
    const response = await agentFetch(ana, `/v1/agent/reports?from=${DAY}&to=${DAY}`);
    expect(response.status).toBe(200);
    const report = (await response.json()) as ReportResponse;
    const values = Object.fromEntries(Object.entries(report.figures).map(([key, figure]) => [key, figure.value]));
    // Handle time: taken → closed. B 600 s, C 600 s, E 47 h − 8 s, F 49 h − 20 s.
    const handle = (600 + 600 + (47 * 3600 - 8) + (49 * 3600 - 20)) / 4;
    expect(values).toEqual({
      conversationsStarted: 7,
      botOnlyResolved: 1,
      botOnlyShare: 0.1429,
      helpful: 1,
      notHelpful: 0,
      chipsClicked: 0,
      handoffs: 6,
      handoffsToQueue: 5,
      // waits B 5, C 30, E 8, F 20; D never taken.
      takenWithinTargetShare: 0.4,
      takenWithin60sShare: 0.8,
      queueWaitP50: 8,
      queueWaitP90: 30,
      abandoned: 1,
      // first replies B 15, C 60, E 10, F 30.
      firstReplyP50: 15,
      firstReplyP90: 60,
      handleTimeAverage: handle,
      transfers: 1,
      csatAverage: 3,
      csatResponses: 2,
      csatResponseRate: 0.5,
      complaints: 2,
      complaintsClosedWithinSlaShare: 0.5,
      offlineTickets: 1,
      ticketsAnsweredInTimeShare: 1,
      // C's rating of 1, and the two complaints.
      followUpsCreated: 3,
      followUpsDone: 0,
    });
    // The day before had nothing: the previous period compares against zero or "nothing to measure".
    expect(report.previousFrom).toBe('2030-07-02');
    expect(report.figures.conversationsStarted.previous).toBe(0);
    expect(report.figures.queueWaitP50.previous).toBeNull();
    expect(report.handoffsByReason).toEqual([
      { reason: 'complaint', count: { value: 2, previous: 0 } },
      { reason: 'requested_human', count: { value: 4, previous: 0 } },
    ]);
    expect(report.csatDistribution.map((row) => row.count.value)).toEqual([1, 0, 0, 0, 1]);
    expect(report.daily).toEqual([{ date: DAY, started: 7, handoffsToQueue: 5, takenWithinTarget: 2, takenWithinTargetShare: 0.4 }]);
    // Local (London, UTC+1) hours on a Wednesday (weekday 2): A, B, C at 09; D 10; E 11; F 12; G 13.
    const busy = report.heatmap.filter((cell) => cell.chats > 0).map((cell) => [cell.weekday, cell.hour, cell.chats]);
    expect(busy).toEqual([
      [2, 9, 3],
      [2, 10, 1],
      [2, 11, 1],
      [2, 12, 1],
      [2, 13, 1],
    ]);
    // Ana took B, C, E and F and transferred C; Bo closed C and got its rating. Ana sees her row only.
    expect(report.agents).toEqual([{ agentId: ana.id, name: 'Ana', chats: 4, firstReplyP50: 15, csatAverage: 5, csatResponses: 1, transfers: 1 }]);
    expect(report.scope).toBe('agent');
    expect(report.timezone).toBe('Europe/London');

    // A five-day range reads whole UTC days from the day tables and the edge hours from the hour
    // tables: the same figures.
    const wide = (await (await agentFetch(ana, '/v1/agent/reports?from=2030-07-01&to=2030-07-05')).json()) as ReportResponse;
    expect(Object.fromEntries(Object.entries(wide.figures).map(([key, figure]) => [key, figure.value]))).toEqual(values);
    expect(wide.agents).toEqual(report.agents);
    expect(wide.daily.map((day) => day.started)).toEqual([0, 0, 7, 0, 0]);

    // An agent sees the site's totals and only their own row.
    const boReport = (await (await agentFetch(bo, `/v1/agent/reports?from=${DAY}&to=${DAY}`)).json()) as ReportResponse;
    expect(boReport.figures.conversationsStarted.value).toBe(7);
    expect(boReport.agents).toEqual([{ agentId: bo.id, name: 'Bo', chats: 0, firstReplyP50: null, csatAverage: 1, csatResponses: 1, transfers: 0 }]);

    // The admin key sees the whole site; the CSV has the same rows as the JSON.
    const keyReport = (await (await adminFetch(`/v1/admin/sites/demo/reports?from=${DAY}&to=${DAY}`)).json()) as ReportResponse;
    expect(keyReport.scope).toBe('site');
    expect(keyReport.agents.map((row) => [row.name, row.chats, row.csatAverage, row.transfers])).toEqual([
      ['Ana', 4, 5, 1],
      ['Bo', 0, 1, 0],
    ]);
    expect(keyReport.figures).toEqual(report.figures);
    const csv = await adminFetch(`/v1/admin/sites/demo/reports.csv?from=${DAY}&to=${DAY}`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = parseCsv(await csv.text());
    expect(rows[0]).toEqual(['figure', 'value', 'previous']);
    expect(rows.slice(1)).toEqual(
      Object.entries(report.figures).map(([name, figure]) => [
        name,
        figure.value === null ? '' : String(figure.value),
        figure.previous === null ? '' : String(figure.previous),
      ]),
    );
    const chats = parseCsv(await (await adminFetch(`/v1/admin/sites/demo/reports.csv?from=${DAY}&to=${DAY}&table=chats`)).text());
    expect(chats).toHaveLength(8);
    // Bo's own per-chat rows: only C, the chat he held last.
    const boChats = parseCsv(await (await agentFetch(bo, `/v1/agent/reports.csv?from=${DAY}&to=${DAY}&table=chats`)).text());
    expect(boChats.slice(1).map((row) => row[0])).toEqual([c.conversationId]);

    // The follow-ups: the rating of 1 (Ana held the chat) and both complaints.
    const list = (await (await agentFetch(ana, '/v1/agent/follow-ups')).json()) as { followUps: FollowUp[] };
    const low = list.followUps.find((item) => item.kind === 'low_rating');
    expect(low).toMatchObject({ conversationId: c.conversationId, rating: 1, agentName: 'Bo', done: false });
    expect(
      list.followUps
        .filter((item) => item.kind === 'complaint')
        .map((item) => item.conversationId)
        .sort(),
    ).toEqual([e.conversationId, f.conversationId].sort());
    // Who: the agent who held the chat, and the shopper as the chat knows them (anonymous here).
    expect(list.followUps.map((item) => [item.kind, item.agentName, item.shopperName])).toEqual([
      ['complaint', 'Ana', null],
      ['complaint', 'Ana', null],
      ['low_rating', 'Bo', null],
    ]);
    const done = await agentFetch(bo, `/v1/agent/follow-ups/${low!.id}/done`, { method: 'POST', body: { note: 'Called back, refund sent.' } });
    expect(done.status).toBe(204);
    expect((await agentFetch(bo, `/v1/agent/follow-ups/${low!.id}/done`, { method: 'POST', body: { note: 'again' } })).status).toBe(404);
    const after = (await (await agentFetch(ana, `/v1/agent/reports?from=${DAY}&to=${DAY}`)).json()) as ReportResponse;
    expect(after.figures.followUpsDone.value).toBe(1);
    const doneList = (await (await agentFetch(ana, '/v1/agent/follow-ups?status=done')).json()) as { followUps: FollowUp[] };
    expect(doneList.followUps).toEqual([expect.objectContaining({ id: low!.id, doneBy: 'Bo', doneNote: 'Called back, refund sent.' })]);

    for (const s of [a.socket, b.socket, c.socket, e.socket, f.socket, g.socket, bChat, anaOnC, cChat, eChat, fChat, inbox]) s.close();
  });

  it("a handoff within 24 h of the bot's last answer, not its first, takes the chat out of the bot's own", async () => {
    // A week after the scripted day, whose chats share this file's storage.
    const day = '2030-07-10';
    const on = (time: string, plusHours = 0) => new Date(Date.parse(`${day}T${time}Z`) + plusHours * 3_600_000);
    vi.setSystemTime(on('08:00:00'));
    const { socket } = await openAndHello();
    const answered = async (text: string) => {
      const seq = await say(socket, text);
      await socket.waitFor('message', (frame) => frame.message.seq > seq && frame.message.bot?.kind === 'answer');
    };
    await answered('Do you ship to Canada and who pays customs duties?');
    // A second answer the same evening: the chat's row exists and is already the bot's.
    vi.setSystemTime(on('20:00:00'));
    await answered('How do I return something?');
    // The next morning: 25 h after the first answer, 13 h after the last.
    vi.setSystemTime(on('09:00:00', 24));
    await say(socket, 'I would like to speak to a person please');
    await socket.waitFor('state', (frame) => frame.state === 'queued' || frame.state === 'offline');
    const figures = parseCsv(await (await adminFetch(`/v1/admin/sites/demo/reports.csv?from=${day}&to=${day}`)).text());
    expect(figures.find((row) => row[0] === 'conversationsStarted')?.[1]).toBe('1');
    expect(figures.find((row) => row[0] === 'botOnlyResolved')?.[1]).toBe('0');
    socket.close();
  });

  it('refuses bad ranges with 400 and a clear message', async () => {
    const ana = await createAgent('demo', 'Ana');
    const cases: [string, RegExp][] = [
      ['from=2030-07-05&to=2030-07-01', /from must not be after to/],
      ['from=2029-01-01&to=2030-01-02', /at most 366/],
      ['from=2030-02-30&to=2030-03-01', /from is not a real calendar date/],
      ['from=2030-7-1&to=2030-07-02', /from must be a date written YYYY-MM-DD/],
      ['from=2030-07-01', /to/],
    ];
    for (const [query, message] of cases) {
      for (const response of [await agentFetch(ana, `/v1/agent/reports?${query}`), await adminFetch(`/v1/admin/sites/demo/reports.csv?${query}`)]) {
        expect(response.status).toBe(400);
        const body = (await response.json()) as { error: string; message: string };
        expect(body.error).toBe('invalid_query');
        expect(body.message).toMatch(message);
      }
    }
    // 366 days is allowed.
    expect((await agentFetch(ana, '/v1/agent/reports?from=2030-01-01&to=2031-01-01')).status).toBe(200);
    expect((await adminFetch('/v1/admin/sites/nope/reports?from=2030-01-01&to=2030-01-01')).status).toBe(404);
    expect((await SELF.fetch(`${WORKER_ORIGIN}/v1/admin/sites/demo/reports?from=2030-01-01&to=2030-01-01`)).status).toBe(401);
  });
});

describe('shift handover notes', () => {
  it("a note written by agent A shows at agent B's next login, unread first, and is searchable", async () => {
    const ana = await createAgent('demo', 'Ana');
    const bo = await createAgent('demo', 'Bo');
    // Bo's shift: an old note he has read.
    vi.setSystemTime(at('08:00:00'));
    await agentFetch(bo, '/v1/agent/handover-notes', { method: 'POST', body: { text: 'Printer jammed again' } });

    vi.setSystemTime(at('17:00:00'));
    const written = await agentFetch(ana, '/v1/agent/handover-notes', { method: 'POST', body: { text: 'Order MM-123456 waits for a refund <b>check</b>' } });
    expect(written.status).toBe(201);
    expect((await agentFetch(ana, '/v1/agent/handover-notes', { method: 'POST', body: { text: '   ' } })).status).toBe(400);

    // Bo's next login.
    vi.setSystemTime(at('08:00:00', 24));
    const cookie = await loginAgain(bo);
    const since = (await (await agentFetch(bo, '/v1/agent/handover-notes?view=since-last-session', { cookie })).json()) as HandoverListResponse;
    expect(since.lastSessionAt).not.toBeNull();
    expect(since.notes.map((note) => [note.authorName, note.text, note.read])).toEqual([['Ana', 'Order MM-123456 waits for a refund <b>check</b>', false]]);
    await agentFetch(bo, '/v1/agent/handover-notes/read', { method: 'POST', body: { ids: [since.notes[0]!.id] }, cookie });
    const all = (await (await agentFetch(bo, '/v1/agent/handover-notes', { cookie })).json()) as HandoverListResponse;
    expect(all.notes.map((note) => [note.text, note.read])).toEqual([
      ['Order MM-123456 waits for a refund <b>check</b>', true],
      ['Printer jammed again', true],
    ]);
    const found = (await (await agentFetch(bo, `/v1/agent/handover-notes?q=${encodeURIComponent('mm-123456')}`, { cookie })).json()) as HandoverListResponse;
    expect(found.notes.map((note) => note.authorName)).toEqual(['Ana']);
    const wildcard = (await (await agentFetch(bo, `/v1/agent/handover-notes?q=${encodeURIComponent('%')}`, { cookie })).json()) as HandoverListResponse;
    expect(wildcard.notes).toEqual([]);

    // Kept 90 days: a note written after that prunes the older ones.
    vi.setSystemTime(at('08:00:00', 24 * 91));
    ana.cookie = await loginAgain(ana);
    await agentFetch(ana, '/v1/agent/handover-notes', { method: 'POST', body: { text: 'New quarter' } });
    const later = (await (await agentFetch(ana, '/v1/agent/handover-notes')).json()) as HandoverListResponse;
    expect(later.notes.map((note) => note.text)).toEqual(['New quarter']);
  });
});
