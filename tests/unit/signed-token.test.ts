/** Signed tokens (worker/signed-token.ts): one accepted spelling, and any change is refused. */
import { describe, expect, it } from 'vitest';
import { fromBase64Url, signToken, toBase64Url, verifyToken } from '../../worker/signed-token.ts';

const SECRET = 'unit-test-secret';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('signed tokens', () => {
  it('accepts the token it signed', async () => {
    const token = await signToken(SECRET, { c: 'conversation-1', s: 'demo' }, 3600);
    expect(await verifyToken(SECRET, token)).toMatchObject({ c: 'conversation-1', s: 'demo' });
  });

  it('refuses every single-character change of a valid signature', async () => {
    const token = await signToken(SECRET, { c: 'conversation-1', s: 'demo' }, 3600);
    const [body, signature] = token.split('.') as [string, string];
    let tried = 0;
    for (let i = 0; i < signature.length; i++) {
      for (const char of ALPHABET) {
        if (char === signature[i]) continue;
        const changed = `${body}.${signature.slice(0, i)}${char}${signature.slice(i + 1)}`;
        expect(await verifyToken(SECRET, changed), `position ${i} → ${char}`).toBeNull();
        tried++;
      }
    }
    expect(tried).toBe(signature.length * 63);
  });

  it('reads only canonical base64url: a last character with stray unused bits is refused', () => {
    const bytes = new Uint8Array(32).map((_, i) => i * 7);
    const canonical = toBase64Url(bytes);
    expect(canonical).toHaveLength(43);
    expect(fromBase64Url(canonical)).toEqual(bytes);
    // 32 bytes leave 2 unused bits in the 43rd character: its 3 other spellings decode to the same bytes.
    const last = ALPHABET.indexOf(canonical.at(-1)!);
    const aliases = [1, 2, 3].map((bits) => `${canonical.slice(0, -1)}${ALPHABET[last | bits]}`).filter((alias) => alias !== canonical);
    expect(aliases.length).toBeGreaterThan(0);
    for (const alias of aliases) expect(fromBase64Url(alias), alias).toBeNull();
  });

  it('refuses padding, the standard alphabet and stray characters', () => {
    expect(fromBase64Url('YWJj')).toEqual(new TextEncoder().encode('abc'));
    for (const text of ['YWI=', 'YW+j', 'YW/j', 'YW j', 'Y']) expect(fromBase64Url(text), text).toBeNull();
  });
});
