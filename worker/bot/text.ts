/**
 * The text pipeline: ONE module used by the knowledge-base build (index time) and by
 * decide() (query time), so the two can never drift apart.
 *
 *   normalizeText  NFKC + case folding, {{placeholders}}, URLs, e-mails and order
 *                  numbers removed, shop phrases folded to single tokens
 *   tokenize       English: natural's aggressive tokenizer + Porter stemmer (deep imports
 *                  only), stop words, shop synonyms folded to one canonical stem.
 *                  Chinese: Intl.Segmenter words, plus character bigrams inside long words
 *                  and across runs of single characters (segmenter fallback).
 *   detectLocale   Han characters → zh, otherwise en.
 *
 * Pure: no I/O, no runtime APIs beyond ECMAScript + Intl.
 */
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import AggressiveTokenizer from 'natural/lib/natural/tokenizers/aggressive_tokenizer.js';

export type Locale = 'en' | 'zh';
export const LOCALES: readonly Locale[] = ['en', 'zh'];

const HAN = /\p{Script=Han}/u;

/** Han characters anywhere in the message → zh; otherwise en (or the hint if there are no letters at all). */
export function detectLocale(text: string, hint?: Locale): Locale {
  if (HAN.test(text)) return 'zh';
  if (/\p{L}/u.test(text)) return 'en';
  return hint ?? 'en';
}

// ---------------------------------------------------------------------------------------
// Normalisation

const PLACEHOLDER = /\{\{[^}]*\}\}/g;
const URL_RE = /\b(?:https?:\/\/|www\.)\S+/g;
const EMAIL_RE = /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g;
// money amounts ("$299", "1,200 dollars", "€15"): never what a question is about
const AMOUNT = /[$€£¥]\s?\d[\d,.]*|\b\d[\d,.]*\s?(?:dollars?|euros?|pounds?|usd|eur|gbp|bucks|yuan|rmb|cny|元|块)(?![a-z])/g;
// order / invoice / tracking numbers: a token containing 4+ digits, optionally with a
// leading '#' or letters (e.g. "#10234", "ORD-55123", "113542617735902").
const ORDER_NO = /#?\b[a-z]{0,4}[-_]?\d[\d-]{3,}[a-z0-9]*\b/g;

/**
 * Multi-word shop phrases folded into one token before tokenising. Written from the shop's
 * domain (see kb-topics.md), not from evaluation text.
 */
