/**
 * Search text, the same way at write and at query time, in English and Chinese: FTS5's
 * unicode61 tokenizer splits words at spaces and punctuation, which Chinese does not have, so
 * each Han (or kana, hangul) character is written as a token of its own and a Chinese query
 * becomes a phrase of its characters ("退货" → "退 货", adjacent). A Latin word in a query
 * matches any word it begins ("refund" finds "refunds", "refunded").
 *
 * Queries are built from tokens only, each quoted: nothing a user types reaches FTS5's query
 * syntax (quotes, AND/OR/NOT, NEAR, *, ^, column filters are all just text).
 */
import type { Snippet } from '../../protocol/index.ts';

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const CJK_RUNS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;
const WORDS = /[\p{L}\p{N}]+/gu;
/** More terms than this in one query are ignored (a query is at most 200 characters anyway). */
const MAX_TERMS = 12;
/** Characters of context a snippet shows before its first match. */
const SNIPPET_LEAD = 40;
const SNIPPET_LENGTH = 160;

/** The text FTS5 indexes: CJK characters spaced apart, the rest as written. */
export function indexText(text: string): string {
  return text.normalize('NFKC').replace(CJK_RUNS, (run) => ` ${[...run].join(' ')} `);
}

export interface QueryTerm {
  /** as typed (lower case), for highlighting */
  text: string;
  cjk: boolean;
}

/** The query's terms: Latin words and CJK runs, lower case, at most MAX_TERMS. */
export function queryTerms(query: string): QueryTerm[] {
  const terms: QueryTerm[] = [];
  for (const match of query.normalize('NFKC').toLowerCase().matchAll(WORDS)) {
    // A word may mix scripts ("iphone退货"): split CJK runs from the rest.
    for (const part of match[0].split(/([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+)/u)) {
      if (part) terms.push({ text: part, cjk: CJK.test(part) });
    }
  }
  return terms.slice(0, MAX_TERMS);
}

/** The FTS5 MATCH expression: every term must occur (AND). Null when nothing searchable was typed. */
export function matchExpression(terms: readonly QueryTerm[]): string | null {
  if (terms.length === 0) return null;
  return terms.map((term) => (term.cjk ? `"${[...term.text].join(' ')}"` : `"${term.text}"*`)).join(' ');
}

/** A window of the original text around the first match, with every match in it marked. */
export function snippetOf(text: string, terms: readonly QueryTerm[]): Snippet {
  const lower = text.toLowerCase();
  const found: [number, number][] = [];
  for (const term of terms) {
    if (term.cjk) {
      for (let at = lower.indexOf(term.text); at >= 0; at = lower.indexOf(term.text, at + term.text.length)) found.push([at, at + term.text.length]);
    } else {
      const escaped = term.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      for (const match of lower.matchAll(new RegExp(`(?<![\\p{L}\\p{N}])${escaped}`, 'gu'))) found.push([match.index, match.index + term.text.length]);
    }
  }
  found.sort((a, b) => a[0] - b[0]);
  const first = found[0]?.[0] ?? 0;
  const start = Math.max(0, first - SNIPPET_LEAD);
  const end = Math.min(text.length, start + SNIPPET_LENGTH);
  const prefix = start > 0 ? '…' : '';
  const marks: [number, number][] = [];
  for (const [from, to] of found) {
    if (from < start || to > end) continue;
    const last = marks.at(-1);
    const at: [number, number] = [from - start + prefix.length, to - start + prefix.length];
    if (last && at[0] <= last[1]) last[1] = Math.max(last[1], at[1]);
    else marks.push(at);
  }
  return { text: `${prefix}${text.slice(start, end)}${end < text.length ? '…' : ''}`, marks };
}
