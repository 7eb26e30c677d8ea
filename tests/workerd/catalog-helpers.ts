/** Helpers for tests that read and write sites through the real admin and console APIs. */
import { SELF } from 'cloudflare:test';
import type { SiteImport, SiteImportResponse } from '../../protocol/site-admin.ts';

export const ADMIN_KEY = 'workerd-admin-key';
export const BASE = 'http://kefu.test';

export async function importSite(site: unknown, key = ADMIN_KEY, self: typeof SELF = SELF): Promise<SiteImportResponse> {
  const id = (site as SiteImport).settings.id;
  const response = await self.fetch(`${BASE}/v1/admin/sites/${id}/import`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(site),
  });
  if (!response.ok) throw new Error(`importing ${id} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as SiteImportResponse;
}

/** Signs in through the real login route and returns a fetch that carries the session cookie. */
export async function signIn(site: string, email: string, password: string) {
  const login = await SELF.fetch(`${BASE}/v1/agent/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: BASE },
    body: JSON.stringify({ site, email, password }),
  });
  if (!login.ok) throw new Error(`login answered ${login.status}: ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  return (path: string, init: { method?: string; body?: unknown } = {}) =>
    SELF.fetch(`${BASE}${path}`, {
      method: init.method ?? 'GET',
      headers: { cookie, origin: BASE, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
}

/** Creates (or resets) an agent of a site with a known password, through the admin API. */
export async function addAgent(site: string, email: string, role: 'agent' | 'admin', password = 'correct-horse-battery') {
  const response = await SELF.fetch(`${BASE}/v1/admin/sites/${site}/agents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email, name: email.split('@')[0], role, password }),
  });
  if (!response.ok) throw new Error(`adding ${email} answered ${response.status}: ${await response.text()}`);
  return { email, password };
}
