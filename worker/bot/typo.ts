/**
 * Typo correction for English queries: a word (or Porter stem) the knowledge base does not
 * know is replaced by the closest known one, and two words typed together are split. Pure; the
 * deletion indexes are derived data, built on first use and cached per knowledge in one place
 * (typoIndexOf).
 *
 * Closeness is a weighted edit distance (typoCost): slips people make on a phone keyboard cost
 * less than arbitrary edits: a neighbouring key (s/d), two letters swapped (recieve), a letter
 * doubled or a double letter typed once (adress, shippping). Words of 5-7 letters may be one
 * edit away; words of 8 letters or more two ("dilivary", "cancelation"). A word without its
 * vowels ("pymnt", "rfnd", "dlvry") is matched by its consonants. A common English word the shop
 * never uses (english-words.ts) is left as it is: "food" is not a slip of "good".
 */
import { isCommonEnglishWord } from './english-words.ts';
import { derivedFrom, type Knowledge } from './knowledge.ts';
import { PRODUCT_NOUNS } from './lexicons.ts';
import { type Corrector, isEnglishStopWord, lexiconWords, stemWord } from './text.ts';

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

// biome-ignore format: one keyboard row a line
const KEYBOARD = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const NEIGHBOURS = new Map<string, string>();
for (let r = 0; r < KEYBOARD.length; r++) {
  for (let i = 0; i < KEYBOARD[r]!.length; i++) {
    let n = (KEYBOARD[r]![i - 1] ?? '') + (KEYBOARD[r]![i + 1] ?? '');
    // the keys above and below (staggered rows: same index and one to the side)
    for (const rr of [r - 1, r + 1]) if (KEYBOARD[rr]) n += (KEYBOARD[rr]![i] ?? '') + (KEYBOARD[rr]![rr < r ? i + 1 : i - 1] ?? '');
    NEIGHBOURS.set(KEYBOARD[r]![i]!, n);
  }
}

/** Costs of the slips typoCost knows; an arbitrary edit costs 1. */
export const SLIP_COST = { neighbour: 0.6, transposition: 0.6, doubled: 0.5 } as const;

/**
 * Weighted optimal-string-alignment distance from a typed word to a known one, or Infinity
 * when it is above max. Cheaper slips: a neighbouring key, two adjacent letters swapped, a
 * letter typed twice or a double letter typed once.
 */
export function typoCost(typed: string, known: string, max: number): number {
  const la = typed.length;
  const lb = known.length;
  // each letter more or less costs at least a doubled letter's slip
  if (Math.abs(la - lb) * SLIP_COST.doubled > max) return Infinity;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: lb + 1 }, (_, j) => j);
  let prevMin = 0;
  for (let i = 1; i <= la; i++) {
    const cur = [i];
    let rowMin = i;
    const a = typed[i - 1]!;
    for (let j = 1; j <= lb; j++) {
      const b = known[j - 1]!;
      let sub = prev[j - 1]!;
      if (a !== b) sub += NEIGHBOURS.get(a)?.includes(b) ? SLIP_COST.neighbour : 1;
      // an extra letter in the typed word: cheaper when it doubles its neighbour
      const del = prev[j]! + (typed[i - 2] === a || typed[i] === a ? SLIP_COST.doubled : 1);
      // a letter missing from the typed word: cheaper when it was one of a double letter
      const ins = cur[j - 1]! + (known[j - 2] === b || known[j] === b ? SLIP_COST.doubled : 1);
      let v = Math.min(sub, del, ins);
      if (i > 1 && j > 1 && a === known[j - 2] && typed[i - 2] === b) v = Math.min(v, prev2[j - 2]! + SLIP_COST.transposition);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    // a transposition reaches back two rows: give up only when two rows in a row are over max
    if (rowMin > max && prevMin > max) return Infinity;
    prevMin = rowMin;
    prev2 = prev;
    prev = cur;
  }
  const d = prev[lb]!;
  return d <= max ? d : Infinity;
}

/** How far a word of this length may be from the known word it is corrected to. */
function maxCost(length: number): number {
  return length >= 6 ? 2 : 1;
}

