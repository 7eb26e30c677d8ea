import { beforeAll, describe, expect, it } from 'vitest';
import { rankingVerdict } from '../../../worker/bot/decide.ts';
import {
  botOptions,
  type CompiledKnowledge,
  DEFAULT_BOT_OPTIONS,
  decide,
  loadKnowledge,
  loadSiteKnowledge,
  onFeedback,
  type SiteKnowledge,
  THRESHOLDS,
} from '../../../worker/bot/index.ts';
import { BUILD_TIMEOUT_MS, buildExampleSites } from './example-sites.ts';

let kb: SiteKnowledge;
let compiledEn: CompiledKnowledge;

beforeAll(() => {
  const r = buildExampleSites();
  expect(r.errors).toEqual([]);
  kb = loadSiteKnowledge(r.sites.demo!);
  compiledEn = r.sites.demo!.locales.en!;
}, BUILD_TIMEOUT_MS);

/** A knowledge object no other test has used, so its lazy caches start empty. */
const freshKnowledge = () => loadKnowledge(structuredClone(compiledEn));

describe('bot options: settings are passed in, never changed in place', () => {
  it('the defaults are frozen all the way down', () => {
    expect(Object.isFrozen(DEFAULT_BOT_OPTIONS)).toBe(true);
    expect(Object.isFrozen(DEFAULT_BOT_OPTIONS.params)).toBe(true);
    expect(Object.isFrozen(DEFAULT_BOT_OPTIONS.thresholds)).toBe(true);
    expect(Object.isFrozen(DEFAULT_BOT_OPTIONS.model)).toBe(true);
    expect(Object.isFrozen(DEFAULT_BOT_OPTIONS.model!.weights)).toBe(true);
    expect(() => {
      (DEFAULT_BOT_OPTIONS.params as { typoMinLen: number }).typoMinLen = 1000;
    }).toThrow(TypeError);
    expect(DEFAULT_BOT_OPTIONS.thresholds).toBe(THRESHOLDS);
  });

  it('botOptions replaces only what it is given and leaves the defaults alone', () => {
    const o = botOptions({ thresholds: { ANSWER: 0.5 }, model: null });
    expect(o.thresholds.ANSWER).toBe(0.5);
    expect(o.thresholds.SUGGEST).toBe(THRESHOLDS.SUGGEST);
    expect(o.params).toEqual(DEFAULT_BOT_OPTIONS.params);
    expect(o.model).toBeNull();
    expect(Object.isFrozen(o) && Object.isFrozen(o.thresholds)).toBe(true);
    expect(THRESHOLDS.ANSWER).toBe(0.88);
    expect(botOptions({}).model).toEqual(DEFAULT_BOT_OPTIONS.model);
  });

  it('decide() follows the thresholds it is given, and only for that call', () => {
    const q = 'How do I reset my password?';
    const strict = botOptions({ thresholds: { ANSWER: 2, CLEAR_COVERAGE: 2, EXACT_MIN_MARGIN: 2, PROBABLY: 2, KEYWORD_MIN_MARGIN: 2 } });
    expect(decide(q, { kb, locale: 'en' }).action).toBe('answer');
    expect(decide(q, { kb, locale: 'en' }, strict).action).toBe('suggest');
    const never = botOptions({ thresholds: { ANSWER: 2, CLEAR_COVERAGE: 2, EXACT_MIN_MARGIN: 2, PROBABLY: 2, KEYWORD_MIN_MARGIN: 2, SUGGEST: 2 } });
    expect(decide(q, { kb, locale: 'en' }, never)).toMatchObject({ action: 'handoff', reason: 'low_confidence' });
    expect(decide(q, { kb, locale: 'en' }).action).toBe('answer');
  });

  it('without the model, confidence comes from the hand-made formula', () => {
    const q = 'where can I download my invoice';
    const withModel = decide(q, { kb, locale: 'en' }).scores.confidence;
    const handMade = decide(q, { kb, locale: 'en' }, botOptions({ model: null })).scores.confidence;
    expect(handMade).not.toBe(withModel);
    expect(handMade).toBeGreaterThan(0);
    expect(handMade).toBeLessThanOrEqual(1);
  });

  it('onFeedback takes the same options', () => {
    const history = [{ kind: 'bot' as const, action: 'answer' as const, articleId: 'track-order', query: 'where is my parcel' }];
    const noTypo = botOptions({ params: { typoMinLen: 1000 } });
    expect(onFeedback(false, { kb, locale: 'en', history }, noTypo)?.action).toBe('suggest');
  });
});

