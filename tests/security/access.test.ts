/**
 * Access: Origin checks on every socket and API call, agent sessions that are forged, tampered,
 * expired or from another site, guessing another chat's token or id, and identity verification.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createAgent,
  type Frame,
  localOrigin,
  openAgentChat,
  openInbox,
  openShopper,
  openSocket,
  printTable,
  readTranscript,
  sayAcked,
  upgradeStatus,
  visitorUrl,
  wsUrl,
} from './lib/client.ts';
import { signToken, tamperSignature } from './lib/tokens.ts';

const { baseUrl, adminKey, sessionSecret, resumeTokenSecret, identitySecrets, demoAgent } = inject('kefuSecurity');
const ORIGIN = localOrigin(baseUrl);
const FOREIGN_ORIGINS = [
  'http://evil.example',
  'null',
  'http://127.0.0.1.evil.example',
  `http://localhost.evil.example:${new URL(baseUrl).port}`,
  `https://127.0.0.1:${new URL(baseUrl).port}`,
  `http://127.0.0.1:${new URL(baseUrl).port}/`,
  'file://',
  'chrome-extension://abcdefghijklmnop',
];
/** A 4xx/5xx body is a short JSON {error, message}: never a stack trace or a source path. */
function assertCleanErrorBody(body: string) {
  expect(body).not.toMatch(/\bat .+:\d+:\d+|\.ts:\d+|\.js:\d+|Error:|stack/i);
  expect(body.length).toBeLessThan(500);
}

async function api(path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const response = await fetch(`${baseUrl}${path}`, { redirect: 'manual', ...init });
  const body = await response.text();
  return { status: response.status, body };
}

let demoCookie = '';
let demoAgentId = '';

beforeAll(async () => {
  const login = await fetch(`${baseUrl}/v1/agent/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', Origin: ORIGIN },
    body: JSON.stringify({ site: 'demo', email: demoAgent.email, password: demoAgent.password }),
  });
  expect(login.status).toBe(200);
  demoCookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  demoAgentId = ((await login.json()) as { agent: { id: string } }).agent.id;
});

describe('origin checks', () => {
  it('refuses shopper sockets without an allowed Origin (403 before any upgrade) and unknown sites (404)', async () => {
    const rows: Record<string, string | number>[] = [];
    const check = async (label: string, url: string, headers: Record<string, string>, expected: number) => {
      const { status, body } = await upgradeStatus(url, headers);
      rows.push({ case: label, expected, got: status });
      if (status !== 101) assertCleanErrorBody(body);
      return status;
    };
    expect(await check('own origin (control)', visitorUrl(baseUrl), { Origin: ORIGIN }, 101)).toBe(101);
    expect(await check('no Origin', visitorUrl(baseUrl), {}, 403)).toBe(403);
    for (const origin of FOREIGN_ORIGINS) expect(await check(`Origin ${origin}`, visitorUrl(baseUrl), { Origin: origin }, 403), origin).toBe(403);
    expect(
      await check('lantern-tea from a look-alike origin', visitorUrl(baseUrl, 'lantern-tea'), { Origin: 'https://lanterntea.example.evil.com' }, 403),
    ).toBe(403);
    expect(await check('lantern-tea from its own origin (control)', visitorUrl(baseUrl, 'lantern-tea'), { Origin: 'https://lanterntea.example' }, 101)).toBe(
      101,
    );
    for (const site of ['nosuch', 'constructor', '__proto__', 'demo/../lantern-tea', 'DEMO', ''].map(encodeURIComponent)) {
      expect(await check(`site=${site}`, wsUrl(baseUrl, `/v1/visitor?site=${site}`), { Origin: ORIGIN }, 404)).toBe(404);
    }
    printTable('Shopper socket origin checks', rows);
  });

  it('refuses widget config to foreign origins', async () => {
    const foreign = await api('/v1/widget/config?site=demo', { headers: { Origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    assertCleanErrorBody(foreign.body);
    const own = await api('/v1/widget/config?site=demo', { headers: { Origin: ORIGIN } });
    expect(own.status).toBe(200);
  });

  it('refuses cross-origin agent API calls and agent sockets with a foreign or missing Origin (403)', async () => {
    const rows: Record<string, string | number>[] = [];
    const record = (label: string, expected: number, got: number) => rows.push({ case: label, expected, got });
    for (const origin of ['http://evil.example', 'null', `https://127.0.0.1:${new URL(baseUrl).port}`]) {
      const me = await api('/v1/agent/me', { headers: { Cookie: demoCookie, Origin: origin } });
      record(`GET /v1/agent/me, Origin ${origin}`, 403, me.status);
      expect(me.status).toBe(403);
      assertCleanErrorBody(me.body);
      const login = await api('/v1/agent/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', Origin: origin },
        body: JSON.stringify({ site: 'demo', email: demoAgent.email, password: demoAgent.password }),
      });
      record(`POST /v1/agent/login, Origin ${origin}`, 403, login.status);
      expect(login.status).toBe(403);
      for (const path of ['/v1/agent/inbox', `/v1/agent/conversations/${randomUUID()}`]) {
        const status = (await upgradeStatus(wsUrl(baseUrl, path), { Cookie: demoCookie, Origin: origin })).status;
        record(`socket ${path.replace(/[0-9a-f-]{36}/, '<id>')}, Origin ${origin}`, 403, status);
        expect(status).toBe(403);
      }
    }
    // Browsers always send Origin on a POST and on a WebSocket handshake, so a missing one is not a browser:
    // the contract is "Origin must equal the server's origin".
    const noOriginLogin = await api('/v1/agent/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ site: 'demo', email: demoAgent.email, password: demoAgent.password }),
    });
    record('POST /v1/agent/login, no Origin', 403, noOriginLogin.status);
    const noOriginInbox = (await upgradeStatus(wsUrl(baseUrl, '/v1/agent/inbox'), { Cookie: demoCookie })).status;
    record('socket /v1/agent/inbox, no Origin', 403, noOriginInbox);
    printTable('Agent API and socket origin checks', rows);
    expect(noOriginLogin.status).toBe(403);
    expect(noOriginInbox).toBe(403);
  });
});