const PHRASES: ReadonlyArray<[RegExp, string]> = [
  [/\be[\s-]?mails?\b/g, ' email '],
  [/\bmoney back\b/g, ' refund '],
  [/\b(?:pay(?:ment)?s? back|reimburse(?:ment|d|s)?|repay(?:ment)?)\b/g, ' refund '],
  [/\bstore credits?\b/g, ' storecredit '],
  [/\b(?:sign(?:ing|ed)?|log(?:ging|ged)?)[\s-]?(?:in|on)(?:to)?\b/g, ' login '],
  [/\b(?:sign(?:ing|ed)?|log(?:ging|ged)?)[\s-]?(?:out|off)\b/g, ' logout '],
  [/\bsign(?:ing|ed|s)?[\s-]?up\b/g, ' register '],
  [/\bcheck[\s-]?out\b/g, ' checkout '],
  [/\bpass[\s-]?word\b/g, ' password '],
  [/\b(?:zip|postal|post)[\s-]?codes?\b/g, ' postcode '],
  [/\bcustomer (?:service|support|care|assistance|services)\b/g, ' customerservice '],
  [/\b(?:help[\s-]?desk|support team|service team)\b/g, ' customerservice '],
  [/\bgift[\s-]?(?:cards?|vouchers?|certificates?)\b/g, ' giftcard '],
  [/\b(?:promo(?:tion(?:al)?)?|discount|coupon|voucher|offer) codes?\b/g, ' promocode '],
  [/\b(?:coupons?|promos?|vouchers?)\b/g, ' promocode '],
  [/\b(?:out of stock|sold out|unavailable)\b/g, ' outofstock '],
  [/\b(?:back in stock|restock(?:ed|ing)?)\b/g, ' restock '],
  [/\bpre[\s-]?orders?\b/g, ' preorder '],
  [/\b(?:credit|debit) cards?\b/g, ' card '],
  [/\b(?:buy now,? )?pay later\b/g, ' paylater '],
  [/\bhow (?:long|soon)\b/g, ' howlong '],
  [/\bhow much\b/g, ' howmuch '],
  [/\bcustoms(?: duties| duty| fees?| charges?)?\b/g, ' duties '],
  // (customs typed without its s: "custom fees", "custom charges")
  [/\bcustom (?:duties|duty|fees?|charges?|tax(?:es)?)\b/g, ' duties '],
  [/\bimport (?:tax|taxes|duty|duties|fees?)\b/g, ' duties '],
  // what a contract calls the fee for cancelling ("early termination fee"); "terminate my
  // account" stays a deletion (EN_WORD_SYNONYMS)
  [/\b(?:early )?terminat(?:ion|ing)(?= (?:fees?|charges?|penalt(?:y|ies)|costs?)\b)/g, ' cancellation '],
  // and its other names: leaving a contract early, or withdrawing from a purchase (the EU's
  // "right of withdrawal" is cancelling a distance sale)
  [
    /\b(?:early (?:exit|leaving)|(?<!\b(?:cash|atm|bank|money|card|account|savings|early) )withdrawal)(?= (?:fees?|charges?|penalt(?:y|ies)|costs?)\b)/g,
    ' cancellation ',
  ],
  [/\bmailing list\b/g, ' newsletter '],
  [/\b(?:marketing|promotional) emails?\b/g, ' newsletter '],
  [/\bopt[\s-]?(?:out|in)\b/g, ' unsubscribe '],
  [/\bsend (?:it |them |this |that |something |stuff |(?:an? |the |my )?(?:items?|products?|things?|order|parcel) )?back\b/g, ' return '],
  // how a garment fits is a sizing question ("does it run small", "fits true to size")
  [/\b(?:runs?|running|comes?|fits?) (?:small|large|big|true to size|tight|loose)\b/g, ' size fit '],
  [/\bcharged twice\b/g, ' charged twice '],
  [/\bdouble[\s-]?charged?\b/g, ' charged twice '],
  [/\b(?:open(?:ing|ed|s)?|mak(?:e|es|ing))\b(?=(?: (?:a|an|new|another|my|one|\w+)){0,2} accounts?\b)/g, ' create '],
  [/\bset(?:ting)?[\s-]?up\b/g, ' setup '],
  [/\b(?:price|cost) (?:drop(?:ped)?|went down|reduc(?:ed|tion)|match(?:ing)?)\b/g, ' pricedrop '],
];

