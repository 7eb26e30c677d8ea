import { env, runDurableObjectAlarm, runInDurableObject, SELF } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import examples from '../../knowledge-base/dist/example-sites.json';
import { importSite } from './catalog-helpers.ts';
import { useFixedClock } from './clock.ts';
import {
  agentUpgrade,
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
} from './sockets.ts';

// Demo shop hours: Mon-Fri 09:00-18:00 London. Tests pin the clock so they never depend on when CI
// runs. The pinned dates lie in the future: the runtime fires alarms by the real clock, so an alarm
// set for a pinned "now" runs only when a test calls runDurableObjectAlarm.
const MONDAY_MORNING = new Date('2030-01-07T10:00:00Z');
const SUNDAY = new Date('2030-01-06T12:00:00Z');

useFixedClock(MONDAY_MORNING);

function conversationStub(conversationId: string) {
  return env.CONVERSATION.get(env.CONVERSATION.idFromName(conversationId));
}

async function transcript(conversationId: string): Promise<{ seq: number; author: string; text: string }[]> {
  return runInDurableObject(conversationStub(conversationId), (_instance, state) =>
    state.storage.sql.exec<{ seq: number; author: string; text: string }>('SELECT seq, author, text FROM messages ORDER BY seq').toArray(),
  );
}

/** A shopper who has asked for a person; resolves once the chat is queued. */
async function shopperInQueue(text = 'I would like to speak to a person please'): Promise<{ socket: VisitorSocket; conversationId: string }> {
  const { socket, welcome } = await openAndHello();
  await say(socket, text);
  await socket.waitFor('state', (frame) => frame.state === 'queued');
  return { socket, conversationId: welcome.conversationId };
}

async function claim(inbox: InboxSocket, conversationId: string) {
  inbox.send({ v: 1, type: 'claim', conversationId });
  await inbox.waitFor('claimed', (frame) => frame.conversationId === conversationId);
}

