import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CHAT_ROW_EVENT_TYPES,
  type ChatRowEvent,
  type ChatRowEventType,
  type ChatRowState,
  CONVERSATION_EVENT_TYPES,
  CONVERSATION_STATES,
  type ConversationEvent,
  type ConversationEventType,
  type ConversationState,
  chatRowTransition,
  conversationTransition,
  LifecycleError,
} from '../../worker/lifecycle.ts';

/** One example of each event. */
const conversationEvents: { [T in ConversationEventType]: Extract<ConversationEvent, { type: T }> } = {
  shopper_message: { type: 'shopper_message' },
  handoff: { type: 'handoff', reason: 'requested_human' },
  inbox_queued: { type: 'inbox_queued', position: 2, estimatedWaitSeconds: 90 },
  inbox_offline: { type: 'inbox_offline', promisedReplyTime: 'within one working day' },
  agent_assigned: { type: 'agent_assigned', agentId: 'a1', agentName: 'Ann' },
  queue_position: { type: 'queue_position', position: 1, estimatedWaitSeconds: 30 },
  transfer: { type: 'transfer', toAgentId: 'a2', agentName: 'Bo' },
  back_to_bot: { type: 'back_to_bot' },
  agent_close: { type: 'agent_close' },
  idle_prompt: { type: 'idle_prompt', step: 1 },
  idle_close: { type: 'idle_close' },
  agent_grace_expired: { type: 'agent_grace_expired' },
  shopper_shutdown: { type: 'shopper_shutdown' },
  reopen: { type: 'reopen' },
  offline_ticket: { type: 'offline_ticket', email: 'a@b.example' },
  rate: { type: 'rate', score: 5, comment: 'quick' },
};

const X = 'illegal' as const;
const I = 'ignored' as const;
type Expected = ConversationState | typeof X | typeof I;

/**
 * The lifecycle as the Conversation runs it, written out cell by cell: every event in
 * every state is either a next state, dropped on purpose (a late alarm or queue update), or
 * illegal (the caller answers not_now / not_assigned).
 */
const EXPECTED: Record<ConversationEventType, Record<ConversationState, Expected>> = {
  shopper_message: { bot: 'bot', queued: 'queued', agent: 'agent', offline: 'bot', closed: 'bot' },
  handoff: { bot: 'bot', queued: X, agent: X, offline: 'offline', closed: 'closed' },
  inbox_queued: { bot: 'queued', queued: X, agent: X, offline: 'queued', closed: 'queued' },
  inbox_offline: { bot: 'offline', queued: X, agent: X, offline: 'offline', closed: 'offline' },
  agent_assigned: { bot: 'agent', queued: 'agent', agent: X, offline: 'agent', closed: 'agent' },
  queue_position: { bot: I, queued: 'queued', agent: I, offline: I, closed: I },
  transfer: { bot: X, queued: X, agent: 'agent', offline: X, closed: X },
  back_to_bot: { bot: X, queued: X, agent: 'bot', offline: X, closed: X },
  agent_close: { bot: X, queued: X, agent: 'closed', offline: X, closed: X },
  idle_prompt: { bot: I, queued: I, agent: 'agent', offline: I, closed: I },
  idle_close: { bot: I, queued: I, agent: 'closed', offline: I, closed: I },
  agent_grace_expired: { bot: I, queued: I, agent: 'queued', offline: I, closed: I },
  shopper_shutdown: { bot: I, queued: 'closed', agent: 'closed', offline: I, closed: I },
  reopen: { bot: X, queued: X, agent: X, offline: X, closed: 'closed' },
  offline_ticket: { bot: X, queued: X, agent: X, offline: 'offline', closed: X },
  rate: { bot: X, queued: X, agent: X, offline: X, closed: 'closed' },
};

const cells = CONVERSATION_EVENT_TYPES.flatMap((type) => CONVERSATION_STATES.map((state) => ({ type, state, expected: EXPECTED[type][state] })));

