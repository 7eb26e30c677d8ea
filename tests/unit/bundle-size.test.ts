import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUNDLE_BUDGET_KIB, measureBundle } from '../../bench/bundle-size.ts';

describe('the Worker bundle stays within its budget', () => {
  it(`wrangler deploy --dry-run: gzipped upload ≤ the budget in bench/bundle-size.ts`, () => {
    expect(existsSync('dist/public'), 'run `npm run build` first').toBe(true);
    const size = measureBundle();
    console.log(`worker bundle: ${size.uploadKiB} KiB, ${size.gzipKiB} KiB gzipped, budget ${BUNDLE_BUDGET_KIB} KiB gzipped`);
    expect(size.gzipKiB).toBeGreaterThan(0);
    expect(size.gzipKiB).toBeLessThanOrEqual(BUNDLE_BUDGET_KIB);
  }, 60_000);
});
