import { describe, expect, it } from 'vitest';
import { evictLeastRecent } from '../../worker/catalog/least-recent.ts';

const weight = (bytes: number) => bytes;

describe('site cache eviction', () => {
  it('drops the least recently used sites past the count', () => {
    const lru = new Map([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]);
    evictLeastRecent(lru, 'c', weight, { sites: 2, indexBytes: 100 });
    expect([...lru.keys()]).toEqual(['b', 'c']);
  });

  it('drops the least recently used sites until the index bytes fit', () => {
    const lru = new Map([
      ['old-big', 60],
      ['old-small', 10],
      ['recent', 30],
      ['served', 20],
    ]);
    evictLeastRecent(lru, 'served', weight, { sites: 64, indexBytes: 50 });
    expect([...lru.keys()]).toEqual(['recent', 'served']);
  });

  it('keeps the site being served even when it alone is over the budget', () => {
    const lru = new Map([
      ['other', 5],
      ['served', 500],
    ]);
    evictLeastRecent(lru, 'served', weight, { sites: 64, indexBytes: 100 });
    expect([...lru.keys()]).toEqual(['served']);
  });

  it('drops nothing within both limits', () => {
    const lru = new Map([
      ['a', 10],
      ['b', 10],
    ]);
    evictLeastRecent(lru, 'b', weight, { sites: 2, indexBytes: 20 });
    expect([...lru.keys()]).toEqual(['a', 'b']);
  });
});
