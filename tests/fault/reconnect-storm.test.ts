/**
 * Reconnect storm: 200 shoppers send 10,000 messages in total (50 each, about one a second)
 * while their sockets are dropped at random (client-side terminate, a share of them right
 * after a send so the message is in flight). Every 10th shopper has a second tab on the same
 * conversation, dropped at random too. At the end every message is stored exactly once, and
 * every tab holds exactly the server's transcript (the same messages in the same order).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type Backoff, fetchServerTranscript, ShopperClient, sleep, verifyAgainstServer } from '../support/kefu-client.ts';
import type { WranglerServer } from '../support/wrangler-dev.ts';
import { inBatches, killHard, printFigures, question, startFaultServer, until } from './harness.ts';

const SHOPPERS = Number(process.env.KEFU_FAULT_STORM_SHOPPERS ?? 200);
const TOTAL_MESSAGES = Number(process.env.KEFU_FAULT_STORM_MESSAGES ?? 10_000);
const PER_SHOPPER = Math.ceil(TOTAL_MESSAGES / SHOPPERS);
const SECOND_TAB_EVERY = 10;
const BACKOFF: Backoff = { baseMs: 100, capMs: 1000 };
function mergeCounts(records: Record<string, number>[]): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const record of records) for (const [key, value] of Object.entries(record)) merged[key] = (merged[key] ?? 0) + value;
  return merged;
}

/** Chance per 250 ms tick that a socket is dropped (about one drop per socket every 6 s). */
const DROP_PER_TICK = 0.04;
/** Chance that a send is followed at once by a drop (the message is in flight). */
const DROP_AFTER_SEND = 0.05;
const SEND_DEADLINE_MS = 180_000;

describe('reconnect storm', () => {
  let server: WranglerServer | null = null;
  const tabs: ShopperClient[] = [];

  afterAll(async () => {
    for (const tab of tabs) tab.stop();
    if (server) await killHard(server);
  });

  it(`${SHOPPERS} shoppers, ${TOTAL_MESSAGES} messages, sockets dropped at random: 0 lost, 0 duplicated, one order`, async () => {
    const started = Date.now();
    server = await startFaultServer();
    const { baseUrl } = server;

    const shoppers = Array.from({ length: SHOPPERS }, (_, index) => new ShopperClient({ baseUrl, backoff: BACKOFF, name: `shopper ${index}` }));
    tabs.push(...shoppers);
    await inBatches(shoppers, 50, async (shopper) => {
      shopper.start();
      await shopper.waitForWelcomes(1, 30_000);
    });
    const secondTabs = shoppers
      .filter((_, index) => index % SECOND_TAB_EVERY === 0)
      .map((shopper) => ({
        main: shopper,
        tab: new ShopperClient({ baseUrl, backoff: BACKOFF, token: shopper.token!, name: `${shopper.name} tab 2` }).start(),
      }));
    tabs.push(...secondTabs.map((pair) => pair.tab));
    await Promise.all(secondTabs.map((pair) => pair.tab.waitForWelcomes(1, 30_000)));
    for (const pair of secondTabs) expect(pair.tab.conversationId).toBe(pair.main.conversationId);

    // Send one message every 1.0-1.2 s per shopper (under the rate limit of 1/s refill), drop sockets at random.
    let counter = 0;
    const nextAt = new Map(shoppers.map((shopper) => [shopper, Date.now() + Math.random() * 1000]));
    const sender = setInterval(() => {
      const now = Date.now();
      for (const shopper of shoppers) {
        if (shopper.counters.sent >= PER_SHOPPER || now < nextAt.get(shopper)! || shopper.outbox.length >= 10) continue;
        shopper.send(question((counter += 1)));
        nextAt.set(shopper, now + 1000 + Math.random() * 200);
        if (shopper.welcomed && Math.random() < DROP_AFTER_SEND) shopper.drop();
      }
    }, 100);
    const dropper = setInterval(() => {
      for (const tab of tabs) if (tab.welcomed && Math.random() < DROP_PER_TICK) tab.drop();
    }, 250);
    try {
      await until(() => shoppers.every((shopper) => shopper.counters.sent >= PER_SHOPPER), SEND_DEADLINE_MS, 'all messages handed to the clients');
    } finally {
      clearInterval(sender);
      clearInterval(dropper);
    }
    const sendingSeconds = (Date.now() - started) / 1000;

    // Drain: every outbox empty, every tab back online; then let the bot's last replies land.
    await until(() => tabs.every((tab) => tab.outbox.length === 0 && tab.welcomed), 60_000, 'outboxes drained');
    await sleep(1500);

    const problems: string[] = [];
    let storedShopperMessages = 0;
    let storedMessages = 0;
    await inBatches(shoppers, 20, async (shopper, index) => {
      const transcript = await fetchServerTranscript(baseUrl, shopper.token!, { timeoutMs: 20_000 });
      storedMessages += transcript.length;
      storedShopperMessages += transcript.filter((message) => message.author === 'shopper').length;
      const participants = [shopper, ...secondTabs.filter((pair) => pair.main === shopper).map((pair) => pair.tab)];
      for (const participant of participants) {
        await participant.waitUntil(() => participant.lastSeq >= transcript.length, 10_000, `tab of shopper ${index} caught up`).catch(() => undefined);
        problems.push(...verifyAgainstServer(participant, transcript, { complete: true }));
      }
    });

    const total = <K extends keyof ShopperClient['counters']>(key: K) => tabs.reduce((sum, tab) => sum + (tab.counters[key] as number), 0);
    printFigures(`reconnect storm: ${SHOPPERS} shoppers + ${secondTabs.length} second tabs, backoff ${BACKOFF.baseMs}/${BACKOFF.capMs} ms`, {
      'messages sent': total('sent'),
      'shopper messages stored': storedShopperMessages,
      'all messages stored (with bot replies, system)': storedMessages,
      'socket drops (client terminate)': total('drops'),
      reconnects: total('reconnects'),
      'failed connect attempts': `${total('connectFailures')} ${JSON.stringify(mergeCounts(tabs.map((tab) => tab.counters.connectErrors)))}`,
      'resends (same clientMsgId)': total('resends'),
      're-acks of a stored message (dedup)': total('reAcks'),
      'learnt stored from replay (ack lost in a drop)': total('settledByReplay'),
      'rate_limited answers': total('rateLimited'),
      'duplicate frames': total('duplicateFrames'),
      'gaps / conflicts': `${total('gaps')} / ${total('conflicts')}`,
      'resync frames': total('resyncs'),
      'lost / duplicated / misordered': problems.length,
      'sending phase s': Math.round(sendingSeconds),
      'suite s': Math.round((Date.now() - started) / 1000),
    });

    expect(problems.slice(0, 20)).toEqual([]);
    expect(total('sent')).toBe(SHOPPERS * PER_SHOPPER);
    expect(storedShopperMessages).toBe(SHOPPERS * PER_SHOPPER);
    // The storm really happened: sockets dropped, messages resent, retries deduplicated.
    expect(total('drops')).toBeGreaterThan(SHOPPERS);
    expect(total('resends')).toBeGreaterThan(0);
  }, 300_000);
});
