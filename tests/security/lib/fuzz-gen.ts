/**
 * Seeded generator of hostile frames. Every frame it returns is one the protocol must refuse:
 * the expected error code comes from running protocol/parseFrame on the frame locally (the same
 * code the Worker runs), and a frame the schema would accept is thrown away and drawn again, so
 * a fuzz run never stores anything legitimately.
 */
import type * as z from 'zod';
import { parseFrame } from '../../../protocol/index.ts';

/** mulberry32: tiny, fast, good enough for fuzzing, and reproducible from one integer. */
export function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
export type Rng = ReturnType<typeof prng>;

export const CATEGORIES = [
  'bad_json',
  'not_object',
  'unknown_type',
  'bad_version',
  'wrong_types',
  'bad_fields',
  'huge',
  'deep_nesting',
  'proto_keys',
  'lone_surrogate',
  'invalid_utf8',
  'binary',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Relative weights: huge frames are few because each costs 16+ KB on the wire. */
const WEIGHTS: Record<Category, number> = {
  bad_json: 12,
  not_object: 6,
  unknown_type: 10,
  bad_version: 6,
  wrong_types: 14,
  bad_fields: 16,
  huge: 2,
  deep_nesting: 4,
  proto_keys: 10,
  lone_surrogate: 8,
  invalid_utf8: 5,
  binary: 7,
};
const TOTAL_WEIGHT = Object.values(WEIGHTS).reduce((a, b) => a + b, 0);

export type Role = 'visitor' | 'agent' | 'inbox';

export interface FuzzFrame {
  category: Category;
  data: string | Buffer;
  binary: boolean;
  /** The error code the Worker must answer with. */
  expected: string;
}

const VISITOR_TYPES = ['hello', 'message', 'typing', 'feedback', 'choose_article', 'request_human', 'offline_ticket', 'rate', 'read', 'identify', 'page'];
const AGENT_TYPES = ['hello', 'message', 'note', 'typing', 'read', 'transfer', 'back_to_bot', 'close'];
const INBOX_TYPES = ['hello', 'presence', 'claim', 'resolve_ticket', 'heartbeat'];
const TYPES: Record<Role, string[]> = { visitor: VISITOR_TYPES, agent: AGENT_TYPES, inbox: INBOX_TYPES };

const WEIRD_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -0,
  '',
  ' ',
  '1',
  'true',
  [],
  [1, 2],
  {},
  { a: 1 },
  '\u0000',
  'null',
  Number.MAX_SAFE_INTEGER + 2,
];

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'toString', 'valueOf', 'hasOwnProperty', '__lookupSetter__'];

function clientMsgId(rng: Rng): string {
  return `fz${rng.int(1e12).toString(36)}${rng.int(1e9).toString(36)}`.padEnd(10, 'x');
}

function randomText(rng: Rng, max = 40): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz ABC0123456789<>"\'&{}[]\\/:;$%?!é中文😀\u200b\u202e';
  const chars = Array.from(alphabet);
  let out = '';
  const length = 1 + rng.int(max);
  for (let i = 0; i < length; i += 1) out += rng.pick(chars);
  return out;
}

/** A frame of `type` that would be valid for `role` (before the generator breaks it). */
function baseFrame(rng: Rng, role: Role, type: string): Record<string, unknown> {
  const v = 1;
  if (role === 'inbox') {
    switch (type) {
      case 'presence':
        return { v, type, status: 'online' };
      case 'claim':
        return { v, type, conversationId: '00000000-0000-4000-8000-000000000000' };
      case 'resolve_ticket':
        return { v, type, ticketId: 1 };
      default:
        return { v, type };
    }
  }
  switch (type) {
    case 'hello':
      return { v, type, lastSeq: 0 };
    case 'message':
    case 'note':
      return { v, type, clientMsgId: clientMsgId(rng), text: randomText(rng) };
    case 'typing':
      return { v, type, on: true };
    case 'feedback':
      return { v, type, seq: 1, helpful: true };
    case 'choose_article':
      return { v, type, clientMsgId: clientMsgId(rng), articleId: 'track-order' };
    case 'offline_ticket':
      return { v, type, email: 'a@example.com', message: randomText(rng) };
    case 'rate':
      return { v, type, score: 5, comment: '' };
    case 'read':
      return { v, type, seq: 0 };
    case 'identify':
      return { v, type, identity: { name: 'Ann' } };
    case 'page':
      return { v, type, page: { url: 'http://127.0.0.1/', title: 'Shop' } };
    case 'transfer':
      return { v, type, toAgentId: 'agent-xyz', note: '' };
    default:
      return { v, type };
  }
}

