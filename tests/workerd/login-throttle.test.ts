/**
 * Login throttling inside workerd: the per-address hourly cap on failed logins (through the
 * router, each test from an address of its own), the per-account schedule (exponential delay
 * after 5 failures, a 15-minute lock after 20) on the SiteInbox's real SQLite with a chosen
 * clock, and which address the limits count against.
 */
import { env, runInDurableObject, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { clientAddress, LOCAL_ADDRESS, UNKNOWN_ADDRESS } from '../../worker/client-address.ts';
import { LOGIN_THROTTLE, LoginThrottle } from '../../worker/inbox/login-throttle.ts';
import { createAgent, randomIp, WORKER_ORIGIN } from './sockets.ts';

function login(body: { email: string; password: string }, ip: string) {
  return SELF.fetch(`${WORKER_ORIGIN}/v1/agent/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', Origin: WORKER_ORIGIN, 'CF-Connecting-IP': ip },
    body: JSON.stringify({ site: 'demo', ...body }),
  });
}

describe('failed logins per address', () => {
  it('after 30 failures in an hour every login from that address gets 429, the right one too; other addresses are unaffected', async () => {
    const agent = await createAgent('demo', 'Spray Target');
    const ip = randomIp();
    const statuses: number[] = [];
    for (let n = 0; n < 31; n += 1) statuses.push((await login({ email: `sprayed-${n}@example.com`, password: 'password123' }, ip)).status);
    const right = await login({ email: agent.email, password: agent.password }, ip);
    const elsewhere = await login({ email: agent.email, password: agent.password }, randomIp());
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401));
    expect(statuses[30]).toBe(429);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(elsewhere.status).toBe(200);
  });
});

describe('the per-account schedule', () => {
  it('5 free failures, then 1 s, 2 s, 4 s, … (at most 5 min); after 20 a 15-minute lock; a reset or a quiet day clears it', async () => {
    const stub = env.SITE_INBOX.get(env.SITE_INBOX.idFromName('throttle-schedule'));
    await runInDurableObject(stub, (_instance, state) => {
      const throttle = new LoginThrottle(state.storage.sql);
      const email = 'scheduled@example.com';
      // A patient guesser who tries again the moment they are allowed to.
      let now = 2_000_000_000_000;
      let failures = 0;
      const waits: number[] = [];
      while (failures <= LOGIN_THROTTLE.lockAfterFailures) {
        const gate = throttle.begin(email, now);
        if (gate.allowed) failures += 1;
        else {
          waits.push(gate.retryAfterMs);
          now += gate.retryAfterMs;
        }
      }
      const expected = [];
      for (let failure = 5; failure < 20; failure += 1) expected.push(Math.min(1000 * 2 ** (failure - 5), 5 * 60 * 1000));
      expected.push(15 * 60 * 1000);
      expect(waits).toEqual(expected);
      expect(throttle.begin(email, now)).toMatchObject({ allowed: false });
      throttle.reset(email);
      expect(throttle.begin(email, now)).toEqual({ allowed: true });
      for (let n = 0; n < 6; n += 1) throttle.begin(email, now);
      expect(throttle.begin(email, now)).toMatchObject({ allowed: false });
      expect(throttle.begin(email, now + LOGIN_THROTTLE.forgetAfterMs + 1)).toEqual({ allowed: true });
    });
  });
});

describe('the address limits count against', () => {
  const request = (headers: Record<string, string>, cf?: object) => new Request('http://kefu.test/', { headers, ...(cf ? { cf } : {}) }) as Request;
  it('is CF-Connecting-IP only behind the edge; in development everything is one local address', () => {
    const deployed = { ALLOW_LOCALHOST_ORIGINS: undefined, TRUST_CF_CONNECTING_IP: undefined };
    const development = { ALLOW_LOCALHOST_ORIGINS: 'true', TRUST_CF_CONNECTING_IP: undefined };
    expect(clientAddress(request({ 'CF-Connecting-IP': '203.0.113.5' }, { colo: 'LHR' }), deployed)).toBe('203.0.113.5');
    expect(clientAddress(request({}, { colo: 'LHR' }), deployed)).toBe(UNKNOWN_ADDRESS);
    expect(clientAddress(request({ 'CF-Connecting-IP': '203.0.113.5' }), deployed)).toBe(LOCAL_ADDRESS);
    expect(clientAddress(request({ 'CF-Connecting-IP': '203.0.113.5' }, { colo: 'DFW' }), development)).toBe(LOCAL_ADDRESS);
    expect(clientAddress(request({ 'CF-Connecting-IP': '203.0.113.5' }), { ...development, TRUST_CF_CONNECTING_IP: 'true' })).toBe('203.0.113.5');
  });
});
