/**
 * Typo correction for English queries: a word (or Porter stem) the knowledge base does not
 * know is replaced by the best known one within one edit, and two words typed together are
 * split. Pure; the deletion indexes are derived data, built on first use and cached per
 * knowledge in one place (typoIndexOf).
 */
import type { Knowledge } from './knowledge.ts';
import { type Corrector, isEnglishStopWord } from './text.ts';

/** deletion key → the known words or stems that produce it (symmetric-delete neighbourhood) */
type DeletionIndex = Map<string, string[]>;

/** True when a and b are at most one optimal-string-alignment edit apart. */
function osa1(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // transposition
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

function deletionIndex(words: Iterable<string>, minLen: number): DeletionIndex {
  const m: DeletionIndex = new Map();
  const add = (key: string, w: string) => {
    const l = m.get(key);
    if (l) l.push(w);
    else m.set(key, [w]);
  };
  for (const w of words) {
    if (w.length < minLen - 1) continue;
    add(w, w);
    for (let i = 0; i < w.length; i++) add(w.slice(0, i) + w.slice(i + 1), w);
  }
  return m;
}

/**
 * The one cache of deletion indexes: per knowledge (weakly, so an unloaded site's indexes go
 * with it), per vocabulary and minimum length (an index built for one typoMinLen leaves out
 * words another one needs).
 */
const typoIndexes = new WeakMap<Knowledge, Map<string, DeletionIndex>>();

function typoIndexOf(k: Knowledge, vocabulary: 'words' | 'stems', minLen: number): DeletionIndex {
  let perKnowledge = typoIndexes.get(k);
  if (!perKnowledge) typoIndexes.set(k, (perKnowledge = new Map()));
  const key = `${vocabulary}:${minLen}`;
  let idx = perKnowledge.get(key);
  if (!idx) perKnowledge.set(key, (idx = deletionIndex(vocabulary === 'words' ? k.lexicon : k.df.keys(), minLen)));
  return idx;
}

/** The best (lowest rank) known word one edit away from w, or undefined. */
function nearest(w: string, idx: DeletionIndex, rank: (c: string) => number): string | undefined {
  let best: string | undefined;
  let bestRank = Infinity;
  const consider = (list: string[] | undefined) => {
    if (!list) return;
    for (const c of list) {
      const r = rank(c);
      if (r < bestRank && osa1(w, c)) {
        best = c;
        bestRank = r;
      }
    }
  };
  consider(idx.get(w));
  for (let i = 0; i < w.length; i++) consider(idx.get(w.slice(0, i) + w.slice(i + 1)));
  return best;
}

/** The corrector tokenize() uses for English queries against k; shorter words than minLen are left alone. */
export function typoCorrector(k: Knowledge, minLen: number): Corrector {
  const known = (w: string) => k.lexiconRank.has(w) || isEnglishStopWord(w);
  return {
    split(w) {
      if (w.length < minLen || known(w)) return undefined;
      // Prefer the cut whose parts are the most common words; one part must carry content
      // (not a stop word), or the cut would only throw the word away.
      let best: [string, string] | undefined;
      let bestRank = Infinity;
      for (let i = 2; i <= w.length - 2; i++) {
        const a = w.slice(0, i);
        const b = w.slice(i);
        if (!known(a) || !known(b) || (isEnglishStopWord(a) && isEnglishStopWord(b))) continue;
        const rank = (k.lexiconRank.get(a) ?? 0) + (k.lexiconRank.get(b) ?? 0);
        if (rank < bestRank) {
          best = [a, b];
          bestRank = rank;
        }
      }
      return best;
    },
    word(w) {
      if (w.length < minLen || known(w)) return undefined;
      return nearest(w, typoIndexOf(k, 'words', minLen), (c) => k.lexiconRank.get(c) ?? Infinity);
    },
    stem(st) {
      if (st.length < minLen || k.df.has(st) || /[^a-z]/.test(st)) return undefined;
      return nearest(st, typoIndexOf(k, 'stems', minLen), (c) => -(k.df.get(c) ?? 0));
    },
  };
}