describe('agent sessions', () => {
  it('answers 401 to forged, tampered, wrong-key, expired and unknown-agent sessions, and never a stack trace', async () => {
    const [body, signature] = decodeURIComponent(demoCookie.split('=')[1]!).split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as { a: string; s: string; v: number; exp: number };
    const now = Date.now();
    const cases: [string, string][] = [
      ['random garbage', `kefu_session=${randomUUID()}`],
      ['empty', 'kefu_session='],
      ['body only', `kefu_session=${body}`],
      ['empty signature', `kefu_session=${body}.`],
      ['three parts', `kefu_session=${body}.${signature}.${signature}`],
      [
        'tampered site (lantern-tea), old signature',
        `kefu_session=${Buffer.from(JSON.stringify({ ...claims, s: 'lantern-tea' })).toString('base64url')}.${signature}`,
      ],
      [
        'tampered expiry, old signature',
        `kefu_session=${Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 86400 * 365 })).toString('base64url')}.${signature}`,
      ],
      ['flipped signature byte', `kefu_session=${body}.${tamperSignature(signature)}`],
      ['signed with another key', `kefu_session=${await signToken('not-the-secret', { a: claims.a, s: 'demo', v: claims.v }, 3600, now)}`],
      [
        'expired (real key, 13 h old)',
        `kefu_session=${await signToken(sessionSecret, { a: claims.a, s: 'demo', v: claims.v }, 12 * 3600, now - 13 * 3600 * 1000)}`,
      ],
      ['real key, unknown agent id', `kefu_session=${await signToken(sessionSecret, { a: 'no-such-agent-123', s: 'demo', v: 0 }, 3600, now)}`],
      [
        'real key, agent of demo claiming lantern-tea',
        `kefu_session=${await signToken(sessionSecret, { a: claims.a, s: 'lantern-tea', v: claims.v }, 3600, now)}`,
      ],
      ['real key, unknown site', `kefu_session=${await signToken(sessionSecret, { a: claims.a, s: 'nosuch', v: claims.v }, 3600, now)}`],
      ['real key, a revoked session version', `kefu_session=${await signToken(sessionSecret, { a: claims.a, s: 'demo', v: claims.v - 1 }, 3600, now)}`],
      ['real key, claims are numbers', `kefu_session=${await signToken(sessionSecret, { a: 1, s: 2, v: 0 }, 3600, now)}`],
      ['oversized cookie', `kefu_session=${'A'.repeat(3000)}.${'B'.repeat(100)}`],
    ];
    expect(sessionSecret, 'SESSION_SECRET from .dev.vars').not.toBe('');
    const rows: Record<string, string | number>[] = [];
    for (const [label, cookie] of cases) {
      const me = await api('/v1/agent/me', { headers: { Cookie: cookie, Origin: ORIGIN } });
      const inbox = (await upgradeStatus(wsUrl(baseUrl, '/v1/agent/inbox'), { Cookie: cookie, Origin: ORIGIN })).status;
      rows.push({ session: label, '/v1/agent/me': me.status, 'inbox socket': inbox });
      expect(me.status, label).toBe(401);
      expect(inbox, label).toBe(401);
      assertCleanErrorBody(me.body);
    }
    const none = await api('/v1/agent/me', { headers: { Origin: ORIGIN } });
    rows.push({
      session: 'no cookie',
      '/v1/agent/me': none.status,
      'inbox socket': (await upgradeStatus(wsUrl(baseUrl, '/v1/agent/inbox'), { Origin: ORIGIN })).status,
    });
    expect(none.status).toBe(401);
    // Control: a session minted the same way with the real key and a live expiry is accepted, so the
    // expired/wrong-key cases above fail for the reason they claim.
    const minted = await api('/v1/agent/me', {
      headers: { Cookie: `kefu_session=${await signToken(sessionSecret, { a: claims.a, s: 'demo', v: claims.v }, 3600, now)}`, Origin: ORIGIN },
    });
    rows.push({ session: 'minted with the real key, live (control)', '/v1/agent/me': minted.status, 'inbox socket': '-' });
    expect(minted.status).toBe(200);
    // Control: the real cookie works, so the 401s above are about the session, not the request.
    const real = await api('/v1/agent/me', { headers: { Cookie: demoCookie, Origin: ORIGIN } });
    rows.push({
      session: 'real session (control)',
      '/v1/agent/me': real.status,
      'inbox socket': (await upgradeStatus(wsUrl(baseUrl, '/v1/agent/inbox'), { Cookie: demoCookie, Origin: ORIGIN })).status,
    });
    expect(real.status).toBe(200);
    printTable('Forged and expired agent sessions', rows);
  });

  it('keeps agents to their own site: another site’s chats are 403, its queue is invisible, claims fail', async () => {
    const tea = await createAgent(baseUrl, adminKey, 'lantern-tea', 'Tea Agent');
    // A demo chat waiting in the queue (a demo agent is online, so the handoff queues rather than going offline).
    const demoInbox = await openInbox(baseUrl, demoCookie);
    const shopper = await openShopper(baseUrl);
    await sayAcked(shopper.socket, 'I want to talk to a person please');
    await shopper.socket.waitFor('state', (frame) => frame.state === 'queued', 10_000);
    const demoChat = shopper.welcome.conversationId;

    const teaOnDemo = await upgradeStatus(wsUrl(baseUrl, `/v1/agent/conversations/${demoChat}`), { Cookie: tea.cookie, Origin: ORIGIN });
    expect(teaOnDemo.status).toBe(403);
    assertCleanErrorBody(teaOnDemo.body);

    const teaInbox = await openInbox(baseUrl, tea.cookie);
    const snapshot = teaInbox.all('inbox').at(-1)!;
    expect(JSON.stringify(snapshot)).not.toContain(demoChat);
    expect((snapshot.agent as { site: string }).site).toBe('lantern-tea');
    teaInbox.send({ v: 1, type: 'claim', conversationId: demoChat });
    const refusal = await teaInbox.waitFor(
      'error',
      (frame) => frame.conversationId === demoChat || frame.code === 'not_found' || frame.code === 'forbidden',
      5000,
    );
    expect(['not_found', 'forbidden']).toContain(refusal.code);
    teaInbox.close();
    // The demo chat is still waiting for a demo agent, untouched.
    demoInbox.send({ v: 1, type: 'hello' });
    const latest = await demoInbox.waitFor('inbox', (frame) => JSON.stringify(frame).includes(demoChat), 5000);
    const demoQueue = latest.queue as { conversationId: string }[];
    expect(demoQueue.map((entry) => entry.conversationId)).toContain(demoChat);
    demoInbox.close();

    // And the other way round: a lantern-tea chat is 403 for the demo agent.
    const teaShopper = await openShopper(baseUrl, { site: 'lantern-tea' });
    const demoOnTea = await upgradeStatus(wsUrl(baseUrl, `/v1/agent/conversations/${teaShopper.welcome.conversationId}`), {
      Cookie: demoCookie,
      Origin: ORIGIN,
    });
    expect(demoOnTea.status).toBe(403);
    teaShopper.socket.close();
    shopper.socket.close();
  });

  it('refuses the admin API without the bearer key', async () => {
    const body = JSON.stringify({ email: 'intruder@example.com', name: 'Intruder', password: 'intruder-password-1' });
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-key' },
      { authorization: `Basic ${Buffer.from(`admin:${adminKey}`).toString('base64')}` },
      { Cookie: demoCookie },
      { authorization: 'Bearer ' },
    ];
    for (const headers of attempts) {
      const response = await api('/v1/admin/sites/demo/agents', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      expect(response.status, JSON.stringify(headers)).toBe(401);
      assertCleanErrorBody(response.body);
    }
  });
});

