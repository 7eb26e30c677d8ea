/**
 * Security headers: the console gets a CSP with frame-ancestors 'none'; every response gets
 * nosniff; API answers are not framable, send no referrer and never carry a stack trace.
 */
import { describe, expect, inject, it } from 'vitest';
import { printTable } from './lib/client.ts';

const { baseUrl } = inject('kefuSecurity');

async function get(path: string, init: RequestInit = {}) {
  const response = await fetch(`${baseUrl}${path}`, { redirect: 'manual', ...init });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

function directives(csp: string | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of (csp ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), values);
  }
  return out;
}

function frameProtected(headers: Headers): boolean {
  const xfo = headers.get('x-frame-options')?.toUpperCase();
  const ancestors = directives(headers.get('content-security-policy')).get('frame-ancestors');
  return xfo === 'DENY' || xfo === 'SAMEORIGIN' || (ancestors !== undefined && (ancestors.includes("'none'") || ancestors.includes("'self'")));
}

const NO_STACK = /\bat .+:\d+:\d+|\.ts:\d+|node_modules|Error:/;

describe('security headers', () => {
  it('serves the console with a strict CSP, frame-ancestors none and nosniff', async () => {
    const console_ = await get('/console/');
    expect(console_.status).toBe(200);
    const csp = directives(console_.headers.get('content-security-policy'));
    printTable('Console headers', [
      { header: 'content-security-policy', value: console_.headers.get('content-security-policy') ?? '(none)' },
      { header: 'x-content-type-options', value: console_.headers.get('x-content-type-options') ?? '(none)' },
      { header: 'x-frame-options', value: console_.headers.get('x-frame-options') ?? '(none)' },
      { header: 'referrer-policy', value: console_.headers.get('referrer-policy') ?? '(none)' },
    ]);
    expect(console_.headers.get('x-content-type-options')).toBe('nosniff');
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    // Scripts only from the console's own origin: no inline script, no eval.
    const scripts = csp.get('script-src') ?? csp.get('default-src') ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts).not.toContain("'unsafe-inline'");
    expect(scripts).not.toContain("'unsafe-eval'");
    expect(scripts).not.toContain('*');
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toBeDefined();
    // The console's own assets carry nosniff too.
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(console_.body)?.[1];
    expect(asset).toBeDefined();
    const script = await get(asset!);
    expect(script.status).toBe(200);
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect(script.headers.get('content-type')).toMatch(/javascript/);
  });

  it('API responses (200/401/404/400) carry nosniff, anti-framing and a referrer policy, and no stack traces', async () => {
    const cases = [
      { label: 'GET /v1/agent/me (no session)', ...(await get('/v1/agent/me')) },
      { label: 'GET /v1/no-such-route', ...(await get('/v1/no-such-route')) },
      { label: 'GET /v1/visitor (no upgrade)', ...(await get('/v1/visitor?site=demo')) },
      {
        label: 'POST /v1/agent/login (broken JSON)',
        ...(await get('/v1/agent/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json', Origin: new URL(baseUrl).origin },
          body: '{"site":',
        })),
      },
      {
        label: 'POST /v1/agent/login (wrong types)',
        ...(await get('/v1/agent/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json', Origin: new URL(baseUrl).origin },
          body: JSON.stringify({ site: ['demo'], email: {}, password: 1 }),
        })),
      },
      { label: 'GET /v1/widget/config', ...(await get('/v1/widget/config?site=demo', { headers: { Origin: new URL(baseUrl).origin } })) },
    ];
    printTable(
      'API response headers',
      cases.map((c) => ({
        request: c.label,
        status: c.status,
        nosniff: c.headers.get('x-content-type-options') ?? '-',
        'anti-framing': frameProtected(c.headers),
        'referrer-policy': c.headers.get('referrer-policy') ?? '-',
        'content-type': c.headers.get('content-type') ?? '-',
      })),
    );
    expect(cases.map((c) => c.status)).toEqual([401, 404, 426, 400, 400, 200]);
    for (const c of cases) {
      expect(c.headers.get('x-content-type-options'), c.label).toBe('nosniff');
      expect(frameProtected(c.headers), c.label).toBe(true);
      expect(c.headers.get('referrer-policy'), c.label).toMatch(/no-referrer|same-origin|strict-origin/);
      expect(c.headers.get('content-type'), c.label).toMatch(/^application\/json/);
      expect(c.headers.get('x-powered-by'), c.label).toBeNull();
      expect(c.body, c.label).not.toMatch(NO_STACK);
      const parsed = JSON.parse(c.body) as Record<string, unknown>;
      if (c.status >= 400) expect(Object.keys(parsed).sort(), c.label).toEqual(['error', 'message']);
    }
  });

  it('serves the widget loader with nosniff and a JavaScript content type', async () => {
    const loader = await get('/widget/loader.js');
    printTable('Widget loader headers', [
      { header: 'content-type', value: loader.headers.get('content-type') ?? '(none)' },
      { header: 'x-content-type-options', value: loader.headers.get('x-content-type-options') ?? '(none)' },
      { header: 'cache-control', value: loader.headers.get('cache-control') ?? '(none)' },
    ]);
    expect(loader.status).toBe(200);
    expect(loader.headers.get('x-content-type-options')).toBe('nosniff');
    expect(loader.headers.get('content-type')).toMatch(/javascript/);
  });
});
