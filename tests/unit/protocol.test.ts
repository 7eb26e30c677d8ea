import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES, MAX_TEXT_LENGTH, parseFrame, visitorInboundSchema } from '../../protocol/index.ts';

const parse = (raw: string | ArrayBuffer) => parseFrame(visitorInboundSchema, raw);
const json = (value: unknown) => JSON.stringify(value);

describe('visitor frame validation', () => {
  it.each([
    ['hello', { v: 1, type: 'hello', lastSeq: 0 }],
    ['hello with locale and page', { v: 1, type: 'hello', lastSeq: 12, locale: 'zh', page: { url: 'https://shop.example/p/1', title: 'Mug' } }],
    ['message', { v: 1, type: 'message', clientMsgId: 'a1b2c3d4e5', text: 'Where is my order?' }],
    ['message at the length limit', { v: 1, type: 'message', clientMsgId: 'a1b2c3d4e5', text: '好'.repeat(MAX_TEXT_LENGTH) }],
    ['typing', { v: 1, type: 'typing', on: true }],
    ['feedback', { v: 1, type: 'feedback', seq: 3, helpful: false }],
    ['choose_article', { v: 1, type: 'choose_article', clientMsgId: 'chip-000001', articleId: 'returns-policy' }],
  ])('accepts a valid %s frame', (_name, frame) => {
    const result = parse(json(frame));
    expect(result).toEqual({ ok: true, frame });
  });

  const badFrames: [string, string | ArrayBuffer, string][] = [
    ['binary', new ArrayBuffer(4), 'binary_not_supported'],
    ['invalid JSON', '{"v":1,"type":', 'bad_json'],
    ['empty string', '', 'bad_json'],
    ['larger than 16 KB', json({ v: 1, type: 'message', clientMsgId: 'a1b2c3d4e5', text: 'x'.repeat(MAX_FRAME_BYTES) }), 'frame_too_large'],
    ['multi-byte text over 16 KB in UTF-8', json({ v: 1, type: 'typing', on: true, pad: '好'.repeat(6000) }), 'frame_too_large'],
    ['text over 4,000 characters', json({ v: 1, type: 'message', clientMsgId: 'a1b2c3d4e5', text: 'x'.repeat(MAX_TEXT_LENGTH + 1) }), 'invalid_frame'],
    ['blank text', json({ v: 1, type: 'message', clientMsgId: 'a1b2c3d4e5', text: '  \n ' }), 'invalid_frame'],
    ['lone surrogate', '{"v":1,"type":"message","clientMsgId":"a1b2c3d4e5","text":"bad \\ud800 text"}', 'invalid_frame'],
    ['lone surrogate in a page title', '{"v":1,"type":"hello","lastSeq":0,"page":{"url":"https://a.example/","title":"x\\udc00"}}', 'invalid_frame'],
    ['lone surrogate in a key', '{"v":1,"type":"typing","on":true,"\\ud83d":1}', 'invalid_frame'],
    ['missing version', json({ type: 'hello', lastSeq: 0 }), 'invalid_frame'],
    ['wrong version', json({ v: 2, type: 'hello', lastSeq: 0 }), 'unsupported_version'],
    ['unknown type', json({ v: 1, type: 'delete_everything' }), 'invalid_frame'],
    ['no type', json({ v: 1 }), 'invalid_frame'],
    ['a JSON array', '[{"v":1,"type":"hello","lastSeq":0}]', 'invalid_frame'],
    ['a JSON string', '"hello"', 'invalid_frame'],
    ['null', 'null', 'invalid_frame'],
    ['text as a number', json({ v: 1, type: 'message', clientMsgId: 'a1b2c3d4e5', text: 42 }), 'invalid_frame'],
    ['text as an object', json({ v: 1, type: 'message', clientMsgId: 'a1b2c3d4e5', text: { toString: 'x' } }), 'invalid_frame'],
    ['short clientMsgId', json({ v: 1, type: 'message', clientMsgId: 'abc', text: 'hi' }), 'invalid_frame'],
    ['clientMsgId with markup', json({ v: 1, type: 'message', clientMsgId: '<img src=x>', text: 'hi' }), 'invalid_frame'],
    ['negative lastSeq', json({ v: 1, type: 'hello', lastSeq: -1 }), 'invalid_frame'],
    ['fractional lastSeq', json({ v: 1, type: 'hello', lastSeq: 1.5 }), 'invalid_frame'],
    ['unknown locale', json({ v: 1, type: 'hello', lastSeq: 0, locale: 'xx' }), 'invalid_frame'],
    ['extra field', json({ v: 1, type: 'typing', on: true, admin: true }), 'invalid_frame'],
    ['__proto__ key', '{"v":1,"type":"typing","on":true,"__proto__":{"polluted":true}}', 'invalid_frame'],
    ['constructor key', json({ v: 1, type: 'typing', on: true, constructor: { prototype: { polluted: true } } }), 'invalid_frame'],
    ['deep nesting', `{"v":1,"type":"typing","on":${'['.repeat(2000)}${']'.repeat(2000)}}`, 'invalid_frame'],
    ['article id with path characters', json({ v: 1, type: 'choose_article', clientMsgId: 'a1b2c3d4e5', articleId: '../../etc/passwd' }), 'invalid_frame'],
  ];

  it.each(badFrames)('rejects %s with %s', (_name, raw, code) => {
    const result = parse(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe(code);
      expect(result.message.length).toBeGreaterThan(0);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('echoes a valid clientMsgId on an invalid message so the sender can mark it failed', () => {
    const result = parse(json({ v: 1, type: 'message', clientMsgId: 'a1b2c3d4e5', text: '' }));
    expect(result).toMatchObject({ ok: false, code: 'invalid_frame', clientMsgId: 'a1b2c3d4e5' });
  });
});
