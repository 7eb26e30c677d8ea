/** The site cache's eviction, apart so that it can be tested without a runtime (pure). */

/**
 * Drops the least recently used entries (a Map iterates in insertion order, and remember()
 * re-inserts on every use) until at most `limits.sites` remain and their weights sum to at most
 * `limits.indexBytes`; never `keep`.
 */
export function evictLeastRecent<V>(lru: Map<string, V>, keep: string, weightOf: (value: V) => number, limits: { sites: number; indexBytes: number }): void {
  let total = 0;
  for (const value of lru.values()) total += weightOf(value);
  for (const [key, value] of lru) {
    if (lru.size <= limits.sites && total <= limits.indexBytes) return;
    if (key === keep) continue;
    lru.delete(key);
    total -= weightOf(value);
  }
}