/** One bad field per frame: out of range, wrong format, too long, empty, or an extra key. */
function badField(rng: Rng, role: Role, type: string): Record<string, unknown> {
  const frame = baseFrame(rng, role, type);
  const fields = Object.keys(frame).filter((key) => key !== 'v' && key !== 'type');
  const options: (() => void)[] = [() => (frame[`x${rng.int(1000)}`] = randomText(rng, 8)), () => (frame.extra = null)];
  if (fields.length > 0) {
    options.push(() => delete frame[rng.pick(fields)]);
  }
  if ('text' in frame) {
    options.push(
      () => (frame.text = ''),
      () => (frame.text = ' \n\t '),
      () => (frame.text = 'x'.repeat(4001 + rng.int(500))),
    );
  }
  if ('clientMsgId' in frame) {
    options.push(
      () => (frame.clientMsgId = 'short'),
      () => (frame.clientMsgId = 'has spaces in it'),
      () => (frame.clientMsgId = '../../etc/passwd'),
      () => (frame.clientMsgId = 'x'.repeat(65)),
      () => (frame.clientMsgId = "'; DROP TABLE messages; --"),
    );
  }
  if ('lastSeq' in frame) options.push(() => (frame.lastSeq = rng.pick([-1, 1.5, 2 ** 60, '0', null])));
  if ('seq' in frame) options.push(() => (frame.seq = rng.pick([-1, 0.5, '1', null, 2 ** 60])));
  if ('score' in frame) options.push(() => (frame.score = rng.pick([0, 6, 2.5, -1, '5'])));
  if ('comment' in frame) options.push(() => (frame.comment = 'c'.repeat(1001 + rng.int(100))));
  if ('email' in frame) options.push(() => (frame.email = rng.pick(['not-an-email', '@', 'a@', '<script>@x', 'a'.repeat(300) + '@x.io'])));
  if ('articleId' in frame) options.push(() => (frame.articleId = rng.pick(['../secret', 'UPPER', '', 'a'.repeat(65), 'a b'])));
  if ('on' in frame) options.push(() => (frame.on = rng.pick(['yes', 1, null])));
  if ('helpful' in frame) options.push(() => (frame.helpful = rng.pick(['no', 0, null])));
  if ('identity' in frame) {
    options.push(
      () => (frame.identity = { name: 'n'.repeat(81) }),
      () => (frame.identity = { email: 'nope' }),
      () => (frame.identity = { id: 'u1', userHash: 'zz'.repeat(32) }),
      () => (frame.identity = { id: 'u1', userHash: 'ab' }),
      () => (frame.identity = { id: '', name: 'x' }),
      () => (frame.identity = { vip: 'true' }),
      () => (frame.identity = { verified: true, name: 'x' }),
    );
  }
  if ('page' in frame) {
    options.push(
      () => (frame.page = { url: 'u'.repeat(2049), title: 't' }),
      () => (frame.page = { url: 'u', title: 't'.repeat(301) }),
      () => (frame.page = { url: 'u' }),
    );
  }
  if ('status' in frame) options.push(() => (frame.status = rng.pick(['offline', 'busy', ''])));
  if ('conversationId' in frame) options.push(() => (frame.conversationId = rng.pick(['not-a-uuid', '', '../../x', 'g'.repeat(36)])));
  if ('ticketId' in frame) options.push(() => (frame.ticketId = rng.pick([0, -1, 1.5, '1'])));
  if ('toAgentId' in frame) options.push(() => (frame.toAgentId = rng.pick(['a', 'x'.repeat(65), 'a b c d e'])));
  rng.pick(options)();
  return frame;
}

function nest(depth: number, open: string, close: string, inner = '1'): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