/** Added to a candidate's rank in nearest() when its first letter differs from the typed word's: after every word that keeps it. */
const FIRST_LETTER_CHANGED = 2 ** 22;

/** Words of this length or more may be two edits from what was typed (see nearest). */
const TWO_EDITS_MIN = 7;

/** FNV-1a, 32 bits: a deletion key's number in the index (a collision is told apart by isDeletionOf). */
function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** True when `key` is `word` itself or `word` with one letter deleted. */
function isDeletionOf(key: string, word: string): boolean {
  if (key === word) return true;
  if (key.length !== word.length - 1) return false;
  let i = 0;
  while (i < key.length && key.charCodeAt(i) === word.charCodeAt(i)) i++;
  return key.slice(i) === word.slice(i + 1);
}

/** Words an index can number: entries are packed as hash · MAX_WORDS + word number, an exact integer in a double (2^32 · 2^21 = 2^53). */
const MAX_WORDS = 2 ** 21;

/**
 * Deletion key → the known words or stems that produce it (symmetric-delete neighbourhood), in
 * vocabulary order. Held as two sorted typed arrays (the key's hash, the word's number) rather
 * than a Map of strings: 8 bytes an entry instead of about a hundred, and nothing for the
 * isolate's garbage collector to walk (it held most of a large site's warm memory).
 */
export class DeletionIndex {
  private readonly hashes: Uint32Array;
  private readonly wordNumbers: Uint32Array;

  constructor(
    private readonly words: readonly string[],
    minLen: number,
  ) {
    if (words.length >= MAX_WORDS) throw new Error(`typo index: ${words.length} words is more than it holds`);
    let count = 0;
    for (const w of words) if (w.length >= minLen - 1) count += w.length + 1;
    const packed = new Float64Array(count);
    let at = 0;
    words.forEach((w, n) => {
      if (w.length < minLen - 1) return;
      packed[at++] = hashKey(w) * MAX_WORDS + n;
      for (let i = 0; i < w.length; i++) packed[at++] = hashKey(w.slice(0, i) + w.slice(i + 1)) * MAX_WORDS + n;
    });
    packed.sort();
    this.hashes = new Uint32Array(count);
    this.wordNumbers = new Uint32Array(count);
    packed.forEach((entry, i) => {
      this.hashes[i] = Math.floor(entry / MAX_WORDS);
      this.wordNumbers[i] = entry % MAX_WORDS;
    });
  }

  get(key: string): string[] | undefined {
    const h = hashKey(key);
    let lo = 0;
    let hi = this.hashes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.hashes[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    let found: string[] | undefined;
    let last = -1;
    for (let i = lo; i < this.hashes.length && this.hashes[i] === h; i++) {
      const n = this.wordNumbers[i]!;
      // a word with a doubled letter gives the same key twice; another word may share the hash
      if (n === last || !isDeletionOf(key, this.words[n]!)) continue;
      last = n;
      (found ??= []).push(this.words[n]!);
    }
    return found;
  }
}

/** Consonant skeleton: the first letter, then the word without vowels and double letters. */
function skeleton(w: string): string {
  return (w[0]! + w.slice(1).replace(/[aeiou]/g, '')).replace(/(.)\1+/g, '$1');
}

function skeletonIndex(words: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const w of words) {
    if (w.length < 4 || !/^[a-z]+$/.test(w)) continue;
    const key = skeleton(w);
    if (key.length >= 3 && !m.has(key)) m.set(key, w); // lexicon order: the most frequent word wins
  }
  return m;
}

/**
 * The one cache of deletion indexes: per knowledge (weakly, so an unloaded site's indexes go
 * with it), per vocabulary and minimum length (an index built for one typoMinLen leaves out
 * words another one needs).
 */
const typoIndexes = new WeakMap<Knowledge, Map<string, DeletionIndex | Map<string, string>>>();

function typoIndexOf(k: Knowledge, vocabulary: 'words' | 'stems', minLen: number): DeletionIndex {
  const perKnowledge = derivedFrom(typoIndexes, k, () => new Map());
  const key = `${vocabulary}:${minLen}`;
  let idx = perKnowledge.get(key) as DeletionIndex | undefined;
  if (!idx) perKnowledge.set(key, (idx = new DeletionIndex(vocabulary === 'words' ? k.lexicon : [...k.df.keys()], minLen)));
  return idx;
}

