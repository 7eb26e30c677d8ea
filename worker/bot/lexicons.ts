/**
 * The word lists the reading of a message uses (understand.ts), as data: shorthand and
 * abbreviations per language, the words a rule adds for the topic it recognised, places,
 * greetings and fillers, and the words the rule matchers look for. Written from how people
 * type in shop chats in general (our own examples in tests/unit/bot/understand.test.ts),
 * never from evaluation text.
 */
import type { Locale } from './text.ts';

/** One word → its plain form. Whole words only, after lower-casing. */
// biome-ignore format: a word table packed by topic, one topic a line
export const EN_SHORTHAND: Record<string, string> = {
  u: 'you', ya: 'you', yu: 'you', ur: 'your', urs: 'yours', yr: 'your', r: 'are', m: 'am', im: 'i am',
  pls: 'please', plz: 'please', plss: 'please', plox: 'please', pleez: 'please', kindly: 'please',
  wat: 'what', wht: 'what', wot: 'what', wut: 'what', whats: 'what is', wats: 'what is', watz: 'what is',
  kno: 'know', knw: 'know', noe: 'know', hw: 'how', hws: 'how is', whr: 'where', wher: 'where', wer: 'where', whrs: 'where is', wheres: 'where is',
  wen: 'when', wn: 'when', whn: 'when', y: 'why', wy: 'why', hv: 'have', hav: 'have', hve: 'have',
  cn: 'can', cud: 'could', shud: 'should', wud: 'would', wil: 'will', dnt: 'dont', cnt: 'cant', wnt: 'want',
  nt: 'not', dint: 'didnt', didnt: 'didnt', hasnt: 'hasnt', havnt: 'havent', isnt: 'isnt',
  abt: 'about', bout: 'about', b4: 'before', bcz: 'because', bcoz: 'because', coz: 'because', cuz: 'because',
  cos: 'because', bc: 'because', n: 'and', nd: 'and', w: 'with', wid: 'with', frm: 'from',
  thx: 'thanks', thnx: 'thanks', thnks: 'thanks', tnx: 'thanks', tx: 'thanks', ty: 'thank you', tq: 'thank you',
  k: 'ok', kk: 'ok', okk: 'ok', okey: 'ok', ofc: 'of course', tho: 'though', btw: 'by the way',
  asap: 'please', rn: 'now', tmrw: 'tomorrow', tmr: 'tomorrow', tmrrw: 'tomorrow', tomoro: 'tomorrow',
  '2day': 'today', '2moro': 'tomorrow', '2morrow': 'tomorrow', yday: 'yesterday', yest: 'yesterday',
  hrs: 'hours', hr: 'hour', mins: 'minutes', wk: 'week', wks: 'weeks', '2x': 'twice',
  // shop words
  pkg: 'package', pkge: 'package', pckg: 'package', pckge: 'package', pakage: 'package', parcle: 'parcel',
  ord: 'order', ordr: 'order', oder: 'order', odr: 'order', orer: 'order', ordrs: 'orders',
  acc: 'account', acct: 'account', accnt: 'account',
  pwd: 'password', pswd: 'password', passwd: 'password', pw: 'password',
  addr: 'address', adrs: 'address', adr: 'address', adress: 'address', addres: 'address',
  pymt: 'payment', pmt: 'payment', pymnt: 'payment', paymt: 'payment',
  dlvry: 'delivery', dlvr: 'deliver', delv: 'delivery', deliv: 'delivery', shpg: 'shipping', shpng: 'shipping',
  rcvd: 'received', recd: 'received', rcv: 'receive', dlvd: 'delivered',
  refnd: 'refund', rfnd: 'refund', rtn: 'return', rtrn: 'return', xchange: 'exchange', xchng: 'exchange',
  exch: 'exchange', cncl: 'cancel', cancl: 'cancel', canc: 'cancel', inv: 'invoice', invc: 'invoice',
  qty: 'quantity', amt: 'amount', msg: 'message', msgs: 'messages', txn: 'transaction', trxn: 'transaction',
  ph: 'phone', mob: 'mobile', num: 'number', nos: 'numbers', info: 'information', pic: 'photo',
  pics: 'photos', diff: 'different', prob: 'problem', probs: 'problems', pblm: 'problem', prblm: 'problem',
  // abbreviations shops use
  cod: 'pay cash on delivery', emi: 'pay in instalments', emis: 'pay in instalments', bnpl: 'pay later',
  tnc: 'terms and conditions', tncs: 'terms and conditions',
  faq: 'help', faqs: 'help', otp: 'verification code', eta: 'estimated arrival', awb: 'tracking number',
  gc: 'gift card', cc: 'credit card', dob: 'date of birth', pobox: 'po box',
};

