import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES, type TranscriptMessage, type VisitorOutbound } from '../../protocol/index.ts';
import { signResumeToken } from '../../worker/resume-token.ts';
import { openAndHello, openVisitor, randomIp, upgrade, wrapSocket } from './sockets.ts';

async function storedRows(conversationId: string) {
  const stub = env.CONVERSATION.get(env.CONVERSATION.idFromName(conversationId));
  return runInDurableObject(stub, (_instance, state) =>
    state.storage.sql.exec<{ seq: number; client_msg_id: string | null; text: string }>('SELECT seq, client_msg_id, text FROM messages ORDER BY seq').toArray(),
  );
}

describe('Conversation over the visitor socket', () => {
  it('stores a message, then acks it with its seq', async () => {
    const { socket, welcome } = await openAndHello();
    socket.send({ v: 1, type: 'message', clientMsgId: 'first-message-1', text: 'Where is my parcel?' });
    const ack = await socket.waitFor('ack', (frame) => frame.clientMsgId === 'first-message-1');

    const rows = await storedRows(welcome.conversationId);
    const row = rows.find((r) => r.client_msg_id === 'first-message-1');
    expect(row).toEqual({ seq: ack.seq, client_msg_id: 'first-message-1', text: 'Where is my parcel?' });
    // Seqs are gapless from 1.
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, index) => index + 1));
    socket.close();
  });

  it('stores a retried clientMsgId once and acks it again with the same seq', async () => {
    const { socket, welcome } = await openAndHello();
    const frame = { v: 1, type: 'message', clientMsgId: 'retried-msg-01', text: 'Do you ship to Norway?' };
    socket.send(frame);
    const first = await socket.waitFor('ack');
    socket.send(frame);
    await socket.waitFor('ack', (ack) => ack !== first);
    const acks = socket.frames.filter((f) => f.type === 'ack');
    expect(acks).toHaveLength(2);
    expect(acks.map((a) => a.type === 'ack' && a.seq)).toEqual([first.seq, first.seq]);

    // A second socket on the same conversation (say, after a reconnect) retrying it too.
    const again = await openAndHello({ token: welcome.token, lastSeq: first.seq });
    again.socket.send(frame);
    const third = await again.socket.waitFor('ack');
    expect(third.seq).toBe(first.seq);

    const rows = await storedRows(welcome.conversationId);
    expect(rows.filter((r) => r.client_msg_id === 'retried-msg-01')).toHaveLength(1);
    socket.close();
    again.socket.close();
  });

  it('resuming with lastSeq returns exactly the missed messages, in order, once', async () => {
    const first = await openAndHello();
    first.socket.send({ v: 1, type: 'message', clientMsgId: 'resume-msg-001', text: 'one' });
    const seen = await first.socket.waitFor('ack');
    const lastSeq = seen.seq;
    first.socket.close();

    // Meanwhile the same shopper writes from another tab.
    const other = await openAndHello({ token: first.welcome.token, lastSeq });
    other.socket.send({ v: 1, type: 'message', clientMsgId: 'resume-msg-002', text: 'two' });
    other.socket.send({ v: 1, type: 'message', clientMsgId: 'resume-msg-003', text: 'three' });
    const third = await other.socket.waitFor('ack', (ack) => ack.clientMsgId === 'resume-msg-003');
    // The bot answers after the ack; let its reply land before counting what was missed.
    await other.socket.waitFor('message', (frame) => frame.message.seq > third.seq);
    other.socket.close();

    const back = await openAndHello({ token: first.welcome.token, lastSeq });
    expect(back.welcome.conversationId).toBe(first.welcome.conversationId);
    const serverLast = back.welcome.lastSeq;
    await back.socket.waitFor('message', (frame) => frame.message.seq === serverLast);
    const rows = await storedRows(first.welcome.conversationId);
    const expected = rows.filter((row) => row.seq > lastSeq && row.seq <= serverLast).map((row) => row.seq);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    const replayed = back.socket.frames.flatMap((frame) => (frame.type === 'message' ? [frame.message.seq] : []));
    // Exactly the missed messages, in order, each once (later live messages may follow).
    expect(replayed.slice(0, expected.length)).toEqual(expected);
    expect(new Set(replayed).size).toBe(replayed.length);
    expect(replayed.every((seq) => seq > lastSeq)).toBe(true);
    expect(back.socket.frames.some((frame) => frame.type === 'resync')).toBe(false);
    back.socket.close();
  });

  it('sends a full resync when the client claims a lastSeq beyond the server', async () => {
    const { socket, welcome } = await openAndHello({ lastSeq: 0 });
    socket.close();
    const ahead = await openAndHello({ token: welcome.token, lastSeq: 9999 });
    const resync = await ahead.socket.waitFor('resync');
    const rows = await storedRows(welcome.conversationId);
    expect(resync.messages.map((m: TranscriptMessage) => m.seq)).toEqual(rows.map((r) => r.seq));
    expect(resync.lastSeq).toBe(rows.at(-1)?.seq);
    ahead.socket.close();
  });

  it('reloading with the token returns the same conversation and its full history', async () => {
    const first = await openAndHello();
    first.socket.send({ v: 1, type: 'message', clientMsgId: 'history-msg-01', text: 'Hello from before the reload' });
    await first.socket.waitFor('ack');
    first.socket.close();
    const reloaded = await openAndHello({ token: first.welcome.token, lastSeq: 0 });
    expect(reloaded.welcome.conversationId).toBe(first.welcome.conversationId);
    const history = await reloaded.socket.waitFor('message', (frame) => frame.message.clientMsgId === 'history-msg-01');
    expect(history.message.text).toBe('Hello from before the reload');
    reloaded.socket.close();
  });
});