describe('the queue and claiming', () => {
  let ana: TestAgent;
  let bo: TestAgent;
  let anaInbox: InboxSocket;
  let boInbox: InboxSocket;

  beforeEach(async () => {
    ana = await createAgent('demo', 'Ana');
    bo = await createAgent('demo', 'Bo');
    anaInbox = await openInbox(ana);
    boInbox = await openInbox(bo);
  });
  afterEach(() => {
    anaInbox.close();
    boInbox.close();
  });

  it('two agents claiming the same chat at the same moment: exactly one wins, 100 times out of 100', async () => {
    let anaWins = 0;
    let boWins = 0;
    for (let round = 0; round < 100; round += 1) {
      const { socket, conversationId } = await shopperInQueue(`Can I talk to a human? (round ${round})`);
      anaInbox.send({ v: 1, type: 'claim', conversationId });
      boInbox.send({ v: 1, type: 'claim', conversationId });
      const outcome = async (inbox: InboxSocket) =>
        Promise.race([
          inbox.waitFor('claimed', (frame) => frame.conversationId === conversationId).then(() => 'won' as const),
          inbox.waitFor('error', (frame) => frame.conversationId === conversationId).then((frame) => frame.code),
        ]);
      const [forAna, forBo] = await Promise.all([outcome(anaInbox), outcome(boInbox)]);
      expect([forAna, forBo].sort()).toEqual(['already_claimed', 'won']);
      if (forAna === 'won') anaWins += 1;
      else boWins += 1;
      // The shopper was told who joined: exactly one agent, the winner.
      const joined = await socket.waitFor('state', (frame) => frame.state === 'agent');
      expect(joined.agentName).toBe(forAna === 'won' ? 'Ana' : 'Bo');
      socket.close();
    }
    expect(anaWins + boWins).toBe(100);
  }, 120_000);

  it('the loser is told clearly who has the chat', async () => {
    const { conversationId, socket } = await shopperInQueue();
    await claim(anaInbox, conversationId);
    boInbox.send({ v: 1, type: 'claim', conversationId });
    const refusal = await boInbox.waitFor('error', (frame) => frame.conversationId === conversationId);
    expect(refusal).toMatchObject({ code: 'already_claimed', message: 'Ana already took this chat.' });
    socket.close();
  });

  it('orders the queue: angry first, then an explicit request, then the bot being unsure', async () => {
    const unsure = await shopperInQueue('Can you recommend a good plumber in Leeds for my kitchen sink?');
    vi.setSystemTime(MONDAY_MORNING.getTime() + 1000);
    const requested = await shopperInQueue('Connect me with a real person please');
    vi.setSystemTime(MONDAY_MORNING.getTime() + 2000);
    const angry = await shopperInQueue('This is RIDICULOUS!!! My order is late AGAIN, worst service ever, I am furious');
    const snapshot = await anaInbox.waitFor('inbox', (frame) => frame.queue.some((entry) => entry.conversationId === angry.conversationId));
    const ours = snapshot.queue.filter((entry) => [unsure, requested, angry].some((chat) => chat.conversationId === entry.conversationId));
    expect(ours.map((entry) => entry.reason)).toEqual(['angry', 'requested_human', expect.stringMatching(/low_confidence|out_of_scope/)]);
    expect(ours.map((entry) => entry.priority)).toEqual([0, 2, 3]);
    // Each waiting shopper sees their own position and an estimated wait.
    const position = await angry.socket.waitFor('queue');
    expect(position.position).toBeGreaterThanOrEqual(1);
    expect(position.estimatedWaitSeconds).toBeGreaterThan(0);
    for (const chat of [unsure, requested, angry]) chat.socket.close();
  });

  it('after a claim the bot never speaks, and the agent answers the shopper', async () => {
    const { socket, conversationId } = await shopperInQueue();
    await claim(anaInbox, conversationId);
    const chat = await openAgentChat(ana, conversationId);

    const questionSeq = await say(socket, 'How long do refunds take to reach my card?');
    await chat.waitFor('message', (frame) => frame.message.seq === questionSeq);
    chat.send({ v: 1, type: 'message', clientMsgId: nextClientMsgId(), text: 'Refunds reach your card in 3-5 working days.' });
    const reply = await socket.waitFor('message', (frame) => frame.message.author === 'agent');
    expect(reply.message).toMatchObject({ author: 'agent', agentName: 'Ana', text: 'Refunds reach your card in 3-5 working days.' });

    // The service figures for reports: when it was queued, claimed and first answered by a person.
    const figures = async () => {
      const response = await SELF.fetch('http://kefu.test/v1/admin/sites/demo/statistics', { headers: { authorization: 'Bearer workerd-admin-key' } });
      const { chats } = (await response.json()) as { chats: { conversation_id: string }[] };
      return chats.find((chat) => chat.conversation_id === conversationId);
    };
    await expect.poll(figures).toMatchObject({
      reason: 'requested_human',
      queued_at: MONDAY_MORNING.getTime(),
      claimed_at: MONDAY_MORNING.getTime(),
      first_reply_at: MONDAY_MORNING.getTime(),
    });

    const rows = await transcript(conversationId);
    expect(rows.filter((row) => row.seq > questionSeq && row.author === 'bot')).toEqual([]);
    chat.close();
    socket.close();
  });

  it('shows the agent where the shopper is, following navigation', async () => {
    const { socket, conversationId } = await shopperInQueue();
    await claim(anaInbox, conversationId);
    const chat = await openAgentChat(ana, conversationId);
    socket.send({ v: 1, type: 'page', page: { url: 'https://shop.example/products/linen-throw', title: 'Linen throw' } });
    const update = await chat.waitFor('shopper', (frame) => frame.shopper.pageUrl === 'https://shop.example/products/linen-throw');
    expect(update.shopper).toMatchObject({ pageTitle: 'Linen throw', locale: 'en', visits: 1 });
    // The inbox tells the holder with a small delta for that chat, not a whole snapshot.
    const delta = await anaInbox.waitFor('chat', (frame) => frame.chat.conversationId === conversationId && frame.chat.shopper.pageTitle === 'Linen throw');
    expect(delta.chat.shopper.pageUrl).toBe('https://shop.example/products/linen-throw');
    chat.close();
    socket.close();
  });

  it('transfers with an internal note the shopper never sees, then hands the chat back to the bot', async () => {
    const { socket, conversationId } = await shopperInQueue();
    await claim(anaInbox, conversationId);
    const anaChat = await openAgentChat(ana, conversationId);
    const boChat = await openAgentChat(bo, conversationId);

    anaChat.send({ v: 1, type: 'note', clientMsgId: nextClientMsgId(), text: 'VIP-ish, asked twice about order MM-123456' });
    anaChat.send({ v: 1, type: 'transfer', toAgentId: bo.id, note: 'Please check the refund, I am off shift' });
    await boInbox.waitFor('assigned', (frame) => frame.conversationId === conversationId && frame.by === 'transfer');
    const transferred = await socket.waitFor('message', (frame) => frame.message.system?.event === 'transferred');
    expect(transferred.message.text).toContain('Bo');
    await boChat.waitFor('note', (frame) => frame.note.text === 'Please check the refund, I am off shift');

    // Ana no longer holds the chat; Bo does.
    anaChat.send({ v: 1, type: 'message', clientMsgId: nextClientMsgId(), text: 'still me?' });
    expect((await anaChat.waitFor('error')).code).toBe('not_assigned');
    boChat.send({ v: 1, type: 'message', clientMsgId: nextClientMsgId(), text: 'Hi, Bo here.' });
    await socket.waitFor('message', (frame) => frame.message.agentName === 'Bo');

    // Notes never reach the shopper, neither live nor on replay.
    const replay = await openAndHello({ token: (await socket.waitFor('welcome')).token });
    await replay.socket.waitFor('message', (frame) => frame.message.agentName === 'Bo');
    const shopperText = JSON.stringify([...socket.frames, ...replay.socket.frames]);
    expect(shopperText).not.toContain('MM-123456');
    expect(shopperText).not.toContain('off shift');

    boChat.send({ v: 1, type: 'back_to_bot' });
    await socket.waitFor('state', (frame) => frame.state === 'bot');
    const seq = await say(socket, 'How long do refunds take to reach my card?');
    const botAnswer = await socket.waitFor('message', (frame) => frame.message.seq > seq && frame.message.author === 'bot');
    expect(botAnswer.message.bot?.kind).toMatch(/answer|suggest/);
    for (const s of [anaChat, boChat, socket, replay.socket]) s.close();
  });

  it('a silent shopper gets two polite prompts, then a polite close with a rating request, through alarms', async () => {
    const { socket, conversationId } = await shopperInQueue();
    await claim(anaInbox, conversationId);
    const chat = await openAgentChat(ana, conversationId);
    chat.send({ v: 1, type: 'message', clientMsgId: nextClientMsgId(), text: 'Hello! How can I help?' });
    await socket.waitFor('message', (frame) => frame.message.author === 'agent');

    const stub = conversationStub(conversationId);
    const alarmAt = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    expect(alarmAt).toBe(MONDAY_MORNING.getTime() + 120_000);

    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const first = await socket.waitFor('message', (frame) => frame.message.bot?.kind === 'idle_prompt');
    expect(first.message.text).toContain('Are you still there?');
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await socket.waitFor('message', (frame) => frame.message.bot?.kind === 'idle_prompt' && frame.message.bot.step === 2);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await socket.waitFor('state', (frame) => frame.state === 'closed');

    // The shopper rates the chat; the agent sees it.
    socket.send({ v: 1, type: 'rate', score: 4, comment: 'Fine' });
    expect(await chat.waitFor('rating')).toMatchObject({ score: 4, comment: 'Fine' });
    chat.close();
    socket.close();
  });

  it('a shopper who answers cancels the idle prompts', async () => {
    const { socket, conversationId } = await shopperInQueue();
    await claim(anaInbox, conversationId);
    const chat = await openAgentChat(ana, conversationId);
    chat.send({ v: 1, type: 'message', clientMsgId: nextClientMsgId(), text: 'Hello! How can I help?' });
    await socket.waitFor('message', (frame) => frame.message.author === 'agent');
    await say(socket, 'Sorry, I was away. My order is late.');
    const alarm = await runInDurableObject(conversationStub(conversationId), (_instance, state) => state.storage.getAlarm());
    expect(alarm).toBeNull();
    chat.close();
    socket.close();
  });

  it('an agent gone past the grace period has their chats put back at the front of the queue', async () => {
    const waiting = await shopperInQueue('Can I speak to a human agent? I was here first');
    const { socket, conversationId } = await shopperInQueue();
    await claim(anaInbox, conversationId);
    anaInbox.close();
    // Let the inbox handle the close (it records when Ana left), then move past the 60 s grace period.
    const inboxStub = env.SITE_INBOX.get(env.SITE_INBOX.idFromName('demo'));
    const leftAt = () =>
      runInDurableObject(
        inboxStub,
        (_instance, state) => state.storage.sql.exec<{ at: number | null }>('SELECT disconnected_at AS at FROM agents WHERE id = ?', ana.id).one().at,
      );
    await expect.poll(leftAt).toBe(MONDAY_MORNING.getTime());
    vi.setSystemTime(MONDAY_MORNING.getTime() + 61_000);
    boInbox.frames.splice(0); // only snapshots sent after the alarm count
    expect(await runDurableObjectAlarm(inboxStub)).toBe(true);

    await socket.waitFor('message', (frame) => frame.message.text.includes('front of the queue'), 2000);
    // Ahead of every chat that was never taken (the claim-race test's requeued leftovers tie with it).
    const position = (queue: { conversationId: string }[], id: string) => queue.findIndex((entry) => entry.conversationId === id);
    const snapshot = await boInbox.waitFor('inbox', (frame) => position(frame.queue, conversationId) >= 0, 5000);
    expect(position(snapshot.queue, conversationId)).toBeLessThan(position(snapshot.queue, waiting.conversationId));
    expect(snapshot.queue.slice(0, position(snapshot.queue, conversationId)).every((entry) => entry.conversationId !== waiting.conversationId)).toBe(true);
    socket.close();
    waiting.socket.close();
    // The alarm also requeues the ~90 chats the claim-race test left with agents who are gone.
  }, 20_000);
});