describe('guessing another conversation', () => {
  it('a guessed, forged, tampered, expired or other-site token opens a new empty chat, never the victim’s', async () => {
    const victim = await openShopper(baseUrl);
    const secretText = `my order MM-${Date.now()} and my address is 1 Victim Street`;
    await sayAcked(victim.socket, secretText);
    const victimId = victim.welcome.conversationId;
    const [body, signature] = victim.welcome.token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as { c: string; s: string; exp: number };
    const now = Date.now();
    const tea = await openShopper(baseUrl, { site: 'lantern-tea' });
    tea.socket.close();
    const tokens: [string, string][] = [
      ['random UUID', randomUUID()],
      ['the victim’s conversation id', victimId],
      ['victim claims, no signature', body],
      ['victim claims, flipped signature', `${body}.${tamperSignature(signature)}`],
      [
        'victim id in a token of my own chat',
        `${Buffer.from(JSON.stringify({ ...claims, c: victimId })).toString('base64url')}.${tea.welcome.token.split('.')[1]}`,
      ],
      ['signed with another key', await signToken('guessed-secret', { c: victimId, s: 'demo' }, 3600, now)],
      ['expired (real key)', await signToken(resumeTokenSecret, { c: victimId, s: 'demo' }, 60, now - 3600 * 1000)],
      ['lantern-tea token on demo', tea.welcome.token],
      ['huge token', 'x'.repeat(5000)],
    ];
    const rows: Record<string, string>[] = [];
    for (const [label, token] of tokens) {
      const attempt = await openShopper(baseUrl, { token });
      const opened = attempt.welcome.conversationId;
      attempt.socket.close();
      const { messages } = await readTranscript(baseUrl, attempt.welcome.token);
      const leaked = messages.some((message) => message.text.includes(secretText));
      rows.push({
        token: label,
        'opened victim chat': String(opened === victimId),
        'saw victim messages': String(leaked),
        'messages in opened chat': String(messages.length),
      });
      expect(opened, label).not.toBe(victimId);
      expect(leaked, label).toBe(false);
      expect(
        messages.filter((message) => message.author === 'shopper'),
        label,
      ).toEqual([]);
    }
    // Control: a token minted the same way with the real key does open the victim's chat, so the
    // expired and wrong-key cases above fail for the reason they claim.
    const minted = await readTranscript(baseUrl, await signToken(resumeTokenSecret, { c: victimId, s: 'demo' }, 3600, now));
    expect(minted.conversationId).toBe(victimId);
    // Control: the real token does reopen the victim's chat.
    const real = await readTranscript(baseUrl, victim.welcome.token);
    expect(real.conversationId).toBe(victimId);
    expect(real.messages.some((message) => message.text === secretText)).toBe(true);
    printTable('Guessed shopper tokens', rows);
    victim.socket.close();
  });

  it('random or malformed conversation ids open nothing for an agent, and are not created by trying', async () => {
    const rows: Record<string, string | number>[] = [];
    const ids = [
      ...Array.from({ length: 10 }, () => randomUUID()),
      '00000000-0000-0000-0000-000000000000',
      'not-a-uuid',
      '..%2F..%2Fv1%2Fagent%2Finbox',
      'a'.repeat(36),
      `${randomUUID()}x`,
    ];
    for (const id of ids) {
      const first = await upgradeStatus(wsUrl(baseUrl, `/v1/agent/conversations/${id}`), { Cookie: demoCookie, Origin: ORIGIN });
      const second = await upgradeStatus(wsUrl(baseUrl, `/v1/agent/conversations/${id}`), { Cookie: demoCookie, Origin: ORIGIN });
      rows.push({ id: id.length > 40 ? `${id.slice(0, 37)}…` : id, first: first.status, again: second.status });
      expect(first.status, id).toBe(404);
      expect(second.status, id).toBe(404);
      assertCleanErrorBody(first.body);
    }
    const inbox = await openInbox(baseUrl, demoCookie);
    const guess = randomUUID();
    inbox.send({ v: 1, type: 'claim', conversationId: guess });
    const refusal = await inbox.waitFor('error', (frame: Frame) => frame.conversationId === guess || frame.code === 'not_found', 5000);
    expect(refusal.code).toBe('not_found');
    inbox.close();
    printTable('Guessed conversation ids (agent socket)', rows.slice(0, 6));
  });
});

