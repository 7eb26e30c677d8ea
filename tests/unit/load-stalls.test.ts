import { describe, expect, it } from 'vitest';
import { findStalls, type TimedReply } from '../../bench/load/stalls.ts';

/** `count` replies sent `spacingMs` apart from `fromMs`, each arriving at `arrivedMs` (or taking `latencyMs`). */
function replies(count: number, fromMs: number, spacingMs: number, timing: { arrivedMs?: number; latencyMs?: number }): TimedReply[] {
  return Array.from({ length: count }, (_, index) => {
    const sentMs = fromMs + index * spacingMs;
    return { sentMs, latencyMs: timing.latencyMs ?? timing.arrivedMs! - sentMs };
  });
}

describe('bench:load stalls', () => {
  it('finds replies held up together, and leaves scattered slow ones as queueing', () => {
    const frozen = replies(8, 10_000, 10, { arrivedMs: 10_150 }); // sent over 70 ms, all answered at once
    const scattered = [5_000, 20_000, 30_000].map((sentMs) => ({ sentMs, latencyMs: 80 }));
    const quick = replies(200, 0, 150, { latencyMs: 6 });
    const stalls = findStalls([...quick, ...scattered, ...frozen], []);
    expect(stalls).toEqual([{ startMs: 10_150, endMs: 10_150, replies: 8, maxLatencyMs: 150, generatorPaused: false }]);
  });

  it('needs enough slow replies close together to call it a stall', () => {
    const four = replies(4, 1_000, 5, { arrivedMs: 1_200 });
    const spread = replies(6, 3_000, 100, { latencyMs: 90 }); // each arrives 100 ms after the last: no shared cause
    expect(findStalls([...four, ...spread], [])).toEqual([]);
  });

  it('says when the generator itself paused while the replies were on their way', () => {
    const stalled = replies(6, 2_000, 10, { arrivedMs: 2_200 });
    const later = replies(6, 9_000, 10, { arrivedMs: 9_200 });
    const stalls = findStalls([...stalled, ...later], [{ atMs: 2_100, ms: 90 }]);
    expect(stalls.map((stall) => [stall.startMs, stall.generatorPaused])).toEqual([
      [2_200, true],
      [9_200, false],
    ]);
  });

  it('does not blame a pause that ended before the stalled replies were sent', () => {
    const stalled = replies(5, 4_000, 10, { arrivedMs: 4_120 });
    expect(findStalls(stalled, [{ atMs: 3_800, ms: 100 }])[0]?.generatorPaused).toBe(false);
  });
});
