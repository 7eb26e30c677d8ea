import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildKnowledgeBase, formatError } from '../../knowledge-base/build/compile.ts';

const validSite = JSON.parse(readFileSync('tests/fixtures/kb-valid/shop/site.json', 'utf8')) as Record<string, unknown>;
const dirs: string[] = [];

/** A throwaway sites folder with one site whose site.json is `config`. */
function siteWith(config: unknown): string {
  const root = mkdtempSync(join(tmpdir(), 'kefu-site-'));
  dirs.push(root);
  mkdirSync(join(root, 'shop', 'en'), { recursive: true });
  writeFileSync(join(root, 'shop', 'site.json'), JSON.stringify(config, null, 2));
  writeFileSync(join(root, 'shop', 'en', 'hello.md'), '---\nid: hello\ntitle: Hello\nlocale: en\ntags: [hi]\n---\nHello there.\n');
  return root;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('site.json validation names the file, the field and the reason', () => {
  it.each([
    ['a bad theme colour', { theme: { color: 'green' } }, /site\.json.*"theme\.color": color must be #rrggbb/],
    [
      'an unknown time zone',
      { businessHours: { ...(validSite.businessHours as object), timezone: 'Mars/Olympus' } },
      /"businessHours\.timezone": unknown IANA time zone/,
    ],
    [
      'a malformed allowed origin',
      { allowedOrigins: ['shop.example.com/path'] },
      /"allowedOrigins\.0": each allowed origin must look like https:\/\/shop\.example/,
    ],
    ['idle timings out of order', { idle: { ...(validSite.idle as object), secondPromptSeconds: 30 } }, /"idle": idle timings must grow/],
    ['a locale without its greeting', { greeting: { en: 'Hi{name}!' } }, /"greeting\.zh": missing the zh text/],
    [
      'a bad canned reply shortcut',
      { cannedReplies: [{ shortcut: 'Hello There', locale: 'en', text: 'Hi' }] },
      /"cannedReplies\.0\.shortcut": shortcuts are lower-case/,
    ],
    [
      'a privacy notice over plain http',
      { privacyNoticeUrl: 'http://shop.example/privacy' },
      /"privacyNoticeUrl": the privacy notice must be an https:\/\/ address/,
    ],
    ['a privacy notice that is a script', { privacyNoticeUrl: 'javascript:alert(1)' }, /"privacyNoticeUrl": the privacy notice must be an https:\/\/ address/],
    ['a ticket due time of 0 hours', { serviceLevels: { ticketDueHours: { order: 0 } } }, /"serviceLevels\.ticketDueHours\.order"/],
    ['a ticket due time for an unknown kind', { serviceLevels: { ticketDueHours: { parcel: 5 } } }, /"serviceLevels\.ticketDueHours/],
  ])('rejects %s', (_name, change, expected) => {
    const result = buildKnowledgeBase(
      siteWith({ ...validSite, locales: ['en'], greeting: { en: 'Hi{name}!' }, ...change, ...(_name.includes('greeting') ? { locales: ['en', 'zh'] } : {}) }),
    );
    const messages = result.errors.map(formatError).join('\n');
    expect(messages).toMatch(/shop[\\/]site\.json:\d+/);
    expect(messages).toMatch(expected);
  });

  it('accepts the fixture site', () => {
    const result = buildKnowledgeBase(siteWith({ ...validSite, locales: ['en'], greeting: { en: 'Hi{name}!' } }));
    expect(result.errors).toEqual([]);
  });
});
