/**
 * Floods: a shopper sending 100 messages per second is throttled with `rate_limited`, and nothing
 * past the limit is stored; repeated hellos must not be a way around that limit; and new
 * conversations from one IP are capped per site setting (knowledge-base/sites/<site>/site.json
 * `limits.newConversationsPerIpPerHour`), checked on a second `wrangler dev` that runs without
 * the load-test override.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWrangler, type WranglerServer } from '../support/wrangler-dev.ts';
import {
  createAgent,
  type Frame,
  localOrigin,
  nextClientMsgId,
  openAgentChat,
  openShopper,
  openSocket,
  printTable,
  readTranscript,
  sayAcked,
  sleep,
  type TestSocket,
  upgradeStatus,
  visitorUrl,
} from './lib/client.ts';

const { baseUrl, adminKey } = inject('kefuSecurity');

/** The server's documented budget: a burst of 10 shopper actions, then 1 per second. */
const BURST = 10;
const REFILL_PER_SECOND = 1;

function siteLimit(site: string): number {
  const config = JSON.parse(readFileSync(`knowledge-base/sites/${site}/site.json`, 'utf8')) as { limits?: { newConversationsPerIpPerHour?: number } };
  const limit = config.limits?.newConversationsPerIpPerHour;
  if (typeof limit !== 'number') throw new Error(`knowledge-base/sites/${site}/site.json has no limits.newConversationsPerIpPerHour`);
  return limit;
}

/** Sends `perSecond` messages a second for `seconds` from each socket; returns every frame id's outcome. */
async function flood(sockets: TestSocket[], perSecond: number, seconds: number) {
  const sent: { socket: TestSocket; clientMsgId: string; text: string }[] = [];
  const started = Date.now();
  const total = perSecond * seconds;
  for (let n = 0; n < total; n += 1) {
    for (const [index, socket] of sockets.entries()) {
      const clientMsgId = nextClientMsgId('flood');
      const text = `flood ${index}-${n}: where is my parcel?`;
      socket.send({ v: 1, type: 'message', clientMsgId, text });
      sent.push({ socket, clientMsgId, text });
    }
    const due = started + ((n + 1) * 1000) / perSecond;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
  }
  const elapsed = (Date.now() - started) / 1000;
  // Every frame gets an answer: an ack or an error (bounded wait).
  const answerOf = (entry: (typeof sent)[number]): Frame | undefined =>
    entry.socket.frames.find((frame) => (frame.type === 'ack' || frame.type === 'error') && frame.clientMsgId === entry.clientMsgId);
  const deadline = Date.now() + 15_000;
  while (sent.some((entry) => !answerOf(entry)) && Date.now() < deadline) await sleep(50);
  const answers = sent.map((entry) => ({ ...entry, answer: answerOf(entry) }));
  return { answers, elapsed };
}

