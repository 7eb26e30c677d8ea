import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildKnowledgeBase, formatError, renderMarkdown } from '../../knowledge-base/build/compile.ts';
import { articleErrors } from '../../worker/catalog/article-rules.ts';

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
    expect(track.html).toContain('rel="noopener noreferrer nofollow"');
    expect(track.excerpt.startsWith('Open My orders and click Track')).toBe(true);
    expect(track.excerpt).not.toContain('Statuses');
  });

  it('refuses raw HTML and unsafe links with the file, the line and the field', () => {
    const r = buildKnowledgeBase(fixture('kb-unsafe'), root);
    expect(r.sites).toEqual({});
    expect(r.errors.map(formatError)).toEqual([
      'tests/fixtures/kb-unsafe/shop/en/markup-title.md:3 "title": must be plain text, without HTML or script',
      'tests/fixtures/kb-unsafe/shop/en/track-order.md:11 "body": raw HTML is not allowed; write plain markdown',
      'tests/fixtures/kb-unsafe/shop/en/track-order.md:13 "body": the link "javascript:alert(1)" is not allowed (only http, https, mailto, tel or a path on the shop)',
    ]);
  });

  it('renders what slipped past the rules inert anyway: raw HTML escaped, javascript: never a link', () => {
    const { html } = renderMarkdown('Hi <script>alert(1)</script> [x](javascript:alert(1)) [y](https://carrier.example/)');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).toContain('rel="noopener noreferrer nofollow"');
  });

  it('fails on a duplicate id with the file and the reason', () => {
    const r = buildKnowledgeBase(fixture('kb-duplicate'), root);
    expect(r.sites).toEqual({});
    expect(r.errors).toHaveLength(1);
    const msg = formatError(r.errors[0]!);
    expect(msg).toMatch(/^tests\/fixtures\/kb-duplicate\/shop\/en\/where-is-my-order\.md:2 /);
    expect(msg).toContain('duplicate id "track-order"');
  });

  it('refuses an example question written twice, naming the copy and the first one', () => {
    const content = {
      title: 'Gift cards',
      tags: [],
      questions: ['Check my balance', 'Use a gift card', '  check my   BALANCE '],
      body: 'Gift cards never expire.',
    };
    expect(articleErrors('gift-cards', content)).toEqual([{ field: 'questions.2', message: 'repeats question 1 ("check my   BALANCE")' }]);
    expect(articleErrors('gift-cards', { ...content, questions: content.questions.slice(0, 2) })).toEqual([]);
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
