/**
 * The shop's own words (site settings `synonyms`, e.g. "COD" = "cash on delivery"): a message
 * that uses one is read as if it also said what it means, so the shop's abbreviations and
 * product nicknames find the articles written in plain words. Pure; the site's list reaches the
 * bot with its knowledge (SiteKnowledge.synonyms).
 */
import type { Locale } from './text.ts';

export interface SiteSynonym {
  locale: Locale;
  term: string;
  means: string;
}

const HAN = /[\u3400-\u9fff]/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `text` followed by the meaning of every term of `locale` it contains. A term in a Latin script
 * matches whole words, case-insensitively ("cod" in "COD ok?", not in "code"); a Chinese term,
 * written without spaces, matches anywhere.
 */
export function expandSynonyms(text: string, locale: Locale, synonyms: readonly SiteSynonym[] | undefined): string {
  if (!synonyms?.length) return text;
  const lower = text.toLowerCase();
  const meanings: string[] = [];
  for (const synonym of synonyms) {
    if (synonym.locale !== locale) continue;
    const term = synonym.term.trim().toLowerCase();
    if (!term) continue;
    const found = HAN.test(term) ? lower.includes(term) : new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(term)}(?=$|[^\\p{L}\\p{N}])`, 'u').test(lower);
    if (found) meanings.push(synonym.means);
  }
  return meanings.length ? `${text} ${meanings.join(' ')}` : text;
}