describe('typo correction: one cache, keyed by the minimum word length', () => {
  it('typoMinLen switches correction off for shorter words', () => {
    const k = freshKnowledge();
    expect(decide('cancel my ordre', { kb: k }).scores.terms).toContain('order');
    expect(decide('cancel my ordre', { kb: k }, botOptions({ params: { typoMinLen: 6 } })).scores.terms).not.toContain('order');
  });

  it('an index built for a longer minimum does not starve a later call with the default', () => {
    const k = freshKnowledge();
    // builds the word index for typoMinLen 8 first (words of 7+ letters only)
    decide('where is my delivvery', { kb: k }, botOptions({ params: { typoMinLen: 8 } }));
    expect(decide('cancel my ordre', { kb: k }).scores.terms).toContain('order');
  });
});

describe('generic verbs in short messages (genericVerbWeight)', () => {
  it('the thing named decides, not a verb shoppers use for everything', () => {
    const q = 'send comments on product';
    expect(decide(q, { kb, locale: 'en' })).toMatchObject({ action: 'answer', articleId: 'leave-review' });
    // at full weight "send" pulls the ranking's confidence under the answer
    expect(decide(q, { kb, locale: 'en' }, botOptions({ params: { genericVerbWeight: 1 } })).action).not.toBe('answer');
  });

  it('leaves longer messages, and messages of generic verbs only, as they were', () => {
    const off = botOptions({ params: { genericVerbWeight: 1 } });
    const long = 'i would like to send my comments about the jacket and check the sizes before ordering again';
    expect(decide(long, { kb, locale: 'en' }).scores.top).toEqual(decide(long, { kb, locale: 'en' }, off).scores.top);
    expect(decide('send check', { kb, locale: 'en' }).scores.top).toEqual(decide('send check', { kb, locale: 'en' }, off).scores.top);
  });
});

