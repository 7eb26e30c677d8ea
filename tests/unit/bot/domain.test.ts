/**
 * The out-of-domain gate (worker/bot/domain.ts, aboutTheShop in verdict.ts): an answer needs
 * evidence that the message is about shopping with this shop. Every phrasing here is our own,
 * written for this test; none comes from the evaluation data.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { domainEvidence, foreignWordCount, namesOtherService } from '../../../worker/bot/domain.ts';
import { decide, type Knowledge, loadSiteKnowledge, type SiteKnowledge, tokenize } from '../../../worker/bot/index.ts';
import { typoCorrector } from '../../../worker/bot/typo.ts';
import { aboutTheShop, rankingVerdict } from '../../../worker/bot/verdict.ts';
import { BUILD_TIMEOUT_MS, buildExampleSites } from './example-sites.ts';

let kb: SiteKnowledge;
let en: Knowledge;

beforeAll(() => {
  const r = buildExampleSites();
  expect(r.errors).toEqual([]);
  kb = loadSiteKnowledge(r.sites.demo!);
  en = kb.locales.en!;
}, BUILD_TIMEOUT_MS);

const ask = (text: string) => decide(text, { kb, locale: 'en' });
const evidence = (text: string, articleId: string) => domainEvidence(en, tokenize(text, 'en'), articleId);

describe('domainEvidence: is the message about the shop?', () => {
  it('finds a shop word among the words the top article matched', () => {
    expect(evidence('where is my parcel', 'track-order')).toEqual({ shop: true, other: false });
    expect(evidence('can i pay with klarna', 'payment-methods')).toEqual({ shop: true, other: false });
  });

  it('counts the shop phrases the pipeline folds to one word ("out of stock", "back in stock")', () => {
    expect(evidence('is this jumper out of stock', 'product-availability')?.shop).toBe(true);
    expect(evidence('when is the green one back in stock', 'product-availability')?.shop).toBe(true);
    expect(evidence('pay later possible', 'payment-methods')?.shop).toBe(true);
    expect(ask('restock when?')).toMatchObject({ action: 'answer', articleId: 'product-availability' });
  });

  it("counts the words of a broken item, a restock and a currency as the shop's", () => {
    expect(evidence('the kettle is broken', 'damaged-item')?.shop).toBe(true);
    expect(evidence('the zip is defective', 'damaged-item')?.shop).toBe(true);
    expect(evidence('when is the restock', 'product-availability')?.shop).toBe(true);
    expect(evidence('which currencies', 'payment-methods')?.shop).toBe(true);
    expect(ask('which currencies')).toMatchObject({ action: 'answer', articleId: 'payment-methods' });
    // a currency elsewhere is not the shop's: nothing of the shop's articles matches
    expect(ask('what currency does japan use').action).not.toBe('answer');
  });

  it('finds none when the article matched only generic words', () => {
    expect(evidence('how many days are left until the holidays', 'delivery-times')?.shop).toBe(false);
    expect(evidence('what time does the cinema open', 'contact-us')?.shop).toBe(false);
  });

  it('flags a service shops do not offer, unless a core shop topic is named too', () => {
    expect(evidence('can i get a loan with my card', 'payment-methods')).toEqual({ shop: true, other: true });
    expect(evidence('can my parcel be delivered to my hotel', 'delivery-options')?.other).toBe(false);
  });

  it('reads the other service as typed, before typo correction turns it into a shop word', () => {
    expect(namesOtherService('reset the router')).toBe(true);
    expect(namesOtherService('two flights a week')).toBe(true);
    expect(namesOtherService('reset my password')).toBe(false);
    expect(domainEvidence(en, ['reset', 'outer'], 'reset-password', true)?.other).toBe(true);
    expect(domainEvidence(en, ['reset', 'outer'], 'reset-password')?.other).toBe(false);
    expect(ask('how do i reset my router').action).not.toBe('answer');
  });

  it('judges only English messages', () => {
    expect(domainEvidence(kb.locales.zh!, tokenize('我的包裹在哪', 'zh'), 'track-order')).toBeUndefined();
  });
});

describe('foreign words: common English the shop never uses', () => {
  const foreign = (text: string) => foreignWordCount(en, text, typoCorrector(en, 5));

  it('counts the words of something else, not the shop’s words, fillers or slips', () => {
    expect(foreign('what size tyres fit my bike')).toBe(2); // tyres, bike
    expect(foreign('what size are your jeans')).toBe(0);
    expect(foreign('cancl my ordr pls')).toBe(0); // slips are no English words
    expect(foreign('bike bike bike')).toBe(1); // each word once
  });

  it('keeps the band from answering when half the terms are such words; a confident match still may', () => {
    const band = {
      confidence: 0.8,
      coverage: 0.6,
      margin: 0.4,
      terms: ['size', 'tyre', 'fit', 'bike'],
      top: [
        { articleId: 'size-guide', similarity: 0.4, rank: 1, phrase: 0.9 },
        { articleId: 'exchanges', similarity: 0.1, rank: 0.3, phrase: 0.1 },
      ],
    };
    expect(rankingVerdict({ ...band, domain: { shop: true, other: false, foreign: 1 } })).toMatchObject({ action: 'answer', rule: 'probably' });
    expect(rankingVerdict({ ...band, domain: { shop: true, other: false, foreign: 2 } }).action).toBe('suggest');
    expect(rankingVerdict({ ...band, confidence: 0.95, domain: { shop: true, other: false, foreign: 2 } })).toMatchObject({ rule: 'confident match' });
  });
});

describe('the verdict answers only with shop evidence', () => {
  const ranking = {
    confidence: 0.99,
    coverage: 1,
    margin: 0.6,
    terms: ['time', 'open'],
    top: [
      { articleId: 'a', similarity: 0.8, rank: 1 },
      { articleId: 'b', similarity: 0.3, rank: 0.4 },
    ],
  };

  it('answers when the evidence is there or not judged, offers chips otherwise', () => {
    expect(aboutTheShop({})).toBe(true);
    expect(rankingVerdict({ ...ranking, domain: { shop: true, other: false } }).action).toBe('answer');
    expect(rankingVerdict(ranking).action).toBe('answer');
    expect(rankingVerdict({ ...ranking, domain: { shop: false, other: false } })).toEqual({ action: 'suggest', articleIds: ['a'] });
    expect(rankingVerdict({ ...ranking, domain: { shop: true, other: true } }).action).toBe('suggest');
  });

  it('does not answer off-topic questions that share words with the articles', () => {
    for (const q of [
      'what time does the cinema open on sundays',
      'how do i reset the router at home',
      "what's the password for the hotel wifi",
      'can i get a loan to buy a car',
      'when does the museum close',
      'how many days are left until the holidays',
    ]) {
      expect(ask(q).action, q).not.toBe('answer');
    }
    const d = ask('what time does the cinema open on sundays');
    expect(d.action).toBe('suggest');
    expect(d.action === 'suggest' && d.reason).toMatch(/^no sign the message is about the shop/);
  });

  it('still answers shop questions, also with a name or place the shop does not know', () => {
    for (const [q, id] of [
      ['where is my parcel', 'track-order'],
      ['how long does delivery take', 'delivery-times'],
      ['i forgot my password', 'reset-password'],
      ['can i pay with klarna', 'payment-methods'],
      ['what are your opening hours', 'contact-us'],
      ['the kettle i bought from you arrived broken', 'damaged-item'],
      ['how do i send back the jumper my aunt Rosalind gave me', 'returns-policy'],
    ] as const) {
      const d = ask(q);
      expect(d.action === 'answer' ? d.articleId : d.action, q).toBe(id);
    }
  });
});
