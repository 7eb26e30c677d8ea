import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { ShopperContext } from '../../protocol/index.ts';
import { openAndHello, openVisitor, upgrade } from './sockets.ts';

const TEA_ORIGIN = 'https://lanterntea.example';

/** What the shop's server computes: hex(HMAC-SHA256(secret, user id)). */
async function userHash(secret: string, userId: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(userId)));
  return Array.from(signature, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The shop server's profileHash, written from the README's recipe (not from worker/identity.ts). */
async function profileHash(secret: string, fields: { id: string; name?: string; email?: string; vip?: boolean }): Promise<string> {
  const field = (value: string) => `${new TextEncoder().encode(value).byteLength}:${value}`;
  return userHash(secret, `kefu-profile-v1\n${[fields.id, fields.name ?? '', fields.email ?? '', fields.vip ? '1' : '0'].map(field).join('')}`);
}

async function shopperContext(conversationId: string): Promise<ShopperContext> {
  const stub = env.CONVERSATION.get(env.CONVERSATION.idFromName(conversationId));
  return runInDurableObject(
    stub,
    (_instance, state) => JSON.parse(state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'shopper'").one().value) as ShopperContext,
  );
}

describe('identity verification (lantern-tea verifies, demo does not)', () => {
  it('accepts an identify with a valid userHash and greets the shopper by name', async () => {
    const socket = await openVisitor({ site: 'lantern-tea', origin: TEA_ORIGIN });
    const fields = { id: 'cust-1001', name: 'Mei', email: 'mei@example.com', vip: true };
    const identity = {
      ...fields,
      userHash: await userHash('workerd-identity-secret', 'cust-1001'),
      profileHash: await profileHash('workerd-identity-secret', fields),
    };
    socket.send({ v: 1, type: 'hello', lastSeq: 0, identity });
    const welcome = await socket.waitFor('welcome');
    expect(await socket.waitFor('identity')).toMatchObject({ verified: true, name: 'Mei' });
    const greeting = await socket.waitFor('message', (frame) => frame.message.bot?.kind === 'greeting');
    expect(greeting.message.text).toContain('Hello Mei');
    expect(await shopperContext(welcome.conversationId)).toMatchObject({
      userId: 'cust-1001',
      name: 'Mei',
      email: 'mei@example.com',
      vip: true,
      verified: true,
      provenFields: ['name', 'email', 'vip'],
    });
    socket.close();
  });

  it('a proven id does not vouch for an unsigned name and e-mail: they are kept as claimed (finding 4)', async () => {
    const { socket, welcome } = await openAndHello({ site: 'lantern-tea', origin: TEA_ORIGIN });
    socket.send({
      v: 1,
      type: 'identify',
      identity: { id: 'attacker-77', name: 'Victoria Victim', email: 'victim@example.com', userHash: await userHash('workerd-identity-secret', 'attacker-77') },
    });
    expect(await socket.waitFor('identity')).toMatchObject({ verified: true });
    const shopper = await shopperContext(welcome.conversationId);
    expect(shopper).toMatchObject({ userId: 'attacker-77', verified: true, provenFields: [] });
    socket.close();
  });

  it.each([
    ['the old "<id>|vip" proof', async () => ({ id: 'u1', vip: true, userHash: await userHash('workerd-identity-secret', 'u1|vip') })],
    ['a plain proof of the id "u1|vip" claiming VIP', async () => ({ id: 'u1|vip', vip: true, userHash: await userHash('workerd-identity-secret', 'u1|vip') })],
    [
      'a profile proof with the bytes moved between name and e-mail',
      async () => ({
        id: 'u1',
        name: 'ab',
        email: 'c@example.com',
        vip: true,
        userHash: await userHash('workerd-identity-secret', 'u1'),
        profileHash: await profileHash('workerd-identity-secret', { id: 'u1', name: 'abc', email: '@example.com', vip: true }),
      }),
    ],
    [
      'a profile proof signed for another user',
      async () => ({
        id: 'u1',
        vip: true,
        userHash: await userHash('workerd-identity-secret', 'u1'),
        profileHash: await profileHash('workerd-identity-secret', { id: 'u2', vip: true }),
      }),
    ],
  ])('the VIP proof is domain-separated: %s is refused (finding 11)', async (_label, make) => {
    const { socket, welcome } = await openAndHello({ site: 'lantern-tea', origin: TEA_ORIGIN });
    socket.send({ v: 1, type: 'identify', identity: await make() });
    expect((await socket.waitFor('error')).code).toBe('identity_rejected');
    expect((await shopperContext(welcome.conversationId)).vip).toBe(false);
    socket.close();
  });

  it.each([
    ['no hash', { id: 'cust-1001', name: 'Mallory', vip: true }],
    ['a hash for another user', { id: 'cust-1001', name: 'Mallory', vip: true, userHash: 'HASH_FOR_OTHER' }],
    ['a hash made with the wrong secret', { id: 'cust-1001', name: 'Mallory', vip: true, userHash: 'WRONG_SECRET' }],
    ['no user id', { name: 'Mallory', vip: true, userHash: 'HASH_FOR_OTHER' }],
    ['a VIP claim the shop did not sign', { id: 'cust-1001', name: 'Mallory', vip: true, userHash: 'HASH_WITHOUT_VIP' }],
  ])('refuses an identify with %s and keeps the chat anonymous', async (_name, raw) => {
    const identity: Record<string, unknown> = { ...raw };
    if (identity.userHash === 'HASH_FOR_OTHER') identity.userHash = await userHash('workerd-identity-secret', 'cust-2002');
    if (identity.userHash === 'WRONG_SECRET') identity.userHash = await userHash('guessed-secret', 'cust-1001');
    if (identity.userHash === 'HASH_WITHOUT_VIP') identity.userHash = await userHash('workerd-identity-secret', 'cust-1001');
    const { socket, welcome } = await openAndHello({ site: 'lantern-tea', origin: TEA_ORIGIN });
    socket.send({ v: 1, type: 'identify', identity });
    expect((await socket.waitFor('error')).code).toBe('identity_rejected');
    const shopper = await shopperContext(welcome.conversationId);
    expect(shopper.name).toBeUndefined();
    expect(shopper.userId).toBeUndefined();
    expect(shopper.vip).toBe(false);
    socket.close();
  });

  it('refuses an id with a control character as an invalid frame (no id can spell a profile proof)', async () => {
    const { socket, welcome } = await openAndHello({ site: 'lantern-tea', origin: TEA_ORIGIN });
    socket.send({
      v: 1,
      type: 'identify',
      identity: { id: 'kefu-profile-v1\n2:u1', userHash: await userHash('workerd-identity-secret', 'kefu-profile-v1\n2:u1') },
    });
    expect((await socket.waitFor('error')).code).toBe('invalid_frame');
    expect((await shopperContext(welcome.conversationId)).userId).toBeUndefined();
    socket.close();
  });

  it('takes an identify as given on a site without verification, marked unverified', async () => {
    const { socket, welcome } = await openAndHello();
    socket.send({ v: 1, type: 'identify', identity: { id: 'u-7', name: 'Ana', vip: true } });
    expect(await socket.waitFor('identity')).toMatchObject({ verified: false, name: 'Ana' });
    expect(await shopperContext(welcome.conversationId)).toMatchObject({ name: 'Ana', vip: true, verified: false });
    socket.close();
  });

  it('refuses the widget config and the socket to pages of origins the site does not list', async () => {
    const config = await upgrade('site=lantern-tea', 'https://evil.example');
    expect(config.status).toBe(403);
    const { SELF } = await import('cloudflare:test');
    const allowed = await SELF.fetch('http://kefu.test/v1/widget/config?site=lantern-tea', { headers: { Origin: TEA_ORIGIN } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe(TEA_ORIGIN);
    expect(await allowed.json()).toMatchObject({ name: 'Lantern Tea House', theme: { color: '#f2c14e', position: 'left' } });
    const refused = await SELF.fetch('http://kefu.test/v1/widget/config?site=lantern-tea', { headers: { Origin: 'https://evil.example' } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });
});
