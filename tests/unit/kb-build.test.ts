import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { buildKnowledgeBase, formatError } from '../../knowledge-base/build/compile.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

describe('knowledge-base build validation', () => {
  it('compiles a valid site: one index per locale, safe HTML, plain-text excerpt', () => {
    const r = buildKnowledgeBase(fixture('kb-valid'), root);
    expect(r.errors).toEqual([]);
    const en = r.sites.shop!.locales.en!;
    expect(en.articles.map((a) => a.id).sort()).toEqual(['reset-password', 'track-order']);
    expect(r.sites.shop!.locales.zh!.articles.map((a) => a.id)).toEqual(['track-order']);
    const track = en.articles.find((a) => a.id === 'track-order')!;
    // raw HTML in markdown is escaped, javascript: links are not turned into links
    expect(track.html).not.toContain('<script>');
    expect(track.html).toContain('&lt;script&gt;');
    expect(track.html).not.toMatch(/href="javascript:/i);
    expect(track.html).toContain('rel="noopener noreferrer nofollow"');
    expect(track.excerpt.startsWith('Open My orders and click Track')).toBe(true);
    expect(track.excerpt).not.toContain('Statuses');
  });

  it('fails on a duplicate id with the file and the reason', () => {
    const r = buildKnowledgeBase(fixture('kb-duplicate'), root);
    expect(r.sites).toEqual({});
    expect(r.errors).toHaveLength(1);
    const msg = formatError(r.errors[0]!);
    expect(msg).toMatch(/^tests\/fixtures\/kb-duplicate\/shop\/en\/where-is-my-order\.md:2 /);
    expect(msg).toContain('duplicate id "track-order"');
  });

  it('fails on a missing field', () => {
    const r = buildKnowledgeBase(fixture('kb-missing-field'), root);
    expect(r.errors.map(formatError)).toEqual(['tests/fixtures/kb-missing-field/shop/en/no-title.md:1 missing field "title"']);
  });

  it('fails on an unknown locale, pointing at the locale line', () => {
    const r = buildKnowledgeBase(fixture('kb-unknown-locale'), root);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.file).toBe('tests/fixtures/kb-unknown-locale/shop/en/bonjour.md');
    expect(r.errors[0]!.line).toBe(4);
    expect(r.errors[0]!.reason).toContain('unknown locale "fr"');
  });

  it('fails on broken YAML with a line inside the front-matter', () => {
    const r = buildKnowledgeBase(fixture('kb-broken-yaml'), root);
    expect(r.errors).toHaveLength(1);
    const e = r.errors[0]!;
    expect(e.file).toBe('tests/fixtures/kb-broken-yaml/shop/en/broken.md');
    expect(e.reason).toMatch(/^broken front-matter YAML/);
    expect(e.line).toBeGreaterThanOrEqual(5);
    expect(e.line).toBeLessThanOrEqual(8);
  });
});
