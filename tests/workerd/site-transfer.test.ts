/** The Worker's half of the folder round trip: import both example sites, export them, compare. */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import examples from '../../knowledge-base/dist/example-sites.json';
import type { SiteExportResponse, SiteImport } from '../../protocol/site-admin.ts';
import { ADMIN_KEY, BASE, importSite } from './catalog-helpers.ts';

const byKey = <T extends { locale: string; id: string }>(list: T[]) => [...list].sort((a, b) => `${a.locale}/${a.id}`.localeCompare(`${b.locale}/${b.id}`));

describe('import then export', () => {
  for (const site of examples.sites as unknown as SiteImport[]) {
    it(`gives back the same settings and articles for ${site.settings.id}; importing it again changes nothing`, async () => {
      const response = await SELF.fetch(`${BASE}/v1/admin/sites/${site.settings.id}/export`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      expect(response.status).toBe(200);
      const exported = (await response.json()) as SiteExportResponse;
      expect(exported.settings).toEqual(site.settings);
      expect(byKey(exported.articles)).toEqual(byKey(site.articles));
      const again = await importSite({ settings: exported.settings, articles: exported.articles });
      expect(again).toMatchObject({ changed: false, version: exported.version });
    });
  }

  it('creates an empty site with default settings and its first admin, who can sign in', async () => {
    const response = await SELF.fetch(`${BASE}/v1/admin/sites`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'fresh-shop', name: 'Fresh Shop', origins: ['https://fresh.example'], adminEmail: 'Owner@Fresh.example' }),
    });
    expect(response.status).toBe(201);
    const created = (await response.json()) as {
      site: { allowedOrigins: string[]; locales: string[] };
      admin: { role: string; email: string };
      oneTimePassword: string;
    };
    expect(created.site).toMatchObject({ allowedOrigins: ['https://fresh.example'], locales: ['en'] });
    expect(created.admin).toMatchObject({ role: 'admin', email: 'owner@fresh.example' });
    const login = await SELF.fetch(`${BASE}/v1/agent/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: BASE },
      body: JSON.stringify({ site: 'fresh-shop', email: 'owner@fresh.example', password: created.oneTimePassword }),
    });
    expect(login.status).toBe(200);
    const again = await SELF.fetch(`${BASE}/v1/admin/sites`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'fresh-shop', name: 'Other', origins: ['https://other.example'], adminEmail: 'x@other.example' }),
    });
    expect(again.status).toBe(409);
  });
});
