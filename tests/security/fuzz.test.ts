/**
 * Frame fuzz: 100,000 generated hostile frames over 50 live sockets (shoppers, agents' chat
 * sockets and inbox sockets) against `wrangler dev`. Seeded, so a failure reproduces with
 * KEFU_FUZZ_SEED=<seed>. Every frame is one the protocol must refuse (see lib/fuzz-gen.ts), so:
 * - each gets exactly one error frame, with the code protocol/parseFrame gives it, in order;
 * - the server never crashes or answers `internal`, and every socket stays open and usable;
 * - nothing is stored: each transcript holds exactly the two messages sent legitimately.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { agentConversationInboundSchema, inboxInboundSchema, visitorInboundSchema } from '../../protocol/index.ts';
import {
  type Frame,
  localOrigin,
  loginAgent,
  nextClientMsgId,
  openAgentChat,
  openInbox,
  openShopper,
  openSocket,
  printTable,
  readTranscript,
  type Shopper,
  sayAcked,
  sleep,
  type TestSocket,
  visitorUrl,
} from './lib/client.ts';
import { CATEGORIES, type Category, generate, prng, type Role } from './lib/fuzz-gen.ts';

const { baseUrl, demoAgent, pid } = inject('kefuSecurity');
const SEED = Number(process.env.KEFU_FUZZ_SEED ?? 20260601);
const TOTAL_FRAMES = Number(process.env.KEFU_FUZZ_FRAMES ?? 100_000);
const SHOPPER_SOCKETS = 44;
const AGENT_CHAT_SOCKETS = 3;
const INBOX_SOCKETS = 3;
const SOCKETS = SHOPPER_SOCKETS + AGENT_CHAT_SOCKETS + INBOX_SOCKETS;
/** Frames in flight per socket before waiting for answers. */
const WINDOW = 64;
const FUZZ_DEADLINE_MS = 150_000;

const SCHEMAS = { visitor: visitorInboundSchema, agent: agentConversationInboundSchema, inbox: inboxInboundSchema } as const;

interface Target {
  role: Role;
  socket: TestSocket;
  /** Shopper targets: the chat's token and the messages sent legitimately. */
  shopper?: Shopper;
  legit: string[];
  expected: { category: Category; code: string }[];
}

function errors(socket: TestSocket): Frame[] {
  return socket.frames.filter((frame) => frame.type === 'error');
}

