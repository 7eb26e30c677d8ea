/**
 * Calls between the Conversation and the SiteInbox fail in the middle of a step (FAULT_INJECTION
 * is on in this suite: worker/fault-injection.ts). Whatever fails, the chat must end in a state
 * both objects agree on, and the person who asked must be told.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useFixedClock } from './clock.ts';
import { createAgent, type InboxSocket, nextClientMsgId, openAgentChat, openAndHello, openInbox, say, type TestAgent, type VisitorSocket } from './sockets.ts';

const MONDAY_MORNING = new Date('2030-01-07T10:00:00Z');

useFixedClock(MONDAY_MORNING);

const inboxStub = () => env.SITE_INBOX.get(env.SITE_INBOX.idFromName('demo'));
const conversationStub = (id: string) => env.CONVERSATION.get(env.CONVERSATION.idFromName(id));

/** The Conversation's state and its transcript, read from its storage. */
async function conversationView(id: string) {
  return runInDurableObject(conversationStub(id), (_instance, state) => ({
    state: state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'state'").toArray()[0]?.value,
    texts: state.storage.sql.exec<{ author: string; text: string }>('SELECT author, text FROM messages ORDER BY seq').toArray(),
  }));
}

/** The inbox's row for the chat, read from its storage. */
async function inboxRow(id: string) {
  return runInDurableObject(
    inboxStub(),
    (_instance, state) =>
      state.storage.sql.exec<{ state: string; agent_id: string | null }>('SELECT state, agent_id FROM chats WHERE conversation_id = ?', id).toArray()[0],
  );
}

describe('a handoff whose inbox call fails', () => {
  let ana: TestAgent;
  let inbox: InboxSocket;
  beforeEach(async () => {
    ana = await createAgent('demo', 'Ana');
    inbox = await openInbox(ana);
  });
  afterEach(() => inbox.close());

  it('leaves the chat with the bot, promises nobody, tells the shopper, and works when asked again', async () => {
    const { socket, welcome } = await openAndHello();
    await inboxStub().injectFault('requestHandoff', 1, false);
    socket.send({ v: 1, type: 'request_human' });
    const error = await socket.waitFor('error');
    expect(error.code).toBe('internal');
    expect(error.message).not.toMatch(/at |Error|injected/);

    const view = await conversationView(welcome.conversationId);
    expect(view.state).toBe('bot');
    expect(view.texts.some((m) => m.author === 'bot' && /member of our team/.test(m.text))).toBe(false);
    expect(await inboxRow(welcome.conversationId)).toBeUndefined();
    expect(socket.all('state')).toEqual([]);

    socket.send({ v: 1, type: 'request_human' });
    await socket.waitFor('state', (frame) => frame.state === 'queued');
    await inbox.waitFor('inbox', (frame) => frame.queue.some((entry) => entry.conversationId === welcome.conversationId));
    expect((await inboxRow(welcome.conversationId))?.state).toBe('queued');
    socket.close();
  });

  it('retries a call the runtime marks as retryable: one handoff, one notice', async () => {
    const { socket, welcome } = await openAndHello();
    await inboxStub().injectFault('requestHandoff', 1, true);
    socket.send({ v: 1, type: 'request_human' });
    await socket.waitFor('state', (frame) => frame.state === 'queued');
    const view = await conversationView(welcome.conversationId);
    expect(view.texts.filter((m) => m.author === 'bot' && /member of our team/.test(m.text))).toHaveLength(1);
    expect(socket.all('error')).toEqual([]);
    socket.close();
  });
});

