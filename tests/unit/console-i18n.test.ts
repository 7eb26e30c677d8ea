import { describe, expect, it } from 'vitest';
import { formatPercent, formatSeconds, type MessageKey, setLocale, t } from '../../console/src/i18n.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('the console catalogue', () => {
  it('has every message in both languages, with the same placeholders', async () => {
    const source = await import('node:fs').then((fs) => fs.readFileSync('console/src/i18n.ts', 'utf8'));
    const keys = [...source.matchAll(/^ {2}'([\w.-]+)':/gm)].map((match) => match[1] as MessageKey);
    const chineseSource = await import('node:fs').then((fs) => fs.readFileSync('console/src/i18n-zh.ts', 'utf8'));
    const chineseKeys = [...chineseSource.matchAll(/^ {2}'([\w.-]+)':/gm)].map((match) => match[1]);
    const unique = [...new Set(keys)];
    expect(keys.length).toBe(unique.length);
    expect(new Set(chineseKeys)).toEqual(new Set(unique));
    for (const key of unique) {
      await setLocale('en');
      const english = t(key);
      await setLocale('zh-CN');
      const chinese = t(key);
      expect(placeholders(chinese), key).toEqual(placeholders(english));
      expect(chinese.trim(), key).not.toBe('');
    }
    await setLocale('en');
  });

  it('fills placeholders as plain text and formats numbers per locale', async () => {
    await setLocale('en');
    expect(t('chat.typing', { name: '<b>Ann</b>' })).toBe('<b>Ann</b> is typing…');
    expect(formatPercent(0.4)).toBe('40%');
    expect(formatSeconds(65)).toBe('1 min 5 sec');
    await setLocale('zh-CN');
    expect(t('chat.typing', { name: 'Ann' })).toBe('Ann 正在输入…');
    expect(formatPercent(0.4)).toBe('40%');
    await setLocale('en');
  });
});
