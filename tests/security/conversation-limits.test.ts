/**
 * Limits per conversation, probed the way an attacker with one shopper token would: many
 * sockets on one token, a new page in every hello, a typing flood, read receipts from an agent
 * who does not hold the chat, and a token copied before `kefu('shutdown')`.
 * Real `ws` clients against `wrangler dev` on 127.0.0.1; every wait is for a frame, with a barrier
 * (an acked message) to know that everything sent before it has been relayed.
 */
import { describe, expect, inject, it } from 'vitest';
import { CloseCode, MAX_SHOPPER_SOCKETS } from '../../protocol/limits.ts';
import {
  createAgent,
  handedOffChat,
  localOrigin,
  openAgentChat,
  openInbox,
  openShopper,
  printTable,
  sayAcked,
  type TestSocket,
  upgradeStatus,
  visitorUrl,
} from './lib/client.ts';

const { baseUrl, adminKey } = inject('kefuSecurity');

/** Resolves once `socket` has received the shopper message `text`: every frame relayed before it has arrived too. */
async function barrier(shopper: TestSocket, watcher: TestSocket, text: string): Promise<void> {
  await sayAcked(shopper, text);
  await watcher.waitFor('message', (frame) => (frame.message as { text: string }).text === text, 15_000);
}

describe('one shopper token', () => {
  it(`holds at most ${MAX_SHOPPER_SOCKETS} sockets: each new one closes the oldest with a typed code`, async () => {
    const first = await openShopper(baseUrl);
    const token = first.welcome.token;
    const sockets = [first.socket];
    for (let n = 1; n < 12; n += 1) sockets.push((await openShopper(baseUrl, { token })).socket);
    const closedOnes = sockets.slice(0, sockets.length - MAX_SHOPPER_SOCKETS);
    await Promise.all(closedOnes.map((socket) => socket.waitClosed(10_000)));
    const codes = closedOnes.map((socket) => socket.closed?.code);
    const stillOpen = sockets.filter((socket) => socket.closed === null);
    printTable('Sockets per shopper token (finding 6)', [
      { opened: sockets.length, 'closed (oldest first)': codes.length, 'close code': CloseCode.tooManySockets, 'still open': stillOpen.length },
    ]);
    expect(codes).toEqual(closedOnes.map(() => CloseCode.tooManySockets));
    expect(stillOpen).toEqual(sockets.slice(-MAX_SHOPPER_SOCKETS));
    // The newest still works.
    await sayAcked(stillOpen.at(-1)!, 'still here');
    for (const socket of sockets) socket.close();
  });

  it('a new page in every hello is counted against the page limit, and typing is relayed at most twice a second', async () => {
    const agent = await createAgent(baseUrl, adminKey, 'demo', 'Watcher');
    const inbox = await openInbox(baseUrl, agent.cookie);
    const { shopper, chat } = await handedOffChat(baseUrl, inbox, agent.cookie);
    const token = shopper.welcome.token;
    const shopperFramesBefore = chat.all('shopper').length;

    const helloStart = Date.now();
    const hellos = 60;
    for (let n = 0; n < hellos; n += 1) {
      const tab = await openShopper(baseUrl, { token, page: { url: `https://shop.example/p/${n}`, title: `Product ${n}` } });
      tab.socket.close();
    }
    await barrier(shopper.socket, chat, 'after the hellos');
    const helloSeconds = (Date.now() - helloStart) / 1000;
    const pageUpdates = chat.all('shopper').length - shopperFramesBefore;

    const typingStart = Date.now();
    const typingFrames = 3000;
    for (let n = 0; n < typingFrames; n += 1) shopper.socket.send({ v: 1, type: 'typing', on: n % 2 === 0 });
    await barrier(shopper.socket, chat, 'after the typing');
    const typingSeconds = (Date.now() - typingStart) / 1000;
    const relayedTyping = chat.all('typing').length;

    printTable('Hello pages and typing (finding 6)', [
      { sent: `${hellos} hellos, each a new page`, 'relayed to the agent': pageUpdates, seconds: helloSeconds.toFixed(1) },
      { sent: `${typingFrames} typing frames`, 'relayed to the agent': relayedTyping, seconds: typingSeconds.toFixed(1) },
    ]);
    // The shopper's action bucket: a burst of 10, then one a second (the barrier message costs one too).
    expect(pageUpdates).toBeLessThanOrEqual(10 + Math.ceil(helloSeconds));
    expect(pageUpdates).toBeLessThan(hellos);
    expect(relayedTyping).toBeLessThanOrEqual(2 * Math.ceil(typingSeconds) + 1);
    for (const socket of [chat, inbox, shopper.socket]) socket.close();
  });
});

