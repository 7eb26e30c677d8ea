import lunr from 'lunr';
import { describe, expect, it } from 'vitest';
import { detectLocale, normalizeText, stemWord, tokenize } from '../../../worker/bot/text.ts';

describe('text pipeline: English', () => {
  it('stems with Porter so inflections meet', () => {
    expect(tokenize('cancelling', 'en')).toEqual(tokenize('cancelled', 'en'));
    expect(tokenize('cancellation', 'en')).toEqual(['cancel']);
    expect(stemWord('tracking')).toBe('track');
    expect(tokenize('How do I track my orders?', 'en')).toEqual(['track', 'order']);
  });

  it('drops stop words, placeholders, order numbers and amounts', () => {
    expect(tokenize('question about cancelling order {{Order Number}}', 'en')).toEqual(['cancel', 'order']);
    expect(tokenize('cancel purchase 113542617735902', 'en')).toEqual(tokenize('cancel purchase', 'en'));
    expect(tokenize('refund of $299', 'en')).toEqual(['refund']);
    expect(normalizeText('Order #A-10234 for ME')).not.toMatch(/10234/);
  });

  it('folds shop synonyms to one term', () => {
    expect(tokenize('parcel', 'en')).toEqual(tokenize('package', 'en'));
    expect(tokenize('I want my money back', 'en')).toEqual(tokenize('refund', 'en'));
    expect(tokenize('sign up', 'en')).toEqual(tokenize('registration', 'en'));
    expect(tokenize('log in', 'en')).toEqual(tokenize('sign-in', 'en'));
    expect(tokenize('e-mail', 'en')).toEqual(tokenize('email', 'en'));
    expect(tokenize('customs duties', 'en')).not.toEqual(tokenize('customer', 'en'));
    // locating a parcel is tracking it (the stem "locat" is no word the shop uses)
    expect(tokenize('locating my parcel', 'en')).toEqual(tokenize('track my parcel', 'en'));
  });

  it('applies NFKC and case folding', () => {
    expect(tokenize('ＲＥＦＵＮＤ', 'en')).toEqual(tokenize('refund', 'en'));
  });

  it('corrects typos only through the corrector it is given', () => {
    const correct = { word: (w: string) => (w === 'oorder' ? 'order' : undefined), stem: () => undefined };
    expect(tokenize('cancel oorder', 'en')).toEqual(['cancel', 'oorder']);
    expect(tokenize('cancel oorder', 'en', correct)).toEqual(['cancel', 'order']);
  });

  it('splits a word typed without its space, and each half then goes through the pipeline', () => {
    const split = (w: string): [string, string] | undefined => (w === 'mypackages' ? ['my', 'packages'] : undefined);
    const correct = { split, word: () => undefined, stem: () => undefined };
    expect(tokenize('where is mypackages', 'en', correct)).toEqual(tokenize('where is my packages', 'en'));
    expect(tokenize('where is mypackages', 'en')).toContain('mypackag');
  });
});

describe('text pipeline: Chinese', () => {
  it('segments words with Intl.Segmenter', () => {
    const t = tokenize('我想取消订单', 'zh');
    expect(t).toContain('取消');
    expect(t).toContain('订单');
    expect(t).not.toContain('我');
  });

  it('adds character bigrams inside long words and across single characters', () => {
    const t = tokenize('收货地址', 'zh');
    expect(t).toContain('地址');
  });

  it('folds Chinese synonyms', () => {
    expect(tokenize('帐号', 'zh')).toEqual(tokenize('账户', 'zh'));
    expect(tokenize('快递', 'zh')).toEqual(tokenize('包裹', 'zh'));
  });
});

describe('detectLocale', () => {
  it('detects Chinese by Han characters, per message', () => {
    expect(detectLocale('我的订单在哪里', 'en')).toBe('zh');
    expect(detectLocale('where is my order 订单', 'en')).toBe('zh');
    expect(detectLocale('where is my order', 'zh')).toBe('en');
    expect(detectLocale('12345', 'zh')).toBe('zh');
  });
});

describe('scoring equals Lunr', () => {
  it('scoreDocuments reproduces lunr.Index#query scores on a compiled index', async () => {
    const { buildIndex } = await import('../../../worker/bot/indexer.ts');
    const { loadKnowledge, scoreDocuments } = await import('../../../worker/bot/knowledge.ts');
    const index = buildIndex('en', [
      { id: 'a', title: 'Cancel an order', tags: ['cancel'], questions: ['How do I cancel my order?'], body: 'Cancel within one hour.' },
      {
        id: 'b',
        title: 'Cancellation fees',
        tags: ['fee'],
        questions: ['Does cancelling cost anything?'],
        body: 'Cancelling an order is free before dispatch.',
      },
      { id: 'c', title: 'Gift cards', tags: [], questions: [], body: 'Gift cards never expire.' },
    ]);
    const k = loadKnowledge({ format: 1, site: 'lunr-eq', locale: 'en', articles: [], index, words: [] });
    const terms = tokenize('how to cancel an order for free', 'en');
    const lunrRes = lunr.Index.load(index).query((q) => {
      for (const t of terms) q.term(t, { usePipeline: false });
    });
    const ours = scoreDocuments(k, terms, 10);
    expect(ours.map((r) => r.ref)).toEqual(lunrRes.map((r) => r.ref));
    for (let i = 0; i < ours.length; i++) expect(ours[i]!.score).toBeCloseTo(lunrRes[i]!.score, 9);
    expect(ours.some((r) => r.ref.startsWith('c'))).toBe(false);
  });

  it('loads the terms of every article and question as lunr.Index.load reads them', async () => {
    const { buildExampleSites } = await import('./example-sites.ts');
    const { articleTermsOf, docTermsOf, loadKnowledge } = await import('../../../worker/bot/knowledge.ts');
    const compiled = buildExampleSites().sites.demo!.locales.en!;
    const k = loadKnowledge(compiled);
    const lunrIndex = lunr.Index.load(compiled.index) as unknown as {
      invertedIndex: Record<string, Record<string, object> & { _index: number }>;
      fieldVectors: Record<string, { elements: number[] }>;
    };
    const termOf: string[] = [];
    for (const [term, entry] of Object.entries(lunrIndex.invertedIndex)) termOf[entry._index] = term;
    const lunrTerms = (key: string) => (lunrIndex.fieldVectors[key]?.elements ?? []).filter((_, i) => i % 2 === 0).map((n) => termOf[n]!);
    for (const article of compiled.articles) {
      const expected = new Set(['title', 'tags', 'questions', 'body'].flatMap((field) => lunrTerms(`${field}/${article.id}`)));
      expect(articleTermsOf(k, article.id)).toEqual(expected);
    }
    const questionDocs = [...docTermsOf(k).entries()].filter(([name]) => !name.endsWith('#title'));
    expect(questionDocs.length).toBeGreaterThan(compiled.articles.length);
    for (const [ref, terms] of questionDocs) expect(terms).toEqual(lunrTerms(`questions/${ref}`));
    // document frequency: the articles whose any field (question documents included) has the term
    for (const [term, entry] of Object.entries(lunrIndex.invertedIndex).slice(0, 300)) {
      const articles = new Set(
        Object.keys(entry)
          .filter((field) => field !== '_index')
          .flatMap((field) => Object.keys(entry[field]!).map((ref) => ref.split('#')[0])),
      );
      expect(k.df.get(term), term).toBe(articles.size);
    }
  });
});