function draw(rng: Rng, role: Role, category: Category): { data: string | Buffer; binary: boolean } {
  const types = TYPES[role];
  const text = (value: unknown) => ({ data: JSON.stringify(value), binary: false });
  switch (category) {
    case 'bad_json': {
      const valid = JSON.stringify(baseFrame(rng, role, rng.pick(types)));
      return {
        data: rng.pick([
          () => valid.slice(0, 1 + rng.int(valid.length - 1)),
          () => valid.replace(/"/g, "'"),
          () => valid.replace('}', ',}'),
          () => `${valid}${valid}`,
          () => `{v:1,type:"${rng.pick(types)}"}`,
          () => '',
          () => '   ',
          () => 'NaN',
          () => 'undefined',
          () => '{"v":1,"type":"message","text":"unterminated}',
          () => `{"v":1,"type":"hello","lastSeq":0}\u0000`,
          () => randomText(rng, 60).replace(/^[\[{"0-9tfn -]/, '#'),
          () => '{"a":' + '1'.repeat(1 + rng.int(400)) + 'e99999999}x',
          () => '/* comment */ ' + valid,
        ])(),
        binary: false,
      };
    }
    case 'not_object':
      return text(rng.pick([null, 1, -1.5, 'hello', true, [], [{ v: 1, type: 'hello', lastSeq: 0 }], [1, 2, 3], 'message', 0]));
    case 'unknown_type': {
      const frame: Record<string, unknown> = { v: 1, lastSeq: 0, text: 'hi', clientMsgId: clientMsgId(rng) };
      const choice = rng.int(6);
      if (choice === 0) delete frame.type;
      else if (choice === 1) frame.type = rng.pick(PROTO_KEYS);
      else if (choice === 2) frame.type = rng.pick(types).toUpperCase();
      else if (choice === 3) frame.type = ` ${rng.pick(types)}`;
      else if (choice === 4) frame.type = randomText(rng, 12);
      else frame.type = rng.pick([null, 1, true, [], {}, ['message']]);
      return text(frame);
    }
    case 'bad_version': {
      const frame = baseFrame(rng, role, rng.pick(types));
      frame.v = rng.pick([0, 2, -1, 1.0000001, '1', null, true, [1], { v: 1 }, 99999999999]);
      return text(frame);
    }
    case 'wrong_types': {
      const frame = baseFrame(rng, role, rng.pick(types));
      const keys = Object.keys(frame).filter((key) => key !== 'v' && key !== 'type');
      if (keys.length === 0) {
        frame.type = rng.pick(WEIRD_VALUES);
      } else {
        for (const key of keys) if (rng.chance(0.7)) frame[key] = rng.pick(WEIRD_VALUES);
        // Make sure at least one field is wrong.
        const key = rng.pick(keys);
        const current = frame[key];
        frame[key] =
          typeof current === 'string'
            ? rng.pick([1, null, [], {}])
            : typeof current === 'number'
              ? rng.pick(['1', null, [], {}, true])
              : rng.pick(['x', 1, [], null]);
      }
      return text(frame);
    }
    case 'bad_fields':
      return text(badField(rng, role, rng.pick(types)));
    case 'huge': {
      const size = 16 * 1024 + 1 + rng.int(48 * 1024);
      const choice = rng.int(4);
      if (choice === 0) return text({ v: 1, type: 'message', clientMsgId: clientMsgId(rng), text: 'A'.repeat(size) });
      if (choice === 1) return text({ v: 1, type: 'hello', lastSeq: 0, pad: '中'.repeat(Math.ceil(size / 3)) });
      if (choice === 2) return text({ v: 1, type: 'message', [`k${'x'.repeat(size)}`]: 1 });
      return text(Array.from({ length: Math.ceil(size / 2) }, () => 1));
    }
    case 'deep_nesting': {
      const depth = 500 + rng.int(4500);
      const choice = rng.int(4);
      if (choice === 0) return { data: nest(Math.min(depth, 8000), '[', ']'), binary: false };
      if (choice === 1) return { data: nest(Math.min(depth, 2500), '{"a":', '}'), binary: false };
      if (choice === 2)
        return {
          data: `{"v":1,"type":"message","clientMsgId":"${clientMsgId(rng)}","text":${nest(Math.min(depth, 2500), '{"t":', '}', '"x"')}}`,
          binary: false,
        };
      return { data: `{"v":1,"type":"hello","lastSeq":0,"page":${nest(Math.min(depth, 7000), '[', ']')}}`, binary: false };
    }
    case 'proto_keys': {
      const frame = baseFrame(rng, role, rng.pick(types));
      const key = rng.pick(PROTO_KEYS);
      const payload = JSON.stringify({ polluted: 'yes', isAdmin: true, vip: true, ready: true, role: 'agent' });
      const raw = JSON.stringify(frame);
      const choice = rng.int(4);
      // Built as text so "__proto__" arrives as an own JSON key, the way an attacker would send it.
      if (choice === 0) return { data: `{"${key}":${payload},${raw.slice(1)}`, binary: false };
      if (choice === 1) return { data: `${raw.slice(0, -1)},"${key}":{"prototype":${payload}}}`, binary: false };
      if (choice === 2 && 'identity' in frame) return { data: raw.replace('"identity":{', `"identity":{"${key}":${payload},`), binary: false };
      if (choice === 2 && 'page' in frame) return { data: raw.replace('"page":{', `"page":{"${key}":${payload},`), binary: false };
      return { data: `{"${key}":${raw}}`, binary: false };
    }
    case 'lone_surrogate': {
      // Escaped in the JSON text, so the frame is valid UTF-8 on the wire but a lone surrogate after JSON.parse.
      const surrogate = rng.pick(['\\ud800', '\\udbff', '\\udc00', '\\udfff', '\\ud83d', 'x\\ude00x']);
      if (role === 'inbox') return { data: `{"v":1,"type":"claim","conversationId":"${surrogate}"}`, binary: false };
      const where = rng.int(3);
      if (where === 0) return { data: `{"v":1,"type":"message","clientMsgId":"${clientMsgId(rng)}","text":"hi ${surrogate} there"}`, binary: false };
      if (where === 1 && role === 'visitor') return { data: `{"v":1,"type":"offline_ticket","email":"a@example.com","message":"${surrogate}"}`, binary: false };
      if (where === 1) return { data: `{"v":1,"type":"note","clientMsgId":"${clientMsgId(rng)}","text":"${surrogate}"}`, binary: false };
      return { data: `{"v":1,"type":"${surrogate}"}`, binary: false };
    }
    case 'invalid_utf8': {
      const bytes = [0xff, 0xfe, 0xc0, 0xc1, 0xf5, 0x80, 0xed, 0xa0, 0x80];
      const prefix = Buffer.from(rng.pick(['{"v":1,', '{', '[', '', '{"v":1,"type":"hello"']));
      const bad = Buffer.from(Array.from({ length: 1 + rng.int(6) }, () => rng.pick(bytes)));
      return { data: Buffer.concat([prefix, bad, Buffer.from(rng.pick(['}', '', ']', '"x"}']))]), binary: false };
    }
    case 'binary': {
      const choice = rng.int(3);
      if (choice === 0) return { data: Buffer.from(JSON.stringify(baseFrame(rng, role, 'hello'))), binary: true };
      if (choice === 1) return { data: Buffer.from(JSON.stringify(baseFrame(rng, role, rng.pick(types)))), binary: true };
      return { data: Buffer.from(Array.from({ length: rng.int(2048) }, () => rng.int(256))), binary: true };
    }
  }
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/** What the Worker's parseFrame says about this frame, as it will see it. */
export function expectedOutcome(schema: z.ZodType<unknown>, data: string | Buffer, binary: boolean): { ok: true } | { ok: false; code: string } {
  if (binary) {
    const bytes = data as Buffer;
    return parseFrame(schema, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  }
  const textData = typeof data === 'string' ? data : decoder.decode(data);
  return parseFrame(schema, textData);
}

export function pickCategory(rng: Rng): Category {
  let roll = rng.next() * TOTAL_WEIGHT;
  for (const category of CATEGORIES) {
    roll -= WEIGHTS[category];
    if (roll < 0) return category;
  }
  return 'bad_json';
}

/**
 * Draws one refused frame for `role`. `accepted` counts draws the schema would have accepted
 * (thrown away), so the report can show the generator is not trivially harmless.
 */
export function generate(rng: Rng, role: Role, schema: z.ZodType<unknown>, stats: { accepted: number }): FuzzFrame {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const category = pickCategory(rng);
    const { data, binary } = draw(rng, role, category);
    const outcome = expectedOutcome(schema, data, binary);
    if (outcome.ok) {
      stats.accepted += 1;
      continue;
    }
    return { category, data, binary, expected: outcome.code };
  }
  throw new Error('generator kept drawing frames the schema accepts');
}