describe('message floods', () => {
  it('a shopper sending 100 messages/s for 3 s is throttled with rate_limited, and only acked messages are stored', async () => {
    const shopper = await openShopper(baseUrl);
    const { answers, elapsed } = await flood([shopper.socket], 100, 3);
    const acked = answers.filter((entry) => entry.answer?.type === 'ack');
    const limited = answers.filter((entry) => entry.answer?.type === 'error' && entry.answer.code === 'rate_limited');
    const other = answers.filter((entry) => entry.answer && entry.answer.type === 'error' && entry.answer.code !== 'rate_limited');
    const unanswered = answers.filter((entry) => !entry.answer);
    await sleep(500);
    const { messages } = await readTranscript(baseUrl, shopper.welcome.token);
    const stored = messages.filter((message) => message.author === 'shopper');
    const allowed = BURST + Math.ceil(elapsed * REFILL_PER_SECOND) + 1;
    printTable('Flood: one shopper, 100 messages/s', [
      { figure: 'messages sent', value: answers.length },
      { figure: 'duration (s)', value: elapsed.toFixed(2) },
      { figure: 'acked', value: acked.length },
      { figure: 'rate_limited', value: limited.length },
      { figure: 'other errors', value: other.length },
      { figure: 'unanswered', value: unanswered.length },
      { figure: 'stored shopper messages', value: stored.length },
      { figure: `allowed by the budget (${BURST} + ${REFILL_PER_SECOND}/s)`, value: `<= ${allowed}` },
    ]);
    shopper.socket.close();
    expect(answers).toHaveLength(300);
    expect(unanswered).toHaveLength(0);
    expect(other).toHaveLength(0);
    expect(acked.length).toBeGreaterThanOrEqual(BURST);
    expect(acked.length).toBeLessThanOrEqual(allowed);
    expect(limited.length).toBe(answers.length - acked.length);
    // Exactly the acked messages are stored, once each.
    expect(stored.map((message) => message.clientMsgId).sort()).toEqual(acked.map((entry) => entry.clientMsgId).sort());
    // The limit recovers: after a pause the shopper can talk again.
    await sleep(1500);
    const again = await openShopper(baseUrl, { token: shopper.welcome.token, lastSeq: messages.at(-1)!.seq });
    expect(await sayAcked(again.socket, 'Thanks, one more question please')).toBeGreaterThan(0);
    again.socket.close();
  }, 60_000);

  it('three tabs of one chat share the budget: flooding from all of them stores no more', async () => {
    const first = await openShopper(baseUrl);
    const tabs = [first.socket];
    for (let i = 0; i < 2; i += 1) tabs.push((await openShopper(baseUrl, { token: first.welcome.token, lastSeq: 1 })).socket);
    const { answers, elapsed } = await flood(tabs, 50, 2);
    const acked = answers.filter((entry) => entry.answer?.type === 'ack');
    const limited = answers.filter((entry) => entry.answer?.type === 'error' && entry.answer.code === 'rate_limited');
    await sleep(500);
    const { messages } = await readTranscript(baseUrl, first.welcome.token);
    const stored = messages.filter((message) => message.author === 'shopper');
    const allowed = BURST + Math.ceil(elapsed * REFILL_PER_SECOND) + 1;
    printTable('Flood: three tabs of one chat, 50 messages/s each', [
      { figure: 'messages sent', value: answers.length },
      { figure: 'acked', value: acked.length },
      { figure: 'rate_limited', value: limited.length },
      { figure: 'stored shopper messages', value: stored.length },
      { figure: 'allowed by the budget', value: `<= ${allowed}` },
    ]);
    for (const tab of tabs) tab.close();
    expect(acked.length + limited.length).toBe(answers.length);
    expect(acked.length).toBeLessThanOrEqual(allowed);
    expect(stored).toHaveLength(acked.length);
  }, 60_000);

  it('repeated hellos carrying identity or page changes are throttled like identify/page frames', async () => {
    // identify and page frames cost a token; a hello carries the same identity and page, applies them,
    // writes storage, pushes a 'shopper' frame to every agent socket and, while the chat is queued or
    // with an agent, calls the site's inbox (the per-site hot spot). It must not be a free way around the limit.
    const agent = await createAgent(baseUrl, adminKey, 'demo', 'Flood Watcher');
    const shopper = await openShopper(baseUrl);
    const chat = await openAgentChat(baseUrl, agent.cookie, shopper.welcome.conversationId);
    const startedAt = Date.now();
    const HELLOS = 100;
    for (let n = 0; n < HELLOS; n += 1) {
      shopper.socket.send({ v: 1, type: 'hello', lastSeq: 1, identity: { name: `Name ${n}` }, page: { url: `http://127.0.0.1/p/${n}`, title: `Page ${n}` } });
      if (n % 10 === 9) await sleep(100);
    }
    // And the same through fresh sockets (reconnects are free too).
    const reconnects: TestSocket[] = [];
    for (let n = 0; n < 20; n += 1) {
      const socket = await openSocket(visitorUrl(baseUrl, 'demo', shopper.welcome.token), { Origin: localOrigin(baseUrl) });
      socket.send({ v: 1, type: 'hello', lastSeq: 1, identity: { name: `Reconnect ${n}` } });
      reconnects.push(socket);
    }
    await sleep(1500);
    const elapsed = (Date.now() - startedAt) / 1000;
    const applied = chat.all('shopper').length;
    const identityAnswers = shopper.socket.all('identity').length + reconnects.reduce((sum, socket) => sum + socket.all('identity').length, 0);
    const limited = [shopper.socket, ...reconnects].reduce(
      (sum, socket) => sum + socket.all('error').filter((frame) => frame.code === 'rate_limited').length,
      0,
    );
    const allowed = BURST + Math.ceil(elapsed * REFILL_PER_SECOND) + 1;
    printTable('Flood: 120 hellos with identity/page in ~2 s', [
      { figure: 'hellos sent', value: HELLOS + reconnects.length },
      { figure: "identity changes applied ('identity' answers)", value: identityAnswers },
      { figure: "'shopper' updates pushed to the agent", value: applied },
      { figure: 'rate_limited errors', value: limited },
      { figure: 'allowed by the budget', value: `<= ${allowed}` },
    ]);
    for (const socket of reconnects) socket.close();
    shopper.socket.close();
    chat.close();
    expect(identityAnswers).toBeLessThanOrEqual(allowed);
    expect(applied).toBeLessThanOrEqual(allowed * 2);
  }, 60_000);
});