describe('rankingVerdict: the rule decide() applies to a ranking, and eval --tune replays', () => {
  const ranking = (over: Partial<Parameters<typeof rankingVerdict>[0]> = {}) => ({
    confidence: 0.6,
    coverage: 0.6,
    margin: 0.2,
    terms: ['refund', 'late'],
    top: [
      { articleId: 'a', similarity: 0.5, rank: 1 },
      { articleId: 'b', similarity: 0.4, rank: 0.6 },
      { articleId: 'c', similarity: 0.3, rank: 0.4 },
      { articleId: 'd', similarity: 0.3, rank: 0.55 },
    ],
    ...over,
  });

  it('suggests up to three articles within SUGGEST_RATIO of the best, in ranking order', () => {
    expect(rankingVerdict(ranking())).toEqual({ action: 'suggest', articleIds: ['a', 'b', 'd'] });
    expect(rankingVerdict(ranking(), { ...THRESHOLDS, SUGGEST_RATIO: 0.58 })).toEqual({ action: 'suggest', articleIds: ['a', 'b'] });
  });

  it('answers, or hands off out_of_scope / low_confidence, by the thresholds given', () => {
    expect(rankingVerdict(ranking({ confidence: 0.95 }))).toEqual({ action: 'answer', rule: 'confident match' });
    expect(rankingVerdict(ranking({ coverage: 0.2 }))).toEqual({ action: 'handoff', reason: 'out_of_scope' });
    expect(rankingVerdict(ranking({ confidence: 0.3 }))).toEqual({ action: 'handoff', reason: 'low_confidence' });
    expect(rankingVerdict(ranking(), { ...THRESHOLDS, SUGGEST: 0.7 })).toEqual({ action: 'handoff', reason: 'low_confidence' });
  });

  it('answers in the band only when the phrase model ranks the same article first', () => {
    const likely = ranking({ confidence: 0.8, coverage: 0.8, margin: 0.3 });
    expect(rankingVerdict(likely)).toMatchObject({ action: 'answer', rule: 'probably', alternatives: ['b', 'd'] });
    const top = likely.top.map((t, i) => ({ ...t, phrase: i === 1 ? 0.6 : 0.2 }));
    expect(rankingVerdict({ ...likely, top })).toMatchObject({ action: 'suggest' });
  });

  it('answers a keyword question (2-4 known words, all in the top article) from a lower confidence', () => {
    const keywords = ranking({ confidence: 0.5, coverage: 1, margin: 0.35, unknownTerms: [] });
    expect(rankingVerdict(keywords)).toMatchObject({ action: 'answer', rule: 'probably' });
    // a word the shop never uses, a word the article lacks, a narrow lead or five words: chips
    expect(rankingVerdict({ ...keywords, unknownTerms: ['paris'] }).action).toBe('suggest');
    expect(rankingVerdict({ ...keywords, coverage: 0.9 }).action).toBe('suggest');
    expect(rankingVerdict({ ...keywords, margin: 0.2 }).action).toBe('suggest');
    expect(rankingVerdict({ ...keywords, terms: ['a', 'b', 'c', 'd', 'e'] }).action).toBe('suggest');
    expect(rankingVerdict(keywords, { ...THRESHOLDS, KEYWORD_MIN_MARGIN: 0.5 }).action).toBe('suggest');
  });

  it('takes a short English message into the band from a lower confidence, nothing else relaxed', () => {
    // three words or fewer, shop evidence weighed (English): the band starts at PROBABLY_SHORT
    const short = ranking({ confidence: 0.55, coverage: 0.8, margin: 0.3, words: 2, domain: { shop: true, other: false } });
    expect(rankingVerdict(short)).toMatchObject({ action: 'answer', rule: 'probably' });
    // a longer message, a Chinese one (no domain evidence) or a hand-made ranking without a word count: chips
    expect(rankingVerdict({ ...short, words: 6 }).action).toBe('suggest');
    expect(rankingVerdict({ ...short, domain: undefined }).action).toBe('suggest');
    expect(rankingVerdict({ ...short, words: undefined }).action).toBe('suggest');
    // the other conditions of the band still hold: shop evidence, coverage, margin, the phrase model
    expect(rankingVerdict({ ...short, domain: { shop: false, other: false } }).action).toBe('suggest');
    expect(rankingVerdict({ ...short, coverage: 0.35 }).action).toBe('suggest');
    // a word of the message the top article does not cover ("hotel refund"): the long bar
    expect(rankingVerdict({ ...short, coverage: 0.5 }).action).toBe('suggest');
    expect(rankingVerdict({ ...short, coverage: 0.5, confidence: 0.75 }).action).toBe('answer');
    expect(rankingVerdict({ ...short, margin: 0.05 }).action).toBe('suggest');
    expect(rankingVerdict({ ...short, top: short.top.map((t, i) => ({ ...t, phrase: i === 1 ? 0.6 : 0.2 })) }).action).toBe('suggest');
    // below PROBABLY_SHORT, or with the short bar switched off (never above PROBABLY)
    expect(rankingVerdict({ ...short, confidence: 0.45 }).action).toBe('suggest');
    expect(rankingVerdict(short, { ...THRESHOLDS, PROBABLY_SHORT: 1 }).action).toBe('suggest');
    expect(rankingVerdict(short, { ...THRESHOLDS, SHORT_MESSAGE_WORDS: 1 }).action).toBe('suggest');
  });

  it('keeps chips for a short message with a word the shop does not use (another business’s question)', () => {
    for (const q of ['hotel refund', 'cancel my gym', 'uber refund']) {
      const d = decide(q, { kb, locale: 'en' });
      expect(d.action, q).not.toBe('answer');
    }
  });

  it('answers a short message in the band where the long-message bar offered chips', () => {
    const q = 'add a product';
    const longBar = botOptions({ thresholds: { PROBABLY_SHORT: THRESHOLDS.PROBABLY } });
    expect(decide(q, { kb, locale: 'en' }, longBar)).toMatchObject({ action: 'suggest' });
    const d = decide(q, { kb, locale: 'en' });
    expect(d).toMatchObject({ action: 'answer', articleId: 'change-order' });
    expect(d.scores.confidence).toBeLessThan(THRESHOLDS.PROBABLY);
    expect(d.action === 'answer' && d.reason.startsWith('probably')).toBe(true);
  });

  it('agrees with decide() on the decision’s own scores', () => {
    const questions = [
      'How do I reset my password?',
      'refund',
      'where is my parcel',
      'how do volcanoes erupt',
      'can you recommend a good pizza recipe',
      'do you ship abroad',
      'cancellation fee',
      'gift card balance',
    ];
    for (const q of questions) {
      const d = decide(q, { kb, locale: 'en' });
      const v = rankingVerdict(d.scores);
      expect(v.action, q).toBe(d.action);
      if (d.action === 'suggest' && v.action === 'suggest') expect(v.articleIds, q).toEqual(d.articleIds);
      if (d.action === 'handoff' && v.action === 'handoff') expect(v.reason, q).toBe(d.reason);
    }
  });
});
