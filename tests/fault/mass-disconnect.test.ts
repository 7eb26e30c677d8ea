/**
 * Deploy-style mass disconnect: every shopper socket goes at the same instant, twice:
 *  1. "deploy": the runtime is killed (kill -9 of the process group) and restarted on the same
 *     port and storage, the way a deploy drops every socket;
 *  2. "all sockets closed at once" with the server up (pure client-side jitter).
 * The clients use the widget's own backoff (500 ms base, 15 s cap, half-fixed half-random).
 * Measured: first/last reconnect, p50/p95 of the reconnect delay, attempts. Asserted: every
 * client reconnects and resynchronises (the missed messages replayed, the transcript equal to
 * the server's, its next message answered), and the client retries are jittered (spread).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { fetchServerTranscript, percentile, ShopperClient, verifyAgainstServer, WIDGET_BACKOFF } from '../support/kefu-client.ts';
import type { WranglerServer } from '../support/wrangler-dev.ts';
import { inBatches, killHard, printTable, question, removeDir, startFaultServer, tempPersistDir, until } from './harness.ts';

const SHOPPERS = Number(process.env.KEFU_FAULT_MASS_SHOPPERS ?? 200);

describe('deploy-style mass disconnect', () => {
  let server: WranglerServer | null = null;
  const persistDir = tempPersistDir('fault-mass');
  const shoppers: ShopperClient[] = [];

  afterAll(async () => {
    for (const shopper of shoppers) shopper.stop();
    if (server) await killHard(server);
    removeDir(persistDir);
  });

  it(`${SHOPPERS} shoppers reconnect with jitter and all resync`, async () => {
    server = await startFaultServer({ persistDir });
    const { baseUrl, port } = server;
    shoppers.push(...Array.from({ length: SHOPPERS }, (_, index) => new ShopperClient({ baseUrl, backoff: WIDGET_BACKOFF, name: `shopper ${index}` })));
    let asked = 0;
    await inBatches(shoppers, 50, async (shopper) => {
      shopper.start();
      await shopper.waitForWelcomes(1, 30_000);
      await shopper.sendAndWait(question((asked += 1)), 30_000);
    });

    const rows: Record<string, string | number>[] = [];
    const firstRetries: Record<string, number[]> = {};
    const measure = async (scenario: string, disconnect: () => Promise<number>) => {
      const welcomes = new Map(shoppers.map((shopper) => [shopper, shopper.counters.welcomes]));
      const attempts = new Map(shoppers.map((shopper) => [shopper, shopper.counters.connectAttempts]));
      // A question from everyone right before the disconnect: its ack or its bot reply is
      // missed, and must come back through the resend or the replay after reconnecting.
      for (const shopper of shoppers) shopper.send(question((asked += 1)));
      const at = Date.now();
      const readyAfter = await disconnect();
      await until(
        () => shoppers.every((shopper) => shopper.counters.welcomes > welcomes.get(shopper)! && shopper.welcomed),
        60_000,
        `${scenario}: all reconnected`,
      );
      const closedAt = (shopper: ShopperClient) => shopper.timeline.closes.find((time) => time >= at) ?? at;
      // The client's own jitter: from the close it saw to its first new attempt.
      const retry = shoppers.map((shopper) => shopper.timeline.connectAttempts.find((time) => time >= closedAt(shopper))! - closedAt(shopper));
      // From the close to the new welcome, and from the disconnect to the welcome.
      const delays = shoppers.map((shopper) => shopper.timeline.welcomes.at(-1)! - closedAt(shopper));
      const back = shoppers.map((shopper) => shopper.timeline.welcomes.at(-1)! - at);
      const tries = shoppers.map((shopper) => shopper.counters.connectAttempts - attempts.get(shopper)!);
      firstRetries[scenario] = retry;
      rows.push({
        scenario,
        reconnected: `${shoppers.filter((shopper) => shopper.counters.welcomes > welcomes.get(shopper)!).length}/${shoppers.length}`,
        'server ready s': readyAfter / 1000,
        'first retry ms min-max': `${Math.round(Math.min(...retry))}-${Math.round(Math.max(...retry))}`,
        'welcomed s first / last': `${(Math.min(...back) / 1000).toFixed(2)} / ${(Math.max(...back) / 1000).toFixed(2)}`,
        'delay p50 / p95 s': `${(percentile(delays, 50) / 1000).toFixed(2)} / ${(percentile(delays, 95) / 1000).toFixed(2)}`,
        'attempts p50 / max': `${percentile(tries, 50)} / ${Math.max(...tries)}`,
      });
      // Resynchronised: the in-flight question is stored, the next one answered, and (below)
      // every transcript equals the server's.
      await until(() => shoppers.every((shopper) => shopper.outbox.length === 0), 30_000, `${scenario}: outboxes drained`);
      await inBatches(shoppers, 50, (shopper) => shopper.sendAndWait(question((asked += 1)), 30_000));
    };

    await measure('deploy (kill -9 + restart)', async () => {
      const killedAt = Date.now();
      await killHard(server!);
      server = await startFaultServer({ port, persistDir });
      return Date.now() - killedAt;
    });
    await measure('all sockets closed at once', async () => {
      for (const shopper of shoppers) shopper.drop();
      return 0;
    });

    await new Promise((resolve) => setTimeout(resolve, 1000));
    const problems: string[] = [];
    await inBatches(shoppers, 20, async (shopper) => {
      const transcript = await fetchServerTranscript(baseUrl, shopper.token!, { timeoutMs: 20_000 });
      await shopper.waitUntil(() => shopper.lastSeq >= transcript.length, 5000).catch(() => undefined);
      problems.push(...verifyAgainstServer(shopper, transcript, { complete: true }));
    });

    printTable(
      `mass disconnect: ${SHOPPERS} shoppers, widget backoff ${WIDGET_BACKOFF.baseMs} ms / ${WIDGET_BACKOFF.capMs} ms (times from the disconnect)`,
      rows,
    );
    printTable('mass disconnect: resync', [
      {
        'clients verified against the server': shoppers.length,
        'lost / duplicated / misordered': problems.length,
        'resync frames': shoppers.reduce((sum, shopper) => sum + shopper.counters.resyncs, 0),
        'duplicate frames': shoppers.reduce((sum, shopper) => sum + shopper.counters.duplicateFrames, 0),
      },
    ]);

    expect(problems.slice(0, 20)).toEqual([]);
    expect(rows.map((row) => row.reconnected)).toEqual([`${SHOPPERS}/${SHOPPERS}`, `${SHOPPERS}/${SHOPPERS}`]);
    // Jittered, not in lockstep: the widget's first retry lands anywhere in 250-500 ms after the
    // close, so 200 clients spread over well over 100 ms of it.
    const retry = firstRetries['all sockets closed at once']!;
    expect(Math.min(...retry)).toBeGreaterThanOrEqual(WIDGET_BACKOFF.baseMs / 2 - 5);
    expect(Math.max(...retry) - Math.min(...retry)).toBeGreaterThan(100);
  }, 240_000);
});
