/**
 * A shopper's client goes offline for 30 s (socket gone, no reconnect) while the agent sends
 * 5 messages. On reconnect exactly those 5 arrive: once each, in order, right after the last
 * seq the shopper held, and nothing else.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { TranscriptMessage } from '../../protocol/index.ts';
import { AgentChatClient, createAgent, fetchServerTranscript, InboxClient, ShopperClient, sleep, verifyAgainstServer } from '../support/kefu-client.ts';
import type { WranglerServer } from '../support/wrangler-dev.ts';
import { killHard, printTable, startFaultServer } from './harness.ts';

const OFFLINE_MS = Number(process.env.KEFU_FAULT_OFFLINE_MS ?? 30_000);
const AGENT_MESSAGES = 5;

describe('shopper offline while the agent writes', () => {
  let server: WranglerServer | null = null;
  const stoppers: { stop(): void }[] = [];

  afterAll(async () => {
    for (const client of stoppers) client.stop();
    if (server) await killHard(server);
  });

  it(`gets exactly the ${AGENT_MESSAGES} missed agent messages after ${OFFLINE_MS / 1000} s offline`, async () => {
    server = await startFaultServer();
    const { baseUrl } = server;
    const session = await createAgent(baseUrl, 'demo', 'Olu Offline');
    const inbox = new InboxClient({ baseUrl, session }).start();
    stoppers.push(inbox);
    await inbox.waitForWelcomes(1);

    const shopper = new ShopperClient({ baseUrl, name: 'offline shopper' }).start();
    stoppers.push(shopper);
    await shopper.waitForWelcomes(1);
    await shopper.sendAndWait('I want to talk to a person');
    await shopper.waitUntil(() => shopper.state === 'queued', 10_000, 'queued');
    expect(await inbox.claim(shopper.conversationId!)).toBe('claimed');
    const agent = new AgentChatClient({ baseUrl, session, conversationId: shopper.conversationId!, name: 'agent' }).start();
    stoppers.push(agent);
    await agent.waitForWelcomes(1);
    await agent.sendAndWait('Hi, I am Olu. How can I help?');
    await shopper.sendAndWait('My order MM-1234 has not arrived.');
    await agent.waitUntil(() => agent.lastSeq === shopper.lastSeq, 5000, 'agent sees the question');
    await shopper.waitUntil(() => shopper.lastSeq === agent.lastSeq, 5000, 'shopper up to date');

    // Offline: socket terminated, no reconnect for OFFLINE_MS.
    const heldBefore = shopper.lastSeq;
    const welcomesBefore = shopper.counters.welcomes;
    const connectsBefore = shopper.counters.connectAttempts;
    shopper.goOffline();
    const offlineAt = Date.now();
    const sentSeqs: number[] = [];
    const texts = Array.from({ length: AGENT_MESSAGES }, (_, index) => `Update ${index + 1} of ${AGENT_MESSAGES}: checking order MM-1234 with the courier.`);
    for (const text of texts) {
      await sleep(OFFLINE_MS / (AGENT_MESSAGES + 1));
      sentSeqs.push(await agent.sendAndWait(text));
    }
    await sleep(Math.max(0, offlineAt + OFFLINE_MS - Date.now()));
    expect(shopper.counters.welcomes).toBe(welcomesBefore);
    expect(shopper.counters.connectAttempts).toBe(connectsBefore);
    expect(shopper.lastSeq).toBe(heldBefore);

    // Back online: record exactly what arrives on the new connection.
    const arrived: TranscriptMessage[] = [];
    shopper.on('message', (message: TranscriptMessage, connection: number) => {
      if (connection === welcomesBefore + 1) arrived.push(message);
    });
    const onlineAt = Date.now();
    shopper.goOnline();
    await shopper.waitForWelcomes(welcomesBefore + 1);
    await shopper.waitUntil(() => shopper.lastSeq >= sentSeqs.at(-1)!, 5000, 'missed messages replayed');
    await sleep(500); // anything extra would show up here
    const caughtUpMs = Date.now() - onlineAt;

    const transcript = await fetchServerTranscript(baseUrl, shopper.token!);
    printTable('shopper offline: messages replayed on reconnect', [
      ...arrived.map((message) => ({ seq: message.seq, author: message.author, text: message.text.slice(0, 60) })),
    ]);
    printTable('shopper offline: figures', [
      {
        'offline s': Math.round((onlineAt - offlineAt) / 1000),
        'agent messages sent': sentSeqs.length,
        'arrived on reconnect': arrived.length,
        'duplicate frames': shopper.counters.duplicateFrames,
        'reconnect → caught up ms': caughtUpMs,
        'server lastSeq': transcript.length,
      },
    ]);

    expect(sentSeqs).toEqual(Array.from({ length: AGENT_MESSAGES }, (_, index) => heldBefore + 1 + index));
    expect(arrived.map((message) => ({ seq: message.seq, author: message.author, text: message.text }))).toEqual(
      texts.map((text, index) => ({ seq: heldBefore + 1 + index, author: 'agent', text })),
    );
    expect(verifyAgainstServer(shopper, transcript, { complete: true })).toEqual([]);
    expect(verifyAgainstServer(agent, transcript, { complete: true })).toEqual([]);
  }, 120_000);
});