describe('read receipts', () => {
  it('reach the shopper only from the agent who holds the chat', async () => {
    const holder = await createAgent(baseUrl, adminKey, 'demo', 'Holder');
    const other = await createAgent(baseUrl, adminKey, 'demo', 'Other');
    const inbox = await openInbox(baseUrl, holder.cookie);
    const { shopper, chat, conversationId } = await handedOffChat(baseUrl, inbox, holder.cookie);
    const otherChat = await openAgentChat(baseUrl, other.cookie, conversationId);
    otherChat.send({ v: 1, type: 'read', seq: 1 });
    otherChat.send({ v: 1, type: 'read', seq: 2 });
    const lastSeq = await sayAcked(shopper.socket, 'is anyone reading?');
    await chat.waitFor('message', (frame) => (frame.message as { seq: number }).seq === lastSeq);
    chat.send({ v: 1, type: 'read', seq: lastSeq });
    await shopper.socket.waitFor('read', (frame) => frame.seq === lastSeq);
    const reads = shopper.socket.all('read').map((frame) => frame.seq);
    printTable('Read receipts (finding 12)', [{ 'from another agent': 2, 'from the holder': 1, 'reached the shopper': reads.length }]);
    expect(reads).toEqual([lastSeq]);
    for (const socket of [chat, otherChat, inbox, shopper.socket]) socket.close();
  });
});

describe('shutdown', () => {
  it('ends the token on the server: every tab closes with a typed code and a copied token no longer opens the chat', async () => {
    const first = await openShopper(baseUrl);
    const copied = first.welcome.token;
    await sayAcked(first.socket, 'my order number is 12345 and my address is secret');
    const otherTab = await openShopper(baseUrl, { token: copied });
    first.socket.send({ v: 1, type: 'shutdown' });
    await Promise.all([first.socket.waitClosed(10_000), otherTab.socket.waitClosed(10_000)]);
    const reopened = await upgradeStatus(visitorUrl(baseUrl, 'demo', copied), { Origin: localOrigin(baseUrl) });
    printTable('Shutdown (finding 5)', [
      { 'tab that shut down': first.socket.closed?.code ?? '', 'other tab': otherTab.socket.closed?.code ?? '', 'copied token afterwards': reopened.status },
    ]);
    expect(first.socket.closed?.code).toBe(CloseCode.shutdown);
    expect(otherTab.socket.closed?.code).toBe(CloseCode.shutdown);
    expect(reopened.status).toBe(410);
    expect(reopened.body).not.toContain('12345');
  });
});

describe('the shopper page URL', () => {
  it('is marked on-site only for the site allowed origins, so the console links nothing else', async () => {
    const agent = await createAgent(baseUrl, adminKey, 'demo', 'Page Checker');
    const inbox = await openInbox(baseUrl, agent.cookie);
    const { shopper, chat } = await handedOffChat(baseUrl, inbox, agent.cookie);
    const seen: Record<string, string | boolean>[] = [];
    for (const url of ['https://evil.example/account/verify-agent-login', 'javascript:alert(1)', `${localOrigin(baseUrl)}/cart`]) {
      shopper.socket.send({ v: 1, type: 'page', page: { url, title: 'Cart' } });
      const frame = await chat.waitFor('shopper', (candidate) => (candidate.shopper as { pageUrl?: string }).pageUrl === url);
      seen.push({ url, pageOnSite: (frame.shopper as { pageOnSite?: boolean }).pageOnSite === true });
    }
    printTable('Page URLs (finding 10; ALLOW_LOCALHOST_ORIGINS makes 127.0.0.1 pages on-site)', seen);
    expect(seen.map((row) => row.pageOnSite)).toEqual([false, false, true]);
    for (const socket of [chat, inbox, shopper.socket]) socket.close();
  });
});