/** NFKC + case folding + removal of placeholders, URLs, e-mail addresses and order numbers. */
export function normalizeText(text: string): string {
  let s = text.normalize('NFKC').toLowerCase();
  s = s.replace(/[\u2018\u2019\u02bc`´]/g, "'");
  s = s.replace(PLACEHOLDER, ' ').replace(AMOUNT, ' ').replace(URL_RE, ' ').replace(EMAIL_RE, ' ').replace(ORDER_NO, ' ');
  return s.replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------
// English

/**
 * Stop words. Based on natural's list but keeps the question words that separate shop
 * topics ("where" → tracking, "when"), and adds chat filler that carries no topic.
 */
const EN_STOP = new Set(
  (
    'a about above after again all also am an and another any are as at be because been before being below ' +
    'between both but by came can cannot come could did do does doing during each few for from further get got ' +
    'gotten getting has had he have having her here him himself his how if in into is it its itself like make ' +
    'me might more most must my myself never now of on only or other our ours ourselves out over own ' +
    'said same see she should since so some such than that the their theirs them themselves then there ' +
    'these they this those through to too under until up very was way we well were what which while who whom ' +
    'with would why you your yours yourself yourselves ya ur u im ive id dont doesnt didnt cant couldnt wont ' +
    'isnt arent wasnt werent havent hasnt hadnt shouldnt wouldnt not no yes ok okay just really please pls plz ' +
    'hi hello hey thanks thank thx help helping need needs needed want wants wanted wanna gotta know knowing ' +
    'tell telling let lets assist assistance assistant information info question questions possible able ' +
    'try trying tried will shall may one someone something anything everything ask asking hoping hope ' +
    'guys sir madam dear kindly tho though also else even ever going gonna currently still already'
  ).split(/\s+/),
);

/**
 * Raw-word synonyms applied before stemming (irregular forms the stemmer cannot join).
 */
// biome-ignore format: a word table packed by topic, one topic a line
const EN_WORD_SYNONYMS: Record<string, string> = {
  parcel: 'package', parcels: 'package', packages: 'package', shipment: 'package', shipments: 'package',
  bought: 'purchase', buy: 'purchase', buying: 'purchase', purchases: 'purchase', purchased: 'purchase',
  purchasing: 'purchase', orders: 'order', ordered: 'order', ordering: 'order',
  compensation: 'refund', compensate: 'refund', rebate: 'refund', rebates: 'refund', restitution: 'refund',
  reimburse: 'refund', reimbursed: 'refund', reimbursements: 'refund', refunded: 'refund', refunds: 'refund',
  notify: 'report', notifying: 'report', inform: 'report', informing: 'report', reporting: 'report',
  trouble: 'problem', troubles: 'problem', issue: 'problem', issues: 'problem', difficulty: 'problem',
  difficulties: 'problem', error: 'problem', errors: 'problem', glitch: 'problem', problems: 'problem',
  lost: 'missing', misplaced: 'missing', vanished: 'missing',
  broken: 'damaged', broke: 'damaged', smashed: 'damaged', cracked: 'damaged', defective: 'damaged',
  faulty: 'damaged',
  forgot: 'reset', forgotten: 'reset', forget: 'reset', recover: 'reset', recovery: 'reset', retrieve: 'reset',
  recovering: 'reset', recovered: 'reset', retrieving: 'reset', retrieved: 'reset',
  abroad: 'international', overseas: 'international', worldwide: 'international',
  receipt: 'invoice', receipts: 'invoice', bill: 'invoice', bills: 'invoice', billing: 'invoice',
  profile: 'account', acct: 'account', accounts: 'account',
  pwd: 'password', passcode: 'password', pin: 'password',
  swap: 'exchange', swapping: 'exchange',
  feedback: 'review', opinion: 'review', opinions: 'review', testimonial: 'review', rating: 'review', ratings: 'review',
  guarantee: 'warranty', guaranty: 'warranty',
  telephone: 'phone', call: 'phone', calling: 'phone',
  store: 'shop', website: 'shop', site: 'shop',
  product: 'item', products: 'item', goods: 'item', article: 'item', articles: 'item', merchandise: 'item',
  declined: 'decline', rejected: 'decline', refused: 'decline',
  twice: 'twice', duplicate: 'twice', double: 'twice',
  cost: 'price', costs: 'price', pricing: 'price', prices: 'price',
  period: 'time', duration: 'time', days: 'time', weeks: 'time',
  subscription: 'subscribe', subscriptions: 'subscribe', unsubscribe: 'unsubscribe', unsubscribing: 'unsubscribe',
  penalty: 'fee', penalties: 'fee', fees: 'fee', surcharge: 'fee',
  options: 'option', methods: 'option', method: 'option', ways: 'option', choices: 'option', modes: 'option',
  mode: 'option', modalities: 'option', modality: 'option',
  modify: 'change', modifying: 'change', edit: 'change', editing: 'change', update: 'change', updating: 'change',
  alter: 'change', amend: 'change', correct: 'change', switch: 'switch', switching: 'switch',
  remove: 'delete', removing: 'delete', erase: 'delete', close: 'delete', closing: 'delete', terminate: 'delete',
  deactivate: 'delete', termination: 'delete', terminating: 'delete',
  signup: 'register', registration: 'register', registering: 'register', registered: 'register', enroll: 'register',
  locate: 'track', locating: 'track', trace: 'track', tracing: 'track',
  delivery: 'ship', deliveries: 'ship', deliver: 'ship', delivered: 'ship', delivering: 'ship',
  shipping: 'ship', shipped: 'ship', ships: 'ship', dispatch: 'ship', dispatched: 'ship', courier: 'ship',
  reviews: 'review', reimbursement: 'refund',
};

/** Stem-level synonyms: several stems folded to one canonical stem. */
// biome-ignore format: a word table packed by topic, one topic a line
const EN_STEM_SYNONYMS: Record<string, string> = {
  payment: 'pai', paid: 'pai', registr: 'regist', cancel: 'cancel', cancellat: 'cancel',
  email: 'email', mail: 'email', subscript: 'subscrib', newslett: 'newslett', exchang: 'exchang',
};

const tokenizer = new AggressiveTokenizer();
const stemCache = new Map<string, string>();

function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = PorterStemmer.stem(word);
    s = EN_STEM_SYNONYMS[s] ?? s;
    if (stemCache.size < 50_000) stemCache.set(word, s);
  }
  return s;
}

/** normalizeText + shop phrases folded: the form the rule matchers (rules.ts) read. */
export function normalizeForRules(text: string): string {
  return applyPhrases(normalizeText(text)).replace(/\s+/g, ' ').trim();
}

/** Stem one English word (with synonyms); exposed for tests and for rule vocabularies. */
export function stemWord(word: string): string {
  const w = word.toLowerCase();
  return stem(EN_WORD_SYNONYMS[w] ?? w);
}

function applyPhrases(s: string): string {
  for (const [re, rep] of PHRASES) s = s.replace(re, rep);
  return s;
}

/**
 * Optional query-time typo correction: `split` cuts an unknown raw word typed without its
 * space ("mybill", "getinvoice") into two known words, `word` maps an unknown raw word to a
 * known one, `stem` an unknown stem to an indexed one (undefined = leave as is).
 */
export interface Corrector {
  split?(w: string): [string, string] | undefined;
  word(w: string): string | undefined;
  /** the stem's correction; `word` is the word it is the stem of, as corrected (before synonyms) */
  stem(s: string, word: string): string | undefined;
}

function englishTokens(s: string, out: string[], correct?: Corrector): void {
  for (const raw of tokenizer.tokenize(s)) {
    for (const w of raw.split(/[-/]+/)) englishWord(w.replace(/'s$/, '').replace(/'/g, ''), out, correct);
  }
}

function englishWord(word: string, out: string[], correct?: Corrector, splitAllowed = true): void {
  let w = word;
  if (w.length < 2 || EN_STOP.has(w)) return;
  if (/\d/.test(w)) return; // numbers and codes never carry the topic
  if (correct) {
    const parts = splitAllowed ? correct.split?.(w) : undefined;
    if (parts) {
      for (const part of parts) englishWord(part, out, correct, false);
      return;
    }
    const c = correct.word(w);
    if (c !== undefined) {
      w = c;
      if (EN_STOP.has(w)) return;
    }
  }
  const corrected = w;
  w = EN_WORD_SYNONYMS[w] ?? w;
  let st = stem(w);
  if (correct) st = correct.stem(st, corrected) ?? st;
  if (st.length >= 2 && !EN_STOP.has(st)) out.push(st);
}

// ---------------------------------------------------------------------------------------
// Chinese

const ZH_STOP = new Set(
  (
    '的 了 吗 呢 吧 啊 呀 哦 嗯 么 我 我的 我们 我想 我要 你 你们 您 您好 你好 他 她 它 是 在 有 和 与 及 或 ' +
    '怎么 怎样 怎么样 如何 什么 哪 哪里 哪儿 可以 能 能否 能不能 可不可以 请问 请 一下 想 想要 要 需要 ' +
    '这个 那个 这 那 个 就 都 也 还 会 把 被 给 让 对 从 到 为 为什么 吗？ 帮 帮我 帮忙 麻烦 谢谢 ' +
    '一个 已经 现在 应该 如果 但是 因为 所以 然后 自己 一些 有没有 是不是 多少 时候 问 问题 内 之内 以内 ' +
    '，。？！、：；'
  ).split(/\s+/),
);

/** Chinese word-level synonyms folded to one canonical word. */
// biome-ignore format: a word table packed by topic, one topic a line
const ZH_SYNONYMS: Record<string, string> = {
  帐号: '账户', 账号: '账户', 帐户: '账户', 账户: '账户', 用户名: '账户',
  快递: '包裹', 包裹: '包裹', 邮包: '包裹',
  退钱: '退款', 退款: '退款', 返款: '退款',
  收据: '发票', 发票: '发票', 小票: '发票',
  送货: '配送', 配送: '配送', 发货: '配送', 运送: '配送', 寄送: '配送', 邮寄: '配送', 物流: '配送',
  邮费: '运费', 运费: '运费',
  优惠码: '优惠码', 折扣码: '优惠码', 优惠券: '优惠码', 折扣券: '优惠码', 券码: '优惠码',
  礼品卡: '礼品卡', 礼物卡: '礼品卡', 购物卡: '礼品卡',
  下单: '订购', 购买: '订购', 订购: '订购', 买: '订购',
  修改: '更改', 更改: '更改', 改: '更改', 变更: '更改', 更换: '更换', 换货: '换货',
  删除: '注销', 注销: '注销', 销户: '注销',
  忘记: '重置', 找回: '重置', 重置: '重置',
  坏: '损坏', 损坏: '损坏', 破损: '损坏', 碎: '损坏',
  丢失: '丢件', 丢件: '丢件', 丢了: '丢件', 没收到: '没收到',
  邮箱: '邮件', 电子邮件: '邮件', 邮件: '邮件',
  手机号: '手机', 电话: '手机', 手机: '手机',
  保修: '保修', 质保: '保修', 保固: '保修',
  评价: '评价', 评论: '评价', 点评: '评价',
  尺寸: '尺码', 尺码: '尺码', 码数: '尺码',
  付款: '支付', 支付: '支付', 付钱: '支付',
  多久: '多久', 多长时间: '多久', 几天: '多久',
};

let zhSegmenter: Intl.Segmenter | undefined;
function segmenter(): Intl.Segmenter {
  return (zhSegmenter ??= new Intl.Segmenter('zh', { granularity: 'word' }));
}

function zhWord(w: string): string {
  return ZH_SYNONYMS[w] ?? w;
}

function pushBigrams(chars: string[], out: string[]): void {
  for (let i = 0; i + 1 < chars.length; i++) {
    const bg = chars[i]! + chars[i + 1]!;
    if (!ZH_STOP.has(bg)) out.push(zhWord(bg));
  }
}

function chineseTokens(s: string, out: string[], correct?: Corrector): void {
  let singles: string[] = []; // run of adjacent one-character Han segments (segmenter fallback)
  const flush = () => {
    if (singles.length === 1) {
      if (!ZH_STOP.has(singles[0]!)) out.push(zhWord(singles[0]!));
    } else if (singles.length > 1) {
      pushBigrams(singles, out);
    }
    singles = [];
  };
  for (const seg of segmenter().segment(s)) {
    if (!seg.isWordLike) {
      flush();
      continue;
    }
    const w = seg.segment;
    if (HAN.test(w)) {
      const chars = [...w];
      if (chars.length === 1) {
        singles.push(w);
        continue;
      }
      flush();
      if (!ZH_STOP.has(w)) out.push(zhWord(w));
      if (chars.length >= 3) pushBigrams(chars, out);
    } else {
      flush();
      englishTokens(applyPhrases(w), out, correct);
    }
  }
  flush();
}

// ---------------------------------------------------------------------------------------

/**
 * Text → index/query terms. Used by the build for every indexed field and by decide() for
 * every message, so both sides always agree.
 */
export function tokenize(text: string, locale: Locale, correct?: Corrector): string[] {
  const out: string[] = [];
  const s = normalizeText(text);
  if (!s) return out;
  if (locale === 'zh' || HAN.test(s)) {
    chineseTokens(s, out, correct);
  } else {
    englishTokens(applyPhrases(correct ? correctPhraseWords(s, correct) : s), out, correct);
  }
  return out;
}

/** The words the multi-word PHRASES above are made of ("customer service", "money back", "sign up"). */
// biome-ignore format: a word list
const PHRASE_WORDS = new Set([
  'customer', 'service', 'services', 'support', 'care', 'assistance', 'money', 'back', 'sign', 'signing', 'signed', 'log', 'logging',
  'logged', 'password', 'zip', 'postal', 'code', 'codes', 'gift', 'card', 'cards', 'voucher', 'vouchers', 'certificate', 'promo',
  'promotion', 'promotional', 'discount', 'coupon', 'offer', 'store', 'credit', 'stock', 'sold', 'unavailable', 'restock', 'order',
  'orders', 'debit', 'later', 'customs', 'import', 'mailing', 'list', 'marketing', 'emails', 'email', 'send', 'charged', 'twice',
  'double', 'open', 'opening', 'account', 'accounts', 'setting', 'price', 'cost', 'drop', 'dropped', 'match', 'matching', 'reduced',
  'termination', 'penalty', 'penalties', 'fee', 'fees', 'charge', 'charges', 'early', 'exit', 'withdrawal',
]);

/**
 * Query time: a misspelt word of a shop phrase is corrected before the phrases are folded, so
 * "custmer service", "opn an acount" and "mony back" still read as the phrase. Other words are
 * corrected as before, one by one after the folding (englishWord); a word typed without its
 * space ("myorder") is left for englishWord to split.
 */
function correctPhraseWords(s: string, correct: Corrector): string {
  return s.replace(/[a-z]+/g, (w) => {
    if (w.length < 2 || EN_STOP.has(w) || correct.split?.(w)) return w;
    const c = correct.word(w);
    return c !== undefined && PHRASE_WORDS.has(c) ? c : w;
  });
}

export function isEnglishStopWord(w: string): boolean {
  return EN_STOP.has(w);
}

/**
 * The raw (unstemmed) English words of a text, for the typo-correction lexicon the build
 * stores with each index: a misspelt query word is corrected to one of these (or to a
 * synonym key / stop word, see builtinLexicon) before it is stemmed.
 */
export function lexiconWords(text: string): string[] {
  const out: string[] = [];
  for (const raw of tokenizer.tokenize(applyPhrases(normalizeText(text)))) {
    for (let w of raw.split(/[-/]+/)) {
      w = w.replace(/'s$/, '').replace(/'/g, '');
      if (w.length >= 2 && !/\d/.test(w) && /^[a-z]+$/.test(w)) out.push(w);
    }
  }
  return out;
}

/** Words every index knows for typo correction: synonym keys, stop words and the words of the shop phrases. */
export function builtinLexicon(): string[] {
  return [...Object.keys(EN_WORD_SYNONYMS), ...EN_STOP, ...PHRASE_WORDS];
}
