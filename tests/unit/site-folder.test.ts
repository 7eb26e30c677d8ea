import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSiteFolder, writeSiteFolder } from '../../scripts/lib/site-import.ts';

const byKey = <T extends { locale: string; id: string }>(list: T[]) => [...list].sort((a, b) => `${a.locale}/${a.id}`.localeCompare(`${b.locale}/${b.id}`));

describe('site folders: import payload ↔ folder', () => {
  // The Worker side of the round trip (import, then export through the admin API) is
  // tests/workerd/site-transfer.test.ts; together they show a folder survives import and export.
  for (const site of ['demo', 'lantern-tea']) {
    it(`writing ${site} back as a folder and reading it again loses nothing`, () => {
      const original = readSiteFolder(`knowledge-base/sites/${site}`);
      const dir = mkdtempSync(join(tmpdir(), 'kefu-site-folder-'));
      try {
        writeSiteFolder(original, join(dir, site));
        const again = readSiteFolder(join(dir, site));
        expect(again.settings).toEqual(original.settings);
        expect(byKey(again.articles)).toEqual(byKey(original.articles));
        expect(original.articles.length).toBeGreaterThan(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      // Two full builds of the demo help centre: seconds on a busy 2-core machine.
    }, 30_000);
  }

  it('refuses an invalid folder with kb:build messages and returns nothing', () => {
    expect(() => readSiteFolder('tests/fixtures/kb-unsafe/shop')).toThrow(/kb-unsafe\/shop\/en\/track-order\.md:11 "body": raw HTML is not allowed/);
  });
});