describe('a chat an agent holds, when the inbox call fails', () => {
  let ana: TestAgent;
  let inbox: InboxSocket;
  let shopper: VisitorSocket;
  let conversationId: string;

  beforeEach(async () => {
    ana = await createAgent('demo', 'Ana');
    inbox = await openInbox(ana);
    const opened = await openAndHello();
    shopper = opened.socket;
    conversationId = opened.welcome.conversationId;
    shopper.send({ v: 1, type: 'request_human' });
    await shopper.waitFor('state', (frame) => frame.state === 'queued');
    inbox.send({ v: 1, type: 'claim', conversationId });
    await inbox.waitFor('claimed', (frame) => frame.conversationId === conversationId);
    await shopper.waitFor('state', (frame) => frame.state === 'agent');
  });
  afterEach(() => {
    inbox.close();
    shopper.close();
  });

  it('close: the chat stays with the agent on both sides, the agent is told, and closing again works', async () => {
    const chat = await openAgentChat(ana, conversationId);
    await inboxStub().injectFault('release', 1, false);
    chat.send({ v: 1, type: 'close' });
    const error = await chat.waitFor('error');
    expect(error.code).toBe('try_again');

    expect((await conversationView(conversationId)).state).toBe('agent');
    expect(await inboxRow(conversationId)).toEqual({ state: 'agent', agent_id: ana.id });
    expect(shopper.all('state').map((frame) => frame.state)).not.toContain('closed');
    // The agent can still write: the chat is theirs.
    const clientMsgId = nextClientMsgId();
    chat.send({ v: 1, type: 'message', clientMsgId, text: 'Still here.' });
    await chat.waitFor('ack', (ack) => ack.clientMsgId === clientMsgId);

    chat.send({ v: 1, type: 'close' });
    await shopper.waitFor('state', (frame) => frame.state === 'closed');
    expect((await inboxRow(conversationId))?.state).toBe('closed');
    await inbox.waitFor('inbox', (frame) => frame.mine.every((summary) => summary.conversationId !== conversationId));
    chat.close();
  });

  it('back to the bot: nothing changes until the inbox has let go', async () => {
    const chat = await openAgentChat(ana, conversationId);
    await inboxStub().injectFault('release', 1, false);
    chat.send({ v: 1, type: 'back_to_bot' });
    expect((await chat.waitFor('error')).code).toBe('try_again');
    expect((await conversationView(conversationId)).state).toBe('agent');
    expect((await inboxRow(conversationId))?.state).toBe('agent');

    chat.send({ v: 1, type: 'back_to_bot' });
    await shopper.waitFor('state', (frame) => frame.state === 'bot');
    expect((await inboxRow(conversationId))?.state).toBe('bot');
    chat.close();
  });

  it('the idle close: a failed release fails the alarm with nothing stored, and the next alarm closes', async () => {
    const chat = await openAgentChat(ana, conversationId);
    const clientMsgId = nextClientMsgId();
    chat.send({ v: 1, type: 'message', clientMsgId, text: 'Are you still there?' });
    await chat.waitFor('ack', (ack) => ack.clientMsgId === clientMsgId);
    const stub = conversationStub(conversationId);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await shopper.waitFor('message', (frame) => frame.message.bot?.kind === 'idle_prompt' && frame.message.bot.step === 1);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await shopper.waitFor('message', (frame) => frame.message.bot?.kind === 'idle_prompt' && frame.message.bot.step === 2);
    const before = (await conversationView(conversationId)).texts.length;

    await inboxStub().injectFault('release', 1, false);
    await expect(runDurableObjectAlarm(stub)).rejects.toThrow();
    const after = await conversationView(conversationId);
    expect(after.state).toBe('agent');
    expect(after.texts.length).toBe(before);
    expect((await inboxRow(conversationId))?.state).toBe('agent');

    // The runtime retries a failed alarm; here the test runs it again.
    await runInDurableObject(stub, (_instance, state) => state.storage.setAlarm(Date.now() + 1000));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await shopper.waitFor('state', (frame) => frame.state === 'closed');
    expect((await inboxRow(conversationId))?.state).toBe('closed');
    chat.close();
  });
});

describe('a claim whose chat cannot be told', () => {
  it('puts the chat back at the front of the queue and tells the agent; claiming again works', async () => {
    const ana = await createAgent('demo', 'Ana');
    const inbox = await openInbox(ana);
    const { socket, welcome } = await openAndHello();
    const conversationId = welcome.conversationId;
    await say(socket, 'I want to talk to a person');
    await socket.waitFor('state', (frame) => frame.state === 'queued');

    await conversationStub(conversationId).injectFault('assignAgent', 1, false);
    inbox.send({ v: 1, type: 'claim', conversationId });
    const error = await inbox.waitFor('error', (frame) => frame.conversationId === conversationId);
    expect(error.code).toBe('try_again');
    expect(inbox.all('claimed').some((frame) => frame.conversationId === conversationId)).toBe(false);
    expect(await inboxRow(conversationId)).toMatchObject({ state: 'queued' });
    expect((await conversationView(conversationId)).state).toBe('queued');
    await inbox.waitFor('inbox', (frame) => frame.queue[0]?.conversationId === conversationId);

    inbox.send({ v: 1, type: 'claim', conversationId });
    await inbox.waitFor('claimed', (frame) => frame.conversationId === conversationId);
    await socket.waitFor('state', (frame) => frame.state === 'agent');
    expect(await inboxRow(conversationId)).toEqual({ state: 'agent', agent_id: ana.id });
    inbox.close();
    socket.close();
  });
});
