/**
 * Reading a shopper's message the way it was typed, before retrieval: short, misspelt, in SMS
 * style, with a greeting in front, an order number or a date in the middle, or two questions
 * at once. Pure: no I/O, no state; the rules and word lists below are written from how people
 * type in shop chats in general (our own examples in tests/unit/bot/understand.test.ts), never
 * from evaluation text.
 *
 *   expandShorthand  SMS forms and shop abbreviations to plain words ("u" → "you", "pls" →
 *                    "please", "COD" → "cash on delivery", "T&C" → "terms and conditions"),
 *                    letters typed three times or more cut to two ("pleeease")
 *   findEntities     order numbers, postcodes and dates (kept out of the words: they carry
 *                    no topic, but they say something: "order 48213 where" is a tracking
 *                    question)
 *   readMessage      the whole reading: shorthand, entities, the rules that turn them into
 *                    the words of a topic (see RULES below), greetings and fillers stripped,
 *                    and the message cut into its questions when it asks more than one
 *
 * The rule matchers of rules.ts (asking for a person, anger, complaint, smalltalk) read the
 * shorthand-expanded message; retrieval reads `query` (or each of `clauses`).
 */

import { namesOtherService } from './domain.ts';
import { isCommonEnglishWord } from './english-words.ts';
import {
  CANT_DO,
  CANT_LOG_IN,
  CONTACT_CUSTOMER,
  COUNTRIES,
  EN_LEAD,
  EN_SHORTHAND,
  EN_SYMBOL_SHORTHAND,
  EN_TAIL,
  FOR_CONTEXT,
  HINTS,
  IN_TOUCH,
  NOT_A_PLACE,
  NOT_CAME,
  REPORT_SOMETHING,
  RULE_WORDS,
  TO_CONTEXT,
  TOPIC_RULE_WORDS,
  WHERE_WORDS,
  WHY_CONTEXT,
  ZH_LEAD,
  ZH_SHORTHAND,
  ZH_TAIL,
} from './lexicons.ts';
import type { Locale } from './text.ts';
import { typoCost } from './typo.ts';

export interface Entities {
  /** "48213", "#A-10234", "ORD-5512": an order, invoice or tracking number */
  orderNumber?: string;
  /** "SW1A 1AA", "75001" after "postcode"/"zip" or after "deliver to" */
  postcode?: string;
  /** "3rd march", "12/03", "yesterday", "last week" */
  date?: string;
  /** "leeds" in "do you deliver to leeds": a place the knowledge base does not know */
  place?: string;
  /** "smith" in "the invoice for mr smith": a name after a title */
  person?: string;
  /** "$120", "40 pounds": a sum of money (never an order number) */
  amount?: string;
}

export interface Reading {
  /** the message with shorthand expanded and the rules' words typo-corrected (what the rule matchers read) */
  expanded: string;
  /** what retrieval reads: shorthand expanded, entities out, rule words in, greetings out */
  query: string;
  /** the questions of a message that asks more than one (each a query); [query] otherwise */
  clauses: string[];
  entities: Entities;
  /** the rules that changed the query, for the decision's reason (agent console) */
  notes: string[];
}

// ---------------------------------------------------------------------------------------
// Shorthand: SMS forms and shop abbreviations, per language

/** Lower case, NFKC, letters typed three times or more cut to two ("pleeeease" → "pleease"). */
function fold(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/(\p{L})\1{2,}/gu, '$1$1');
}

