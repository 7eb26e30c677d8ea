/**
 * Webhooks inside workerd: what an admin may register (https only, no credentials, no private
 * addresses, known events, at most 10), who may (admins and the key, not agents), the secret's
 * life, and where events go: queued after the chat's own change, only for a site with a
 * listening endpoint, never sent from the chat's path; retried by the alarm and failed after
 * 24 h; erased with the shopper's chat. The delivery to a real receiver is tests/fault/webhooks.test.ts.
 */
import { env, runDurableObjectAlarm, runInDurableObject, SELF } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import type { WebhookDelivery, WebhookListResponse, WebhookPayload, WebhookSecretResponse } from '../../protocol/webhooks.ts';
import { siteWebhooks } from '../../worker/stubs.ts';
import type { SiteWebhooks } from '../../worker/webhooks/site-webhooks.ts';
import { useFixedClock } from './clock.ts';
import { createAgent, openAndHello, openInbox, say, WORKER_ORIGIN } from './sockets.ts';

// Sunday 7 July 2030, noon UTC: in the future, so alarms never fire unless a test runs them.
const NOON = Date.parse('2030-07-07T12:00:00Z');
useFixedClock(new Date(NOON));

const KEY = { authorization: 'Bearer workerd-admin-key' };
let siteCounter = 0;

async function newSite(): Promise<string> {
  const id = `hooks-${++siteCounter}-${crypto.randomUUID().slice(0, 6)}`;
  const response = await SELF.fetch(`${WORKER_ORIGIN}/v1/admin/sites`, {
    method: 'POST',
    headers: { ...KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ id, name: 'Hook Shop', origins: ['https://hook.example'], adminEmail: `owner@${id}.example` }),
  });
  expect(response.status).toBe(201);
  return id;
}