describe('new conversations per IP, per site setting (no override)', () => {
  let server: WranglerServer;

  beforeAll(async () => {
    // Stay clear of the top of the hour: the limiter counts in fixed one-hour windows.
    const intoHour = Date.now() % 3_600_000;
    if (intoHour > 3_600_000 - 20_000) await sleep(3_600_000 - intoHour + 500);
    server = await startWrangler({ vars: { BUSINESS_HOURS_OVERRIDE: 'open' } });
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('caps new chats from one address at the site setting (429), per site; spoofed forwarding headers and resumes do not change that', async () => {
    const rows: Record<string, string | number>[] = [];
    for (const site of ['demo', 'lantern-tea']) {
      const limit = siteLimit(site);
      const origin = localOrigin(server.baseUrl);
      const statuses: number[] = [];
      let firstToken = '';
      for (let n = 0; n < limit; n += 1) {
        if (n === 0) {
          const shopper = await openShopper(server.baseUrl, { site });
          firstToken = shopper.welcome.token;
          shopper.socket.close();
          statuses.push(101);
        } else {
          statuses.push((await upgradeStatus(visitorUrl(server.baseUrl, site), { Origin: origin })).status);
        }
      }
      const over = await upgradeStatus(visitorUrl(server.baseUrl, site), { Origin: origin });
      const spoofHeaders: Record<string, string>[] = [
        { 'X-Forwarded-For': '203.0.113.7' },
        { 'X-Real-IP': '203.0.113.8' },
        { 'X-Forwarded-For': '198.51.100.1, 127.0.0.1' },
        { Forwarded: 'for=192.0.2.60' },
        { 'True-Client-IP': '192.0.2.61' },
        // Local workerd passes the client's own CF-Connecting-IP through: it must not make a new address.
        { 'CF-Connecting-IP': '192.0.2.62' },
        { 'CF-Connecting-IP': '198.51.100.63' },
        { 'CF-Connecting-IP': '2001:db8::64' },
      ];
      const spoofed = await Promise.all(spoofHeaders.map((headers) => upgradeStatus(visitorUrl(server.baseUrl, site), { Origin: origin, ...headers })));
      const forged = await upgradeStatus(visitorUrl(server.baseUrl, site, `${firstToken.slice(0, -2)}xx`), { Origin: origin });
      const resumed = await upgradeStatus(visitorUrl(server.baseUrl, site, firstToken), { Origin: origin });
      rows.push({
        site,
        'site limit/hour': limit,
        'opened (101)': statuses.filter((status) => status === 101).length,
        'next one': over.status,
        'spoofed X-Forwarded-For, CF-Connecting-IP & co': spoofed.map((answer) => answer.status).join(','),
        'forged token (counts as new)': forged.status,
        'resume with valid token': resumed.status,
      });
      expect(statuses.every((status) => status === 101)).toBe(true);
      expect(over.status).toBe(429);
      expect(JSON.parse(over.body)).toMatchObject({ error: 'too_many_conversations' });
      expect(spoofed.map((answer) => answer.status)).toEqual(spoofed.map(() => 429));
      expect(forged.status).toBe(429);
      expect(resumed.status).toBe(101);
    }
    printTable('New conversations from one IP (wrangler dev without override)', rows);
  }, 120_000);
});