describe('offline tickets and business hours', () => {
  const demo = examples.sites.find((site) => site.settings.id === 'demo')!;

  it('outside business hours an online agent takes the chat by default (the agent learns someone asked)', async () => {
    const agent = await createAgent('demo', 'Sunday Helper');
    const inbox = await openInbox(agent);
    vi.setSystemTime(SUNDAY);
    const { socket, welcome } = await openAndHello();
    socket.send({ v: 1, type: 'request_human' });
    await socket.waitFor('state', (frame) => frame.state === 'queued', 3000);
    await inbox.waitFor('inbox', (frame) => frame.queue.some((entry) => entry.conversationId === welcome.conversationId), 3000);
    socket.close();
    inbox.close();
  });

  it('outside business hours the shopper gets the offline form when the site says so, and their ticket reaches the console', async () => {
    await importSite({ ...demo, settings: { ...demo.settings, outsideHoursWithAgentOnline: 'offline_form' } });
    const agent = await createAgent('demo', 'Weekend Watcher');
    const inbox = await openInbox(agent);
    vi.setSystemTime(SUNDAY);
    try {
      await offlineTicketReachesTheConsole(inbox);
    } finally {
      vi.useRealTimers();
      await importSite(demo);
    }
  });

  async function offlineTicketReachesTheConsole(inbox: InboxSocket) {
    const { socket, welcome } = await openAndHello();
    socket.send({ v: 1, type: 'request_human' });
    const offline = await socket.waitFor('state', (frame) => frame.state === 'offline');
    expect(offline.promisedReplyTime).toBe("We'll reply by e-mail within 1 working day.");

    socket.send({ v: 1, type: 'offline_ticket', email: 'not-an-email', message: 'hi' });
    expect((await socket.waitFor('error')).code).toBe('invalid_frame');
    socket.send({ v: 1, type: 'offline_ticket', email: 'Shopper@Example.com', message: 'My parcel never came, order MM-654321.' });
    const confirmation = await socket.waitFor('message', (frame) => frame.message.system?.event === 'ticket');
    expect(confirmation.message.text).toContain('shopper@example.com');
    expect(confirmation.message.text).toContain('within 1 working day');

    const snapshot = await inbox.waitFor('inbox', (frame) => frame.tickets.some((ticket) => ticket.conversationId === welcome.conversationId));
    expect(snapshot.tickets.find((ticket) => ticket.conversationId === welcome.conversationId)).toMatchObject({
      email: 'shopper@example.com',
      message: 'My parcel never came, order MM-654321.',
      status: 'open',
      source: 'offline',
    });
    socket.close();
    inbox.close();
  }

  it('with nobody online during business hours the shopper also gets the offline form', async () => {
    // The lantern-tea site has no agents at all.
    const { socket } = await openAndHello({ site: 'lantern-tea', origin: 'https://lanterntea.example' });
    vi.setSystemTime(new Date('2030-01-07T04:00:00Z')); // 12:00 in Shanghai, a Monday
    socket.send({ v: 1, type: 'request_human' });
    await socket.waitFor('state', (frame) => frame.state === 'offline', 3000);
    socket.close();
  });
});

