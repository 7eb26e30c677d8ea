import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUDGET_BYTES, widgetSizes } from '../../bench/widget-size.ts';

describe('the shopper download stays small', () => {
  it('loader ≤ 1 KB and app ≤ 15 KB gzipped (Preact included)', () => {
    expect(existsSync('dist/public/widget/app.js'), 'run `npm run build` first').toBe(true);
    const sizes = widgetSizes();
    console.log(`widget size (gzipped): loader ${sizes.loader} B of ${BUDGET_BYTES.loader} B, app ${sizes.app} B of ${BUDGET_BYTES.app} B`);
    expect(sizes.loader).toBeLessThanOrEqual(BUDGET_BYTES.loader);
    expect(sizes.app).toBeLessThanOrEqual(BUDGET_BYTES.app);
  });
});
