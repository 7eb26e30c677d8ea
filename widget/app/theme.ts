/**
 * Colours a site owner picks must stay readable (WCAG 2.1 AA, 4.5:1 for text). Pure functions.
 */

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function toHex([r, g, b]: [number, number, number]): string {
  return `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}

export function luminance(hex: string): number {
  const [r, g, b] = rgb(hex);
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** Black or white, whichever reads better on `background`. */
export function textOn(background: string): '#000000' | '#ffffff' {
  return contrastRatio(background, '#000000') >= contrastRatio(background, '#ffffff') ? '#000000' : '#ffffff';
}

/** The theme colour, darkened just enough to be readable as text on white (links, chips). */
export function inkOnWhite(color: string, minimum = 4.5): string {
  let [r, g, b] = rgb(color);
  for (let step = 0; step < 40 && contrastRatio(toHex([r, g, b]), '#ffffff') < minimum; step += 1) {
    [r, g, b] = [r * 0.92, g * 0.92, b * 0.92];
  }
  return toHex([r, g, b]);
}