describe('identity verification (lantern-tea verifies, demo does not)', () => {
  const teaSecret = (JSON.parse(identitySecrets) as Record<string, string>)['lantern-tea'] ?? '';
  const hash = (secret: string, id: string) => createHmac('sha256', secret).update(id).digest('hex');

  it('refuses identify without a valid userHash and keeps the chat anonymous; a valid hash is accepted', async () => {
    expect(teaSecret, 'IDENTITY_SECRETS has a lantern-tea secret').not.toBe('');
    const tea = await createAgent(baseUrl, adminKey, 'lantern-tea', 'Tea Verifier');
    const attempts: [string, Record<string, unknown>][] = [
      ['no userHash', { id: 'user-1', name: 'Mallory', vip: true }],
      ['no id, no hash', { name: 'Mallory', email: 'mallory@example.com', vip: true }],
      ['hash of another id', { id: 'user-1', name: 'Mallory', vip: true, userHash: hash(teaSecret, 'user-2') }],
      ['hash with a guessed key', { id: 'user-1', name: 'Mallory', vip: true, userHash: hash('secret', 'user-1') }],
      ['all-zero hash', { id: 'user-1', name: 'Mallory', vip: true, userHash: '0'.repeat(64) }],
      ['hash of the id with a trailing space', { id: 'user-1 ', name: 'Mallory', vip: true, userHash: hash(teaSecret, 'user-1') }],
    ];
    const rows: Record<string, string>[] = [];
    for (const [label, identity] of attempts) {
      for (const via of ['identify', 'hello'] as const) {
        const shopper = await openShopper(baseUrl, { site: 'lantern-tea' });
        let answer: Frame;
        if (via === 'identify') {
          shopper.socket.send({ v: 1, type: 'identify', identity });
          answer = await Promise.any([shopper.socket.waitFor('error', undefined, 5000), shopper.socket.waitFor('identity', undefined, 5000)]);
        } else {
          // A hello is the first frame of a socket: reconnect with the chat's token and claim the identity there.
          const again = await openSocket(visitorUrl(baseUrl, 'lantern-tea', shopper.welcome.token), { Origin: localOrigin(baseUrl) });
          again.send({ v: 1, type: 'hello', lastSeq: 1, identity });
          answer = await Promise.any([again.waitFor('error', undefined, 5000), again.waitFor('identity', undefined, 5000)]);
          again.close();
        }
        const chat = await openAgentChat(baseUrl, tea.cookie, shopper.welcome.conversationId);
        const seen = chat.all('welcome')[0]!.shopper as { name?: string; email?: string; vip: boolean; userId?: string; verified?: boolean };
        chat.close();
        shopper.socket.close();
        rows.push({
          attempt: `${label} (${via})`,
          answer: answer.type === 'error' ? `error ${String(answer.code)}` : answer.type,
          'agent sees': JSON.stringify({ name: seen.name, vip: seen.vip, userId: seen.userId, verified: seen.verified }),
        });
        expect(answer.type, `${label} via ${via}`).toBe('error');
        expect(answer.code).toBe('identity_rejected');
        expect(seen.name, label).toBeUndefined();
        expect(seen.email, label).toBeUndefined();
        expect(seen.userId, label).toBeUndefined();
        expect(seen.vip, label).toBe(false);
        expect(seen.verified ?? false, label).toBe(false);
      }
    }
    // Control: the shop's server-computed hash is accepted and the agent sees a verified identity.
    const good = await openShopper(baseUrl, { site: 'lantern-tea' });
    good.socket.send({ v: 1, type: 'identify', identity: { id: 'user-1', name: 'Real Customer', userHash: hash(teaSecret, 'user-1') } });
    const accepted = await good.socket.waitFor('identity', undefined, 5000);
    expect(accepted.verified).toBe(true);
    const chat = await openAgentChat(baseUrl, tea.cookie, good.welcome.conversationId);
    expect(chat.all('welcome')[0]!.shopper).toMatchObject({ name: 'Real Customer', userId: 'user-1', verified: true });
    chat.close();
    // A verified chat cannot then be switched to another id without that id's hash.
    good.socket.send({ v: 1, type: 'identify', identity: { id: 'user-2', name: 'Someone Else' } });
    const switched = await good.socket.waitFor('error', (frame) => frame.code === 'identity_rejected', 5000);
    expect(switched.code).toBe('identity_rejected');
    const after = await openAgentChat(baseUrl, tea.cookie, good.welcome.conversationId);
    expect(after.all('welcome')[0]!.shopper).toMatchObject({ name: 'Real Customer', userId: 'user-1', verified: true });
    after.close();
    good.socket.close();
    rows.push({ attempt: 'valid hash (control)', answer: 'identity', 'agent sees': 'Real Customer, verified' });
    printTable('Identity verification on lantern-tea', rows);
  });

  it('on a site without verification, an unsigned identity is accepted but never marked verified', async () => {
    const shopper = await openShopper(baseUrl);
    shopper.socket.send({ v: 1, type: 'identify', identity: { id: 'demo-user', name: 'Demo Shopper', userHash: 'f'.repeat(64) } });
    const answer = await shopper.socket.waitFor('identity', undefined, 5000);
    expect(answer.verified).toBe(false);
    const chat = await openAgentChat(baseUrl, demoCookie, shopper.welcome.conversationId);
    expect(chat.all('welcome')[0]!.shopper).toMatchObject({ name: 'Demo Shopper', verified: false });
    chat.close();
    shopper.socket.close();
    expect(demoAgentId).not.toBe('');
  });
});
