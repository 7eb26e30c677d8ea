/**
 * Runtime killed mid-conversation: 20 shoppers and 2 agents (10 chats each) exchange messages;
 * the whole `wrangler dev` process group (wrangler, esbuild, every workerd) gets `kill -9`
 * while traffic flows, and is restarted on the same port and local storage. The clients
 * reconnect by themselves. After every cycle and at the end: every acked message is stored
 * exactly once, in seq order, and every client holds exactly the server's transcript.
 *
 * KEFU_FAULT_KILL_CYCLES overrides the number of kill/restart cycles (default 20).
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  AgentChatClient,
  type AgentSession,
  type Backoff,
  type ConversationClient,
  createAgent,
  fetchServerTranscript,
  InboxClient,
  percentile,
  ShopperClient,
  sleep,
  verifyAgainstServer,
} from '../support/kefu-client.ts';
import type { WranglerServer } from '../support/wrangler-dev.ts';
import { inBatches, killHard, printFigures, printTable, removeDir, startFaultServer, tempPersistDir, until } from './harness.ts';

const CYCLES = Number(process.env.KEFU_FAULT_KILL_CYCLES ?? 20);
const SHOPPERS = 20;
/** Short backoff so that 20 restarts fit in CI; the widget's own (500 ms / 15 s) is measured in mass-disconnect. */
const BACKOFF: Backoff = { baseMs: 200, capMs: 1000 };
const SUITE_DEADLINE_MS = 240_000;

interface Chat {
  shopper: ShopperClient;
  agent: AgentChatClient;
}

