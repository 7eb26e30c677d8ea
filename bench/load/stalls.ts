/**
 * bench:load's stalls: where a minute's slow replies come from (pure, unit-tested).
 *
 * A slow reply alone is queueing; many slow replies arriving together mean something stopped
 * every chat at once: a long task or a collection in the runtime's thread, the dev proxy, or
 * the load generator itself. The generator notes its own pauses (a 20 ms timer that fired late),
 * so a stall can be told apart from one the measuring process caused.
 */

/** One answered question: when it was sent and how long the reply took, in ms from the run's start. */
export interface TimedReply {
  sentMs: number;
  latencyMs: number;
}

/** The load generator's own event loop stood still from `atMs` for `ms`. */
export interface GeneratorPause {
  atMs: number;
  ms: number;
}

export interface StallOptions {
  /** A reply slower than this is slow (the target's p99, 50 ms). */
  slowMs: number;
  /** Slow replies that arrive within this of each other belong to one stall. */
  gapMs: number;
  /** A stall has at least this many slow replies (fewer is ordinary queueing). */
  minReplies: number;
}

export const STALL_DEFAULTS: StallOptions = { slowMs: 50, gapMs: 60, minReplies: 5 };

export interface Stall {
  /** When its first slow reply arrived, ms from the run's start. */
  startMs: number;
  endMs: number;
  replies: number;
  maxLatencyMs: number;
  /** The generator itself paused while the stall's replies were on their way. */
  generatorPaused: boolean;
}

/** The stalls among `replies` (any order), with whether the generator paused during each. */
export function findStalls(replies: readonly TimedReply[], pauses: readonly GeneratorPause[], options: StallOptions = STALL_DEFAULTS): Stall[] {
  const arrivals = replies
    .filter((reply) => reply.latencyMs > options.slowMs)
    .map((reply) => ({ sentMs: reply.sentMs, arrivedMs: reply.sentMs + reply.latencyMs, latencyMs: reply.latencyMs }))
    .sort((a, b) => a.arrivedMs - b.arrivedMs);
  const groups: Array<typeof arrivals> = [];
  for (const arrival of arrivals) {
    const group = groups.at(-1);
    if (group && arrival.arrivedMs - group.at(-1)!.arrivedMs <= options.gapMs) group.push(arrival);
    else groups.push([arrival]);
  }
  return groups
    .filter((group) => group.length >= options.minReplies)
    .map((group) => {
      const startMs = group[0]!.arrivedMs;
      const endMs = group.at(-1)!.arrivedMs;
      // The window in which these replies were late: from the earliest of them being sent.
      const lateFrom = Math.min(...group.map((arrival) => arrival.sentMs));
      return {
        startMs,
        endMs,
        replies: group.length,
        maxLatencyMs: Math.max(...group.map((arrival) => arrival.latencyMs)),
        generatorPaused: pauses.some((pause) => pause.atMs < endMs && pause.atMs + pause.ms > lateFrom),
      };
    });
}
