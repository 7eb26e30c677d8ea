/**
 * CI smoke of the load bench: 100 shoppers for 1 minute against a fresh `wrangler dev`.
 * Asserts only correctness (0 errors, 0 lost, every question answered), never timings;
 * the figures are printed for the log.
 */
import { describe, expect, it } from 'vitest';
import { printLoadReport, runLoad } from '../../bench/load/run.ts';

const SHOPPERS = Number(process.env.KEFU_LOAD_SMOKE_SHOPPERS ?? 100);
const MINUTES = Number(process.env.KEFU_LOAD_SMOKE_MINUTES ?? 1);

describe('load smoke', () => {
  it(`${SHOPPERS} shoppers for ${MINUTES} min: 0 errors, 0 lost`, async () => {
    const report = await runLoad({ shoppers: SHOPPERS, minutes: MINUTES, rampSeconds: 10 });
    printLoadReport(report);
    expect(report.errorDetail).toEqual({});
    expect(report.errors).toBe(0);
    expect(report.lostDetail).toEqual([]);
    expect(report.lost).toBe(0);
    expect(report.connectionsHeldAtEnd).toBe(SHOPPERS);
    // Real traffic flowed: each shopper asked several questions and each got its answer.
    expect(report.messagesSent).toBeGreaterThanOrEqual(SHOPPERS * 3);
    expect(report.botReplies).toBe(report.messagesSent);
  }, 240_000);
});
