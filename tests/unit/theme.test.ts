import { describe, expect, it } from 'vitest';
import { contrastRatio, inkOnWhite, textOn } from '../../widget/app/theme.ts';

describe('theme colours stay readable', () => {
  it('computes WCAG contrast ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });

  it.each([
    ['#1f6f5c', '#ffffff'],
    ['#f2c14e', '#000000'],
    ['#ffffff', '#000000'],
    ['#000000', '#ffffff'],
    ['#e63946', '#000000'],
  ])('puts readable text on %s', (background, expected) => {
    expect(textOn(background)).toBe(expected);
    expect(contrastRatio(background, textOn(background))).toBeGreaterThanOrEqual(4.5);
  });

  it.each(['#f2c14e', '#ffff00', '#ffffff', '#87ceeb', '#1f6f5c'])('darkens %s until it reads on white', (color) => {
    const ink = inkOnWhite(color);
    expect(contrastRatio(ink, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    if (contrastRatio(color, '#ffffff') >= 4.5) expect(ink).toBe(color);
  });
});