/** SMS forms and shop abbreviations expanded to plain words; the rest of the text as typed (folded). */
export function expandShorthand(text: string, locale: Locale): string {
  let s = fold(text);
  if (locale === 'zh' || /\p{Script=Han}/u.test(s)) {
    for (const [re, rep] of ZH_SHORTHAND) s = s.replace(re, rep);
  }
  for (const [re, rep] of EN_SYMBOL_SHORTHAND) s = s.replace(re, rep);
  const words = s.split(/(\s+|[^\p{L}\p{N}'_]+)/u);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!w || !/^[\p{L}\p{N}'_]+$/u.test(w)) continue;
    const bare = w.replace(/'/g, '');
    let rep: string | undefined = EN_SHORTHAND[bare];
    if (bare === 'y') {
      // the next word decides: "y is…", "y not", "y my order…"
      let j = i + 1;
      while (j < words.length && !/[\p{L}\p{N}]/u.test(words[j]!)) j++;
      rep = j < words.length && WHY_CONTEXT.test(words[j]!) ? 'why' : undefined;
    }
    if (rep !== undefined) words[i] = rep;
  }
  return expandDigitWords(words.join(''));
}

/**
 * "2" and "4" typed for "to" and "for" ("how 2 change my address", "waiting 4 my refund"), where
 * the next word can follow them (lexicons.ts: TO_CONTEXT, FOR_CONTEXT): never "2 items", "4 days".
 * readMessage applies it again once typos are corrected ("2 swich" → "2 switch" → "to switch").
 */
export function expandDigitWords(text: string): string {
  return text
    .replace(/(^|[^\p{L}\p{N}])([24])\s+(\p{L}+)/gu, (m, head: string, digit: string, next: string) =>
      (digit === '2' ? TO_CONTEXT : FOR_CONTEXT).test(next) ? `${head}${digit === '2' ? 'to' : 'for'} ${next}` : m,
    )
    .replace(DELIVER_2_PLACE, (m, verb: string, next: string) => (COUNTED.test(next) ? m : `${verb} to `));
}

/**
 * "do u deliver 2 leeds", "switch 2 business acct": after a delivery verb (or one of moving to
 * something else), "2" before a word is "to" whatever the place or account (the rules then read
 * it), unless the word is what the number counts ("ship 2 parcels", "change 2 items").
 */
const DELIVER_2_PLACE =
  /\b((?:ship|deliver|send|post|dispatch)\w*|chang(?:e|es|ed|ing)|switch(?:es|ed|ing)?|swap(?:s|ped|ping)?|mov(?:e|es|ed|ing)|go|going|goes)\s+2\s+(?=(\p{L}+))/gu;
const COUNTED =
  /^(?:items?|things?|pieces?|pcs|parcels?|packages?|pkgs?|boxes|box|orders?|pairs?|units?|bags?|sets?|of|more|or|and|x|days?|weeks?|months?|hours?|times?|separate|different|diff|addresses)$/;

// ---------------------------------------------------------------------------------------
// Entities

const MONTH = '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const WEEKDAY = '(?:mon|tues|wednes|thurs|fri|satur|sun)day';
const DATE_RE = new RegExp(
  [
    `\\b\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH}\\b`, // 3rd march, 3 march, 3rd of march
    `\\b${MONTH}\\s+\\d{1,2}(?:st|nd|rd|th)?\\b`, // march 3rd
    '\\b\\d{1,2}[/.]\\d{1,2}(?:[/.]\\d{2,4})?\\b', // 12/03, 12.03.2026
    `\\b(?:last|this|on|since|next)\\s+(?:${WEEKDAY}|week|month|weekend)\\b`,
    `\\b(?:on|since|last)\\s+${MONTH}\\b`,
    `\\b${WEEKDAY}\\b`,
    '\\b(?:yesterday|today|tonight|tomorrow|day before yesterday)\\b',
    '\\b(?:\\d+|a|one|two|three|four|five|six|ten|few|couple of)\\s+(?:days?|weeks?|months?)\\s+ago\\b',
    '\\b\\d{1,2}(?:st|nd|rd|th)\\b', // "on the 3rd"
    '(?:\\d{1,2}月\\d{1,2}[日号]|昨天|前天|上周|上个月|\\d+天前)',
  ].join('|'),
  'gu',
);
/** UK postcodes ("SW1A 1AA", "m1 1ae") and numbers after a postcode word. */
const UK_POSTCODE = /\b[a-z]{1,2}\d[a-z\d]?\s?\d[a-z]{2}\b/g;
const POSTCODE_AFTER_WORD = /\b(?:post\s?code|postal\s?code|zip(?:\s?code)?|pin\s?code|postcode)\s*[:#]?\s*([a-z]{0,2}\d[a-z0-9]{1,6}(?:\s\d[a-z]{2})?)\b/g;
/** An order / invoice / tracking number: digits (4+), maybe with a # or a few letters in front. */
const ORDER_NUMBER = /(?:#\s?[a-z]{0,4}[-_]?\d[\d-]{2,}[a-z0-9]*|\b[a-z]{0,4}[-_]?\d[\d-]{3,}[a-z0-9]*\b)/g;

/** Money amounts ("$299", "£1500", "1,200 dollars"): never an order number. */
const AMOUNT = /[$€£¥]\s?\d[\d,.]*|\b\d[\d,.]*\s?(?:dollars?|euros?|pounds?|usd|eur|gbp|bucks|yuan|rmb|cny|元|块)(?![a-z])/g;
const YEAR = /^(?:19|20)\d\d$/;

export function findEntities(folded: string): { text: string; entities: Entities } {
  const entities: Entities = {};
  let s = folded.replace(AMOUNT, (m) => {
    entities.amount ??= m.trim();
    return ' ';
  });
  s = s.replace(POSTCODE_AFTER_WORD, (_m, code: string) => {
    entities.postcode ??= code;
    return ' postcode ';
  });
  s = s.replace(UK_POSTCODE, (m) => {
    entities.postcode ??= m;
    return ' postcode ';
  });
  // "from mr smith", "for mrs o'neill": a person's name carries no topic, and as words the shop
  // never uses it only dilutes the question
  s = s.replace(/\b(?:mr|mrs|ms|mx|dr)\.?\s+[a-z][a-z'-]+\b/g, (m) => {
    entities.person ??= m.replace(/^\S+\s+/, '');
    return ' ';
  });
  s = s.replace(DATE_RE, (m) => {
    entities.date ??= m.trim();
    return ' ';
  });
  // "deliver to 75001": a number right after "to" a delivery verb is a postcode, not an order
  s = s.replace(/\b((?:ship|deliver|send|post|dispatch)\w*\s+(?:to|in)\s+)(\d{4,6})\b/g, (_m, head: string, code: string) => {
    entities.postcode ??= code;
    return `${head} postcode `;
  });
  s = s.replace(ORDER_NUMBER, (m) => {
    if (YEAR.test(m)) return ' ';
    entities.orderNumber ??= m.replace(/^#\s?/, '');
    return ' ';
  });
  return { text: s.replace(/\s+/g, ' ').trim(), entities };
}

// ---------------------------------------------------------------------------------------
// Rules: what entities and typical shapes of a message mean

export interface RuleContext {
  locale: Locale;
  /** Does the knowledge base know this word? (a place it knows is left to retrieval) */
  known?: (word: string) => boolean;
  /** words shorter than this are not corrected to a topic word (the bot's typoMinLen; default 5) */
  typoMinLen?: number;
}

/** Every "where" word (WHERE_WORDS finds the first), and what goes with them ("is it", "my"). */
const WHERE_WORDS_ALL = new RegExp(
  `${WHERE_WORDS.source}|\\b(?:is|it|are|what|whats|when|will|did|has|have|of|on|for|with|u|you|pls|plz|eta|please|hey|hi)\\b`,
  'g',
);

/** Asking how long something takes. */
const HOW_LONG = /\bhow (?:long|soon|many days)\b/;

/** What a shopper calls an order they placed. */
const ORDER_NOUN = /\b(?:orders?|purchases?|parcels?|packages?|pkg|shipments?|items?|products?|consignments?)\b/;
/** Swearing as an intensifier ("the damn parcel", "some bloody items"): no topic in it, and it hides the words the rules look for. (Anger reads the message as typed.) */
const SWEAR_INTENSIFIERS = /\b(?:fucking|fuckin|fricking|frigging|freaking|effing|damn|damned|goddamn|goddamned|bloody|flipping)\b/g;
/** Waiting on an order: "still waiting for my parcel", "been waiting on the delivery". */
const WAITING_FOR_ORDER =
  /\bwaiting\s+(?:on|for)\s+(?:(?:my|our|the|an?|this)\s+)?(?:orders?|parcels?|packages?|pkg|deliver(?:y|ies)|shipments?|stuff|items?|purchases?)\b/;
/** Not here yet (NOT_CAME has already made "hasnt come" into "has not arrived"): "has not arrived", "haven't received". */
const NOT_YET_HERE =
  /\b(?:has not arrived|(?:not|hasnt|hasn't|havent|haven't|has not|have not|didnt|didn't|did not|yet to|still not)\s+(?:yet\s+)?(?:received?|got(?:ten)?|get|seen)|not (?:here|there) yet|nothing yet)\b/;
/** A refund that is late, or not there yet: "delayed", "taking too long", "still no…". */
const REFUND_OVERDUE =
  /\b(?:late(?!\s+(?:deliver\w*|orders?|parcels?|packages?|shipments?|arrivals?))|delayed(?!\s+(?:deliver\w*|orders?|parcels?|packages?|shipments?))|overdue|taking (?:so |too |very )?long|still (?:no|not|nothing|waiting)|no sign|has not arrived|not (?:yet )?(?:received|back|here|come|showing|shown)|not (?:been )?refunded yet)\b/;
/** Looking an order up: check, see, view, find, locate, follow. */
const LOOK_UP = /\b(?:check\w*|see|seeing|view\w*|look(?:ing)?\s+(?:at|up|for)|find\w*|locat\w*|follow\w*)\b/;
/** The whole message is looking up an order: "check my order", "seeing order status pls". */
const LOOK_UP_ORDER = new RegExp(
  `^(?:(?:can|could|may|where)\\s+(?:i|you|we)\\s+)?(?:please\\s+)?${LOOK_UP.source}\\s+(?:me\\s+)?(?:(?:my|the|an?|your|our)\\s+)?(?:latest\\s+|last\\s+|recent\\s+)?(?:orders?|purchases?|parcels?|packages?|shipments?)(?:\\s+(?:status|progress|details|info\\w*|now|please))?$`,
);

/**
 * The place after "deliver to" or "order from": without "the", a country or not, or no place at
 * all (a person, a thing, the shop's own site, more than three words). A country is a country
 * whatever its first word ("new zealand", though "new" before an address is no place).
 */
function placeNamed(place: string): { where: string; words: string[]; country: boolean; notAPlace: boolean } {
  const where = place.trim().replace(/^the\s+(?=\S)/, '');
  const words = where.split(/\s+/);
  return { where, words, country: COUNTRIES.test(where), notAPlace: NOT_A_PLACE.test(where) || words.length > 3 };
}

/** The message without punctuation and with single spaces, for rules that read the whole of it. */
function bareText(s: string): string {
  return s
    .replace(/[?!.,]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** How a question about doing something opens: "how do i", "can we", "i want to"… */
const ASKING = String.raw`(?:how (?:do|can|could) (?:i|we)|how to|can (?:i|we)|could (?:i|we)|is it possible to|please|pls|plz|(?:(?:i|we) )?(?:really )?(?:want|need|wanna|would like|'?d like|have|must)(?: to)?)`;

/**
 * A whole message (or one sentence of it) that asks to do one thing with nothing named (bareText): what it means, and
 * the words added to say so.
 */
const WHOLE_MESSAGE_READINGS: ReadonlyArray<readonly [RegExp, string, string]> = [
  // "i want to cancel", "how do i cancel?": cancelling the order (the fee's many phrasings say
  // "cancel" too, and would win a bare verb)
  [
    new RegExp(`^${ASKING} (?:still |just |already )?canc(?:el|le|l)\\w*(?: (?:it|this|that|now|please|pls|plz|asap|everything))*$`),
    'cancel the order',
    'my order',
  ],
  // "how do i order?", "can i order online": placing one ("order" alone is every order article's word)
  [
    new RegExp(`^${ASKING} (?:place (?:an? )?)?order(?: (?:online|here|from (?:you|the shop|the site|your (?:shop|site|website))|something|it|this|now))?$`),
    'place an order',
    'place an order',
  ],
  // "how do i register?", "can i sign up", "sign up": making an account, not a problem making one
  [
    new RegExp(`^(?:${ASKING} )?(?:register|sign ?up)(?: (?:online|here|with (?:you|the shop)|for an? account|an? account))?(?: (?:please|pls|plz|now))?$`),
    'create an account',
    'create an account',
  ],
];

/**
 * Buying things, with what is bought: "buy some items", "purchase a few of your products",
 * "order some of your rugs".
 */
const BUYING =
  /\b(?:buy|buying|purchas(?:e|ing)|order(?:ing)?|acquir(?:e|ing)|shop(?:ping)?(?:\s+for)?)\s+(?:(?:(?:some|several|a few|few|a couple|one|an?|more|multiple|many|\d+)\s+)?(?:of\s+)?(?:(?:your|ur|the|these|those|this|that)\s+)?(?:items?|products?|articles?|things?|stuff|goods)|(?:some|several|a few|any|one) of (?:your|ur) [a-z]+)\b/;

/** The message with a hint's words after it (its closing punctuation dropped, so it stays one question). */
function withHint(s: string, hint: string): string {
  return `${s.replace(/[\s?!.,]+$/u, '')} ${hint}`;
}

function applyRules(text: string, entities: Entities, ctx: RuleContext, notes: string[]): string {
  let s = text;
  const { locale } = ctx;
  if (locale === 'en') {
    // "my parcel not came", "order never reached me" → "has not arrived"
    s = s.replace(NOT_CAME, () => {
      notes.push('not arrived');
      return 'has not arrived';
    });
    // "take a quick look at my invoice", "have a look into my order": checking it
    s = s.replace(/\b(?:take|taking|took|have|having|had|give|giving|gave)\s+(?:an?\s+)?(?:quick\s+|brief\s+|closer\s+)?look\s+(?:at|into|over)\b/g, () => {
      notes.push('look at');
      return 'check';
    });
    // "where can i see when my parcel arrives", "could you check if it shipped", "help me find out
    // how soon…": the question is the clause after the looking (its "where" and "how" are the
    // looking's, not the question's)
    s = s.replace(
      /^(?:[^?!.]*?\b)?(?:see|seeing|check|checking|find out|finding out|know|knowing|tell me|let me know|look up|looking up)\s+(?=(?:when|how soon|how long|if|whether)\b)/,
      () => {
        notes.push('the question asked');
        return '';
      },
    );
    // "do you take paypal", "does the shop take returns": takes as accepts (not how long it takes)
    s = s.replace(
      /(?<!\bhow\s+(?:long|much\s+time|many\s+\w+)\s+)\b((?:do|does|can|will|would)\s+(?:you|u|ya|you guys|the shop|the store|your (?:shop|store|site|website))\s+)take\b(?!\s+(?:long|ages|forever|a while|time|\d+|a few|days?|weeks?|hours?|to)\b)/,
      (_m, asking: string) => {
        notes.push('accepts');
        return `${asking}accept`;
      },
    );
    // "cant pay", "unable to sign up", "it won't let me check out": something on the site fails,
    // a problem with it (the problem articles), not how to do it (unless the message says so already)
    if (!/\b(?:problems?|issues?|errors?|trouble)\b/.test(s)) {
      s = s.replace(CANT_DO, (m) => {
        notes.push('cannot do');
        return `${m} problem`;
      });
      // "cant log in", "can't access my account": locked out of the account (the password's article)
      s = s.replace(CANT_LOG_IN, (m) => {
        notes.push('cannot log in');
        return `${m} locked out`;
      });
      // "report my payment", "notify about my signup": reporting something is reporting a problem with it
      s = s.replace(REPORT_SOMETHING, (m) => {
        notes.push('report a problem');
        return `${m} problem`;
      });
    }
    // "cancel the newsletter", "stop marketing emails": unsubscribing, not cancelling an order (a
    // subscription alone may be another service's: "cancel my magazine subscription")
    s = s.replace(
      /\b(?:cancel\w*|stop\w*|end|ending|quit|leave)\b(?=\s+(?:(?:my|the|your|this|that|these|all|ur)\s+)?(?:(?!order|purchase|account|payment|delivery|shipping)\w+\s+)?(?:newsletters?|mailing list|e-?mails|mails)\b)/,
      () => {
        notes.push('unsubscribe');
        return 'unsubscribe';
      },
    );
    // "contact customer", "talk to the customer": the shop's customer service, its name cut short
    s = s.replace(CONTACT_CUSTOMER, (_m, head: string) => {
      notes.push('customer service');
      return `${head} service`;
    });
    // "how do i get in touch", "in touch with u pls": contacting the shop ("touch" alone is no shop word)
    s = s.replace(IN_TOUCH, (m) => {
      notes.push('contact');
      return `${m} contact`;
    });
    // "can i order from canada", "is it possible to place an order from leeds": where the shopper
    // is, so whether the shop delivers there (not "order from your website", "from stock")
    s = s.replace(
      /\b((?:can|could|may)\s+(?:i|we|u|you)\s+|possible\s+to\s+|able\s+to\s+)((?:place\s+(?:an?\s+)?)?order|buy|shop|purchase)\s+from\s+([a-z][a-z .'-]{1,40}?)\s*(?=$|[?!.,])/,
      (m, asking: string, _verb: string, place: string) => {
        const { where, words, country, notAPlace } = placeNamed(place);
        if (!country && (notAPlace || (ctx.known && words.some((w) => ctx.known!(w))))) return m;
        notes.push('ordering from a place');
        return `${asking}ship to ${where}`;
      },
    );
    // "do u deliver to leeds", "shipping to 75001?": a shipping question whatever the place
    s = s.replace(
      /\b((?:ship|deliver|send|post|dispatch)\w*)\s+(?:to|in|into)\s+([a-z][a-z .'-]{1,40}?)\s*(?=$|[?!.,]|\b(?:and|or|please|pls|thanks?|too|also|from|by|within|before|for|how|what|when)\b)/g,
      (m, verb: string, place: string) => {
        const { where, words, country, notAPlace } = placeNamed(place);
        if (!country && notAPlace) return m;
        // A country is a question about shipping abroad (which countries, customs); a place the
        // knowledge base names stays in the question (its article may name it); any other place
        // is a question about the ways the shop delivers there.
        if (country) {
          notes.push('deliver to a country');
          return `${m} ${HINTS.abroad.en}`;
        }
        if (ctx.known && words.some((w) => ctx.known!(w))) {
          notes.push('deliver to a place');
          return `${m} ${HINTS.shipTo.en}`;
        }
        notes.push('deliver to a place');
        entities.place ??= where;
        // "how long to deliver to leeds": the time it takes, not the ways (the place goes either way)
        return HOW_LONG.test(s) ? verb : `${verb} ${HINTS.shipTo.en}`;
      },
    );
    // "shipping toronto?", "u deliver valencia": the place right after the verb, nothing else
    // (a word the knowledge base knows is not taken for a place: "shipping cost", "delivery times")
    s = s.replace(
      /^((?:(?:do|can|will|does)\s+)?(?:you\s+)?(?:ship|deliver|send|post)\w*)\s+([a-z][a-z'-]+(?:\s+[a-z][a-z'-]+)?)\s*[?!.]*$/,
      (m, verb: string, where: string) => {
        const words = where.split(/\s+/);
        if (NOT_A_PLACE.test(where)) return m;
        if (COUNTRIES.test(where)) {
          notes.push('deliver to a country');
          return `${m} ${HINTS.abroad.en}`;
        }
        if (!ctx.known || words.some((w) => ctx.known!(w))) return m;
        notes.push('deliver to a place');
        entities.place ??= where;
        return `${verb} ${HINTS.shipTo.en}`;
      },
    );
    // a postcode on its own ("postcode SW1A 1AA", "75001?") or "deliver to <postcode>"
    if (
      entities.postcode &&
      /^(?:(?:do|can|will)\s+(?:you|u)\s+)?(?:deliver\w*|ship\w*|send|post)?\s*(?:to|in)?\s*(?:postcode|the\s+postcode|my\s+postcode)?\s*(?:please)?$/.test(
        bareText(s),
      )
    ) {
      notes.push('postcode');
      s = withHint(s.replace(/\bpostcode\b/g, ' '), HINTS.shipTo.en);
    } else if (/\b(?:ship|deliver|send|post|dispatch)\w*\s+to\s+postcode\b/.test(s)) {
      notes.push('deliver to a postcode');
      s = s.replace(/\bto\s+postcode\b/, HINTS.shipTo.en);
    }
    // "under what conditions could I claim a refund", "am I eligible for my money back": the policy,
    // not the request
    if (
      /\b(?:refund\w*|money back|reimburs\w*)\b/.test(s) &&
      /\b(?:in (?:what|which) (?:cases?|situations?|circumstances)|cases|situations|circumstances|under (?:what|which) (?:conditions|circumstances)|conditions?|eligib\w*|entitled|qualif\w*|policy|policies|guarantee|rules|deadline|time limit|window|until when|how (?:long|many days) (?:do|have) (?:i|we) (?:got |have |get )?to)\b/.test(
        s,
      )
    ) {
      notes.push('refund policy');
      // the question is when a refund is due, not how to ask for one: the asking verbs go
      s = withHint(s.replace(/\b(?:request(?:ing)?|ask(?:ing)?\s+for|claim(?:ing)?|apply(?:ing)?\s+for)\b/g, ' '), 'refund policy');
    }
    // "need refund", "want my money back", "ask 4 a refund pls": asking for one (a request), not
    // when it comes or whether it is due (those words, and the policy reading above, come first);
    // only when the refund ends the request: what it is for may be another business's
    // (a refund from another business, "a refund for my flight", is not the shop's to grant)
    const otherService = namesOtherService(s);
    // ("where can i ask for…" and "how to receive…" ask how to get one, not where it is)
    if (
      !otherService &&
      !/\b(?:when|where(?!\s+(?:can|do|could|should|would|to)\b)|status|still|yet|long|received|(?<!\b(?:to|help|how|i|we)\s+)receive|arriv\w*|came|come|policy|refund policy|eligib\w*|track\w*)\b/.test(
        s,
      )
    ) {
      s = s.replace(
        // (what a refund is also called, "of my money" after it: "ask for a compensation of my money")
        /\b(?:ask(?:ing)?|want(?:ing)?|wanna|need(?:ing)?|demand(?:ing)?|obtain(?:ing)?|claim(?:ing)?|how)\b(?=\s+(?:(?:for|a|an|my|our|the|me|us|to|do|can|could|i|we|get|getting|receive|receiving|help|have|full|some)\s+){0,4}(?:refunds?|money back|reimburse\w*|compensations?|restitutions?|rebates?)(?:\s+(?:of|for)\s+(?:my\s+|the\s+)?money)?\s*(?:$|[?!.,]|(?:please|pls|plz|now|asap|today)\b))/,
        () => {
          notes.push('refund request');
          return 'request';
        },
      );
    }
    // "expecting a refund", "awaiting my money back": waiting for one already agreed (its status)
    s = s.replace(/\b(?:expect(?:ing|ed)?|await(?:ing|ed)?)\b(?=(?:\s+\S+){0,4}?\s+(?:refunds?|reimburse\w*|money back)\b)/, () => {
      notes.push('waiting for a refund');
      return 'waiting for';
    });
    // "refund $40", "reimburse my £25": a sum and nothing else is asking for it back
    if (entities.amount && /^(?:(?:a|my|the|full)\s+)*(?:refund|reimburse\w*|money back)(?:\s+(?:of|for|please))*[\s?!.]*$/.test(s.trim())) {
      notes.push('refund request');
      s = `request ${s}`;
    }
    // "tracking my purchase", "my purchase never came": a purchase is an order (the shop's articles say
    // "order"; as a verb, "purchase a gift card" is ordering one too). Once, and not beside "order".
    if (!otherService && !/\border/.test(s)) {
      s = s.replace(/\bpurchases?\b/, () => {
        notes.push('purchase');
        return 'order';
      });
    }
    // "set up a second shipping", "add new delivery", "change my delivery", "correct shipping":
    // the address, its last word cut off (how the shop delivers is asked with other words:
    // options, costs, times, dates)
    s = s.replace(
      /\b(?:set|setting|setup|add|adding|enter|entering|save|saving|chang(?:e|es|ed|ing)|updat(?:e|ed|ing)|modify\w*|correct\w*|edit\w*|fix\w*)\s+(?:up\s+)?(?:(?:a|an|my|the|new|another|second|secondary|other|extra|default|different)\s+){0,2}(?:shipping|delivery)\b(?!\s+(?:address\w*|addr|options?|costs?|times?|dates?|days?|fees?|methods?|prices?|charges?|slots?|instructions?|notes?|preferences?|to|speed|type|express|standard|next|faster|upgrade\w*))/,
      (m) => {
        notes.push('address');
        return `${m} address`;
      },
    );
    // "eta order", "my parcel eta?": the estimated arrival of an order placed is on its tracking
    // (the order page, the carrier's link); "eta for delivery to spain" asks the usual times
    s = s.replace(/\bestimated arrival\b/, (m) => {
      if ((ORDER_NOUN.test(s) || entities.orderNumber) && !/\b(?:deliver\w*|ship\w*|postcode)\b/.test(s)) {
        notes.push('eta of an order');
        return HINTS.track.en;
      }
      return /\b(?:when|arriv\w*)\b/.test(s) ? m : `${m} when will it arrive`;
    });
    // "long delivery", "shipping takes long": how long, its "how" dropped (not "no longer", "long sleeves")
    s = s.replace(
      /(?<!\b(?:how|too|so|very|as|no|this|that|a)\s+)\blong\b(?=(?:\s+(?:does|do|will|would|is|it|the|for|to|my|your|you|until|till|before))?\s+(?:takes?|taking|took|deliver\w*|ship\w*|arriv\w*|wait\w*|dispatch\w*)\b)|(?<=\b(?:takes?|taking|deliver\w*|ship\w*|arriv\w*)(?:\s+(?:so|too|very|this|that|a|it|is))?\s+)(?<!\b(?:how|too|so|very|as|no|a)\s+)long\b(?!\s+(?:sleeves?|dress\w*|coats?|skirts?|tops?|shirts?))/,
      (m) => {
        if (/\bhow long\b/.test(s)) return m;
        notes.push('how long');
        return 'how long';
      },
    );
    // "soon expect my order", "soon arrive?": how soon, its "how" dropped
    s = s.replace(
      /(?<!\bhow\s+|\bas\s+|\bvery\s+|\btoo\s+)\bsoon\b(?=(?:\s+\S+)?\s+(?:expect\w*|arriv\w*|get|receiv\w*|deliver\w*|ship\w*|dispatch\w*|come)\b)/,
      () => {
        notes.push('how long');
        return 'how soon';
      },
    );
    // "order arrive?", "when parcel arriving": when it comes (not that it never came: NOT_CAME
    // reads that first, and "arrived damaged" is past)
    if (
      /\barriv(?:e|es|ing)\b/.test(s) &&
      ORDER_NOUN.test(s) &&
      !/\b(?:when|where|how|not|never|yet|still|didnt|hasnt|havent|wont|estimated arrival)\b/.test(s)
    ) {
      notes.push('when it arrives');
      s = s.replace(/\barriv(?:e|es|ing)\b/, 'when will it arrive');
    }
    // a whole message, or a sentence of it, that asks to do one thing and names nothing else
    // ("can i still cancel? i only ordered an hour ago")
    s = s.replace(/([^?!.;]+)([?!.;]+\s*|$)/g, (sentence, body: string, end: string) => {
      const reading = WHOLE_MESSAGE_READINGS.find(([re]) => re.test(bareText(body)));
      if (!reading) return sentence;
      notes.push(reading[1]);
      return `${withHint(body, reading[2])}${end}`;
    });
    // "where can i buy some of your products", "i'd like to purchase several items": how to buy,
    // not anything about an order placed (the message names nothing else)
    if (
      /\b(?:how|where|want|like|need|wanna|help|assist\w*|possible|can|could|have to|got to|must|try|trying)\b/.test(s) &&
      BUYING.test(s) &&
      !/\b(?:cancel\w*|return\w*|refund\w*|track\w*|deliver\w*|ship\w*|arriv\w*|chang\w*|edit\w*|remov\w*|add\w*|wrong|damag\w*|broken|stock|gift|my order|invoice|receipt|warranty|price)\b/.test(
        s,
      )
    ) {
      notes.push('place an order');
      // (the items go: with "order" they are editing an order's items)
      s = s.replace(BUYING, 'place an order');
    }
    // "where is my refund", "my refund is late", "refund taking too long", "still no refund": its
    // status (not asking for one, nor whether one is due)
    if (
      /\bwhere(?:'?s| is)\s+(?:my|the|our)\s+(?:refund|money)\b/.test(s) ||
      (/\brefund(?:s|ed)?\b/.test(s) && REFUND_OVERDUE.test(s) && !/\b(?:how (?:do|can|could) i|request\w*|ask\w*|apply|policy|eligib\w*|entitled)\b/.test(s))
    ) {
      notes.push('refund status');
      s = withHint(s, 'status');
    }
    // "you sent me the wrong thing", "wrong colour sent": a wrong item received
    if (
      /\bsent\s+(?:me\s+|us\s+)?(?:the\s+|a\s+)?wrong\b|\bwrong\s+(?!address|e-?mail|code|link|password|number|invoice)(?:\w+\s+)?(?:was\s+)?(?:sent|delivered|came)\b/.test(
        s,
      )
    ) {
      notes.push('wrong item received');
      s = withHint(s, 'wrong item received');
    }
    // "is my order shipped yet", "has the parcel been dispatched": where it is
    if (
      /\b(?:is|has|have|did|was|if|whether)\s+(?:my|the|our)\s+(?:order|parcel|package|purchase)\s+(?:has\s+|have\s+|was\s+|is\s+)?(?:been\s+|already\s+)?(?:shipped|dispatched|sent|posted|left|gone out)\b/.test(
        s,
      )
    ) {
      notes.push('look up an order');
      s = withHint(s, HINTS.track.en);
    }
    // "still waiting for my order", "my parcel hasn't arrived yet", "haven't received my stuff yet":
    // an order on its way, so where it is now. Not one that never came, was marked delivered, or
    // went missing (the lost-parcel article), nor a refund or a return that has not come back.
    if (
      (WAITING_FOR_ORDER.test(s) ||
        (/\b(?:yet|still)\b/.test(s) && NOT_YET_HERE.test(s) && (ORDER_NOUN.test(s) || /\b(?:stuff|things|goods|delivery)\b/.test(s)))) &&
      !/\b(?:never|delivered|lost|stolen|missing|damag\w*|broken|wrong|refund\w*|return\w*|money|exchang\w*|replacement|email|e-mail|code|confirmation)\b/.test(
        s,
      )
    ) {
      notes.push('waiting for an order');
      s = withHint(s, HINTS.track.en);
    }
    // "wheres my stuff", "where are my things": the order (one item's words pull damaged-item and returns)
    s = s.replace(
      /\b(where(?:'s|s|\s+is|\s+are)?\s+)(?:(my|our|the)\s+)(?:new\s+)?(?:stuff|things|goods|items|products|purchases?)\b/,
      (_m, where: string, owner: string) => {
        notes.push('where the order is');
        return `${where}${owner} order`;
      },
    );
    // "when will my item arrive", "how soon should we expect the parcel": the order's arrival (a single
    // item's words otherwise pull the damaged-item, returns and restock articles). Not when it is
    // late, broken, a refund or back in stock: those have their own articles.
    if (
      /\b(?:when|how (?:long|soon)|eta)\b/.test(s) &&
      /\b(?:arriv\w*|expect\w*|gets? here|getting here|reach(?:es)? (?:me|us)|come|coming|receive|get (?:it|them|my|our))\b/.test(s) &&
      !/\b(?:not|never|yet|still|didnt|hasnt|havent|wont|stock|restock\w*|damag\w*|broken|wrong|faulty|refund\w*|return\w*|exchang\w*|replacement)\b/.test(s)
    ) {
      s = s.replace(
        /\b(?:(my|our|the)\s+)?(?:new\s+)?(?:items?|products?|articles?|parcels?|packages?|shipments?|purchases?|stuff|goods|things)\b/,
        (_m, owner?: string) => {
          notes.push('when the order arrives');
          return `${owner ?? 'my'} order`;
        },
      );
    }
    // "check my order", "see order status", "locate my parcel": where it is (an order number
    // with these words is read below)
    if (LOOK_UP_ORDER.test(bareText(s)) && !entities.orderNumber) {
      notes.push('look up an order');
      s = withHint(s, HINTS.track.en);
    }
    // "change to my other account", "go over to the business profile": switching accounts, not
    // editing one ("change my account details")
    s = s.replace(
      /\b(?:change|changing|go|going|move|moving|swap|swapping|transfer|jump)\b(?=\s+(?:over\s+|back\s+)?(?:to|into)\s+(?:(?:a|an|the|my|another|other|different|new|second|separate|old|main|personal)\s+)?(?:\w+\s+){0,2}?(?:account|profile|login|user)\b)/,
      () => {
        notes.push('switch account');
        return 'switch';
      },
    );
    // "change my product", "swap the item": an exchange, unless it names an order, an address…
    // The shopper does the changing: the verb opens the message or follows "I", "to", "can"…
    // ("the leaves change colour" is about leaves)
    if (
      /(?:^|(?<=\b(?:to|i|we|can|could|please|how|want|wanna|need|would|like|do|may|will|id|just|and|or|u|you)\s+))(?:change|swap|replace|exchange)\w*\b(?:\s+\S+){0,3}?\s+(?:product|item|size|colou?r|one|thing|shoes?|dress|shirt|jacket)\b/.test(
        s,
      ) &&
      !/\b(?:order\w*|purchase\w*|cart|basket|address|account|name|e-?mail|password|payment|card|delivery|shipping|phone|number|subscription|newsletter|before|dispatch\w*|shipped)\b/.test(
        s,
      )
    ) {
      notes.push('exchange');
      s = s.replace(/\b(?:change|swap|replace)\w*\b/, HINTS.exchange.en);
    }
  }
  // an order number with "where", "status", "still nothing"… or on its own: where is my order
  if (entities.orderNumber) {
    const rest = s
      .replace(/[^\p{L}\s]/gu, ' ')
      .replace(/\b(?:order|my|no|number|num|id|ref|the|is|please|hi|hello|ok)\b/g, ' ')
      .trim();
    const whereZh = /(?:哪|物流|状态|到了吗|发货了吗|什么时候到|还没到|没收到|进度|查)/.test(s);
    // (the number of an invoice, a refund or a return is asked about as that: no tracking hint)
    const otherTopic = /\b(?:bill\w*|invoic\w*|receipt\w*|refund\w*|return\w*|cancel\w*|exchang\w*|warrant\w*)\b/.test(s);
    // With "where", "status"…: the number is an order's when the message says so ("order",
    // "parcel") or says nothing else; "flight 2231 where", "ticket 99812 status" are other numbers.
    const orderNoun = ORDER_NOUN.test(s) || /\b(?:deliver\w*|tracking)\b/.test(s);
    const onlyWhere = rest.replace(WHERE_WORDS_ALL, ' ').trim() === '';
    const enOrder =
      !otherTopic && !namesOtherService(s) && (rest === '' || (WHERE_WORDS.test(s) && (orderNoun || onlyWhere)) || (LOOK_UP.test(s) && orderNoun));
    if (!s.includes(HINTS.track[locale]) && ((locale === 'en' && enOrder) || (locale === 'zh' && (whereZh || rest === '')))) {
      notes.push('order number');
      s = withHint(s, HINTS.track[locale]);
    }
  } else if (
    entities.date &&
    locale === 'en' &&
    /\b(?:order\w*|bought|purchas\w*|paid)\b/.test(s) &&
    /\b(?:still|nothing|not|never|yet|waiting|no sign)\b/.test(s)
  ) {
    // "ordered on 3rd march still nothing"
    notes.push('ordered on a date, still waiting');
    s = withHint(s, HINTS.track.en);
  }
  if (locale === 'zh') {
    // "我没收到包裹": a parcel that has not come (as "my parcel not came" in English); "我的包裹还没到",
    // "订单怎么还没收到": not yet, so where it is now (as "hasn't arrived yet"). Not a refund that
    // has not arrived (退款没到 has its own article), nor one marked delivered or lost.
    if (/(?:包裹|快递|订单|货|东西|商品)/.test(s) && /(?:还没|没|未)(?:有)?(?:到|收到|送到)/.test(s) && !/(?:退款|钱|退回)/.test(s)) {
      if (/(?:还没|还未|还是没|一直没)/.test(s) && !/(?:签收|丢|被偷|送错)/.test(s)) {
        notes.push('waiting for an order');
        s = withHint(s, HINTS.track.zh);
      } else {
        notes.push('not arrived');
        s = `${s} 没收到包裹`;
      }
    }
    // "能寄到新加坡吗": a place after 寄到/送到/发到… whatever the place
    s = s.replace(
      /(寄|送|发|发货|配送|邮寄|快递|运)(到|往|去)([\p{Script=Han}]{2,5}?)(?=吗|嘛|么|呢|不|没|？|\?|$|，|,)/u,
      (m, v: string, to: string, place: string) => {
        if (/(?:哪|国外|海外|国际|我家|家里|公司|地址|门口|那里|这里|其他|别的|外国)/.test(place)) return m;
        if (ctx.known?.(place)) return m;
        entities.place ??= place;
        notes.push('deliver to a place');
        return `${v}${to} ${HINTS.shipTo.zh}`;
      },
    );
  }
  return s;
}

// ---------------------------------------------------------------------------------------
// Greetings and fillers

/** Greetings, forms of address and fillers in front of (and thanks behind) the question. */
export function stripFillers(text: string, locale: Locale): string {
  const s = text.trim();
  const stripped = locale === 'zh' ? s.replace(ZH_LEAD, '').replace(ZH_TAIL, '') : s.replace(EN_LEAD, '').replace(EN_TAIL, '');
  return stripped.trim() || s;
}

// ---------------------------------------------------------------------------------------
// Two questions in one message

const EN_CLAUSE_BREAK =
  /(?:[?!]+|\.(?=\s)|;)\s+|\s+(?:and also|also|plus|another thing|one more thing|and then|and|but)\s+(?=(?:how|what|when|where|why|which|can|could|do|does|did|is|are|will|would|should)\b)/;
const ZH_CLAUSE_BREAK = /[?？!！。；;]+|(?:另外|还有|顺便问一下|顺便问下|顺便)/;

function splitClauses(query: string, locale: Locale): string[] {
  const parts = query
    .split(locale === 'zh' ? ZH_CLAUSE_BREAK : EN_CLAUSE_BREAK)
    .map((p) => (p ?? '').trim())
    .filter((p) => (locale === 'zh' ? [...p.replace(/[\p{P}\s]/gu, '')].length >= 2 : p.split(/\s+/).filter((w) => /\p{L}/u.test(w)).length >= 2));
  return parts.length >= 2 ? parts.slice(0, 3) : [query];
}

// ---------------------------------------------------------------------------------------
// The rules' own words, typo-corrected: "can i speek to a humna" still asks for a person

const RULE_WORD_SET = new Set([...RULE_WORDS, ...TOPIC_RULE_WORDS]);
const TOPIC_RULE_WORD_SET = new Set(TOPIC_RULE_WORDS);

/** Each rule word under itself and every form with one or two letters deleted (symmetric delete). */
const RULE_WORD_INDEX: ReadonlyMap<string, readonly string[]> = (() => {
  const m = new Map<string, string[]>();
  const add = (key: string, w: string) => {
    const l = m.get(key);
    if (!l) m.set(key, [w]);
    else if (!l.includes(w)) l.push(w);
  };
  for (const w of RULE_WORD_SET) {
    add(w, w);
    for (const d1 of deletions(w)) {
      add(d1, w);
      for (const d2 of deletions(d1)) add(d2, w);
    }
  }
  return m;
})();

function deletions(w: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < w.length; i++) out.push(w.slice(0, i) + w.slice(i + 1));
  return out;
}

/** Misspelt rule words corrected (words the knowledge base knows, and short words, stay as typed). */
export function correctRuleWords(text: string, known?: (w: string) => boolean, topicMinLen = 5): string {
  return text.replace(/\p{L}{4,}/gu, (w) => {
    // (a common English word is that word: "cheat" is not "chat")
    if (RULE_WORD_SET.has(w) || known?.(w) || !/^[a-z]+$/.test(w) || isCommonEnglishWord(w)) return w;
    // a four-letter word may be a five-letter rule word with a letter dropped ("agnt", "humn")
    const max = w.length >= 8 ? 2 : w.length >= 4 ? 1 : 0.6;
    const keys = [w, ...deletions(w)];
    if (max >= 2) for (const d1 of deletions(w)) keys.push(...deletions(d1));
    let best = w;
    let bestCost = Infinity;
    for (const key of keys) {
      for (const r of RULE_WORD_INDEX.get(key) ?? []) {
        // (a short word only to a short topic word, by one typical slip: "sgip", "shpi" → ship)
        if (w.length < topicMinLen && TOPIC_RULE_WORD_SET.has(r) && !(w.length === 4 && r.length === 4)) continue;
        const c = typoCost(w, r, max);
        if (w.length === 4 && c > (r.length === 5 && !TOPIC_RULE_WORD_SET.has(r) ? 1 : 0.6)) continue;
        if (c < bestCost) {
          best = r;
          bestCost = c;
        }
      }
    }
    return best;
  });
}

// ---------------------------------------------------------------------------------------

/** The whole reading of one message. `ctx.known` lets the place rule leave known places alone. */
export function readMessage(text: string, ctx: RuleContext): Reading {
  const { locale } = ctx;
  const notes: string[] = [];
  const expanded =
    locale === 'en' ? expandDigitWords(correctRuleWords(expandShorthand(text, locale), ctx.known, ctx.typoMinLen)) : expandShorthand(text, locale);
  if (expanded !== fold(text)) notes.push('shorthand');
  const { text: withoutEntities, entities } = findEntities(expanded);
  let query = stripFillers(locale === 'en' ? withoutEntities.replace(SWEAR_INTENSIFIERS, ' ') : withoutEntities, locale);
  if (locale === 'zh') query = query.replace(/[吗嘛么呢吧啊呀][?？!！。.]*$/u, '');
  query = applyRules(query, entities, ctx, notes);
  query = query.replace(/\s+/g, ' ').trim();
  const clauses = splitClauses(query, locale);
  if (clauses.length > 1) notes.push('two questions');
  return { expanded, query, clauses, entities, notes };
}
