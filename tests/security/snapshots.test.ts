/**
 * Snapshot amplification (finding 2): the probe's scenario. 40 queued chats, each from a page
 * with a maximum-size URL and title, each shopper sending one long message a second, while two
 * agents watch the inbox. Each agent must receive at most one small delta per chat change, not
 * the whole inbox: ≤ 2 KB per shopper message, printed here.
 */
import { describe, expect, inject, it } from 'vitest';
import { MAX_TEXT_LENGTH } from '../../protocol/limits.ts';
import { createAgent, openInbox, openShopper, printTable, type Shopper, sayAcked, sleep, type TestSocket } from './lib/client.ts';

const { baseUrl, adminKey } = inject('kefuSecurity');
const CHATS = 40;
const ROUNDS = 5;
const BUDGET_BYTES_PER_MESSAGE = 2048;

/** Counts the bytes a socket receives from now on. */
function meter(socket: TestSocket) {
  const counter = { bytes: 0, frames: 0 };
  socket.ws.on('message', (data: Buffer) => {
    counter.bytes += data.length;
    counter.frames += 1;
  });
  return counter;
}

describe('inbox updates per shopper message', () => {
  it(`cost each agent ≤ ${BUDGET_BYTES_PER_MESSAGE} bytes with ${CHATS} queued chats on max-size pages`, async () => {
    const agents = [await createAgent(baseUrl, adminKey, 'demo', 'Meter One'), await createAgent(baseUrl, adminKey, 'demo', 'Meter Two')];
    const inboxes = await Promise.all(agents.map((agent) => openInbox(baseUrl, agent.cookie)));
    const shoppers: Shopper[] = [];
    for (let n = 0; n < CHATS; n += 1) {
      const url = `https://shop.example/p/${n}/`.padEnd(2048, 'x');
      const shopper = await openShopper(baseUrl, { page: { url, title: `Product ${n} `.padEnd(300, 'y') } });
      shopper.socket.send({ v: 1, type: 'request_human' });
      await shopper.socket.waitFor('state', (frame) => frame.state === 'queued', 10_000);
      shoppers.push(shopper);
    }
    const ids = new Set(shoppers.map((shopper) => shopper.welcome.conversationId));
    for (const inbox of inboxes) {
      await inbox.waitFor(
        'inbox',
        (frame) => (frame.queue as { conversationId: string }[]).filter((entry) => ids.has(entry.conversationId)).length === CHATS,
        15_000,
      );
    }

    const meters = inboxes.map(meter);
    const framesBefore = inboxes.map((inbox) => inbox.frames.length);
    const started = Date.now();
    for (let round = 0; round < ROUNDS; round += 1) {
      const roundStart = Date.now();
      await Promise.all(shoppers.map((shopper, n) => sayAcked(shopper.socket, `round ${round} from shopper ${n} `.padEnd(MAX_TEXT_LENGTH, 'z'))));
      // One message a second per shopper, as the probe sent.
      await sleep(Math.max(0, 1000 - (Date.now() - roundStart)));
    }
    const last = `round ${ROUNDS - 1} from shopper `;
    // Barrier: every agent has seen every chat's last message.
    for (const inbox of inboxes) {
      await Promise.all(
        shoppers.map((shopper) =>
          inbox.waitFor(
            'chat',
            (frame) => {
              const chat = frame.chat as { conversationId: string; lastMessage: string };
              return chat.conversationId === shopper.welcome.conversationId && chat.lastMessage.startsWith(last);
            },
            15_000,
          ),
        ),
      );
    }
    const messages = CHATS * ROUNDS;
    const rows = inboxes.map((inbox, index) => {
      const frames = inbox.frames.slice(framesBefore[index]);
      return {
        agent: agents[index]!.agent.name,
        'shopper messages': messages,
        'frames received': meters[index]!.frames,
        'whole snapshots': frames.filter((frame) => frame.type === 'inbox').length,
        'chat deltas': frames.filter((frame) => frame.type === 'chat').length,
        'bytes received': meters[index]!.bytes,
        'bytes per shopper message': Math.round(meters[index]!.bytes / messages),
        'largest frame (bytes)': Math.max(...frames.map((frame) => JSON.stringify(frame).length)),
      };
    });
    printTable(
      `Inbox traffic per agent: ${CHATS} queued chats, 2,048-char URLs, 300-char titles, ${ROUNDS} rounds of 1 msg/s each (${((Date.now() - started) / 1000).toFixed(1)} s)`,
      rows,
    );
    for (const row of rows) {
      expect(row['bytes per shopper message']).toBeLessThanOrEqual(BUDGET_BYTES_PER_MESSAGE);
      expect(row['whole snapshots']).toBe(0);
      expect(row['chat deltas']).toBeLessThanOrEqual(messages);
    }
    for (const socket of [...inboxes, ...shoppers.map((shopper) => shopper.socket)]) socket.close();
  });

  it('coalesce a burst: at most one delta per chat per 250 ms per agent', async () => {
    const agent = await createAgent(baseUrl, adminKey, 'demo', 'Burst Meter');
    const inbox = await openInbox(baseUrl, agent.cookie);
    const shopper = await openShopper(baseUrl);
    shopper.socket.send({ v: 1, type: 'request_human' });
    await shopper.socket.waitFor('state', (frame) => frame.state === 'queued', 10_000);
    const id = shopper.welcome.conversationId;
    await inbox.waitFor('inbox', (frame) => (frame.queue as { conversationId: string }[]).some((entry) => entry.conversationId === id));
    const started = Date.now();
    const burst = 9;
    await Promise.all(Array.from({ length: burst }, (_, n) => sayAcked(shopper.socket, `burst message ${n}`)));
    const lastText = `burst message ${burst - 1}`;
    // Acks come in order, so the last acked message is the chat's last message once its delta arrives.
    await inbox.waitFor(
      'chat',
      (frame) =>
        (frame.chat as { conversationId: string; lastMessage: string }).conversationId === id &&
        (frame.chat as { lastMessage: string }).lastMessage === lastText,
      10_000,
    );
    const elapsed = Date.now() - started;
    const deltas = inbox.all('chat').filter((frame) => (frame.chat as { conversationId: string }).conversationId === id).length;
    printTable('Coalescing (finding 2)', [{ 'messages in a burst': burst, 'deltas to the agent': deltas, 'ms from first send to last delta': elapsed }]);
    expect(deltas).toBeLessThan(burst);
    expect(deltas).toBeLessThanOrEqual(1 + Math.ceil(elapsed / 250));
    inbox.close();
    shopper.socket.close();
  });
});