function skeletonIndexOf(k: Knowledge): Map<string, string> {
  const perKnowledge = derivedFrom(typoIndexes, k, () => new Map());
  let idx = perKnowledge.get('skeleton') as Map<string, string> | undefined;
  if (!idx) perKnowledge.set('skeleton', (idx = skeletonIndex(k.lexicon)));
  return idx;
}

/**
 * The closest known word to w (lowest typoCost, then lowest rank), within maxCost(w.length),
 * or undefined. Candidates come from the one-deletion index: one deletion on each side finds
 * every word one edit away. For long words nothing one edit away, two edits: the typed word with
 * two letters deleted against the same index (two letters too many, or one too many and one
 * wrong or swapped), and its consonant skeleton (wrong vowels, the commonest two-edit slip:
 * "dilivary"). An index of every word with two letters deleted would also find two wrong
 * consonants, but it holds about 6 KB per long word: megabytes per site in the isolate's 128 MB.
 */
function nearest(
  w: string,
  k: Knowledge,
  vocabulary: 'words' | 'stems',
  minLen: number,
  rank: (c: string) => number,
  max = maxCost(w.length),
  accept: (c: string) => boolean = () => true,
): string | undefined {
  const idx = typoIndexOf(k, vocabulary, minLen);
  let best: string | undefined;
  let bestCost = Infinity;
  let bestRank = Infinity;
  const seen = new Set<string>();
  const consider = (candidate: string) => {
    if (seen.has(candidate)) return;
    seen.add(candidate);
    if (!accept(candidate)) return;
    const cost = osa1(w, candidate)
      ? typoCost(w, candidate, Math.min(1, max))
      : max >= 2 && candidate.length >= TWO_EDITS_MIN
        ? typoCost(w, candidate, max)
        : Infinity;
    if (cost === Infinity) return;
    // at equal cost, a word that keeps the first letter (people seldom slip on it: "usre" is
    // "user" before "sure"), then the more frequent
    const r = rank(candidate) + (candidate[0] === w[0] ? 0 : FIRST_LETTER_CHANGED);
    if (cost < bestCost || (cost === bestCost && r < bestRank)) {
      best = candidate;
      bestCost = cost;
      bestRank = r;
    }
  };
  const considerAll = (list: string[] | undefined) => {
    if (list) for (const candidate of list) consider(candidate);
  };
  considerAll(idx.get(w));
  for (let i = 0; i < w.length; i++) considerAll(idx.get(w.slice(0, i) + w.slice(i + 1)));
  // two edits only when nothing is one edit away (the common case costs one pass)
  if (max < 2 || bestCost <= 1) return best;
  for (let i = 0; i < w.length; i++) {
    const d1 = w.slice(0, i) + w.slice(i + 1);
    for (let j = i; j < d1.length; j++) considerAll(idx.get(d1.slice(0, j) + d1.slice(j + 1)));
  }
  if (vocabulary === 'words' && /^[a-z]+$/.test(w)) {
    const byConsonants = skeletonIndexOf(k).get(skeleton(w));
    if (byConsonants) consider(byConsonants);
  }
  return best;
}

/**
 * The words many articles use (COMMON_DF or more), six letters or longer, by first letter: what
 * a long word two slips away from anything the deletion index reaches is compared with one by
 * one ("iboice", "cncelig": a letter dropped and another wrong). At most COMMON_LONG_PER_LETTER
 * a letter, the most frequent (lexicon order), so the scan stays cheap on a large site.
 */
const COMMON_LONG_PER_LETTER = 300;
const commonLongWordSets = new WeakMap<Knowledge, Map<string, string[]>>();
function commonLongWordsOf(k: Knowledge): Map<string, string[]> {
  return derivedFrom(commonLongWordSets, k, () => {
    const byFirst = new Map<string, string[]>();
    for (const w of k.lexicon) {
      if (w.length < 6 || !/^[a-z]+$/.test(w) || (k.df.get(stemWord(w)) ?? 0) < COMMON_DF) continue;
      const list = byFirst.get(w[0]!) ?? [];
      if (list.length >= COMMON_LONG_PER_LETTER) continue;
      list.push(w);
      byFirst.set(w[0]!, list);
    }
    return byFirst;
  });
}