describe('conversation lifecycle: every event in every state', () => {
  it('lists every state and event type once', () => {
    expect(new Set(CONVERSATION_STATES).size).toBe(5);
    expect([...CONVERSATION_EVENT_TYPES].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(cells.filter((c) => c.expected !== X && c.expected !== I))('$state + $type → $expected', ({ type, state, expected }) => {
    const t = conversationTransition(state, conversationEvents[type]);
    expect(t.next).toBe(expected);
    expect(t.ignored).toBeUndefined();
    expect(t.effects.length).toBeGreaterThan(0);
  });

  it.each(cells.filter((c) => c.expected === I))('$state + $type is dropped on purpose, with a reason', ({ type, state }) => {
    const t = conversationTransition(state, conversationEvents[type]);
    expect(t.next).toBe(state);
    expect(t.effects).toEqual([]);
    expect(t.ignored).toMatch(/\w/);
  });

  it.each(cells.filter((c) => c.expected === X))('$state + $type is illegal: a typed error', ({ type, state }) => {
    let error: unknown;
    try {
      conversationTransition(state, conversationEvents[type]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LifecycleError);
    expect(error).toMatchObject({ machine: 'conversation', state, event: type });
  });
});

describe('conversation lifecycle: effects, in the order the Conversation carries them out', () => {
  const kinds = (state: ConversationState, event: ConversationEvent) => conversationTransition(state, event).effects.map((e) => e.kind);

  it('a handoff asks the inbox before it stores its notice; the answer moves the state', () => {
    expect(conversationTransition('bot', conversationEvents.handoff).effects).toEqual([
      { kind: 'call_inbox', call: { method: 'requestHandoff', reason: 'requested_human' } },
      { kind: 'store_message', author: 'bot', phrase: 'handoffNotice' },
    ]);
    expect(conversationTransition('bot', conversationEvents.inbox_queued).effects).toEqual([
      { kind: 'announce_state', state: 'queued', phrase: 'queued' },
      { kind: 'broadcast_queue', position: 2, estimatedWaitSeconds: 90 },
    ]);
    expect(kinds('closed', conversationEvents.inbox_offline)).toEqual(['remember_promised_reply_time', 'announce_state']);
    expect(conversationTransition('queued', conversationEvents.agent_assigned).effects[0]).toEqual({ kind: 'set_assignment', agentId: 'a1', agentName: 'Ann' });
  });

  it('back to the bot, close and shutdown release the inbox row before anything changes here', () => {
    expect(kinds('agent', { type: 'back_to_bot' })).toEqual(['call_inbox', 'cancel_idle_timer', 'clear_assignment', 'announce_state']);
    expect(conversationTransition('agent', { type: 'back_to_bot' }).effects[0]).toEqual({
      kind: 'call_inbox',
      call: { method: 'release', outcome: 'back_to_bot' },
    });
    expect(kinds('agent', { type: 'agent_close' })).toEqual(['call_inbox', 'cancel_idle_timer', 'announce_state']);
    expect(kinds('agent', { type: 'idle_close' })).toEqual(['call_inbox', 'store_message', 'cancel_idle_timer', 'announce_state']);
    expect(kinds('queued', { type: 'shopper_shutdown' })).toEqual(['call_inbox', 'cancel_idle_timer', 'announce_state']);
  });

  it('every step that calls the inbox calls it before it stores or announces anything', () => {
    for (const { type, state } of cells) {
      let effects: string[];
      try {
        effects = kinds(state, conversationEvents[type]);
      } catch {
        continue;
      }
      const call = effects.indexOf('call_inbox');
      if (call < 0 || type === 'shopper_message') continue;
      const firstChange = effects.findIndex((kind) => ['store_message', 'announce_state', 'store_rating', 'set_assignment', 'clear_assignment'].includes(kind));
      expect(firstChange === -1 || call < firstChange, `${state} + ${type}: ${effects.join(', ')}`).toBe(true);
    }
  });

  it('every change of state is announced exactly once, with the state it moves to', () => {
    for (const { type, state } of cells) {
      let t: ReturnType<typeof conversationTransition>;
      try {
        t = conversationTransition(state, conversationEvents[type]);
      } catch {
        continue;
      }
      const announced = t.effects.filter((e) => e.kind === 'announce_state');
      // Asking again from the offline form and finding nobody again is announced again: the promise may differ.
      if (state === 'offline' && type === 'inbox_offline') expect(announced).toEqual([expect.objectContaining({ state: 'offline' })]);
      else if (t.next === state) expect(announced, `${state} + ${type}`).toEqual([]);
      else expect(announced, `${state} + ${type}`).toEqual([expect.objectContaining({ state: t.next })]);
    }
  });

  it('the idle alarm prompts twice, then closes', () => {
    expect(conversationTransition('agent', { type: 'idle_prompt', step: 1 }).effects.at(-1)).toEqual({ kind: 'schedule_idle_alarm', after: 'second_prompt' });
    expect(conversationTransition('agent', { type: 'idle_prompt', step: 2 }).effects.at(-1)).toEqual({ kind: 'schedule_idle_alarm', after: 'close' });
  });

  it('a shopper message reaches the bot only outside human hands', () => {
    for (const state of CONVERSATION_STATES) {
      const effects = kinds(state, { type: 'shopper_message' });
      expect(effects.includes('bot_reply'), state).toBe(state === 'bot' || state === 'offline' || state === 'closed');
      expect(effects[0], state).toBe('cancel_idle_timer');
    }
    expect(kinds('closed', { type: 'shopper_message' })).toEqual(['cancel_idle_timer', 'announce_state', 'bot_reply']);
  });

  it('losing the agent sends the chat back to the queue and drops the assignment', () => {
    expect(conversationTransition('agent', { type: 'agent_grace_expired' }).effects).toEqual([
      { kind: 'clear_assignment' },
      { kind: 'cancel_idle_timer' },
      { kind: 'announce_state', state: 'queued', phrase: 'requeued' },
    ]);
  });
});

// ---- the inbox's chat row ------------------------------------------------------------------

type RowExpected = ChatRowState | typeof X;
const ROW_STATES: ReadonlyArray<ChatRowState | null> = [null, ...CONVERSATION_STATES];
const rowEvents: { [T in ChatRowEventType]: Extract<ChatRowEvent, { type: T }> } = {
  handoff_queued: { type: 'handoff_queued' },
  handoff_offline: { type: 'handoff_offline' },
  assign: { type: 'assign', agentId: 'a1', by: 'claim' },
  assign_failed: { type: 'assign_failed' },
  transfer: { type: 'transfer', fromAgentId: 'a1', toAgentId: 'a2' },
  release: { type: 'release', outcome: 'closed' },
  grace_expired: { type: 'grace_expired' },
};
const ROW_EXPECTED: Record<ChatRowEventType, Record<'none' | ChatRowState, RowExpected>> = {
  handoff_queued: { none: 'queued', bot: 'queued', queued: 'queued', agent: X, offline: 'queued', closed: 'queued' },
  handoff_offline: { none: 'offline', bot: 'offline', queued: 'offline', agent: X, offline: 'offline', closed: 'offline' },
  assign: { none: X, bot: X, queued: 'agent', agent: X, offline: X, closed: X },
  assign_failed: { none: X, bot: X, queued: X, agent: 'queued', offline: X, closed: X },
  transfer: { none: X, bot: X, queued: X, agent: 'agent', offline: X, closed: X },
  release: { none: X, bot: X, queued: 'closed', agent: 'closed', offline: X, closed: X },
  grace_expired: { none: X, bot: X, queued: X, agent: 'queued', offline: X, closed: X },
};
const rowCells = CHAT_ROW_EVENT_TYPES.flatMap((type) => ROW_STATES.map((state) => ({ type, state, expected: ROW_EXPECTED[type][state ?? 'none'] })));

describe("the inbox's chat row: the same states, its own events", () => {
  it.each(rowCells.filter((c) => c.expected !== X))('$state + $type → $expected', ({ type, state, expected }) => {
    const t = chatRowTransition(state, rowEvents[type]);
    expect(t.next).toBe(expected);
    expect(t.effects.length).toBeGreaterThan(0);
  });

  it.each(rowCells.filter((c) => c.expected === X))('$state + $type is illegal: a typed error', ({ type, state }) => {
    expect(() => chatRowTransition(state, rowEvents[type])).toThrow(LifecycleError);
  });

  it('release goes back to the bot or closes, as the holder asked', () => {
    expect(chatRowTransition('agent', { type: 'release', outcome: 'back_to_bot' }).next).toBe('bot');
    expect(chatRowTransition('agent', { type: 'release', outcome: 'back_to_bot' }).effects[0]).toEqual({ kind: 'write_release', outcome: 'back_to_bot' });
    expect(chatRowTransition('agent', { type: 'release', outcome: 'closed' }).effects[0]).toEqual({ kind: 'write_release', outcome: 'closed' });
  });

  it('a claim writes the row first (atomic), then tells the chat, and only then the agent', () => {
    const kinds = (by: 'claim' | 'auto' | 'handoff') => chatRowTransition('queued', { type: 'assign', agentId: 'a1', by }).effects.map((e) => e.kind);
    expect(kinds('claim')).toEqual(['write_assignment', 'tell_conversation', 'after_queue_change']);
    expect(kinds('auto')).toEqual(['write_assignment', 'tell_conversation', 'tell_agent_assigned']);
    // During a handoff the chat learns it from the answer: no call back into a Conversation that is waiting.
    expect(kinds('handoff')).toEqual(['write_assignment', 'tell_agent_assigned', 'broadcast_snapshots']);
  });

  it('a failed assignment and a vanished agent put the chat back at the front; the chat is told before the row changes', () => {
    expect(chatRowTransition('agent', rowEvents.assign_failed).effects.map((e) => e.kind)).toEqual(['write_requeue', 'broadcast_snapshots']);
    expect(chatRowTransition('agent', rowEvents.grace_expired).effects.map((e) => e.kind)).toEqual(['tell_conversation', 'write_requeue']);
  });

  it('the error names the machine, the state and the event', () => {
    expect(() => chatRowTransition(null, rowEvents.assign)).toThrow('chat_row: assign is not allowed in state (none)');
  });
});

describe('docs/architecture.md: the lifecycle diagram matches the table', () => {
  it('has exactly the state changes the table allows', () => {
    const doc = readFileSync(new URL('../../docs/architecture.md', import.meta.url), 'utf8');
    const diagram = /```mermaid\nstateDiagram-v2\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(diagram).toBeDefined();
    const drawn = new Set<string>();
    for (const line of diagram!.split('\n')) {
      const m = /^\s*(\w+) --> (\w+)/.exec(line);
      if (m && m[1] !== m[2]) drawn.add(`${m[1]} → ${m[2]}`);
    }
    const allowed = new Set<string>();
    for (const { type, state } of cells) {
      try {
        const t = conversationTransition(state, conversationEvents[type]);
        if (t.next !== state) allowed.add(`${state} → ${t.next}`);
      } catch (e) {
        if (!(e instanceof LifecycleError)) throw e;
      }
    }
    expect([...drawn].sort()).toEqual([...allowed].sort());
  });
});