function serverAlive(): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('frame fuzz over live sockets', () => {
  const targets: Target[] = [];
  let cookie = '';

  beforeAll(async () => {
    ({ cookie } = await loginAgent(baseUrl, 'demo', demoAgent.email, demoAgent.password));
    const shoppers = await Promise.all(Array.from({ length: SHOPPER_SOCKETS }, () => openShopper(baseUrl)));
    for (const shopper of shoppers) targets.push({ role: 'visitor', socket: shopper.socket, shopper, legit: [], expected: [] });
    for (let i = 0; i < AGENT_CHAT_SOCKETS; i += 1) {
      const socket = await openAgentChat(baseUrl, cookie, shoppers[i]!.welcome.conversationId);
      targets.push({ role: 'agent', socket, legit: [], expected: [] });
    }
    for (let i = 0; i < INBOX_SOCKETS; i += 1) targets.push({ role: 'inbox', socket: await openInbox(baseUrl, cookie), legit: [], expected: [] });
    // One legitimate message per chat before the fuzz, so the transcript check has something real to keep.
    await Promise.all(
      targets
        .filter((target) => target.shopper)
        .map(async (target) => {
          const text = `How do I track my order? (fuzz chat before, ${target.shopper!.welcome.conversationId.slice(0, 8)})`;
          await sayAcked(target.socket, text);
          target.legit.push(text);
        }),
    );
  }, 60_000);

  afterAll(() => {
    for (const target of targets) target.socket.close();
  });

  it(`answers ${TOTAL_FRAMES} hostile frames with one error frame each, keeps every socket usable and stores nothing`, async () => {
    expect(targets).toHaveLength(SOCKETS);
    const perSocket = Math.ceil(TOTAL_FRAMES / SOCKETS);
    const started = Date.now();
    const deadline = started + FUZZ_DEADLINE_MS;
    const discarded = { accepted: 0 };
    const baseline = targets.map((target) => errors(target.socket).length);
    const closedDuring: string[] = [];

    await Promise.all(
      targets.map(async (target, index) => {
        const rng = prng(SEED * 1000 + index);
        const schema = SCHEMAS[target.role];
        for (let sent = 0; sent < perSocket; sent += 1) {
          while (sent - (errors(target.socket).length - baseline[index]!) >= WINDOW) {
            if (Date.now() > deadline) throw new Error(`fuzz deadline passed on socket ${index} after ${sent} frames`);
            if (target.socket.closed) break;
            await target.socket.waitForCount(target.socket.frames.length + 1, 10_000).catch(() => undefined);
          }
          if (target.socket.closed) {
            closedDuring.push(`socket ${index} (${target.role}) closed after ${sent} frames: ${JSON.stringify(target.socket.closed)}`);
            break;
          }
          const frame = generate(rng, target.role, schema, discarded);
          target.expected.push({ category: frame.category, code: frame.expected });
          target.socket.sendRaw(frame.data, { binary: frame.binary });
        }
        // Wait for the last answers (bounded).
        const until = Date.now() + 30_000;
        while (errors(target.socket).length - baseline[index]! < perSocket && Date.now() < until && !target.socket.closed) {
          await target.socket.waitForCount(target.socket.frames.length + 1, 5_000).catch(() => undefined);
        }
      }),
    );
    const fuzzSeconds = (Date.now() - started) / 1000;

    // Per category: sent, error frames received, and whether each code matched parseFrame's.
    const byCategory = new Map<Category, { sent: number; answered: number; matched: number }>();
    for (const category of CATEGORIES) byCategory.set(category, { sent: 0, answered: 0, matched: 0 });
    const mismatches: string[] = [];
    let internal = 0;
    targets.forEach((target, index) => {
      const received = errors(target.socket).slice(baseline[index]!);
      internal += received.filter((frame) => frame.code === 'internal').length;
      target.expected.forEach((expected, n) => {
        const row = byCategory.get(expected.category)!;
        row.sent += 1;
        const answer = received[n];
        if (!answer) return;
        row.answered += 1;
        if (answer.code === expected.code) row.matched += 1;
        else if (mismatches.length < 10)
          mismatches.push(
            `socket ${index} (${target.role}) frame ${n} [${expected.category}]: expected ${expected.code}, got ${answer.code} (${String(answer.message).slice(0, 120)})`,
          );
      });
    });

    // Every socket is still open and usable.
    const alive = targets.filter((target) => !target.socket.closed).length;
    let usable = 0;
    for (const target of targets) {
      if (target.socket.closed) continue;
      if (target.role === 'visitor') {
        const text = `Where can I see my invoice? (fuzz chat after, ${target.shopper!.welcome.conversationId.slice(0, 8)})`;
        await sayAcked(target.socket, text);
        target.legit.push(text);
        usable += 1;
      } else if (target.role === 'agent') {
        const before = target.socket.all('welcome').length;
        target.socket.send({ v: 1, type: 'hello', lastSeq: 0 });
        await target.socket.waitForCount(target.socket.frames.length + 1, 5000);
        const welcomes = target.socket.all('welcome');
        expect(welcomes.length).toBe(before + 1);
        // Invalid notes were refused: the chat has no internal notes.
        expect(welcomes.at(-1)!.notes).toEqual([]);
        usable += 1;
      } else {
        const before = target.socket.all('inbox').length;
        target.socket.send({ v: 1, type: 'hello' });
        await target.socket.waitFor('inbox', () => target.socket.all('inbox').length > before, 5000);
        usable += 1;
      }
    }

    // Nothing stored: replay each chat from seq 0 and compare with what was sent legitimately.
    let storedShopperMessages = 0;
    let unexpectedStored = 0;
    let botOrSystem = 0;
    const strays: string[] = [];
    for (const target of targets.filter((t) => t.shopper)) {
      const { messages } = await readTranscript(baseUrl, target.shopper!.welcome.token);
      const fromShopper = messages.filter((message) => message.author === 'shopper');
      storedShopperMessages += fromShopper.length;
      botOrSystem += messages.length - fromShopper.length;
      const unexpected = fromShopper.filter((message) => !target.legit.includes(message.text));
      unexpectedStored += unexpected.length;
      if (unexpected.length && strays.length < 5) strays.push(...unexpected.map((message) => JSON.stringify(message).slice(0, 200)));
      expect(fromShopper.map((message) => message.text)).toEqual(target.legit);
      // No ticket or rating was created by a fuzz frame.
      expect(
        messages.filter(
          (message) =>
            (message.system as { event?: string } | undefined)?.event === 'ticket' || (message.system as { event?: string } | undefined)?.event === 'rated',
        ),
      ).toEqual([]);
    }
    // And the inbox holds no ticket for any fuzzed chat.
    const inbox = await openInbox(baseUrl, cookie);
    const snapshot = inbox.all('inbox').at(-1)!;
    inbox.close();
    const fuzzedIds = new Set(targets.filter((t) => t.shopper).map((t) => t.shopper!.welcome.conversationId));
    const fuzzTickets = (snapshot.tickets as { conversationId: string }[]).filter((ticket) => fuzzedIds.has(ticket.conversationId));

    // No prototype pollution reached the server's objects: a fresh chat's frames carry no injected keys.
    const fresh = await openShopper(baseUrl);
    const freshSeq = await sayAcked(fresh.socket, 'Hello, is anyone polluted?');
    await sleep(300);
    const freshJson = JSON.stringify(fresh.socket.frames);
    fresh.socket.close();

    const totalSent = [...byCategory.values()].reduce((sum, row) => sum + row.sent, 0);
    const totalAnswered = [...byCategory.values()].reduce((sum, row) => sum + row.answered, 0);
    const totalMatched = [...byCategory.values()].reduce((sum, row) => sum + row.matched, 0);
    printTable(`Frame fuzz (seed ${SEED}, ${SOCKETS} sockets, ${fuzzSeconds.toFixed(1)} s, ${Math.round(totalSent / fuzzSeconds)} frames/s)`, [
      ...[...byCategory.entries()].map(([category, row]) => ({
        category,
        'frames sent': row.sent,
        'error frames': row.answered,
        'code as parseFrame': row.matched,
        missing: row.sent - row.answered,
      })),
      { category: 'TOTAL', 'frames sent': totalSent, 'error frames': totalAnswered, 'code as parseFrame': totalMatched, missing: totalSent - totalAnswered },
    ]);
    printTable('Fuzz outcome', [
      { figure: 'sockets alive after fuzz', value: `${alive}/${SOCKETS}` },
      { figure: 'sockets usable after fuzz (valid frame answered)', value: `${usable}/${SOCKETS}` },
      { figure: "'internal' error frames", value: internal },
      { figure: 'runtime process alive', value: serverAlive() },
      { figure: 'shopper messages stored (legit: 2 per chat)', value: `${storedShopperMessages} (expected ${SHOPPER_SOCKETS * 2})` },
      { figure: 'fuzz frames stored', value: unexpectedStored },
      { figure: 'bot/system messages (replies to legit messages)', value: botOrSystem },
      { figure: 'tickets created by fuzz', value: fuzzTickets.length },
      { figure: 'draws the schema accepted (discarded, never sent)', value: discarded.accepted },
    ]);
    if (closedDuring.length) {
      console.log(`sockets closed during the fuzz:\n${closedDuring.slice(0, 10).join('\n')}`);
      if (closedDuring.length === SOCKETS)
        console.log(
          'every socket closed: the runtime restarted (note: `wrangler dev` reloads, closing all sockets with 1006, when a source or dist file changes under it)',
        );
    }
    if (mismatches.length) console.log(`first code mismatches:\n${mismatches.join('\n')}`);
    if (strays.length) console.log(`stored fuzz frames:\n${strays.join('\n')}`);

    expect(serverAlive()).toBe(true);
    expect(closedDuring).toEqual([]);
    expect(totalSent).toBeGreaterThanOrEqual(TOTAL_FRAMES);
    expect(internal).toBe(0);
    expect(mismatches).toEqual([]);
    expect(totalAnswered).toBe(totalSent);
    expect(alive).toBe(SOCKETS);
    expect(usable).toBe(SOCKETS);
    expect(unexpectedStored).toBe(0);
    expect(storedShopperMessages).toBe(SHOPPER_SOCKETS * 2);
    expect(fuzzTickets).toEqual([]);
    expect(freshSeq).toBeGreaterThan(0);
    expect(freshJson).not.toMatch(/polluted|isAdmin/);
    // Every category was exercised.
    for (const [category, row] of byCategory) expect(row.sent, category).toBeGreaterThan(0);
  }, 240_000);

  it('refuses valid frames before hello with hello_required and stores none of them', async () => {
    const socket = await openSocket(visitorUrl(baseUrl), { Origin: localOrigin(baseUrl) });
    const frames: unknown[] = [
      { v: 1, type: 'message', clientMsgId: nextClientMsgId(), text: 'sent before hello' },
      { v: 1, type: 'choose_article', clientMsgId: nextClientMsgId(), articleId: 'track-order' },
      { v: 1, type: 'request_human' },
      { v: 1, type: 'offline_ticket', email: 'pre@example.com', message: 'before hello' },
      { v: 1, type: 'rate', score: 5, comment: 'before hello' },
      { v: 1, type: 'feedback', seq: 1, helpful: false },
      { v: 1, type: 'identify', identity: { name: 'Before Hello' } },
      { v: 1, type: 'page', page: { url: 'http://127.0.0.1/x', title: 'before hello' } },
      { v: 1, type: 'typing', on: true },
      { v: 1, type: 'read', seq: 0 },
    ];
    for (const frame of frames) socket.send(frame);
    await socket.waitForCount(frames.length, 5000);
    expect(socket.frames.map((frame) => (frame.type === 'error' ? frame.code : frame.type))).toEqual(frames.map(() => 'hello_required'));
    socket.send({ v: 1, type: 'hello', lastSeq: 0 });
    const welcome = await socket.waitFor('welcome');
    socket.close();
    const { messages } = await readTranscript(baseUrl, welcome.token as string);
    expect(messages.filter((message) => message.author !== 'bot' || (message.bot as { kind?: string })?.kind !== 'greeting')).toEqual([]);
  });

  it('refuses lone surrogates (invalid UTF-16) in every shopper string field, not only message text', async () => {
    // protocol/visitor.ts: a lone surrogate "cannot be stored or shown faithfully; refuse it rather than mangle it".
    const helloProbes: [string, string][] = [
      ['hello page.title', '{"v":1,"type":"hello","lastSeq":0,"page":{"url":"http://127.0.0.1/","title":"Shop \\ud800"}}'],
      ['hello page.url', '{"v":1,"type":"hello","lastSeq":0,"page":{"url":"http://127.0.0.1/\\udc00","title":"Shop"}}'],
      ['hello identity.name', '{"v":1,"type":"hello","lastSeq":0,"identity":{"name":"Ann \\udbff"}}'],
    ];
    const frameProbes: [string, string][] = [
      ['identify name', '{"v":1,"type":"identify","identity":{"name":"Bob \\ud83d"}}'],
      ['identify id', '{"v":1,"type":"identify","identity":{"id":"u\\udfff"}}'],
      ['page title', '{"v":1,"type":"page","page":{"url":"http://127.0.0.1/","title":"\\ud800"}}'],
      ['rate comment', '{"v":1,"type":"rate","score":4,"comment":"ok \\udc00"}'],
      ['offline_ticket message (control)', '{"v":1,"type":"offline_ticket","email":"a@example.com","message":"\\ud800"}'],
    ];
    /** Sends the probe then a sentinel (bad JSON); the probe's answer is what arrives before the sentinel's error. */
    const probe = async (socket: TestSocket, raw: string): Promise<string> => {
      const before = socket.frames.length;
      socket.sendRaw(raw);
      socket.sendRaw('{sentinel');
      await socket.waitFor('error', (frame) => frame.code === 'bad_json' && socket.frames.indexOf(frame) >= before, 5000);
      const answers = socket.frames.slice(before).filter((frame) => frame.type !== 'message' && frame.type !== 'resync' && frame.type !== 'typing');
      const first = answers[0]!;
      if (first.type === 'error' && first.code === 'bad_json') return 'no answer (accepted silently)';
      return first.type === 'error' ? `error ${String(first.code)}` : `accepted (${first.type})`;
    };
    const outcomes: { field: string; answer: string }[] = [];
    for (const [field, raw] of helloProbes) {
      const socket = await openSocket(visitorUrl(baseUrl), { Origin: localOrigin(baseUrl) });
      outcomes.push({ field, answer: await probe(socket, raw) });
      socket.close();
    }
    const { socket } = await openShopper(baseUrl);
    await sleep(200);
    for (const [field, raw] of frameProbes) outcomes.push({ field, answer: await probe(socket, raw) });
    socket.close();
    printTable('Lone surrogates per field (expected: error invalid_frame)', outcomes);
    expect(outcomes.find((outcome) => outcome.field.startsWith('offline_ticket'))!.answer).toBe('error invalid_frame');
    expect(outcomes.filter((outcome) => outcome.answer !== 'error invalid_frame')).toEqual([]);
  });
});