describe('runtime killed mid-conversation', () => {
  let server: WranglerServer | null = null;
  const persistDir = tempPersistDir('fault-kill');
  const clients: ConversationClient[] = [];
  const inboxes: InboxClient[] = [];

  afterAll(async () => {
    for (const client of clients) client.stop();
    for (const inbox of inboxes) inbox.stop();
    if (server) await killHard(server);
    removeDir(persistDir);
  });

  it(`keeps every acked message exactly once, in order, across ${CYCLES} kill -9 restarts`, async () => {
    const started = Date.now();
    server = await startFaultServer({ persistDir });
    const { baseUrl, port } = server;

    // Two agents online, then 20 shoppers who ask for a person; each agent claims 10.
    const sessions: AgentSession[] = [await createAgent(baseUrl, 'demo', 'Ana Kill'), await createAgent(baseUrl, 'demo', 'Bo Kill')];
    for (const session of sessions) inboxes.push(new InboxClient({ baseUrl, session, backoff: BACKOFF }).start());
    await Promise.all(inboxes.map((inbox) => inbox.waitForWelcomes(1)));

    const shoppers = Array.from({ length: SHOPPERS }, (_, index) => new ShopperClient({ baseUrl, backoff: BACKOFF, name: `shopper ${index}` }).start());
    clients.push(...shoppers);
    await Promise.all(
      shoppers.map(async (shopper) => {
        await shopper.waitForWelcomes(1);
        await shopper.sendAndWait('I want to talk to a person');
        await shopper.waitUntil(() => shopper.state === 'queued', 10_000, 'queued');
      }),
    );
    const chats: Chat[] = [];
    for (const [index, shopper] of shoppers.entries()) {
      const owner = index < SHOPPERS / 2 ? 0 : 1;
      expect(await inboxes[owner]!.claim(shopper.conversationId!)).toBe('claimed');
      await shopper.waitUntil(() => shopper.state === 'agent', 10_000, 'agent joined');
      const agent = new AgentChatClient({
        baseUrl,
        session: sessions[owner]!,
        conversationId: shopper.conversationId!,
        backoff: BACKOFF,
        name: `agent ${owner} chat ${index}`,
      }).start();
      clients.push(agent);
      chats.push({ shopper, agent });
    }
    await Promise.all(chats.map((chat) => chat.agent.waitForWelcomes(1)));

    // Traffic: every participant writes every 1.5-3 s (a conversation stays near 1 message/s).
    let running = true;
    let counter = 0;
    const nextAt = new Map<ConversationClient, number>(clients.map((client) => [client, Date.now() + Math.random() * 1500]));
    const traffic = setInterval(() => {
      if (!running) return;
      const now = Date.now();
      for (const client of clients) {
        if (now < nextAt.get(client)! || client.outbox.length >= 3) continue;
        client.send(`${client.name} says hello #${(counter += 1)}`);
        nextAt.set(client, now + 1500 + Math.random() * 1500);
      }
    }, 100);

    const cycles: Record<string, string | number>[] = [];
    const downtimes: number[] = [];
    const recoveries: number[] = [];
    let inFlightTotal = 0;
    const storedKnown = () => sum(clients, (client) => client.acked.size);
    let storedAtLastCycle = storedKnown();
    try {
      for (let cycle = 1; cycle <= CYCLES; cycle += 1) {
        if (Date.now() - started > SUITE_DEADLINE_MS) throw new Error(`suite deadline: only ${cycle - 1} cycles fitted in ${SUITE_DEADLINE_MS} ms`);
        await sleep(500 + Math.random() * 1000);
        // A last message from everyone, then the kill 0-40 ms later: some die unprocessed,
        // some are stored but their ack is lost, some are acked just in time.
        for (const client of clients) client.send(`${client.name} last words before kill ${cycle}`);
        await sleep(Math.random() * 40);
        const welcomes = new Map(clients.map((client) => [client, client.counters.welcomes]));
        const inboxWelcomes = inboxes.map((inbox) => inbox.welcomes);
        const killedAt = Date.now();
        await killHard(server);
        const inFlight = sum(clients, (client) => client.outbox.length);
        inFlightTotal += inFlight;
        server = await startFaultServer({ port, persistDir });
        const upAt = Date.now();
        await Promise.all([
          ...clients.map((client) =>
            client.waitUntil(() => client.counters.welcomes > welcomes.get(client)! && client.welcomed, 30_000, `reconnect after kill ${cycle}`),
          ),
          ...inboxes.map((inbox, index) => inbox.waitForWelcomes(inboxWelcomes[index]! + 1, 30_000)),
        ]);
        const backAt = Date.now();
        downtimes.push(upAt - killedAt);
        recoveries.push(backAt - upAt);
        cycles.push({
          cycle,
          'acked since last kill': storedKnown() - storedAtLastCycle,
          'unacked at kill': inFlight,
          'restart ms': upAt - killedAt,
          'all back ms': backAt - upAt,
        });
        storedAtLastCycle = storedKnown();
      }
    } finally {
      running = false;
      clearInterval(traffic);
    }

    // Let the outboxes drain and both ends of every chat reach the same lastSeq.
    await Promise.all(clients.map((client) => client.waitUntil(() => client.outbox.length === 0, 30_000, 'outbox drained')));
    await until(() => chats.every((chat) => chat.shopper.lastSeq === chat.agent.lastSeq), 15_000, 'shopper and agent caught up');

    const problems: string[] = [];
    let stored = 0;
    await inBatches(chats, 10, async (chat) => {
      const transcript = await fetchServerTranscript(baseUrl, chat.shopper.token!);
      stored += transcript.length;
      problems.push(...verifyAgainstServer(chat.shopper, transcript, { complete: true }));
      problems.push(...verifyAgainstServer(chat.agent, transcript, { complete: true }));
    });

    printTable(`runtime kill -9: per cycle (${SHOPPERS} shoppers, 2 agents, backoff ${BACKOFF.baseMs}/${BACKOFF.capMs} ms)`, cycles);
    printFigures('runtime kill -9: totals', {
      'kill/restart cycles': CYCLES,
      'messages sent (shoppers + agents)': sum(clients, (client) => client.counters.sent),
      'acked (first ack)': sum(clients, (client) => client.counters.acks),
      'learnt stored from replay (ack lost in the kill)': sum(clients, (client) => client.counters.settledByReplay),
      'unacked at a kill (all cycles)': inFlightTotal,
      'resends (same clientMsgId)': sum(clients, (client) => client.counters.resends),
      're-acks of a stored message (dedup)': sum(clients, (client) => client.counters.reAcks),
      'client reconnects': sum(clients, (client) => client.counters.reconnects),
      'failed connect attempts': sum(clients, (client) => client.counters.connectFailures),
      'resync frames': sum(clients, (client) => client.counters.resyncs),
      'messages stored on server': stored,
      'lost / duplicated / misordered': problems.length,
      'restart ms p50 / max': `${percentile(downtimes, 50)} / ${Math.max(...downtimes)}`,
      'all clients back after restart ms p50 / max': `${percentile(recoveries, 50)} / ${Math.max(...recoveries)}`,
      'suite s': Math.round((Date.now() - started) / 1000),
    });

    expect(problems).toEqual([]);
    expect(cycles).toHaveLength(CYCLES);
    // The kills really caught messages in flight, and those were neither lost nor doubled.
    expect(inFlightTotal).toBeGreaterThan(0);
    expect(sum(clients, (client) => client.counters.sent)).toBe(sum(clients, (client) => client.acked.size));
    expect(sum(clients, (client) => client.counters.reconnects)).toBeGreaterThanOrEqual(CYCLES * clients.length);
  }, 300_000);
});

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}