async function keyCall(method: string, path: string, body?: unknown, raw?: string) {
  const response = await SELF.fetch(`${WORKER_ORIGIN}/v1/admin/sites${path}`, {
    method,
    headers: { ...KEY, ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  return { status: response.status, body: (response.status === 204 ? null : await response.json()) as Record<string, unknown> };
}

async function agentOf(site: string, role: 'admin' | 'agent'): Promise<string> {
  const email = `${role}.${crypto.randomUUID().slice(0, 8)}@example.com`;
  const password = 'correct horse battery staple';
  await keyCall('POST', `/${site}/agents`, { email, name: role, password, role });
  const login = await SELF.fetch(`${WORKER_ORIGIN}/v1/agent/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', Origin: WORKER_ORIGIN },
    body: JSON.stringify({ site, email, password }),
  });
  expect(login.status).toBe(200);
  return (login.headers.get('Set-Cookie') ?? '').split(';')[0]!;
}

function consoleCall(cookie: string, method: string, path: string, body?: unknown) {
  return SELF.fetch(`${WORKER_ORIGIN}/v1/agent/webhooks${path}`, {
    method,
    headers: { Cookie: cookie, Origin: WORKER_ORIGIN, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

interface StoredDelivery {
  type: string;
  status: string;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  body: string;
}

function storedDeliveries(site: string): Promise<StoredDelivery[]> {
  return runInDurableObject(siteWebhooks(env, site), (_instance: SiteWebhooks, state) =>
    state.storage.sql.exec<Record<string, SqlStorageValue>>('SELECT * FROM deliveries ORDER BY created_at, type').toArray(),
  ) as unknown as Promise<StoredDelivery[]>;
}

describe('registering endpoints', () => {
  it('refuses what must never be called, each with a clear error, and stores nothing', async () => {
    const site = await newSite();
    const cases: [unknown, string][] = [
      [{ url: 'http://shop.example/hook', events: ['ticket.created'] }, 'url: must start with https://'],
      [{ url: 'https://user:pass@shop.example/hook', events: ['ticket.created'] }, 'url: must not contain a user name or password; use the signing secret'],
      [{ url: 'https://127.0.0.1/hook', events: ['ticket.created'] }, 'url: must be a public address, not this machine or a private network'],
      [{ url: 'https://localhost:8443/hook', events: ['ticket.created'] }, 'url: must be a public address, not this machine or a private network'],
      [{ url: 'https://10.1.2.3/hook', events: ['ticket.created'] }, 'url: must be a public address, not this machine or a private network'],
      [{ url: 'ftp://shop.example/hook', events: ['ticket.created'] }, 'url: must start with https://'],
      [{ url: 'shop.example/hook', events: ['ticket.created'] }, 'url: must be a full URL, like https://example.com/kefu-hook'],
      [{ url: 'https://shop.example/hook', events: [] }, 'events: choose at least one event'],
      [{ url: 'https://shop.example/hook', events: ['order.paid'] }, 'events.0:'],
      [{ url: 'https://shop.example/hook', events: ['ticket.created'], secret: 'mine' }, 'Unrecognized key'],
      [{ url: 'https://shop.example/hook', events: ['ticket.created'], description: '<img src=x onerror=alert(1)>' }, 'description: must be plain text'],
    ];
    for (const [body, message] of cases) {
      const answer = await keyCall('POST', `/${site}/webhooks`, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error).toBe('invalid_body');
      expect(String(answer.body.message)).toContain(message);
    }
    const notJson = await keyCall('POST', `/${site}/webhooks`, undefined, '{"url": ');
    expect(notJson).toMatchObject({ status: 400, body: { error: 'invalid_body' } });
    expect(((await keyCall('GET', `/${site}/webhooks`)).body as unknown as WebhookListResponse).endpoints).toEqual([]);
  });

  it('lets admins and the key manage endpoints, not agents, other sites or strangers; at most 10 per site', async () => {
    const site = await newSite();
    const admin = await agentOf(site, 'admin');
    const agent = await agentOf(site, 'agent');
    const made = await consoleCall(admin, 'POST', '', { url: 'https://crm.example/kefu', events: ['ticket.created', 'ticket.created'] });
    expect(made.status).toBe(201);
    const { endpoint, secret } = (await made.json()) as WebhookSecretResponse;
    expect(endpoint).toMatchObject({ url: 'https://crm.example/kefu', events: ['ticket.created'], enabled: true, description: '' });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);

    expect((await consoleCall(agent, 'GET', '')).status).toBe(403);
    expect((await consoleCall(agent, 'POST', '', { url: 'https://x.example/', events: ['gap.recorded'] })).status).toBe(403);
    expect((await SELF.fetch(`${WORKER_ORIGIN}/v1/admin/sites/${site}/webhooks`)).status).toBe(401);
    expect((await keyCall('GET', '/no-such-site/webhooks')).status).toBe(404);
    // Another site's admin cannot reach it: the id is looked up in their own site's object.
    const otherAdmin = await agentOf(await newSite(), 'admin');
    expect((await consoleCall(otherAdmin, 'GET', `/${endpoint.id}/secret`)).status).toBe(404);
    expect((await consoleCall(admin, 'GET', '/whe_000000000000000000000000/secret')).status).toBe(404);
    expect((await consoleCall(admin, 'GET', '/../../agents/secret')).status).toBe(404);

    // The list never carries a secret; admins reveal it, rotate it (the old one is gone), change and delete.
    const listed = (await (await consoleCall(admin, 'GET', '')).json()) as WebhookListResponse;
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(listed.endpoints[0]!.secretPrefix).toBe(secret.slice(0, 10));
    expect(((await (await consoleCall(admin, 'GET', `/${endpoint.id}/secret`)).json()) as WebhookSecretResponse).secret).toBe(secret);
    const rotated = ((await (await consoleCall(admin, 'POST', `/${endpoint.id}/secret`)).json()) as WebhookSecretResponse).secret;
    expect(rotated).not.toBe(secret);
    expect(((await (await consoleCall(admin, 'GET', `/${endpoint.id}/secret`)).json()) as WebhookSecretResponse).secret).toBe(rotated);
    const paused = await consoleCall(admin, 'PUT', `/${endpoint.id}`, { enabled: false, events: ['gap.recorded'] });
    expect(await paused.json()).toMatchObject({ enabled: false, events: ['gap.recorded'] });
    expect((await consoleCall(admin, 'PUT', `/${endpoint.id}`, {})).status).toBe(400);
    expect((await consoleCall(admin, 'PUT', `/${endpoint.id}`, { url: 'http://crm.example/' })).status).toBe(400);

    for (let index = 1; index < 10; index++) {
      expect((await keyCall('POST', `/${site}/webhooks`, { url: `https://crm.example/${index}`, events: ['gap.recorded'] })).status).toBe(201);
    }
    const eleventh = await keyCall('POST', `/${site}/webhooks`, { url: 'https://crm.example/11', events: ['gap.recorded'] });
    expect(eleventh).toMatchObject({ status: 409, body: { error: 'too_many_endpoints' } });
    expect((await consoleCall(admin, 'DELETE', `/${endpoint.id}`)).status).toBe(204);
    expect((await consoleCall(admin, 'DELETE', `/${endpoint.id}`)).status).toBe(404);
    expect((await keyCall('POST', `/${site}/webhooks`, { url: 'https://crm.example/10', events: ['gap.recorded'] })).status).toBe(201);
  });
});