describe('resume tokens', () => {
  it('a forged, tampered, expired or other-site token starts a new conversation and never opens the named one', async () => {
    const victim = await openAndHello();
    victim.socket.send({ v: 1, type: 'message', clientMsgId: 'victim-secret1', text: 'my address is 1 Secret Lane' });
    await victim.socket.waitFor('ack');
    const victimId = victim.welcome.conversationId;
    const [body] = victim.welcome.token.split('.');

    const forged = [
      await signResumeToken('not-the-server-secret', { conversationId: victimId, siteId: 'demo', version: 0 }),
      `${body}.${'A'.repeat(43)}`,
      `${btoa(JSON.stringify({ c: victimId, s: 'demo', e: 9999999999 })).replace(/=+$/, '')}.${victim.welcome.token.split('.')[1]}`,
      await signResumeToken('workerd-test-secret', { conversationId: victimId, siteId: 'demo', version: 0 }, Date.now() - 31 * 24 * 3600 * 1000),
      await signResumeToken('workerd-test-secret', { conversationId: victimId, siteId: 'another-site', version: 0 }),
      victimId,
      'garbage',
    ];
    for (const token of forged) {
      const attacker = await openAndHello({ token });
      expect(attacker.welcome.conversationId).not.toBe(victimId);
      attacker.socket.send({ v: 1, type: 'message', clientMsgId: 'attacker-msg01', text: 'hi' });
      await attacker.socket.waitFor('ack');
      const texts = attacker.socket.frames.flatMap((frame) => (frame.type === 'message' ? [frame.message.text] : []));
      expect(texts.join('\n')).not.toContain('Secret Lane');
      attacker.socket.close();
    }
    victim.socket.close();
  });
});

describe('bad frames', () => {
  const badFrames: [string, string, string][] = [
    ['not JSON', '{"v":1,', 'bad_json'],
    ['oversized', JSON.stringify({ v: 1, type: 'message', clientMsgId: 'too-big-frame1', text: 'x'.repeat(MAX_FRAME_BYTES) }), 'frame_too_large'],
    ['text too long', JSON.stringify({ v: 1, type: 'message', clientMsgId: 'too-long-text1', text: 'y'.repeat(4001) }), 'invalid_frame'],
    ['unknown type', JSON.stringify({ v: 1, type: 'launch_missiles' }), 'invalid_frame'],
    ['wrong version', JSON.stringify({ v: 2, type: 'message', clientMsgId: 'wrong-version1', text: 'hi' }), 'unsupported_version'],
    ['prototype pollution', '{"v":1,"type":"message","clientMsgId":"proto-pollute1","text":"hi","__proto__":{"admin":true}}', 'invalid_frame'],
    ['array', '[1,2,3]', 'invalid_frame'],
  ];

  it.each(badFrames)('%s gets an error frame, nothing is stored, and the socket stays usable', async (_name, raw, code) => {
    const { socket, welcome } = await openAndHello();
    const before = await storedRows(welcome.conversationId);
    socket.send(raw);
    const error = await socket.waitFor('error');
    expect(error.code).toBe(code);
    expect(error.message).not.toMatch(/at .*\.(ts|js):\d+/);

    socket.send({ v: 1, type: 'message', clientMsgId: 'after-bad-frame', text: 'still there?' });
    const ack = await socket.waitFor('ack');
    const after = await storedRows(welcome.conversationId);
    expect(after.filter((row) => row.seq <= before.length)).toEqual(before);
    expect(after.find((row) => row.seq === ack.seq)?.text).toBe('still there?');
    expect(after.some((row) => row.text.startsWith('xxx') || row.text.startsWith('yyy'))).toBe(false);
    socket.close();
  });

  it('a binary frame gets an error and the socket survives', async () => {
    const { socket } = await openAndHello();
    socket.ws.send(new Uint8Array([1, 2, 3]));
    expect((await socket.waitFor('error')).code).toBe('binary_not_supported');
    socket.send({ v: 1, type: 'message', clientMsgId: 'after-binary01', text: 'ok' });
    await socket.waitFor('ack');
    socket.close();
  });

  it('a message before hello is refused with hello_required', async () => {
    const socket = await openVisitor();
    socket.send({ v: 1, type: 'message', clientMsgId: 'before-hello01', text: 'hi' });
    expect((await socket.waitFor('error')).code).toBe('hello_required');
    socket.close();
  });
});

