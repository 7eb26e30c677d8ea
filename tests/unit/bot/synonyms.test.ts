/** The shop's own words (site settings `synonyms`) reach retrieval; nothing changes without them. */
import { describe, expect, it } from 'vitest';
import { decide, loadKnowledge, type SiteKnowledge } from '../../../worker/bot/index.ts';
import { compileKnowledge } from '../../../worker/bot/indexer.ts';
import { expandSynonyms, type SiteSynonym } from '../../../worker/bot/synonyms.ts';

const article = (id: string, title: string, questions: string[], body: string) => ({
  id,
  title,
  locale: 'en' as const,
  tags: [],
  questions,
  excerpt: body,
  html: `<p>${body}</p>`,
  bodyText: body,
});

const compiled = compileKnowledge('synonym-shop', 'en', [
  article(
    'pay-on-arrival',
    'Paying cash on delivery',
    ['Can I pay in cash when the parcel arrives?'],
    'You can pay the courier in cash on delivery for orders under £200.',
  ),
  article('gift-cards', 'Gift cards', ['How do gift cards work?'], 'Gift cards never expire and can be used online.'),
  article('returns', 'Returning an item', ['How do I send something back?'], 'Send items back within 30 days for a refund.'),
]);

function site(synonyms?: SiteSynonym[]): SiteKnowledge {
  return { site: 'synonym-shop', defaultLocale: 'en', locales: { en: loadKnowledge(structuredClone(compiled)) }, synonyms };
}

const topArticle = (kb: SiteKnowledge, text: string) => decide(text, { kb, locale: 'en' }).scores.top[0]?.articleId;

describe('site synonyms', () => {
  it('appends the meaning of each whole-word term of the message locale', () => {
    const synonyms: SiteSynonym[] = [
      { locale: 'en', term: 'COD', means: 'cash on delivery' },
      { locale: 'zh', term: '货到付款', means: '现金 送货' },
    ];
    expect(expandSynonyms('is cod ok?', 'en', synonyms)).toBe('is cod ok? cash on delivery');
    expect(expandSynonyms('COD', 'en', synonyms)).toBe('COD cash on delivery');
    expect(expandSynonyms('my promo code', 'en', synonyms)).toBe('my promo code');
    expect(expandSynonyms('可以货到付款吗', 'zh', synonyms)).toBe('可以货到付款吗 现金 送货');
    expect(expandSynonyms('is cod ok?', 'en', undefined)).toBe('is cod ok?');
  });

  it("finds the plain-words article for the shop's abbreviation only when the site defines it", () => {
    expect(topArticle(site(), 'is PUD possible')).not.toBe('pay-on-arrival');
    expect(topArticle(site([{ locale: 'en', term: 'PUD', means: 'cash on delivery' }]), 'is PUD possible')).toBe('pay-on-arrival');
  });

  it('knows the abbreviations every shop sees without being told (COD: understand.ts)', () => {
    expect(topArticle(site(), 'is COD possible')).toBe('pay-on-arrival');
  });

  it('leaves messages without the term exactly as they were', () => {
    const plain = decide('how do I send something back', { kb: site(), locale: 'en' });
    const withSynonyms = decide('how do I send something back', { kb: site([{ locale: 'en', term: 'COD', means: 'cash on delivery' }]), locale: 'en' });
    expect(withSynonyms).toEqual(plain);
  });
});
