/**
 * Idle shoppers cost nothing: the runtime evicts an idle Conversation (workerd: after 10 s
 * without events) while the shopper's socket stays open, and the next frame wakes it intact.
 * Eviction is observed, not assumed: GET /v1/diagnostics/conversations/:id (DIAGNOSTICS=on, the
 * fault servers only) answers with the id of the object's current wake-up, which changes only
 * when the object was dropped from memory and constructed again.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { TranscriptMessage } from '../../protocol/index.ts';
import { fetchServerTranscript, ShopperClient, verifyAgainstServer } from '../support/kefu-client.ts';
import type { WranglerServer } from '../support/wrangler-dev.ts';
import { killHard, startFaultServer } from './harness.ts';

interface Diagnostics {
  instanceId: string;
  sockets: number;
  lastSeq: number;
  state: string;
}

describe('hibernation', () => {
  let server: WranglerServer | null = null;
  const stoppers: { stop(): void }[] = [];

  afterAll(async () => {
    for (const client of stoppers) client.stop();
    if (server) await killHard(server);
  });

  it('evicts an idle conversation while its socket stays open, and wakes it with seq, state, bot history and resume intact', async () => {
    server = await startFaultServer();
    const { baseUrl } = server;
    const diagnostics = async (conversationId: string): Promise<Diagnostics> => {
      const response = await fetch(new URL(`/v1/diagnostics/conversations/${encodeURIComponent(conversationId)}`, baseUrl));
      expect(response.status).toBe(200);
      return (await response.json()) as Diagnostics;
    };

    const shopper = new ShopperClient({ baseUrl, name: 'idle shopper' }).start();
    stoppers.push(shopper);
    await shopper.waitForWelcomes(1);
    const askedSeq = await shopper.sendAndWait('How do I return something I bought?');
    const botAfter = (seq: number, kind: string) =>
      shopper.ordered().find((message) => message.author === 'bot' && message.seq > seq && message.bot?.kind === kind);
    await shopper.waitUntil(() => botAfter(askedSeq, 'answer') !== undefined, 15_000, 'the bot answers');
    const answer = botAfter(askedSeq, 'answer') as TranscriptMessage & { bot: { kind: 'answer'; article: { id: string } } };
    const conversationId = shopper.conversationId!;
    const awake = await diagnostics(conversationId);
    expect(awake).toMatchObject({ sockets: 1, lastSeq: shopper.lastSeq, state: 'bot' });

    // Idle: each look wakes the object again, so look every 12 s (more than the 10 s eviction)
    // until a look finds a new wake-up. The shopper's socket must never close meanwhile.
    const closesBefore = shopper.counters.closes;
    await expect.poll(async () => (await diagnostics(conversationId)).instanceId, { interval: 12_000, timeout: 90_000 }).not.toBe(awake.instanceId);
    expect(shopper.counters.closes).toBe(closesBefore);
    expect(shopper.counters.welcomes).toBe(1);
    const woken = await diagnostics(conversationId);
    // Rebuilt from storage: the same socket (its attachment), the same seq, the same state.
    expect(woken).toMatchObject({ sockets: 1, lastSeq: shopper.lastSeq, state: 'bot' });

    // The bot's history survived: "not helpful" on the answer given before the eviction gets
    // other articles for that same question (with no history it would hand the chat over).
    const heldSeq = shopper.lastSeq;
    expect(shopper.sendFrame({ v: 1, type: 'feedback', seq: answer.seq, helpful: false })).toBe(true);
    await shopper.waitUntil(() => botAfter(heldSeq, 'suggest') !== undefined || botAfter(heldSeq, 'handoff') !== undefined, 15_000, 'the bot follows up');
    const followUp = botAfter(heldSeq, 'suggest');
    expect(followUp?.bot?.kind).toBe('suggest');
    if (followUp?.bot?.kind === 'suggest') expect(followUp.bot.suggestions.map((s) => s.id)).not.toContain(answer.bot.article.id);
    expect(shopper.state).toBe('bot');

    // Seq stays gapless over the same socket: the next message is stored right after the last one.
    const nextSeq = await shopper.sendAndWait('And how long does the refund take?');
    expect(nextSeq).toBeGreaterThan(heldSeq);
    expect(shopper.counters.welcomes).toBe(1);

    // Resume: a second tab with the token gets the whole transcript, identical to what the first holds.
    const transcript = await fetchServerTranscript(baseUrl, shopper.token!);
    expect(transcript.map((message) => message.seq)).toEqual(Array.from({ length: transcript.length }, (_, index) => index + 1));
    await shopper.waitUntil(() => shopper.lastSeq >= transcript.length, 10_000, 'caught up');
    expect(verifyAgainstServer(shopper, transcript, { complete: true })).toEqual([]);
  }, 180_000);
});