/** Multi-character shorthand that spans symbols ("T&C", "w/o"): applied before splitting words. */
export const EN_SYMBOL_SHORTHAND: ReadonlyArray<[RegExp, string]> = [
  [/\bt\s?&\s?c'?s?\b/g, ' terms and conditions '],
  [/\bterms\s?&\s?conditions\b/g, ' terms and conditions '],
  [/\bw\/o\b/g, ' without '],
  [/\bw\/(?=\s|\w)/g, ' with '],
  [/\ba\/c\b/g, ' account '],
  [/\bc\.o\.d\.?(?=\s|$|[?!,])/g, ' cash on delivery '],
  // a way to pay, however it is typed ("cash on delivery?" asks what "cod" asks)
  [/(?<!\bpay(?:\s+(?:by|with|in|via|using))?\s+)\bcash on delivery\b/g, ' pay cash on delivery '],
  [/\bo\/s\b/g, ' out of stock '],
  [/\bpo\s?box\b/g, ' pobox '],
];

/** "why" only where a question starts: "y is my card declined", not "y" as "yes". */
export const WHY_CONTEXT = /^(?:is|are|was|were|do|does|did|not|no|has|have|hasnt|havent|cant|wont|isnt|didnt|doesnt|my|the|so|u|you)$/;

/** Chinese shorthand and chat forms → plain words (substring replacements). */
export const ZH_SHORTHAND: ReadonlyArray<[RegExp, string]> = [
  [/肿么|怎莫|咋个|咋/g, '怎么'],
  [/神马|啥子|啥/g, '什么'],
  [/木有|没木有|冇|米有|么有/g, '没有'],
  [/肿么办/g, '怎么办'],
  [/滴(?=[\p{Script=Han}])/gu, '的'],
  [/酱紫/g, '这样子'],
  [/造吗/g, '知道吗'],
  [/伐/g, '吗'],
];

/** The words added for a topic a rule recognised, per language. */
export const HINTS: Record<'track' | 'shipTo' | 'abroad' | 'exchange', Record<Locale, string>> = {
  track: { en: 'track where is my order', zh: '我的订单到哪了' },
  shipTo: { en: 'delivery options', zh: '配送方式' },
  abroad: { en: 'international shipping countries customs', zh: '国际配送 国家 海关' },
  exchange: { en: 'exchange', zh: '换货' },
};

/** Country names (English): general knowledge, not any shop's wording. A shop's own country reads as abroad too; rare in a question. */
export const COUNTRIES =
  /^(?:the\s+)?(?:usa|us|u\.s\.?a?\.?|america|united states|canada|mexico|brazil|argentina|chile|australia|new zealand|japan|china|hong kong|taiwan|korea|south korea|singapore|malaysia|india|pakistan|indonesia|thailand|vietnam|philippines|uae|dubai|saudi arabia|israel|turkey|russia|ukraine|poland|germany|france|spain|portugal|italy|ireland|iceland|norway|sweden|denmark|finland|netherlands|holland|belgium|luxembourg|switzerland|austria|czechia|czech republic|hungary|romania|greece|croatia|south africa|nigeria|kenya|egypt|morocco|europe|asia|africa|the eu|eu|abroad)$/;

/** Words after "deliver to" (or "order from") that are not a place: the shopper's own address, a person, a thing, the shop's own site. */
export const NOT_A_PLACE =
  /^(?:my|me|our|us|your|you|a|an|the|this|that|another|other|different|new|same|wrong|old|his|her|their|them|him|someone|somebody|friend|home|house|office|work|address|door|doorstep|neighbou?rs?|locker|pickup|store|shop|app|apps|website|site|web|online|catalog\w*|stock|warehouse|po|pobox|you|it|which|what|where|who|all|any|every|each|other|outside|abroad|overseas|international\w*|countr\w*|postcode|change|check|track|get|be|and|or|for)\b/;

export const WHERE_WORDS =
  /\b(?:where|status|track\w*|arriv\w*|came|come|coming|receiv\w*|delivered|yet|update|nothing|when|eta|reached|dispatch\w*|shipped|sent|still|progress|current(?:ly)?)\b/;

export const NOT_CAME =
  /\b(?:not|never|didnt|didn't|hasnt|hasn't|havent|haven't|has not|have not|did not|not yet|still not|yet to)\s+(?:be\s+)?(?:came|come|reach|reached|got|get|arrive|arrived)\b/g;

/** "can't", "unable to", "it won't let me" before what the shopper tried to do. */
const CANNOT =
  "(?:cant|can't|cannot|can not|unable to|not able to|couldnt|couldn't|could not|wont let me|won't let me|doesnt let me|doesn't let me|not letting me)\\s+(?:(?:even|seem to|manage to|get to)\\s+)?";

/**
 * What may follow the failing step: nothing, or how or where the shopper tried ("for my order",
 * "with my card", "online", "on the app"). Anything else is something else failing ("can't pay my
 * taxes online", "can't log in to my email"): not the shop's problem to answer.
 */
const ON_THE_SITE =
  '(?=\\s*(?:$|[?!.,;]|(?:for|with|by|using|via|through|on|at|in|online|here|anymore|now|today|again|it|them)\\b|(?:my|the|this|an?)\\s+(?:order|purchase|items?|basket|cart|account|profile|card|code|voucher|coupon)\\b))';

/**
 * Not being able to do something on the site: pay, sign up, check out, use a code. Read as a
 * problem with it. Not "create": "can't create an account" asks how as often as why, and the
 * shop's article on creating one answers both.
 */
export const CANT_DO = new RegExp(
  `\\b${CANNOT}(?:pay|paying|make a payment|register|registering|sign\\s?up|signup|signing up|check\\s?out|checkout|checking out|complete|finish|verify|use|apply|redeem|enter|submit|add)\\b${ON_THE_SITE}`,
);

/**
 * Reporting something ("report my payment", "notify u about my sign up", "inform of a charge"):
 * what follows the verb is what has the problem. Only the word right after it (and an article or
 * "my"), so "report" before a whole question leaves the question alone.
 */
export const REPORT_SOMETHING =
  /\b(?:report|reporting|notify|notifying|inform|informing)\s+(?:(?:you|u|ya|of|about|on|with)\s+){0,2}(?:(?:a|an|the|my|ur|your)\s+)?(?!(?:a|an|the|my|you|u|to|for|it|this|that|me|and|or|in|at|problems?|issues?|errors?|trouble|bugs?)\b)[a-z][a-z-]+(?:\s+up)?\b/;

/** Not being able to log in (to the shop): locked out of the account, a password question. */
export const CANT_LOG_IN = new RegExp(
  `\\b${CANNOT}(?:log\\s?in|login|logon|log on|sign\\s?in|signin|get into|access)\\b(?:\\s+(?:to|into)\\s+(?:my|the|your)\\s+(?:account|profile))?${ON_THE_SITE}`,
);

/** "contact customer", "talk to the customer": customer service with its last word cut off (the message ends there). */
export const CONTACT_CUSTOMER =
  /\b((?:contact\w*|speak\w*|talk\w*|call\w*|reach\w*|chat\w*|write|writing|message|messaging|phone|ring|touch)\s+(?:(?:to|with)\s+)?(?:(?:a|the|your|ur)\s+)?customer)\s*[?!.]*$/;

/**
 * "get in touch", "in touch with you", "can someone get in touch with me": contacting the shop. Only
 * when nobody else is named ("get in touch with my bank" is another business's question).
 */
const IN_TOUCH_WHO =
  '(?:you|u|ya|me|yourselves|(?:the|your|ur)\\s+(?:shop|store|team)|someone|somebody|anyone|customer|support|an?\\s+(?:agent|person|human))\\b';
export const IN_TOUCH = new RegExp(
  `\\b(?:(?:get|getting|got|be)\\s+in\\s+touch\\b(?=\\s*(?:$|[?!.,]|with\\s+${IN_TOUCH_WHO}|(?:please|pls|plz|asap|today|now|quickly)\\b))|in\\s+touch\\s+with\\s+${IN_TOUCH_WHO})`,
);

export const EN_LEAD =
  /^(?:(?:hi+|hello+|helo+|hey+|hiya|yo|dear|greetings|good\s+(?:morning|afternoon|evening|day)|morning|evening|afternoon|sir|sirs|madam|mam|maam|ma'am|team|there|all|guys|folks|admin|everyone|excuse me|sorry(?: to (?:bother|disturb)(?: you)?)?|quick question|(?:i\s+(?:have|had|got)\s+(?:a|one|another)\s+)?(?:question|query|doubt)|can (?:you|u) (?:please )?help(?: me)?|please help(?: me)?|help(?: me)?(?: please)?|um+|uh+|hm+|so|ok(?:ay)?|well|yes|yeah|please|ya|hai|namaste|assalam\w*|salam|bonjour|hola)(?:\s*[,.!:;-]+\s*|\s+|$))+/;

export const EN_TAIL =
  /(?:\s*[,.!]*\s*(?:please|thanks?(?: you)?(?: (?:so|very) much)?|thank u|cheers|sir|madam|mam|team|asap|soon|urgent(?:ly)?|now|quickly|fast|help)\s*[.!?]*)+$/;

export const ZH_LEAD =
  /^(?:(?:亲亲|亲爱的|亲|您好|你好|哈喽|哈啰|嗨|在吗|在不在|在么|有人吗|老板|掌柜|请问|麻烦问一下|麻烦|打扰一下|打扰了|问一下|咨询一下|我想问一下|我想问|想问一下|想问|hello|hi)[\s,，!！。~～?？]*)+/;

export const ZH_TAIL = /(?:[\s,，]*(?:谢谢|谢啦|多谢|感谢|急|急急急|快点|在线等|哦|哈)[\s!！。~～]*)+$/;

/** Words the rule matchers of rules.ts look for (a person, a complaint, anger). */
// biome-ignore format: a word list
export const RULE_WORDS = [
  'human', 'humans', 'person', 'people', 'agent', 'agents', 'operator', 'representative', 'someone', 'somebody',
  'speak', 'talk', 'connect', 'transfer', 'manager', 'supervisor', 'customer', 'service', 'support', 'staff',
  'assistant', 'assistants', 'advisor', 'employee', 'chat', 'chatting', 'talking', 'speaking', 'contact', 'contacting',
  'complaint', 'complain', 'complaints', 'claim', 'grievance', 'unhappy', 'dissatisfied', 'disappointed',
  'useless', 'terrible', 'horrible', 'ridiculous', 'unacceptable', 'furious', 'angry', 'pathetic', 'worst',
];

/**
 * The words the reading's own rules look for (understand.ts: switching accounts, an exchange,
 * delivering to a place, the refund policy, an order number with "where"). Corrected like
 * RULE_WORDS, but only from the length retrieval's typo correction starts at (typoMinLen).
 */
// biome-ignore format: a word list
export const TOPIC_RULE_WORDS = [
  'another', 'account', 'profile', 'switch', 'change', 'deliver', 'delivery', 'shipping', 'order',
  'refund', 'exchange', 'product', 'address', 'arrived', 'received', 'policy', 'eligible', 'status',
  'refunds', 'circumstances', 'conditions', 'situations', 'purchase', 'changing', 'switching', 'ship',
  'reimburse', 'reimbursement', 'reimbursed', 'expect', 'expecting', 'cases', 'request', 'requesting', 'money',
  'dollars', 'cancel', 'canceling', 'cancelling', 'cancellation', 'back', 'guarantee', 'warranty', 'parcel', 'package', 'soon', 'arrive',
  'items', 'articles', 'products', 'several', 'possible', 'acquire', 'ordering', 'purchasing',
];

/**
 * "2" and "4" typed for "to" and "for" ("how 2 change my address", "waiting 4 my refund"): only
 * before a word that can follow them, never before what a number counts ("2 items", "4 days").
 */
export const TO_CONTEXT =
  /^(?:my|me|the|a|an|another|other|u|you|your|ur|us|him|her|them|this|that|it|be|get|do|make|go|see|know|check|change|switch|swap|cancel|pay|buy|order|return|track|talk|speak|chat|contact|reach|send|ship|deliver|use|add|update|reset|create|open|close|delete|remove|sign|log|login|find|ask|receive|set|edit|modify|exchange|leave|write|subscribe|unsubscribe|apply|redeem|enter|claim|download|recover|arrive|come|take|wait|place|purchase|acquire|obtain|demand|request|restore|retrieve|someone|somebody|human|agent|person|customer|where|what|how)$/;
export const FOR_CONTEXT =
  /^(?:my|me|the|a|an|u|you|your|ur|us|them|this|that|these|those|it|free|ages|sure|real|now|later|delivery|shipping|refunds?|rebates?|reimbursements?|compensation|help|assistance|what|how)$/;

/**
 * The shop-domain vocabulary: words that show a message is about shopping with a shop (its
 * orders, deliveries, returns, payments, accounts, products, its service). An answer needs one
 * of them (or one of its article's own distinctive title or tag words) among the words the
 * article matched: "how many days until the holidays" matches a delivery article's "days" but
 * says nothing about a shop. Written from general knowledge of e-commerce support.
 */
// biome-ignore format: a word list packed by topic, one topic a line
export const SHOP_WORDS = [
  'order', 'orders', 'ordered', 'purchase', 'purchased', 'bought', 'buy', 'shop', 'store', 'website', 'app', 'checkout', 'cart', 'basket',
  'item', 'items', 'product', 'products', 'goods', 'stock', 'restock', 'sold', 'sell', 'size', 'sizes', 'fit', 'colour', 'color', 'pre-order',
  'out of stock', 'back in stock', 'store credit', 'pay later', 'log out', 'price drop',
  'price', 'cost', 'discount', 'sale', 'coupon', 'voucher', 'promo', 'promocode', 'code', 'gift', 'giftcard', 'points', 'loyalty',
  'delivery', 'deliver', 'delivered', 'shipping', 'ship', 'shipped', 'dispatch', 'dispatched', 'courier', 'carrier', 'parcel', 'package',
  'tracking', 'track', 'status', 'postage', 'arrive', 'arrived', 'collect', 'pickup', 'locker', 'address', 'postcode', 'international', 'customs',
  'refund', 'money', 'return', 'returns', 'exchange', 'replacement', 'replace', 'cancel', 'cancellation', 'fee', 'charge', 'charged',
  'payment', 'pay', 'paid', 'paypal', 'klarna', 'card', 'currency', 'currencies', 'instalment', 'installment', 'invoice', 'receipt', 'vat', 'transaction',
  'warranty', 'repair', 'damaged', 'faulty', 'broken', 'defective', 'missing', 'wrong', 'quality',
  'account', 'user', 'username', 'profile', 'login', 'log', 'sign', 'signup', 'password', 'reset', 'forgot', 'register', 'registration', 'email', 'newsletter', 'subscribe', 'unsubscribe',
  'review', 'comment', 'opinion', 'feedback', 'rating', 'privacy', 'data', 'personal', 'details', 'information',
  'contact', 'phone', 'chat', 'customerservice', 'service', 'support', 'hours', 'agent',
];

/**
 * Words of the shop's core topics only, and the words of services a shop does not offer
 * (banking, bills and utilities, travel, health, leisure): a message with one of the latter
 * ("a loan to pay for my car") is answered only when it names a core shop topic too.
 */
// biome-ignore format: a word list
export const SHOP_TOPIC_WORDS = [
  'order', 'purchase', 'bought', 'buy', 'shop', 'store', 'checkout', 'cart', 'basket', 'item', 'product', 'goods', 'stock', 'sell',
  'size', 'discount', 'coupon', 'voucher', 'promocode', 'giftcard', 'delivery', 'deliver', 'shipping', 'ship', 'dispatch', 'courier',
  'parcel', 'package', 'tracking', 'refund', 'return', 'exchange', 'warranty', 'damaged', 'faulty', 'review', 'newsletter',
];
// biome-ignore format: a word list packed by domain, one domain a line
export const OTHER_DOMAIN_WORDS = [
  'overdraft', 'mortgage', 'loan', 'loans', 'lender', 'savings', 'atm', 'routing', 'pension', 'salary', 'paycheck', 'payroll', 'stocks', 'shares',
  'rent', 'landlord', 'utility', 'utilities', 'electricity', 'wifi', 'router', 'broadband',
  'flight', 'flights', 'airline', 'airport', 'hotel', 'passport', 'boarding', 'train', 'taxi', 'traffic', 'petrol',
  'weather', 'forecast', 'recipe', 'calories', 'restaurant', 'museum', 'cinema', 'movie', 'gym', 'doctor', 'dentist', 'hospital',
  'vaccine', 'alarm', 'timer', 'calendar', 'meeting', 'song', 'playlist', 'lottery', 'horoscope', 'homework',
];

/**
 * Verbs shoppers use for many topics: in a short message the thing named after them says what
 * it is about ("send feedback", "report a payment problem", "check my invoice"). Not the verbs
 * that name a topic in a shop (cancel, return, exchange, track, change, delete, request, find).
 * retrieve.ts weighs them less in the phrase model (RETRIEVAL_PARAMS.genericVerbWeight).
 */
// biome-ignore format: a word list
export const GENERIC_VERBS = [
  'send', 'submit', 'enter', 'open', 'report', 'give', 'take', 'put', 'keep', 'start', 'speak', 'talk', 'solve', 'fix',
  'receive', 'view', 'check',
];

/**
 * Things shops sell, as shoppers name them: real words, never typing slips of a more common word
 * of the shop's text ("return these shoes" is not "shows"), whichever few articles mention them.
 * Written from general knowledge of what online shops sell (clothes, shoes, home, gadgets).
 */
// biome-ignore format: a word list packed by kind, one kind a line
export const PRODUCT_NOUNS = new Set([
  'shoe', 'shoes', 'boot', 'boots', 'trainer', 'trainers', 'sneaker', 'sneakers', 'sandal', 'sandals', 'slipper', 'slippers', 'heels',
  'dress', 'dresses', 'shirt', 'shirts', 'jacket', 'jackets', 'coat', 'coats', 'jeans', 'trousers', 'pants', 'skirt', 'skirts', 'jumper', 'jumpers',
  'sweater', 'sweaters', 'hoodie', 'hoodies', 'socks', 'scarf', 'gloves', 'hat', 'hats', 'belt', 'belts', 'bag', 'bags', 'wallet', 'watch', 'watches',
  'sofa', 'sofas', 'chair', 'chairs', 'table', 'tables', 'lamp', 'lamps', 'mattress', 'pillow', 'pillows', 'rug', 'rugs', 'curtains', 'towel', 'towels', 'mug', 'mugs',
  'phone', 'phones', 'laptop', 'laptops', 'charger', 'cable', 'headphones', 'earbuds', 'speaker', 'camera', 'tablet', 'toy', 'toys', 'book', 'books',
]);
