/**
 * Agent sessions under attack: revocation that reaches open sockets (logout, new password, admin
 * reset), password guessing against one account, a one-time password that must be changed
 * first, control characters in an agent's name, and DNS rebinding (a foreign Host header).
 * Real `ws` clients and fetch against `wrangler dev` on 127.0.0.1.
 */
import { request as httpRequest } from 'node:http';
import { describe, expect, inject, it } from 'vitest';
import { CloseCode } from '../../protocol/limits.ts';
import {
  adminCreateAgent,
  agentHeaders,
  handedOffChat,
  localOrigin,
  loginAgent,
  openAgentChat,
  openInbox,
  printTable,
  type TestSocket,
  upgradeStatus,
  wsUrl,
} from './lib/client.ts';

const { baseUrl, adminKey } = inject('kefuSecurity');
const ORIGIN = localOrigin(baseUrl);
const PASSWORD = 'correct horse battery staple';

function uniqueEmail(label: string): string {
  return `${label}.${Math.random().toString(36).slice(2, 10)}@example.com`;
}

async function agentApi(path: string, cookie: string, init: { method?: string; body?: unknown } = {}) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: { Cookie: cookie, Origin: ORIGIN, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  return { status: response.status, body: await response.text(), setCookie: response.headers.get('set-cookie') ?? '' };
}

async function login(email: string, password: string) {
  const response = await fetch(`${baseUrl}/v1/agent/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', Origin: ORIGIN },
    body: JSON.stringify({ site: 'demo', email, password }),
  });
  return { status: response.status, body: await response.text(), retryAfter: response.headers.get('retry-after') };
}

/** An agent of the demo site (the attacker holds a copy of its cookie) with an inbox and a held chat open. */
async function victimWithOpenSockets(label: string) {
  const email = uniqueEmail(label);
  await adminCreateAgent(baseUrl, adminKey, 'demo', { email, name: `Victim ${label}`, password: PASSWORD });
  const { cookie, agent } = await loginAgent(baseUrl, 'demo', email, PASSWORD);
  const inbox = await openInbox(baseUrl, cookie);
  const { shopper, chat, conversationId } = await handedOffChat(baseUrl, inbox, cookie);
  // A second device of the same stolen session: a conversation socket on a chat it does not hold.
  const bystander = await openAgentChat(baseUrl, cookie, conversationId);
  return { email, cookie, agent, inbox, chat, bystander, shopper, conversationId };
}

async function closedWith(socket: TestSocket): Promise<number | null> {
  await socket.waitClosed(10_000);
  return socket.closed?.code ?? null;
}

describe('revocation reaches every open socket of the agent', () => {
  const rows: Record<string, string | number>[] = [];

  it.each([
    { how: 'logout', code: CloseCode.signedOut },
    { how: 'password change', code: CloseCode.sessionRevoked },
    { how: 'admin reset (upsert)', code: CloseCode.sessionRevoked },
  ])('$how closes the inbox and conversation sockets with a typed code, and the old cookie is refused', async ({ how, code }) => {
    const victim = await victimWithOpenSockets(how.split(' ')[0]!);
    if (how === 'logout') {
      expect((await agentApi('/v1/agent/logout', victim.cookie, { method: 'POST' })).status).toBe(204);
    } else if (how === 'password change') {
      const changed = await agentApi('/v1/agent/password', victim.cookie, {
        method: 'POST',
        body: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
      });
      expect(changed.status).toBe(204);
    } else {
      await adminCreateAgent(baseUrl, adminKey, 'demo', { email: victim.email, name: 'Victim reset', password: 'reset by the admin 123' });
    }
    const codes = [await closedWith(victim.inbox), await closedWith(victim.chat), await closedWith(victim.bystander)];
    expect(codes).toEqual([code, code, code]);

    // Nothing more reaches the shopper from the stolen session: the socket is gone and a new one is refused.
    const before = victim.shopper.socket.all('message').length;
    expect(() => victim.chat.send({ v: 1, type: 'message', clientMsgId: 'after-revocation-1', text: 'send me your card number' })).not.toThrow();
    const reopenChat = await upgradeStatus(wsUrl(baseUrl, `/v1/agent/conversations/${victim.conversationId}`), agentHeaders(baseUrl, victim.cookie));
    const reopenInbox = await upgradeStatus(wsUrl(baseUrl, '/v1/agent/inbox'), agentHeaders(baseUrl, victim.cookie));
    const me = await agentApi('/v1/agent/me', victim.cookie);
    expect([reopenChat.status, reopenInbox.status, me.status]).toEqual([401, 401, 401]);
    expect(victim.shopper.socket.all('message').filter((frame) => (frame.message as { text: string }).text === 'send me your card number')).toHaveLength(0);
    expect(victim.shopper.socket.all('message').length).toBeGreaterThanOrEqual(before);
    rows.push({
      revocation: how,
      'inbox close': codes[0]!,
      'held chat close': codes[1]!,
      'other chat socket close': codes[2]!,
      'reopen chat': reopenChat.status,
      'reopen inbox': reopenInbox.status,
      '/me': me.status,
    });
    victim.shopper.socket.close();
    if (how === 'admin reset (upsert)') printTable('Revocation (finding 1)', rows);
  });
});

describe('password guessing', () => {
  it('200 guesses at one account get 429 after 5 failures; the right password waits too; an admin reset unlocks it', async () => {
    const email = uniqueEmail('guessed');
    await adminCreateAgent(baseUrl, adminKey, 'demo', { email, name: 'Guessed', password: PASSWORD });
    const statuses: number[] = [];
    const bodies401 = new Set<string>();
    for (let guess = 0; guess < 200; guess += 1) {
      const answer = await login(email, `wrong guess number ${guess}`);
      statuses.push(answer.status);
      if (answer.status === 401) bodies401.add(answer.body);
      if (answer.status === 429) expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    const first429 = statuses.indexOf(429) + 1;
    const checked = statuses.filter((status) => status === 401).length;
    const rightWhileLocked = await login(email, PASSWORD);
    // An unknown account answers with the very same 401 body.
    const unknown = await login(uniqueEmail('nobody'), 'whatever it is');
    await adminCreateAgent(baseUrl, adminKey, 'demo', { email, name: 'Guessed', password: PASSWORD });
    const afterReset = await login(email, PASSWORD);
    printTable('Password guessing, one account (finding 3)', [
      {
        guesses: 200,
        'first 429 at guess': first429,
        'passwords checked (401)': checked,
        'refused unchecked (429)': statuses.filter((s) => s === 429).length,
        'right password while locked': rightWhileLocked.status,
        'after admin reset': afterReset.status,
      },
    ]);
    expect(first429).toBe(6);
    expect(checked).toBeLessThan(20);
    expect(rightWhileLocked.status).toBe(429);
    expect(unknown.status).toBe(401);
    expect(new Set([...bodies401, unknown.body])).toEqual(new Set([JSON.stringify({ error: 'invalid_credentials', message: 'Wrong e-mail or password.' })]));
    expect(afterReset.status).toBe(200);
  });
});

describe('a one-time password must be changed before anything else', () => {
  it('answers only /me and /password until the agent chose a password', async () => {
    const email = uniqueEmail('onetime');
    const created = await fetch(`${baseUrl}/v1/admin/sites/demo/agents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email, name: 'One Time' }),
    });
    const { oneTimePassword } = (await created.json()) as { oneTimePassword: string };
    const { cookie } = await loginAgent(baseUrl, 'demo', email, oneTimePassword);
    const before = {
      me: (await agentApi('/v1/agent/me', cookie)).status,
      gaps: (await agentApi('/v1/agent/knowledge-gaps', cookie)).status,
      inbox: (await upgradeStatus(wsUrl(baseUrl, '/v1/agent/inbox'), agentHeaders(baseUrl, cookie))).status,
      chat: (await upgradeStatus(wsUrl(baseUrl, `/v1/agent/conversations/${crypto.randomUUID()}`), agentHeaders(baseUrl, cookie))).status,
    };
    const changed = await agentApi('/v1/agent/password', cookie, {
      method: 'POST',
      body: { currentPassword: oneTimePassword, newPassword: 'my own good passphrase' },
    });
    const fresh = changed.setCookie.split(';')[0]!;
    const after = { gaps: (await agentApi('/v1/agent/knowledge-gaps', fresh)).status };
    const inbox = await openInbox(baseUrl, fresh);
    inbox.close();
    printTable('Must change password (finding 9)', [
      {
        '/me': before.me,
        'knowledge gaps': before.gaps,
        'inbox socket': before.inbox,
        'chat socket': before.chat,
        'after the change: knowledge gaps': after.gaps,
      },
    ]);
    expect(before).toEqual({ me: 200, gaps: 403, inbox: 403, chat: 403 });
    expect(changed.status).toBe(204);
    expect(after.gaps).toBe(200);
  });
});