describe('the router', () => {
  it('refuses a socket from an origin the site does not allow, before any upgrade', async () => {
    for (const origin of ['https://evil.example', 'null', null]) {
      const response = await upgrade('site=demo', origin);
      expect(response.status).toBe(403);
      expect(response.webSocket).toBeNull();
    }
  });

  it('refuses an unknown site', async () => {
    const response = await upgrade('site=no-such-shop');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'unknown_site', message: 'Unknown site.' });
  });
});

describe('new conversations per address', () => {
  it('caps new chats from one IP at the site setting, but never blocks a shopper resuming theirs', async () => {
    const ip = randomIp();
    const origin = 'https://lanterntea.example';
    const statuses: number[] = [];
    let token = '';
    for (let attempt = 0; attempt < 32; attempt += 1) {
      const response = await upgrade('site=lantern-tea', origin, ip);
      statuses.push(response.status);
      if (response.webSocket && !token) {
        const socket = wrapSocket<VisitorOutbound>(response.webSocket);
        socket.send({ v: 1, type: 'hello', lastSeq: 0 });
        token = (await socket.waitFor('welcome')).token;
        socket.close();
      } else if (response.webSocket) {
        response.webSocket.accept();
        response.webSocket.close(1000, 'done');
      }
    }
    // lantern-tea allows 30 new conversations per address per hour.
    expect(statuses.slice(0, 30).every((status) => status === 101)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
    const refused = await upgrade('site=lantern-tea', origin, ip);
    expect(await refused.json()).toMatchObject({ error: 'too_many_conversations' });

    const resumed = await upgrade(`site=lantern-tea&token=${encodeURIComponent(token)}`, origin, ip);
    expect(resumed.status).toBe(101);
    resumed.webSocket?.accept();
    resumed.webSocket?.close(1000, 'done');

    // Somebody else's address is not affected.
    const other = await upgrade('site=lantern-tea', origin);
    expect(other.status).toBe(101);
    other.webSocket?.accept();
    other.webSocket?.close(1000, 'done');
  });
});

describe('shopper rate limit', () => {
  it('throttles a flood with rate_limited and stores nothing past the limit', async () => {
    const { socket, welcome } = await openAndHello();
    const ids = Array.from({ length: 40 }, (_, index) => `flood-msg-${String(index).padStart(4, '0')}`);
    for (const clientMsgId of ids) socket.send({ v: 1, type: 'message', clientMsgId, text: `hello ${clientMsgId}` });
    // (whichever is stored first: the Conversation may take a burst's frames in another order
    // than they were sent, so the first one sent may be among the refused)
    await socket.waitFor('ack', (frame) => ids.includes(frame.clientMsgId));
    const answered = async () => {
      const acked = new Set(socket.all('ack').map((frame) => frame.clientMsgId));
      const limited = new Set(
        socket
          .all('error')
          .filter((frame) => frame.code === 'rate_limited')
          .map((frame) => frame.clientMsgId),
      );
      return { acked, limited };
    };
    await expect
      .poll(async () => {
        const { acked, limited } = await answered();
        return acked.size + limited.size;
      })
      .toBe(40);
    const { acked, limited } = await answered();
    expect(acked.size).toBeGreaterThanOrEqual(10);
    expect(acked.size).toBeLessThan(15);
    const rows = await storedRows(welcome.conversationId);
    const stored = rows.filter((row) => row.client_msg_id?.startsWith('flood-msg-')).map((row) => row.client_msg_id);
    expect(new Set(stored)).toEqual(acked);
    for (const id of limited) expect(stored).not.toContain(id);
    socket.close();
  });
});
