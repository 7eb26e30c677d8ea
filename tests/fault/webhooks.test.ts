/**
 * Signed webhooks end to end, against a real `wrangler dev` and a real HTTP receiver on
 * 127.0.0.1 started here (node:http). The receiver checks every request's signature as the
 * README tells receivers to, answers 500 to the first two deliveries of each event and 200 to
 * the third. A shopper, an agent and the admin API make one event of each kind the chat path
 * produces (handoff, closed, rating) plus a test ping; each must reach the receiver exactly three
 * times, in the backoff's order, and succeed exactly once. A second endpoint that never answers
 * must not delay a handoff.
 *
 * WEBHOOK_RETRY_BASE_MS=300 shrinks the retry schedule (production: 30 s, 1 min, 2 min … for 24 h).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookDelivery, WebhookPayload, WebhookSecretResponse } from '../../protocol/webhooks.ts';
import { readDevVars } from '../../scripts/lib/admin-client.ts';
import { AgentChatClient, createAgent, InboxClient, ShopperClient } from '../support/kefu-client.ts';
import type { WranglerServer } from '../support/wrangler-dev.ts';
import { killHard, printTable, startFaultServer } from './harness.ts';

const RETRY_BASE_MS = 300;
const FAILURES_BEFORE_SUCCESS = 2;
const ADMIN_KEY = readDevVars().ADMIN_API_KEY ?? '';

interface Received {
  path: string;
  id: string;
  type: string;
  at: number;
  answered: number | null;
  signatureValid: boolean;
  timestampFresh: boolean;
  body: WebhookPayload | null;
}

/** The receiver: verifies like the README's snippet, fails each event twice, then takes it. */
class Receiver {
  readonly received: Received[] = [];
  readonly secrets = new Map<string, string>();
  private readonly hanging = new Set<ServerResponse>();
  private server: Server | null = null;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      void this.handle(request, response);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  hangingCount(): number {
    return this.hanging.size;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = request.url ?? '';
    const id = String(request.headers['kefu-webhook-id'] ?? '');
    const timestamp = String(request.headers['kefu-webhook-timestamp'] ?? '');
    const signature = String(request.headers['kefu-signature'] ?? '');
    const secret = this.secrets.get(path) ?? '';
    const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`;
    const signatureValid = signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
    const timestampFresh = Math.abs(Date.now() / 1000 - Number(timestamp)) <= 300;
    let body: WebhookPayload | null = null;
    try {
      body = JSON.parse(raw) as WebhookPayload;
    } catch {
      body = null;
    }
    const entry: Received = { path, id, type: body?.type ?? '', at: Date.now(), answered: null, signatureValid, timestampFresh, body };
    this.received.push(entry);
    if (path === '/never-answers') {
      this.hanging.add(response);
      response.on('close', () => this.hanging.delete(response));
      return;
    }
    const earlier = this.received.filter((other) => other.path === path && other.id === id && other !== entry).length;
    entry.answered = !signatureValid ? 401 : earlier < FAILURES_BEFORE_SUCCESS ? 500 : 200;
    response.writeHead(entry.answered, { 'content-type': 'text/plain' }).end(entry.answered === 200 ? 'ok' : 'not yet');
  }

  async stop(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

async function admin<T>(server: WranglerServer, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server.baseUrl}/v1/admin/sites${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (response.status === 204 ? null : await response.json()) as T };
}

describe('signed webhooks against a real receiver', () => {
  let server: WranglerServer;
  const receiver = new Receiver();
  const stoppers: { stop(): void }[] = [];

  beforeAll(async () => {
    await receiver.start();
    server = await startFaultServer({ vars: { ALLOW_HTTP_WEBHOOKS: 'true', WEBHOOK_RETRY_BASE_MS: String(RETRY_BASE_MS) } });
  });

  afterAll(async () => {
    for (const client of stoppers) client.stop();
    await receiver.stop();
    if (server) await killHard(server);
  });

  it('retries 500s with backoff and delivers each event exactly once, signed', async () => {
    const created = await admin<WebhookSecretResponse>(server, 'POST', '/demo/webhooks', {
      url: receiver.url('/flaky'),
      events: ['conversation.handoff', 'conversation.closed', 'rating.created'],
      description: 'flaky receiver',
    });
    expect(created.status).toBe(201);
    receiver.secrets.set('/flaky', created.body.secret);
    const endpointId = created.body.endpoint.id;

    // One event of each kind the chat makes: handoff (queued), closed, rating; and a ping.
    const session = await createAgent(server.baseUrl, 'demo', 'Wen Hook');
    const inbox = new InboxClient({ baseUrl: server.baseUrl, session }).start();
    stoppers.push(inbox);
    await inbox.waitForWelcomes(1);
    const shopper = new ShopperClient({ baseUrl: server.baseUrl, name: 'webhook shopper' }).start();
    stoppers.push(shopper);
    await shopper.waitForWelcomes(1);
    await shopper.sendAndWait('I want to talk to a person');
    await shopper.waitUntil(() => shopper.state === 'queued', 10_000, 'queued');
    expect(await inbox.claim(shopper.conversationId!)).toBe('claimed');
    const agent = new AgentChatClient({ baseUrl: server.baseUrl, session, conversationId: shopper.conversationId!, name: 'agent' }).start();
    stoppers.push(agent);
    await agent.waitForWelcomes(1);
    agent.sendFrame({ v: 1, type: 'close' });
    await shopper.waitUntil(() => shopper.state === 'closed', 10_000, 'closed');
    shopper.sendFrame({ v: 1, type: 'rate', score: 5, comment: 'Quick and kind' });
    const ping = await admin<WebhookDelivery>(server, 'POST', `/demo/webhooks/${endpointId}/ping`);
    expect(ping.status).toBe(201);

    const expectedTypes = ['conversation.handoff', 'conversation.closed', 'rating.created', 'ping'];
    const successes = () => receiver.received.filter((entry) => entry.path === '/flaky' && entry.answered === 200);
    await expect
      .poll(
        () =>
          successes()
            .map((entry) => entry.type)
            .sort(),
        { timeout: 30_000, interval: 100 },
      )
      .toEqual([...expectedTypes].sort());

    // The log agrees: every delivery delivered after three attempts, nothing pending.
    const log = await admin<{ deliveries: WebhookDelivery[] }>(server, 'GET', `/demo/webhooks/${endpointId}/deliveries`);
    expect(log.body.deliveries.map((delivery) => [delivery.event, delivery.status, delivery.attempts]).sort()).toEqual(
      expectedTypes.map((type) => [type, 'delivered', FAILURES_BEFORE_SUCCESS + 1]).sort(),
    );
    for (const delivery of log.body.deliveries) expect(delivery.log.map((attempt) => attempt.status)).toEqual([500, 500, 200]);

    const flaky = receiver.received.filter((entry) => entry.path === '/flaky');
    const byId = new Map<string, Received[]>();
    for (const entry of flaky) byId.set(entry.id, [...(byId.get(entry.id) ?? []), entry]);
    printTable(
      'webhooks: requests per event at the receiver',
      [...byId.values()].map((entries) => ({
        event: entries[0]!.type,
        requests: entries.length,
        answers: entries.map((entry) => entry.answered).join(' '),
        'gaps ms': entries
          .slice(1)
          .map((entry, index) => entry.at - entries[index]!.at)
          .join(' '),
      })),
    );
    expect(byId.size).toBe(expectedTypes.length);
    for (const [id, entries] of byId) {
      // Exactly once: one success per id, after exactly two failures, all correctly signed.
      expect(entries.map((entry) => entry.answered)).toEqual([500, 500, 200]);
      expect(entries.every((entry) => entry.signatureValid && entry.timestampFresh)).toBe(true);
      expect(entries.every((entry) => entry.body?.id === id && entry.body.site === 'demo')).toBe(true);
      // Backoff: the second retry waits at least twice the base, the first at least the base.
      expect(entries[1]!.at - entries[0]!.at).toBeGreaterThanOrEqual(RETRY_BASE_MS - 50);
      expect(entries[2]!.at - entries[1]!.at).toBeGreaterThanOrEqual(2 * RETRY_BASE_MS - 50);
    }
    const handoff = successes().find((entry) => entry.type === 'conversation.handoff')!.body!;
    expect(handoff.data).toMatchObject({ conversationId: shopper.conversationId, outcome: 'queued' });
    const rating = successes().find((entry) => entry.type === 'rating.created')!.body!;
    expect(rating.data).toEqual({ conversationId: shopper.conversationId, score: 5, hasComment: true });

    // An admin's re-send: the same id once more; the receiver (which dedupes by id) sees a repeat.
    const resend = await admin<WebhookDelivery>(server, 'POST', `/demo/webhooks/${endpointId}/deliveries/${ping.body.id}/resend`);
    expect(resend.status).toBe(200);
    await expect.poll(() => flaky.length < receiver.received.filter((entry) => entry.path === '/flaky').length, { timeout: 10_000 }).toBe(true);
    const repeat = receiver.received.filter((entry) => entry.path === '/flaky').at(-1)!;
    expect(repeat).toMatchObject({ id: ping.body.id, signatureValid: true, answered: 200 });
  });

  it('a receiver that never answers does not delay a handoff', async () => {
    const created = await admin<WebhookSecretResponse>(server, 'POST', '/lantern-tea/webhooks', {
      url: receiver.url('/never-answers'),
      events: ['conversation.handoff'],
    });
    expect(created.status).toBe(201);
    receiver.secrets.set('/never-answers', created.body.secret);
    // The site's delivery worker is now stuck on a request that gets no answer …
    await admin(server, 'POST', `/lantern-tea/webhooks/${created.body.endpoint.id}/ping`);
    await expect.poll(() => receiver.hangingCount(), { timeout: 10_000 }).toBe(1);

    // … and a shopper's handoff still gets its answer while that request is open.
    const session = await createAgent(server.baseUrl, 'lantern-tea', 'Tea Agent');
    const inbox = new InboxClient({ baseUrl: server.baseUrl, session }).start();
    stoppers.push(inbox);
    await inbox.waitForWelcomes(1);
    const shopper = new ShopperClient({ baseUrl: server.baseUrl, site: 'lantern-tea', name: 'tea shopper' }).start();
    stoppers.push(shopper);
    await shopper.waitForWelcomes(1);
    await shopper.sendAndWait('I want to talk to a person');
    // Lantern Tea assigns chats automatically: the answer is the agent joining.
    await shopper.waitUntil(() => shopper.state === 'agent', 10_000, 'handed to the agent');
    expect(receiver.hangingCount()).toBe(1);
    expect(receiver.received.filter((entry) => entry.path === '/never-answers').map((entry) => entry.type)).toEqual(['ping']);
  });
});