describe('agent access', () => {
  it('an agent of one site cannot open another site’s chat, socket or inbox', async () => {
    const { socket, welcome } = await openAndHello();
    const outsider = await createAgent('lantern-tea', 'Outsider');
    const refused = await agentUpgrade(`/v1/agent/conversations/${welcome.conversationId}`, outsider.cookie);
    expect(refused.status).toBe(403);
    expect(refused.webSocket).toBeNull();

    // Their inbox is their own site's: no trace of the demo shop's queue.
    const theirInbox = await openInbox(outsider);
    const snapshot = await theirInbox.waitFor('inbox');
    expect(snapshot.agent.site).toBe('lantern-tea');
    expect(JSON.stringify(snapshot)).not.toContain(welcome.conversationId);
    theirInbox.close();
    socket.close();
  });

  it('logging out ends the session everywhere; changing the password keeps only the current one', async () => {
    const agent = await createAgent('demo', 'Leaving Soon');
    const other = await loginAgain(agent);
    const me = (cookie: string) => SELF.fetch('http://kefu.test/v1/agent/me', { headers: { Cookie: cookie } });
    expect((await me(agent.cookie)).status).toBe(200);
    expect((await me(other)).status).toBe(200);

    const change = await SELF.fetch('http://kefu.test/v1/agent/password', {
      method: 'POST',
      headers: { Cookie: agent.cookie, Origin: 'http://kefu.test', 'content-type': 'application/json' },
      body: JSON.stringify({ currentPassword: 'correct horse battery staple', newPassword: 'a brand new passphrase' }),
    });
    expect(change.status).toBe(204);
    const renewed = (change.headers.get('Set-Cookie') ?? '').split(';')[0]!;
    expect((await me(renewed)).status).toBe(200);
    expect((await me(other)).status).toBe(401);
    expect((await me(agent.cookie)).status).toBe(401);

    const logout = await SELF.fetch('http://kefu.test/v1/agent/logout', { method: 'POST', headers: { Cookie: renewed, Origin: 'http://kefu.test' } });
    expect(logout.status).toBe(204);
    expect((await me(renewed)).status).toBe(401);
  });

  it('a forged, tampered or missing session gets 401', async () => {
    const agent = await createAgent('demo', 'Real Agent');
    const [name, value] = agent.cookie.split('=');
    const [body, signature] = value!.split('.');
    const forgedBody = btoa(JSON.stringify({ a: agent.id, s: 'demo', exp: 9999999999 })).replace(/=+$/, '');
    for (const cookie of ['', `${name}=garbage`, `${name}=${body}.${signature!.slice(0, -2)}AA`, `${name}=${forgedBody}.${signature}`]) {
      expect((await agentUpgrade('/v1/agent/inbox', cookie)).status).toBe(401);
    }
  });

  it('a chat that does not exist cannot be opened, and the bot stays silent for agents without a claim', async () => {
    const agent = await createAgent('demo', 'Curious');
    const missing = await agentUpgrade(`/v1/agent/conversations/${crypto.randomUUID()}`, agent.cookie);
    expect(missing.status).toBe(404);

    const { socket, welcome } = await openAndHello();
    const chat = await openAgentChat(agent, welcome.conversationId);
    chat.send({ v: 1, type: 'message', clientMsgId: nextClientMsgId(), text: 'I should not be able to say this' });
    expect((await chat.waitFor('error')).code).toBe('not_assigned');
    const rows: { text: string }[] = await transcript(welcome.conversationId);
    expect(rows.map((row) => row.text)).not.toContain('I should not be able to say this');
    socket.close();
    chat.close();
  });
});
