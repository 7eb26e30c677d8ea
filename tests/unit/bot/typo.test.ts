/**
 * Typo correction (worker/bot/typo.ts): the weighted edit distance and what it finds in the
 * demo shop's words. Misspellings are our own, the usual slips of a phone keyboard.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decide, loadSiteKnowledge, type SiteKnowledge } from '../../../worker/bot/index.ts';
import { DeletionIndex, SLIP_COST, typoCost } from '../../../worker/bot/typo.ts';
import { correctRuleWords } from '../../../worker/bot/understand.ts';
import { BUILD_TIMEOUT_MS, buildExampleSites } from './example-sites.ts';

let kb: SiteKnowledge;

beforeAll(() => {
  const r = buildExampleSites();
  expect(r.errors).toEqual([]);
  kb = loadSiteKnowledge(r.sites.demo!);
}, BUILD_TIMEOUT_MS);

const terms = (text: string) => decide(text, { kb, locale: 'en' }).scores.terms;

describe('typoCost: slips cost less than arbitrary edits', () => {
  it('two letters swapped', () => {
    expect(typoCost('recieve', 'receive', 2)).toBe(SLIP_COST.transposition);
    expect(typoCost('cancle', 'cancel', 1)).toBe(SLIP_COST.transposition);
  });

  it('a neighbouring key', () => {
    expect(typoCost('ordwr', 'order', 1)).toBe(SLIP_COST.neighbour); // w is next to e
    expect(typoCost('ordxr', 'order', 1)).toBe(1); // x is not
  });

  it('a double letter typed once, or a letter typed twice', () => {
    expect(typoCost('adress', 'address', 1)).toBe(SLIP_COST.doubled);
    expect(typoCost('shippping', 'shipping', 1)).toBe(SLIP_COST.doubled);
  });

  it('a slip cheaper than one edit is found below a maximum of one edit (a letter more or less costs a double letter)', () => {
    expect(typoCost('acount', 'account', SLIP_COST.neighbour)).toBe(SLIP_COST.doubled);
    expect(typoCost('acount', 'amount', SLIP_COST.neighbour)).toBe(Infinity);
  });

  it('gives up above the maximum', () => {
    expect(typoCost('refund', 'delivery', 2)).toBe(Infinity);
    expect(typoCost('dilivary', 'delivery', 1)).toBe(Infinity);
    expect(typoCost('dilivary', 'delivery', 2)).toBe(2);
  });
});

describe('correction against the shop’s words', () => {
  it.each([
    ['dilivary', 'ship'], // two edits in a long word
    ['cancelation', 'cancel'],
    ['warrenty', 'warranti'],
    ['adress', 'address'],
    ['shippping', 'ship'],
    ['pymnt', 'pai'], // typed without its vowels
    ['rfnd', 'refund'],
    ['invioce', 'invoic'],
  ])('%s → %s', (typed, stem) => {
    expect(terms(`${typed} please`)).toContain(stem);
  });

  it('reads a four-letter word as a common five-letter one with a letter dropped ("trak")', () => {
    expect(terms('trak my order')).toEqual(['track', 'order']);
  });

  it('at equal cost, keeps the first letter ("usre" is "user", not "sure")', () => {
    expect(terms('usre help')).toEqual(terms('user help'));
  });

  it('reads a word an example question keeps without a vowel as the common word ("paymnt")', () => {
    expect(terms('accepted paymnt options')).toContain('pai');
  });

  it('reads a three-letter slip of a filler as the filler, so it is not an unknown topic ("ned", "hep")', () => {
    expect(terms('i ned a refund')).toEqual(['refund']);
    expect(terms('hep me track my order')).toEqual(['track', 'order']);
    // a real three-letter word is not a filler's slip ("cat" is not "cant", "ill" is not "will")
    expect(terms('cat food')).toContain('cat');
  });

  it('reads a long word two slips from a word many articles use, from the same first letter ("iboice", "cncelig")', () => {
    // a letter dropped and another wrong: no deletion of either word meets the other
    expect(terms('iboice 4471')).toEqual(['invoic']);
    expect(terms('cncelig order')).toEqual(['cancel', 'order']);
    expect(terms('allowed payment oitons')).toContain('option');
    // not from another first letter, and not three slips away
    expect(terms('onvoce')).toEqual(['onvoc']);
    expect(terms('ibxoxce')).toEqual(['ibxoxc']);
    // a name a couple of letters longer than a shop word is a name ("spreadly" is not "spread")
    expect(terms('can i use spreadly')).toContain('spreadli');
  });

  it('reads a three-letter word as a four-letter one with its double letter typed once ("bil")', () => {
    expect(terms('see my bil')).toEqual(['invoic']);
    expect(terms('cal customer service')).toEqual(['phone', 'customerservic']);
  });

  it('reads a longer word one letter off before splitting it in two ("feeback" is not "fee back")', () => {
    expect(terms('leave feeback')).toEqual(terms('leave feedback'));
    expect(terms('leave feeback')).not.toContain('fee');
    expect(terms('mybill pls')).toEqual(['invoic']);
    // and a form of a word the shop uses is that word ("downloading" is not "down loading")
    expect(terms('downloading invoice')).toEqual(['download', 'invoic']);
  });

  it('leaves a common English word the shop never uses as it is ("feed" is not "fee", "food" not "good")', () => {
    expect(terms('the food we feed our rabbit')).toEqual(expect.arrayContaining(['food', 'feed']));
    expect(terms('the food we feed our rabbit')).not.toContain('fee');
  });

  it('leaves words the shop knows alone, and does not stretch short words', () => {
    expect(terms('card declined')).toEqual(['card', 'declin']);
    expect(terms('xyz')).toEqual(['xyz']);
  });
});

describe('slips in the words of a shop phrase', () => {
  it('are corrected before the phrase is folded ("custmer servce" is customer service)', () => {
    expect(terms('custmer servce')).toEqual(['customerservic']);
    expect(terms('customer sevrice number')).toEqual(['customerservic', 'number']);
    expect(terms('open an acount')).toEqual(terms('open an account'));
    expect(terms('moeny back')).toEqual(['refund']);
  });

  it('leave a word typed without its space to be split', () => {
    expect(terms('myorder status')).toEqual(['order', 'statu']);
  });
});

describe('slips the shop’s own example questions happen to contain', () => {
  // The demo shop's phrasings keep a few shoppers' spellings, so these slips are words of one
  // or two articles there; they are read as the word meant, which many articles use.
  it.each([
    ['cancle', 'cancel'],
    ['acount', 'account'],
    ['pasword', 'password'],
    ['refnud', 'refund'],
    ['feedbak', 'feedback'], // a letter dropped inside a long word, not only a double letter typed once
  ])('%s → %s', (typed, word) => {
    const k = kb.locales.en!;
    expect(k.lexiconRank.has(typed), `${typed} is in the shop's text`).toBe(true);
    expect(terms(`${typed} help`)).toEqual(terms(`${word} help`));
  });

  it('reads a slip whose nearest word is one of those slips as the word meant', () => {
    // "passord" is nearest to the shop's own slip "pasword" (a neighbouring key), which is a slip of "password"
    expect(terms('passord reset')).toEqual(terms('password reset'));
    expect(terms('paasword help')).toEqual(terms('password help'));
  });

  it('never reads a word of an article title or tag as a slip ("locked out" is not a locker)', () => {
    expect(terms('locked out')).toEqual(['lock']);
    expect(decide('locked out of my account', { kb, locale: 'en' }).scores.top[0]?.articleId).toBe('reset-password');
  });

  it('leaves a rare word alone when no common word is a slip away', () => {
    expect(terms('kettle')).toEqual(['kettl']);
  });

  it('never reads a thing shops sell as a slip, however few articles name it, or none ("shoes" is not "shows")', () => {
    // "shoes" is in two of the demo's articles and one neighbouring key from "shows", in many
    expect(kb.locales.en!.lexiconRank.has('shoes')).toBe(true);
    expect(terms('send back my shoes')).toContain('shoe');
    expect(terms('send back my shoes')).not.toContain('show');
    const d = decide('return my shoes', { kb, locale: 'en' });
    expect(d.action === 'answer' && d.articleId).toBe('returns-policy');
    // nor one the shop's text never names: "skirt" is not "shirt", "cable" is not "table"
    expect(kb.locales.en!.lexiconRank.has('skirt')).toBe(false);
    expect(terms('send back this skirt')).toContain('skirt');
    expect(terms('cable not working')).not.toContain('tabl');
  });
});

describe('the rules’ own words are corrected too', () => {
  it('still hears a request for a person through typos', () => {
    expect(correctRuleWords('i want to tlak to an agnet')).toBe('i want to talk to an agent');
    expect(decide('can i speek to a humna', { kb, locale: 'en' })).toMatchObject({ action: 'handoff', reason: 'requested_human' });
    expect(decide('i have a complant about the service', { kb, locale: 'en' })).toMatchObject({ action: 'handoff', reason: 'complaint' });
  });

  it('reads the refund, cancel and money words the reading rules look for through a slip', () => {
    expect(decide('in which cases can i rewuest a refund', { kb, locale: 'en' })).toMatchObject({ action: 'answer', articleId: 'refund-policy' });
    // a misspelt "cancel" beside an order number is cancelling it, not tracking it
    expect(decide('cacnelign order 48213', { kb, locale: 'en' })).toMatchObject({ action: 'answer', articleId: 'cancel-order' });
    expect(decide('refund 40 dollrs', { kb, locale: 'en' })).toMatchObject({ action: 'answer', articleId: 'request-refund' });
    expect(decide('i expect a reimbusrement', { kb, locale: 'en' })).toMatchObject({ action: 'answer', articleId: 'refund-status' });
  });

  it('reads a slip the shop’s own phrasings keep as the word meant ("recieved" is in the demo’s text)', () => {
    expect(kb.locales.en!.lexiconRank.has('recieved')).toBe(true);
    expect(decide('order 55123 not recieved', { kb, locale: 'en' })).toMatchObject({ action: 'answer', articleId: 'track-order' });
  });

  it('hears a warranty claim through a slip, not a complaint ("warrenty claim")', () => {
    expect(decide('warrenty claim', { kb, locale: 'en' })).toMatchObject({ action: 'answer', articleId: 'warranty' });
  });

  it('hears it with the person misspelt ("asistant", "persn") or a letter dropped from a short word ("agnt")', () => {
    for (const text of ['i need to talk to an asistant', 'help me talkig with a persn', 'chat w a live agnt'])
      expect(decide(text, { kb, locale: 'en' }), text).toMatchObject({ action: 'handoff', reason: 'requested_human' });
    // a common English word is that word, not a rule word's slip: "cheat" is not "chat"
    expect(correctRuleWords('no way to cheat the system')).toBe('no way to cheat the system');
  });
});

describe('the deletion index', () => {
  const index = new DeletionIndex(['cart', 'care', 'address', 'yaczfa', 'map', 'up'], 4);

  it('finds every word a key is one deletion of, in vocabulary order, each once', () => {
    expect(index.get('car')).toEqual(['cart', 'care']);
    expect(index.get('adress')).toEqual(['address']); // either d deleted: one word, listed once
    expect(index.get('address')).toEqual(['address']);
    expect(index.get('cat')).toEqual(['cart']);
    expect(index.get('adres')).toBeUndefined(); // two deletions away
  });

  it('leaves out words shorter than one below the minimum length', () => {
    expect(index.get('up')).toBeUndefined();
    expect(index.get('map')).toEqual(['map']);
  });

  it('tells a hash collision from a real key', () => {
    // "glbppa" and "yaczfa" have the same 32-bit FNV-1a hash
    expect(index.get('yaczfa')).toEqual(['yaczfa']);
    expect(index.get('glbppa')).toBeUndefined();
  });
});
