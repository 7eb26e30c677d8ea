// Types for the two files of `natural` that the bot imports by deep path.
// The package root (`natural`) drags in database drivers, WordNet and every
// sentiment lexicon, so it must never be imported from worker/bot.

declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  const PorterStemmer: { stem(token: string): string };
  export default PorterStemmer;
}

declare module 'natural/lib/natural/tokenizers/aggressive_tokenizer.js' {
  class AggressiveTokenizer {
    tokenize(text: string): string[];
  }
  export default AggressiveTokenizer;
}