describe('events', () => {
  it('a site without endpoints never calls its webhooks object', async () => {
    const site = await newSite();
    const { socket } = await openAndHello({ site });
    socket.send({ v: 1, type: 'request_human' });
    await socket.waitFor('state', (frame) => frame.state === 'offline');
    socket.send({ v: 1, type: 'offline_ticket', email: 'quiet@example.com', message: 'Where is my parcel?' });
    await socket.waitFor('message', (frame) => frame.message.system?.event === 'ticket');
    socket.close();
    const untouched = await runInDurableObject(siteWebhooks(env, site), (_instance: SiteWebhooks, state) => ({
      site: state.storage.sql.exec('SELECT value FROM meta WHERE key = ?', 'siteId').toArray(),
      deliveries: state.storage.sql.exec('SELECT COUNT(*) AS n FROM deliveries').one().n,
    }));
    expect(untouched).toEqual({ site: [], deliveries: 0 });
  });

  it('gap.recorded and ticket.updated carry the question and the ticket, nothing of the shopper', async () => {
    const site = await newSite();
    expect((await keyCall('POST', `/${site}/webhooks`, { url: 'https://crm.example/kefu', events: ['gap.recorded', 'ticket.updated'] })).status).toBe(201);
    // A site with no articles cannot answer: the question is a gap, and nobody is online.
    const { socket } = await openAndHello({ site });
    await say(socket, 'Can I pay for my teapot with gold coins?');
    await socket.waitFor('state', (frame) => frame.state === 'offline');
    socket.send({ v: 1, type: 'offline_ticket', email: 'coins@example.com', message: 'Please reply about gold coins' });
    await socket.waitFor('message', (frame) => frame.message.system?.event === 'ticket');
    socket.close();

    const agent = await createAgent(site, 'Resolver');
    const inbox = await openInbox(agent);
    const snapshot = await inbox.waitFor('inbox', (frame) => frame.tickets.length === 1);
    const ticketId = snapshot.tickets[0]!.id;
    inbox.send({ v: 1, type: 'resolve_ticket', ticketId });
    // The snapshot lists unsolved tickets only: a solved one leaves it.
    await inbox.waitFor('inbox', (frame) => !frame.tickets.some((ticket) => ticket.id === ticketId));
    inbox.close();

    await expect.poll(async () => (await storedDeliveries(site)).map((row) => row.type)).toEqual(['gap.recorded', 'ticket.updated']);
    const [gap, updated] = (await storedDeliveries(site)).map((row) => JSON.parse(row.body) as WebhookPayload);
    expect(gap!.data).toEqual({
      locale: 'en',
      question: 'Can I pay for my teapot with gold coins?',
      reason: expect.stringMatching(/^(low_confidence|out_of_scope)$/),
    });
    expect(updated!.data).toMatchObject({ ticketId, ref: `${site}-${ticketId}`, status: 'solved', source: 'offline', kind: expect.any(String) });
    // The ticket's facts, never the shopper's e-mail or words.
    expect(JSON.stringify(updated)).not.toMatch(/coins@example\.com|gold coins/);
  });

  it('are queued after the chat changed, never sent from its path; the alarm retries with backoff and gives up after 24 h', async () => {
    const site = await newSite();
    // An address that can never answer: the chat must not notice.
    const made = await keyCall('POST', `/${site}/webhooks`, { url: 'https://kefu-receiver.invalid/hook', events: ['conversation.handoff', 'ticket.created'] });
    expect(made.status).toBe(201);

    const { socket, welcome } = await openAndHello({ site });
    socket.send({ v: 1, type: 'request_human' });
    await socket.waitFor('state', (frame) => frame.state === 'offline');
    socket.send({ v: 1, type: 'offline_ticket', email: 'Private.Person@example.com', message: 'My secret address is 1 Hidden Lane' });
    await socket.waitFor('message', (frame) => frame.message.system?.event === 'ticket');
    socket.close();

    // Both events wait in the queue, untried: nothing was sent while the chat waited.
    await expect.poll(async () => (await storedDeliveries(site)).length).toBe(2);
    const queued = await storedDeliveries(site);
    expect(queued.map((row) => [row.type, row.status, row.attempts, row.next_attempt_at])).toEqual([
      ['conversation.handoff', 'pending', 0, NOON],
      ['ticket.created', 'pending', 0, NOON],
    ]);
    const [handoff, ticket] = queued.map((row) => JSON.parse(row.body) as WebhookPayload);
    expect(handoff).toMatchObject({
      type: 'conversation.handoff',
      site,
      createdAt: NOON,
      data: { conversationId: welcome.conversationId, outcome: 'offline', reason: 'requested_human' },
    });
    expect(ticket).toMatchObject({ type: 'ticket.created', site, data: { conversationId: welcome.conversationId, locale: 'en' } });
    expect(handoff!.id).toMatch(/^evt_[0-9a-f]{24}$/);
    // Minimal data: neither the shopper's e-mail nor what they wrote leaves in the payload.
    expect(queued.map((row) => row.body).join()).not.toMatch(/Private|Hidden Lane|example\.com/i);

    // The alarm tries: it fails, and the next try waits 30 s, then 60 s, doubling.
    const stub = siteWebhooks(env, site);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    let rows = await storedDeliveries(site);
    expect(rows.map((row) => [row.status, row.attempts, row.next_attempt_at! - NOON])).toEqual([
      ['pending', 1, 30_000],
      ['pending', 1, 30_000],
    ]);
    expect(rows[0]!.last_error).toBe('could not connect');
    vi.setSystemTime(NOON + 30_000);
    await runDurableObjectAlarm(stub);
    rows = await storedDeliveries(site);
    expect(rows.map((row) => [row.attempts, row.next_attempt_at! - (NOON + 30_000)])).toEqual([
      [2, 60_000],
      [2, 60_000],
    ]);

    // A day later, the next try would fall outside the 24 hours: failed for good, no more alarms.
    vi.setSystemTime(NOON + 24 * 3_600_000 - 60_000);
    await runDurableObjectAlarm(stub);
    rows = await storedDeliveries(site);
    expect(rows.map((row) => [row.status, row.attempts, row.next_attempt_at])).toEqual([
      ['failed', 3, null],
      ['failed', 3, null],
    ]);
    expect(await runInDurableObject(stub, (_instance: SiteWebhooks, state) => state.storage.getAlarm())).toBeNull();

    // An admin pauses the endpoint and sends one again: pending, a fresh window, attempts from
    // zero, same id; it waits while the endpoint is paused and goes when it is resumed.
    const endpointId = ((made.body as unknown as WebhookSecretResponse).endpoint as { id: string }).id;
    expect((await keyCall('PUT', `/${site}/webhooks/${endpointId}`, { enabled: false })).status).toBe(200);
    const resent = await keyCall('POST', `/${site}/webhooks/${endpointId}/deliveries/${handoff!.id}/resend`);
    expect(resent.body as unknown as WebhookDelivery).toMatchObject({ id: handoff!.id, status: 'pending', attempts: 0, event: 'conversation.handoff' });
    expect(await runDurableObjectAlarm(stub)).toBe(false);
    expect((await keyCall('PUT', `/${site}/webhooks/${endpointId}`, { enabled: true })).status).toBe(200);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    rows = await storedDeliveries(site);
    expect(rows.map((row) => [row.type, row.status, row.attempts])).toEqual([
      ['conversation.handoff', 'pending', 1],
      ['ticket.created', 'failed', 3],
    ]);
    expect((await keyCall('POST', `/${site}/webhooks/${endpointId}/deliveries/evt_000000000000000000000000/resend`)).status).toBe(404);
    const log = (await keyCall('GET', `/${site}/webhooks/${endpointId}/deliveries`)).body as unknown as { deliveries: WebhookDelivery[] };
    expect(log.deliveries.find((delivery) => delivery.id === handoff!.id)!.log.map((attempt) => attempt.error)).toEqual([
      'could not connect',
      'could not connect',
      'could not connect',
      'could not connect',
    ]);

    // Erasing the shopper's chat takes its deliveries out of the queue and the log.
    const erased = await keyCall('POST', `/${site}/data-rights/erase`, { conversationId: welcome.conversationId });
    expect(erased).toMatchObject({ status: 200, body: { conversations: 1 } });
    expect(await storedDeliveries(site)).toEqual([]);
  });
});
