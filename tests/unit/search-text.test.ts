import { describe, expect, it } from 'vitest';
import { indexText, matchExpression, queryTerms, snippetOf } from '../../worker/history/search-text.ts';

describe('search text: the same rules at write and at query time', () => {
  it('spaces Chinese apart per character and leaves other text as written', () => {
    expect(indexText('我想退货 please')).toBe(' 我 想 退 货  please');
    expect(indexText('Order 48213')).toBe('Order 48213');
  });

  it('turns a query into quoted terms only: FTS syntax typed by a user stays text', () => {
    expect(matchExpression(queryTerms('Refund'))).toBe('"refund"*');
    expect(matchExpression(queryTerms('退货'))).toBe('"退 货"');
    expect(matchExpression(queryTerms('iphone退货'))).toBe('"iphone"* "退 货"');
    expect(matchExpression(queryTerms('"refund" OR body:x* NEAR(a b) ^c -d'))).toBe('"refund"* "or"* "body"* "x"* "near"* "a"* "b"* "c"* "d"*');
    expect(matchExpression(queryTerms('"*^:()'))).toBeNull();
  });

  it('keeps at most twelve terms', () => {
    expect(queryTerms(Array.from({ length: 30 }, (_, i) => `w${i}`).join(' '))).toHaveLength(12);
  });

  it('marks every match in a window around the first, at word starts for Latin words', () => {
    const snippet = snippetOf('Refunds take 5 days. A refund is sent to the card; no prefund fees.', queryTerms('refund'));
    expect(snippet.marks.map(([a, b]) => snippet.text.slice(a, b))).toEqual(['Refund', 'refund']);
    const long = `${'x'.repeat(100)} 我想退货 ${'y'.repeat(300)}`;
    const zh = snippetOf(long, queryTerms('退货'));
    expect(zh.text.startsWith('…')).toBe(true);
    expect(zh.text.endsWith('…')).toBe(true);
    expect(zh.marks.map(([a, b]) => zh.text.slice(a, b))).toEqual(['退货']);
  });

  it('merges overlapping marks', () => {
    const snippet = snippetOf('refund refunded', queryTerms('refund refunded'));
    expect(snippet.marks).toEqual([
      [0, 6],
      [7, 15],
    ]);
  });
});