/** The common long word two slips from w with the same first letter (lowest cost, then lexicon order), or undefined. */
function nearestCommonLong(w: string, k: Knowledge): string | undefined {
  let best: string | undefined;
  let bestCost = Infinity;
  for (const c of commonLongWordsOf(k).get(w[0]!) ?? []) {
    // (two letters too many are two words' worth of difference: "spreadly" is a name, not "spread")
    if (c.length < w.length - 1 || c.length > w.length + 2) continue;
    const cost = typoCost(w, c, 2);
    if (cost < bestCost) {
      best = c;
      bestCost = cost;
    }
  }
  return best;
}

/** Per knowledge and typoMinLen: a known word → the common word it is a slip of, or null. */
const rareSlipCaches = new WeakMap<Knowledge, Map<number, Map<string, string | null>>>();
function rareSlipsOf(k: Knowledge, minLen: number): Map<string, string | null> {
  const perKnowledge = derivedFrom(rareSlipCaches, k, () => new Map());
  let m = perKnowledge.get(minLen);
  if (!m) perKnowledge.set(minLen, (m = new Map()));
  return m;
}

/** The words of the articles' titles and tags: the shop chose them, they are never slips ("locked out" is not "locker"). */
const namedWordSets = new WeakMap<Knowledge, ReadonlySet<string>>();
function namedWords(k: Knowledge): ReadonlySet<string> {
  return derivedFrom(namedWordSets, k, () => new Set([...k.articles.values()].flatMap((a) => lexiconWords([a.title, ...a.tags].join('\n')))));
}

/** The stems of PRODUCT_NOUNS, for the stem-level correction ("cable" is not "table"). */
let productStemSet: ReadonlySet<string> | undefined;
function productStems(): ReadonlySet<string> {
  productStemSet ??= new Set([...PRODUCT_NOUNS].map(stemWord));
  return productStemSet;
}

/** The fillers a three-letter slip is read as (not every stop word: "cat" is not "cant", "ill" not "will"). */
const COMMON_FILLERS = new Set(['need', 'help', 'know', 'have', 'with', 'from', 'your', 'some', 'want', 'tell']);

/** A known word is read as a slip of one in at least this many articles, and this many times as many as it. */
const COMMON_DF = 3;

