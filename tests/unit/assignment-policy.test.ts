import { describe, expect, it } from 'vitest';
import type { AgentPresence } from '../../protocol/index.ts';
import {
  DEFAULT_WAIT_SECONDS,
  estimatedWaitSeconds,
  handoffRoute,
  MIN_WAIT_SECONDS,
  nextAgent,
  priorityOf,
  queueOrder,
} from '../../worker/inbox/assignment-policy.ts';

const agent = (id: string, status: AgentPresence['status'], activeChats = 0): AgentPresence => ({ id, name: id, status, activeChats });

describe('priority: angry and complaints first, then VIP, then an explicit request, then the unsure bot', () => {
  it.each([
    ['angry', false, 0],
    ['complaint', true, 0],
    ['low_confidence', true, 1],
    ['requested_human', true, 1],
    ['requested_human', false, 2],
    ['not_helpful_twice', false, 2],
    ['low_confidence', false, 3],
    ['out_of_scope', false, 3],
  ] as const)('%s, vip %s → %i', (reason, vip, expected) => {
    expect(priorityOf(reason, vip)).toBe(expected);
  });
});

describe('queue order', () => {
  it('puts requeued chats first, then priority, then the longest wait', () => {
    const chats = [
      { conversationId: 'late-angry', priority: 0, queuedAt: 300, requeued: false },
      { conversationId: 'early-unsure', priority: 3, queuedAt: 100, requeued: false },
      { conversationId: 'requeued-unsure', priority: 3, queuedAt: 500, requeued: true },
      { conversationId: 'early-angry', priority: 0, queuedAt: 200, requeued: false },
    ] as const;
    expect(queueOrder(chats).map((c) => c.conversationId)).toEqual(['requeued-unsure', 'early-angry', 'late-angry', 'early-unsure']);
  });

  it('is stable for ties and does not change its input', () => {
    const chats = [
      { conversationId: 'b', priority: 2 as const, queuedAt: 1, requeued: false },
      { conversationId: 'a', priority: 2 as const, queuedAt: 1, requeued: false },
    ];
    expect(queueOrder(chats).map((c) => c.conversationId)).toEqual(['a', 'b']);
    expect(chats[0]!.conversationId).toBe('b');
  });
});

describe('handoff route', () => {
  it.each([
    [false, true, 'take_chat', 'offline'],
    [false, false, 'take_chat', 'offline'],
    [true, true, 'offline_form', 'queue'],
    [true, false, 'take_chat', 'queue'],
    [true, false, 'offline_form', 'offline'],
  ] as const)('agent online %s, within hours %s, outside hours %s → %s', (agentOnline, withinBusinessHours, outsideHoursWithAgentOnline, expected) => {
    expect(handoffRoute({ agentOnline, withinBusinessHours, outsideHoursWithAgentOnline })).toBe(expected);
  });
});

describe('round robin under the cap', () => {
  const team = [agent('c', 'online', 0), agent('a', 'online', 1), agent('b', 'online', 0), agent('d', 'away', 0), agent('e', 'offline', 0)];

  it('takes the next online agent after the last one served, wrapping around', () => {
    expect(nextAgent(team, 3, '')).toBe('a');
    expect(nextAgent(team, 3, 'a')).toBe('b');
    expect(nextAgent(team, 3, 'b')).toBe('c');
    expect(nextAgent(team, 3, 'c')).toBe('a');
  });

  it('skips agents at their cap, away or offline', () => {
    expect(nextAgent(team, 1, '')).toBe('b');
    expect(nextAgent([agent('d', 'away'), agent('e', 'offline')], 5, '')).toBeNull();
    expect(nextAgent([agent('a', 'online', 2)], 2, '')).toBeNull();
  });
});

describe('estimated wait', () => {
  it('assumes the default wait with no history, per position, over the agents online', () => {
    expect(estimatedWaitSeconds([], 1, 1)).toBe(DEFAULT_WAIT_SECONDS);
    expect(estimatedWaitSeconds([], 2, 1)).toBe(2 * DEFAULT_WAIT_SECONDS);
    expect(estimatedWaitSeconds([], 2, 2)).toBe(DEFAULT_WAIT_SECONDS);
  });

  it('averages recent claims and never promises less than the floor', () => {
    expect(estimatedWaitSeconds([20_000, 40_000], 1, 1)).toBe(30);
    expect(estimatedWaitSeconds([1_000], 1, 4)).toBe(MIN_WAIT_SECONDS);
    expect(estimatedWaitSeconds([60_000], 3, 0)).toBe(180);
  });
});