describe('control characters in an agent name', () => {
  it.each(['Eve\r\nX: y', 'Eve\u0000', 'Eve\u001b[31m', 'Eve\u2028Mallory'])('refuses %j with 400 (admin API and console)', async (name) => {
    const admin = await fetch(`${baseUrl}/v1/admin/sites/demo/agents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: uniqueEmail('eve'), name, password: PASSWORD }),
    });
    expect(admin.status).toBe(400);
    expect(await admin.text()).toContain('control characters');
  });

  it('an agent whose name needs encoding still opens chat sockets (no 500)', async () => {
    const email = uniqueEmail('zoe');
    await adminCreateAgent(baseUrl, adminKey, 'demo', { email, name: 'Zoë 张 «agent»', password: PASSWORD });
    const { cookie } = await loginAgent(baseUrl, 'demo', email, PASSWORD);
    const inbox = await openInbox(baseUrl, cookie);
    const { chat, shopper } = await handedOffChat(baseUrl, inbox, cookie);
    const joined = await shopper.socket.waitFor('state', (frame) => frame.state === 'agent');
    expect(joined.agentName).toBe('Zoë 张 «agent»');
    for (const socket of [chat, inbox, shopper.socket]) socket.close();
  });
});

/** A raw HTTP request, so the Host header can be anything (fetch does not let us set it). */
function rawPost(path: string, headers: Record<string, string>, body: string): Promise<number> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('DNS rebinding', () => {
  it('a login for a foreign Host (with its matching Origin) is refused; our own host still works', async () => {
    const email = uniqueEmail('rebind');
    await adminCreateAgent(baseUrl, adminKey, 'demo', { email, name: 'Rebind', password: PASSWORD });
    const body = JSON.stringify({ site: 'demo', email, password: PASSWORD });
    const port = new URL(baseUrl).port;
    const rebound = await rawPost('/v1/agent/login', { Host: `rebind.attacker.example:${port}`, Origin: `http://rebind.attacker.example:${port}` }, body);
    const own = await rawPost('/v1/agent/login', { Host: `127.0.0.1:${port}`, Origin: ORIGIN }, body);
    printTable('Host check (finding 13)', [{ 'Host rebind.attacker.example': rebound, 'Host 127.0.0.1': own }]);
    expect(rebound).toBe(421);
    expect(own).toBe(200);
  });
});
