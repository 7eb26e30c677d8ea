/** The noisy copy of an evaluation row (npm run eval -- --noisy): pure. */
// --noisy: a seeded noisy copy of a message, the way people type on a phone. Written from how
// shoppers type in general, not from any evaluation row; every row gets its own seed.

/** A small seeded generator (mulberry32): the noisy copy's, and bench:bot's synthetic sites'. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const KEYBOARD_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
export function keyboardNeighbour(c: string, rand: () => number): string {
  for (const r of KEYBOARD_ROWS) {
    const i = r.indexOf(c);
    if (i < 0) continue;
    const options = [r[i - 1], r[i + 1]].filter((x): x is string => !!x);
    return options[Math.floor(rand() * options.length)] ?? c;
  }
  return c;
}

/** One typing slip in a word: a dropped, doubled, swapped or neighbouring letter. */
export function typo(word: string, rand: () => number): string {
  if (word.length < 4 || !/^[a-z]+$/.test(word)) return word;
  const i = 1 + Math.floor(rand() * (word.length - 2)); // first and last letters usually survive
  const kind = Math.floor(rand() * 4);
  if (kind === 0) return word.slice(0, i) + word.slice(i + 1);
  if (kind === 1) return word.slice(0, i) + word[i] + word.slice(i);
  if (kind === 2) return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
  return word.slice(0, i) + keyboardNeighbour(word[i]!, rand) + word.slice(i + 1);
}

export const SMS_FORMS: Record<string, string[]> = {
  you: ['u'],
  your: ['ur', 'yr'],
  "you're": ['ur'],
  are: ['r'],
  please: ['pls', 'plz'],
  what: ['wat', 'wht'],
  why: ['y'],
  thanks: ['thx', 'tnx'],
  because: ['coz', 'bc'],
  to: ['2'],
  for: ['4'],
  before: ['b4'],
  know: ['kno'],
  okay: ['ok', 'k'],
  message: ['msg'],
  account: ['acc', 'acct'],
  package: ['pkg'],
  received: ['recd', 'rcvd'],
  address: ['addr'],
  and: ['n', '&'],
  with: ['w/'],
  about: ['abt'],
};
export const GREETINGS = ['hi', 'hello', 'hey', 'hi there', 'good morning', 'hello sir', 'hi team', 'dear sir', 'hii', 'excuse me'];
export const FUNCTION_WORDS = new Set(
  (
    "a an the i i'd i'm i've i'll im id ive me my mine myself you you'd you're your we we'd we're our us they their them it it's its " +
    'to for of in on at by from into about with as if than then so and or but this that these those there here some any ' +
    'is are am be been being was were do does did done have has had having can could would will shall should may might must ' +
    'how what when where why which who please pls thanks thank hi hello hey dear sir madam ok okay yes just really very too ' +
    'also still already actually maybe like love want wants wanted wanna need needs needed know tell show see check find look ' +
    'get got getting give make making try trying help helping assist assistance information info question possible able ' +
    "way ways something anything someone somebody thing things kind let let's lets go going gonna"
  ).split(' '),
);

export function noisify(text: string, seed: number): string {
  const rand = mulberry32(seed);
  let words = text.split(/\s+/).filter(Boolean);
  if (rand() < 0.8) words = words.map((w) => w.toLowerCase());
  if (rand() < 0.7) words = words.map((w) => w.replace(/[.,!?;:"()]+/g, '')).filter(Boolean);
  // cut to 2–4 words: the first content words (fillers, pronouns, auxiliaries and question words
  // go: "cancellation fee", "refund status"). The first, not the ones that carry the message, so
  // the topic word is sometimes gone ("set up" from "set up an account"); see the README.
  if (rand() < 0.3) {
    const content = words.filter((w) => !FUNCTION_WORDS.has(w.toLowerCase().replace(/[^a-z']/g, '')));
    if (content.length >= 2) words = content.slice(0, 2 + Math.floor(rand() * 3));
  }
  if (rand() < 0.5)
    words = words.map((w) =>
      SMS_FORMS[w.toLowerCase()] && rand() < 0.7 ? SMS_FORMS[w.toLowerCase()]![Math.floor(rand() * SMS_FORMS[w.toLowerCase()]!.length)]! : w,
    );
  const slips = rand() < 0.6 ? 1 + (rand() < 0.3 ? 1 : 0) : 0;
  for (let n = 0; n < slips && words.length; n++) {
    const i = Math.floor(rand() * words.length);
    words[i] = typo(words[i]!, rand);
  }
  if (rand() < 0.25) words.unshift(GREETINGS[Math.floor(rand() * GREETINGS.length)]!);
  return words.join(' ');
}

/**
 * --dev-noisy only: one kind of noisify()'s noise, applied to every row (the cut wherever the
 * row has two content words), to see what each costs alone. noisify() is what every report
 * and fit uses.
 */
export const NOISE_KINDS = ['lower', 'punct', 'cut', 'sms', 'typo', 'greeting'] as const;
export type NoiseKind = (typeof NOISE_KINDS)[number];
export function oneNoise(text: string, kind: NoiseKind, seed: number): string {
  const rand = mulberry32(seed);
  let words = text.split(/\s+/).filter(Boolean);
  if (kind === 'lower') words = words.map((w) => w.toLowerCase());
  if (kind === 'punct') words = words.map((w) => w.replace(/[.,!?;:"()]+/g, '')).filter(Boolean);
  if (kind === 'cut') {
    const content = words.filter((w) => !FUNCTION_WORDS.has(w.toLowerCase().replace(/[^a-z']/g, '')));
    if (content.length >= 2) words = content.slice(0, 2 + Math.floor(rand() * 3));
  }
  if (kind === 'sms') words = words.map((w) => SMS_FORMS[w.toLowerCase()]?.[Math.floor(rand() * SMS_FORMS[w.toLowerCase()]!.length)] ?? w);
  if (kind === 'typo') {
    const i = Math.floor(rand() * words.length);
    words[i] = typo(words[i]!.toLowerCase(), rand);
  }
  if (kind === 'greeting') words.unshift(GREETINGS[Math.floor(rand() * GREETINGS.length)]!);
  return words.join(' ');
}