/** The corrector tokenize() uses for English queries against k; shorter words than minLen are left alone. */
export function typoCorrector(k: Knowledge, minLen: number): Corrector {
  const known = (w: string) => k.lexiconRank.has(w) || isEnglishStopWord(w);
  /** lexicon order: the more frequent word first */
  const rank = (c: string) => k.lexiconRank.get(c) ?? Infinity;
  const articles = (w: string) => k.df.get(stemWord(w)) ?? 0;
  /**
   * A slip the shop's own text happens to contain: its example questions keep shoppers'
   * spellings ("cancle my order"), so the slip is a word of an article or two while the word
   * meant is in many. A known word one typical slip away (a neighbouring key, two letters
   * swapped, a double letter typed once or twice; any one edit from 8 letters) from a word in
   * many more articles is read as that word. Real words stay: "trees" is not "tries".
   */
  const slips = rareSlipsOf(k, minLen);
  const rareSlip = (w: string): string | undefined => {
    if (w.length < Math.max(minLen, 5) || isEnglishStopWord(w) || !/^[a-z]+$/.test(w)) return undefined;
    // known words only, so the cache is bounded by the shop's vocabulary
    if (slips.has(w)) return slips.get(w) ?? undefined;
    if (namedWords(k).has(w)) {
      slips.set(w, null);
      return undefined;
    }
    const n = articles(w);
    const common = (c: string) => c !== w && articles(c) >= Math.max(COMMON_DF, COMMON_DF * n);
    const found =
      COMMON_DF * n > k.articleCount
        ? undefined
        : (nearest(w, k, 'words', minLen, rank, w.length >= 8 ? 1 : SLIP_COST.neighbour, common) ??
          // from 7 letters, any letter dropped from a common word ("feedbak"; a plural or a past
          // tense shares its stem's articles, so it is never three times as common)
          (w.length >= 7 ? nearest(w, k, 'words', minLen, rank, 1, (c) => common(c) && c.length === w.length + 1) : undefined));
    // a vowel dropped ("paymnt" kept by an example question): the common word with the same consonants
    const byConsonants = found ?? (COMMON_DF * n > k.articleCount ? undefined : skeletonIndexOf(k).get(skeleton(w)));
    const read =
      byConsonants !== undefined && byConsonants !== w && byConsonants.length > w.length && articles(byConsonants) >= Math.max(COMMON_DF, COMMON_DF * n)
        ? byConsonants
        : found;
    slips.set(w, read ?? null);
    return read;
  };
  return {
    split(w) {
      // (a form of a word the shop uses is that word: "downloading" is not "down loading")
      if (w.length < minLen || known(w) || k.df.has(stemWord(w))) return undefined;
      // one letter dropped, doubled or wrong in a longer known word is likelier than a missing
      // space: "feeback" is "feedback", not "fee back"
      if (nearest(w, k, 'words', minLen, rank, 1, (c) => c.length >= w.length && c.length >= 6)) return undefined;
      // Prefer the cut whose parts are the most common words; one part must carry content
      // (not a stop word), or the cut would only throw the word away.
      let best: [string, string] | undefined;
      let bestRank = Infinity;
      for (let i = 2; i <= w.length - 2; i++) {
        const a = w.slice(0, i);
        const b = w.slice(i);
        if (!known(a) || !known(b) || (isEnglishStopWord(a) && isEnglishStopWord(b))) continue;
        const pairRank = (k.lexiconRank.get(a) ?? 0) + (k.lexiconRank.get(b) ?? 0);
        if (pairRank < bestRank) {
          best = [a, b];
          bestRank = pairRank;
        }
      }
      return best;
    },
    word(w) {
      // a thing shops sell is a real word, never a slip, whether or not the shop's text has it
      if (PRODUCT_NOUNS.has(w)) return undefined;
      if (known(w)) return rareSlip(w);
      // a common English word the shop never uses is that word, not a slip of one it does ("feed" is not "fee")
      if (isCommonEnglishWord(w)) return undefined;
      // typed without its vowels: "pymnt", "dlvry", "rfnd"
      if (w.length >= 3 && /^[a-z][^aeiou]+$/.test(w)) {
        const byConsonants = skeletonIndexOf(k).get(skeleton(w));
        if (byConsonants) return byConsonants;
      }
      // a four-letter word only for a typical slip (neighbouring key, swapped or doubled letter)
      if (w.length === 4 && minLen <= 5) {
        // a typical slip, or a letter dropped from a word many articles use ("trak", "bill")
        return nearest(w, k, 'words', 4, rank, SLIP_COST.neighbour) ?? nearest(w, k, 'words', 4, rank, 1, (c) => c.length === 5 && articles(c) >= COMMON_DF);
      }
      // a three-letter word the shop never uses, typed for a filler with a letter dropped ("ned",
      // "hep", "kow"): read as the filler, so it is dropped rather than counted as an unknown
      // topic; or a double letter typed once in a word many articles use ("bil", "cal")
      if (w.length === 3)
        return (
          nearest(w, k, 'words', 4, rank, 1, (c) => COMMON_FILLERS.has(c)) ??
          nearest(w, k, 'words', 4, rank, SLIP_COST.doubled, (c) => c.length === 4 && articles(c) >= COMMON_DF)
        );
      if (w.length < minLen) return undefined;
      const c = nearest(w, k, 'words', minLen, rank) ?? (w.length >= 6 ? nearestCommonLong(w, k) : undefined);
      // the nearest known word may itself be a slip the shop's text keeps ("passord" is nearest
      // to "pasword"): read as the word that one is a slip of
      return c === undefined ? undefined : (rareSlip(c) ?? c);
    },
    stem(st, word) {
      if (st.length < minLen || k.df.has(st) || /[^a-z]/.test(st) || productStems().has(st) || isCommonEnglishWord(word)) return undefined;
      return nearest(st, k, 'stems', minLen, (c) => -(k.df.get(c) ?? 0));
    },
  };
}
