import { describe, expect, it } from 'vitest';
import { loadKnowledge, tokenize } from '../../../worker/bot/index.ts';
import { compileKnowledge } from '../../../worker/bot/indexer.ts';
import { phraseModelOf, phraseProbabilities } from '../../../worker/bot/phrase-model.ts';

const article = (id: string, title: string, questions: string[]) => ({
  id,
  title,
  locale: 'en' as const,
  tags: [],
  excerpt: title,
  html: `<p>${title}</p>`,
  questions,
  bodyText: title,
});

// A tiny shop where two articles share most of their words ("cancel", "order"); only the
// fee article's phrasings keep mentioning money.
const knowledge = loadKnowledge(
  compileKnowledge('phrase-test', 'en', [
    article('cancel-order', 'Cancelling an order', [
      'How do I cancel my order?',
      'Cancel the order I placed this morning',
      'Stop my order please',
      'I changed my mind, cancel it',
      'Can I still cancel?',
    ]),
    article('cancellation-fee', 'Is there a fee for cancelling?', [
      'Does cancelling an order cost anything?',
      'Cancellation fee',
      'Will I be charged a fee if I cancel my order?',
      'How much is the charge for cancelling?',
    ]),
    article('track-order', 'Tracking your order', ['Where is my order?', 'Track my parcel', 'Tracking number for my order']),
  ]),
);
const probabilities = (text: string) => phraseProbabilities(knowledge, tokenize(text, 'en'));

describe('phrase model (naive Bayes over the shop’s example questions)', () => {
  it('is trained from every example question and title, per article', () => {
    const model = phraseModelOf(knowledge);
    expect([...model.articleIds].sort()).toEqual(['cancel-order', 'cancellation-fee', 'track-order']);
    expect(model.termCounts.get('cancel')).toBeDefined();
    expect(phraseModelOf(knowledge)).toBe(model); // built once per loaded knowledge
  });

  it('gives a posterior over the articles that sums to 1', () => {
    const p = probabilities('please cancel my order');
    const total = [...p.values()].reduce((sum, x) => sum + x, 0);
    expect(total).toBeGreaterThan(0.99);
    expect(total).toBeLessThanOrEqual(1.000001);
  });

  it('weighs the evidence of all phrasings: a plain "cancel my order" is the cancelling article, a fee question the fee article', () => {
    const plain = probabilities('I want to cancel my order');
    expect(plain.get('cancel-order')!).toBeGreaterThan(plain.get('cancellation-fee')!);
    const fee = probabilities('is there a charge if I cancel my order');
    expect(fee.get('cancellation-fee')!).toBeGreaterThan(fee.get('cancel-order')!);
    const tracking = probabilities('where is my parcel');
    expect([...tracking].sort((a, b) => b[1] - a[1])[0]![0]).toBe('track-order');
  });

  it('weighs each term by weightOf: a term at half weight counts for less against the others', () => {
    const terms = tokenize('cancel tracking', 'en');
    const full = phraseProbabilities(knowledge, terms);
    const halfCancel = phraseProbabilities(knowledge, terms, (t) => (t === 'cancel' ? 0.5 : 1));
    expect(halfCancel.get('track-order')!).toBeGreaterThan(full.get('track-order')!);
    // weight 1 for every term is the plain model
    expect(phraseProbabilities(knowledge, terms, () => 1)).toEqual(full);
  });

  it('says nothing when no word of the message is known', () => {
    expect(probabilities('zebra quantum saxophone').size).toBe(0);
    expect(probabilities('').size).toBe(0);
  });
});
