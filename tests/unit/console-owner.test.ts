/**
 * The console's owner-side view helpers (console/src/articles.ts, settings.ts): the editor's form
 * and its validation with the protocol's own schemas, the list grouped by article, and settings
 * updated by path with errors keyed the way the server's 400 `field` names them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { draftFromForm, emptyForm, groupArticles, slugFromTitle, statusLabel, validateArticle } from '../../console/src/articles.ts';
import { changedSections, errorUnder, setIn, validateSettings } from '../../console/src/settings.ts';
import type { ArticleSummary } from '../../protocol/site-admin.ts';
import type { SiteConfig } from '../../protocol/site-config.ts';

const demo = JSON.parse(readFileSync('knowledge-base/sites/demo/site.json', 'utf8')) as SiteConfig;

describe('article form', () => {
  it('splits tags on commas (also the Chinese comma) and questions on lines, dropping blanks', () => {
    const form = { ...emptyForm('zh', 'returns'), title: ' 退货 ', tags: '退货，退款, ,return', questions: '怎么退货？\n\n  可以退吗？  \n', body: '第一段。' };
    expect(draftFromForm(form, 3)).toEqual({
      title: '退货',
      tags: ['退货', '退款', 'return'],
      questions: ['怎么退货？', '可以退吗？'],
      body: '第一段。',
      baseRevision: 3,
    });
  });

  it('refuses what the server refuses, at the field, with the item number', () => {
    const form = { ...emptyForm('en'), id: 'Bad Id', title: '', tags: 'ok', questions: 'fine\n<b>bold</b> question', body: '' };
    const errors = validateArticle(form, true);
    expect(errors.id).toBe('id must be lower-case letters, digits and dashes');
    expect(errors.title).toBe('must not be empty');
    expect(errors.questions).toBe('Example question 2: must be plain text, without HTML or script');
    expect(errors.body).toMatch(/must not be empty/);
    expect(validateArticle({ ...form, id: 'good-id', title: 'Fine', questions: 'fine', body: 'Yes.' }, true)).toEqual({});
    // An existing article's id is not the editor's to check.
    expect(validateArticle({ ...form, title: 'Fine', questions: 'fine', body: 'Yes.' }, false)).toEqual({});
  });

  it('makes a readable id from a Latin title and none from a Chinese one', () => {
    expect(slugFromTitle('Returns & refunds: the policy!')).toBe('returns-refunds-the-policy');
    expect(slugFromTitle('Café opening hours')).toBe('cafe-opening-hours');
    expect(slugFromTitle('退货政策')).toBe('');
  });
});

describe('article list', () => {
  const summary = (id: string, locale: 'en' | 'zh', title: string, status: ArticleSummary['status'] = 'published'): ArticleSummary => ({
    id,
    locale,
    title,
    tags: [],
    status,
    hasUnpublishedChanges: false,
    revision: 1,
    updatedAt: 0,
    updatedBy: 'x',
  });

  it('puts both languages of an article on one row, sorted by title, a missing one left empty', () => {
    const rows = groupArticles([
      summary('track', 'zh', '查询订单'),
      summary('returns', 'en', 'Returns'),
      summary('track', 'en', 'Track an order'),
      summary('returns', 'zh', '退货'),
    ]);
    expect(rows.map((row) => row.id)).toEqual(['returns', 'track']);
    expect(rows[1]!.byLocale.zh!.title).toBe('查询订单');
    expect(groupArticles([summary('only-zh', 'zh', '只有中文')])[0]!.byLocale.en).toBeUndefined();
  });

  it('says when a published article has unpublished changes', () => {
    expect(statusLabel({ status: 'published', hasUnpublishedChanges: true })).toBe('Published, with unpublished changes');
    expect(statusLabel({ status: 'draft', hasUnpublishedChanges: true })).toBe('Draft');
  });
});

describe('settings editor helpers', () => {
  it('updates by path without touching the original', () => {
    const next = setIn(demo, ['businessHours', 'weekly', 'mon', 0, 1], '17:00');
    expect(next.businessHours.weekly.mon[0]).toEqual(['09:00', '17:00']);
    expect(demo.businessHours.weekly.mon[0]).toEqual(['09:00', '18:00']);
    expect(Array.isArray(next.businessHours.weekly.mon)).toBe(true);
    expect(setIn(demo, ['greeting', 'zh'], undefined).greeting).toEqual({ en: demo.greeting.en });
  });

  it('keys schema errors by field path, as the server names them', () => {
    expect(validateSettings(demo)).toEqual({});
    const broken = setIn(setIn(setIn(demo, ['theme', 'color'], 'red'), ['greeting', 'zh'], undefined), ['idle', 'closeSeconds'], 10);
    const errors = validateSettings(broken);
    expect(errors['theme.color']).toBe('color must be #rrggbb');
    expect(errors['greeting.zh']).toBe('missing the zh text (the site lists zh in "locales")');
    expect(errorUnder(errors, 'idle')).toBe('idle timings must grow: first < second < close');
    const hours = validateSettings(setIn(demo, ['businessHours', 'weekly', 'tue', 0], ['18:00', '09:00']));
    expect(errorUnder(hours, 'businessHours.weekly.tue')).toBe('an opening range must end after it starts');
    expect(validateSettings(setIn(demo, ['agentGraceSeconds'], Number.NaN)).agentGraceSeconds).toBeTruthy();
  });

  it('lists the sections another admin changed', () => {
    expect(changedSections(demo, setIn(setIn(demo, ['name'], 'Other'), ['theme', 'color'], '#000000'))).toEqual(['name', 'theme']);
  });
});
