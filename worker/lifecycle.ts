/**
 * The conversation lifecycle as one transition table: (state, event) → (next state, effects).
 * Pure: no I/O, no runtime imports. The effects are data, in the order the Durable Objects
 * carry them out; the caller performs them.
 *
 * Order across the two objects: a step that needs the other object calls it FIRST and changes
 * its own state only after the call succeeded. A failed call (after one retry when the runtime
 * says it may be retried) stops the step with nothing changed on this side, and is reported:
 * an error frame to whoever asked, or a retried alarm. So the two objects never disagree about a
 * chat for longer than a call takes. (The one exception is a claim, which must write first to
 * stay atomic: if the Conversation cannot be told, `assign_failed` puts the chat back.)
 *
 * The Conversation (worker/conversation/) and the SiteInbox (worker/inbox/) both run their
 * state changes through it and only carry the effects out. Two tables:
 *  - CONVERSATION_TRANSITIONS: the Conversation's state (its meta table);
 *  - CHAT_ROW_TRANSITIONS: the SiteInbox's copy of it, the `chats` row, typed by the same union.
 *
 * Three kinds of entry:
 *  - a transition: the event is legal here; `next` may equal the state (a transfer, a ticket);
 *  - ignored: the event can legitimately arrive late (a queue update racing a claim, an idle alarm
 *    after the agent handed the chat back); nothing happens, and the entry says why;
 *  - absent: the event is illegal in this state; transition() throws LifecycleError, so the
 *    caller answers with an error frame (today: `not_now`, `already_claimed`, `not_assigned`)
 *    and the state never changes silently.
 *
 * Not lifecycle events (no state changes): choose_article, feedback (its follow-up is a bot
 * reply or a handoff), identify, page, typing, read, notes. A handoff is two events: the
 * request (`handoff`: the notice is stored and the inbox asked, the state does not change yet),
 * then the inbox's answer (`inbox_queued`, `agent_assigned` or `inbox_offline`).
 */
import type { ConversationState, HandoffReason } from '../protocol/index.ts';
import type { PhraseKey } from './phrases.ts';

export type { ConversationState };

export const CONVERSATION_STATES = ['bot', 'queued', 'agent', 'offline', 'closed'] as const satisfies readonly ConversationState[];

/** A new chat starts with the bot (the first hello stores the greeting). */
export const INITIAL_STATE: ConversationState = 'bot';

// ---- the Conversation ---------------------------------------------------------------------

export type ConversationEvent =
  /** the shopper wrote (stored and acked before this) */
  | { type: 'shopper_message' }
  /** the bot decided to hand off, the shopper pressed "talk to a person", or "not helpful" left nothing to offer */
  | { type: 'handoff'; reason: HandoffReason }
  /** the inbox's answer to a handoff: queued */
  | { type: 'inbox_queued'; position: number; estimatedWaitSeconds: number }
  /** the inbox's answer to a handoff: outside business hours, or no agent online */
  | { type: 'inbox_offline'; promisedReplyTime: string }
  /** an agent has the chat: claimed from the queue, auto-assigned, or the inbox's answer to a handoff */
  | { type: 'agent_assigned'; agentId: string; agentName: string }
  /** the inbox tells a waiting shopper their new place */
  | { type: 'queue_position'; position: number; estimatedWaitSeconds: number }
  /** the holder gave the chat to another agent (the inbox accepted it first) */
  | { type: 'transfer'; toAgentId: string; agentName: string }
  /** the holder handed the chat back to the bot */
  | { type: 'back_to_bot' }
  /** the holder closed the chat */
  | { type: 'agent_close' }
  /** the idle alarm: a silent shopper after the agent's message gets prompt 1, then prompt 2 */
  | { type: 'idle_prompt'; step: 1 | 2 }
  /** the idle alarm after the second prompt: a goodbye, then the close */
  | { type: 'idle_close' }
  /** the holder's console stayed disconnected past the site's grace period */
  | { type: 'agent_grace_expired' }
  /** the shopper wrote into a closed chat within the site's reopen window: back to its agent, or the queue */
  | { type: 'reopen' }
  /** the shopper's page ended the chat for good (kefu('shutdown')): a waiting or served chat closes */
  | { type: 'shopper_shutdown' }
  /** the shopper left an e-mail and a question on the offline form */
  | { type: 'offline_ticket'; email: string }
  /** the shopper rated the finished chat */
  | { type: 'rate'; score: number; comment: string };

export type ConversationEventType = ConversationEvent['type'];

export const CONVERSATION_EVENT_TYPES = [
  'shopper_message',
  'handoff',
  'inbox_queued',
  'inbox_offline',
  'agent_assigned',
  'queue_position',
  'transfer',
  'back_to_bot',
  'agent_close',
  'idle_prompt',
  'idle_close',
  'agent_grace_expired',
  'shopper_shutdown',
  'reopen',
  'offline_ticket',
  'rate',
] as const satisfies readonly ConversationEventType[];

/** Calls from the Conversation to its site's SiteInbox. */
export type InboxCall =
  /** preferLastAgent: the agent who last held the chat takes it if online (a reopened chat) */
  | { method: 'requestHandoff'; reason: HandoffReason; preferLastAgent?: boolean }
  | { method: 'updateChat' }
  | { method: 'release'; outcome: 'back_to_bot' | 'closed' }
  | { method: 'createTicket'; email: string }
  | { method: 'recordRating'; score: number; comment: string };

export type ConversationEffect =
  /** changeState(): store the state, a system message (this phrase) and broadcast both to every socket */
  | { kind: 'announce_state'; state: ConversationState; phrase: PhraseKey }
  /** a transcript message that is not a state change, broadcast once stored */
  | { kind: 'store_message'; author: 'bot' | 'agent' | 'system'; phrase: PhraseKey | 'idle_prompt' | 'idle_goodbye' }
  | { kind: 'set_assignment'; agentId: string; agentName: string }
  | { kind: 'clear_assignment' }
  | { kind: 'cancel_idle_timer' }
  /** the idle alarm for the next step: after prompt 1 the second prompt, after prompt 2 the close */
  | { kind: 'schedule_idle_alarm'; after: 'second_prompt' | 'close' }
  | { kind: 'call_inbox'; call: InboxCall }
  | { kind: 'broadcast_queue'; position: number; estimatedWaitSeconds: number }
  /** the agents' consoles learn the new holder (a transfer does not change the state) */
  | { kind: 'broadcast_agents_state' }
  | { kind: 'remember_promised_reply_time'; promisedReplyTime: string }
  | { kind: 'store_rating'; score: number; comment: string }
  | { kind: 'broadcast_rating'; score: number; comment: string }
  /** run decide() on the shopper's message and act on it */
  | { kind: 'bot_reply' };

export interface Transition<S extends string, Effect> {
  readonly next: S;
  readonly effects: readonly Effect[];
  /** set when the event is dropped on purpose (a late arrival): why */
  readonly ignored?: string;
}

/** A legal event: the next state (fixed, or computed from the event and the current state) and the effects, in order. */
interface Step<S extends string, N extends string, E, Effect> {
  next: N | ((event: E, state: S) => N);
  effects: (event: E) => Effect[];
}

/** An event dropped on purpose in this state, and why. */
interface Ignore {
  ignored: string;
}

/** An event that is illegal in the current state. Nothing was changed. */
export class LifecycleError extends Error {
  override readonly name = 'LifecycleError';
  constructor(
    readonly machine: 'conversation' | 'chat_row',
    readonly state: string | null,
    readonly event: string,
  ) {
    super(`${machine}: ${event} is not allowed in state ${state ?? '(none)'}`);
  }
}

type ConversationStep<T extends ConversationEventType> = Step<
  ConversationState,
  ConversationState,
  Extract<ConversationEvent, { type: T }>,
  ConversationEffect
>;
type ConversationRule<T extends ConversationEventType> = ConversationStep<T> | Ignore;
/** Per event type, per state: its rule; a state without one makes the event illegal there. */
type ConversationTable = { readonly [T in ConversationEventType]: Partial<Record<ConversationState, ConversationRule<T>>> };

/** The event leaves the state as it is. */
const stay = <S extends string>(_event: unknown, state: S): S => state;

const REACHABLE_BY_HANDOFF = ['bot', 'offline', 'closed'] as const;

/** The same rule in each of the given states. */
function inStates<R>(states: readonly ConversationState[], rule: R): Partial<Record<ConversationState, R>> {
  return Object.fromEntries(states.map((s) => [s, rule]));
}

const lateAlarm = { ignored: 'an alarm or inbox call that arrives after the chat left the agent' } as const;

export const CONVERSATION_TRANSITIONS: ConversationTable = {
  shopper_message: {
    bot: { next: 'bot', effects: () => [{ kind: 'cancel_idle_timer' }, { kind: 'bot_reply' }] },
    queued: { next: stay, effects: () => [{ kind: 'cancel_idle_timer' }, { kind: 'call_inbox', call: { method: 'updateChat' } }] },
    agent: { next: stay, effects: () => [{ kind: 'cancel_idle_timer' }, { kind: 'call_inbox', call: { method: 'updateChat' } }] },
    ...inStates<ConversationRule<'shopper_message'>>(['offline', 'closed'], {
      next: 'bot',
      effects: () => [{ kind: 'cancel_idle_timer' }, { kind: 'announce_state', state: 'bot', phrase: 'backToBot' }, { kind: 'bot_reply' }],
    }),
  },
  // request_human is refused with not_now in queued and agent: a person is already on the way.
  // The inbox first: if it cannot be reached the shopper is told so, and no notice promises a person.
  handoff: inStates<ConversationRule<'handoff'>>(REACHABLE_BY_HANDOFF, {
    next: stay,
    effects: (e) => [
      { kind: 'call_inbox', call: { method: 'requestHandoff', reason: e.reason } },
      { kind: 'store_message', author: 'bot', phrase: 'handoffNotice' },
    ],
  }),
  inbox_queued: inStates<ConversationRule<'inbox_queued'>>(REACHABLE_BY_HANDOFF, {
    next: 'queued',
    effects: (e) => [
      { kind: 'announce_state', state: 'queued', phrase: 'queued' },
      { kind: 'broadcast_queue', position: e.position, estimatedWaitSeconds: e.estimatedWaitSeconds },
    ],
  }),
  inbox_offline: inStates<ConversationRule<'inbox_offline'>>(REACHABLE_BY_HANDOFF, {
    next: 'offline',
    effects: (e) => [
      { kind: 'remember_promised_reply_time', promisedReplyTime: e.promisedReplyTime },
      { kind: 'announce_state', state: 'offline', phrase: 'offline' },
    ],
  }),
  // From queued: a claim or auto-assignment. From bot, offline or closed: the inbox answered
  // a handoff with an agent straight away (auto-assignment on). Today assignAgent() does not
  // check the state at all; here a second assignment of a chat an agent holds is illegal.
  agent_assigned: inStates<ConversationRule<'agent_assigned'>>(['queued', ...REACHABLE_BY_HANDOFF], {
    next: 'agent',
    effects: (e) => [
      { kind: 'set_assignment', agentId: e.agentId, agentName: e.agentName },
      { kind: 'announce_state', state: 'agent', phrase: 'agentJoined' },
    ],
  }),
  queue_position: {
    queued: { next: stay, effects: (e) => [{ kind: 'broadcast_queue', position: e.position, estimatedWaitSeconds: e.estimatedWaitSeconds }] },
    ...inStates<ConversationRule<'queue_position'>>(['bot', 'agent', 'offline', 'closed'], {
      ignored: 'a position update that raced a claim or a release; it is live information, not stored',
    }),
  },
  transfer: {
    agent: {
      next: stay,
      effects: (e) => [
        { kind: 'set_assignment', agentId: e.toAgentId, agentName: e.agentName },
        { kind: 'store_message', author: 'system', phrase: 'transferred' },
        { kind: 'broadcast_agents_state' },
      ],
    },
  },
  back_to_bot: {
    agent: {
      next: 'bot',
      effects: () => [
        { kind: 'call_inbox', call: { method: 'release', outcome: 'back_to_bot' } },
        { kind: 'cancel_idle_timer' },
        { kind: 'clear_assignment' },
        { kind: 'announce_state', state: 'bot', phrase: 'backToBot' },
      ],
    },
  },
  agent_close: {
    agent: {
      next: 'closed',
      effects: () => [
        { kind: 'call_inbox', call: { method: 'release', outcome: 'closed' } },
        { kind: 'cancel_idle_timer' },
        { kind: 'announce_state', state: 'closed', phrase: 'closed' },
      ],
    },
  },
  idle_prompt: {
    agent: {
      next: stay,
      effects: (e) => [
        { kind: 'store_message', author: 'agent', phrase: 'idle_prompt' },
        { kind: 'schedule_idle_alarm', after: e.step === 1 ? 'second_prompt' : 'close' },
      ],
    },
    ...inStates<ConversationRule<'idle_prompt'>>(['bot', 'queued', 'offline', 'closed'], lateAlarm),
  },
  idle_close: {
    agent: {
      next: 'closed',
      // A failed release fails the alarm, which the runtime retries: nothing was stored yet.
      effects: () => [
        { kind: 'call_inbox', call: { method: 'release', outcome: 'closed' } },
        { kind: 'store_message', author: 'agent', phrase: 'idle_goodbye' },
        { kind: 'cancel_idle_timer' },
        { kind: 'announce_state', state: 'closed', phrase: 'closed' },
      ],
    },
    ...inStates<ConversationRule<'idle_close'>>(['bot', 'queued', 'offline', 'closed'], lateAlarm),
  },
  agent_grace_expired: {
    agent: {
      next: 'queued',
      effects: () => [{ kind: 'clear_assignment' }, { kind: 'cancel_idle_timer' }, { kind: 'announce_state', state: 'queued', phrase: 'requeued' }],
    },
    ...inStates<ConversationRule<'agent_grace_expired'>>(['bot', 'queued', 'offline', 'closed'], lateAlarm),
  },
  // The inbox's answer (agent_assigned, inbox_queued, inbox_offline) moves the state, as for a handoff.
  reopen: {
    closed: { next: stay, effects: () => [{ kind: 'call_inbox', call: { method: 'requestHandoff', reason: 'reopened', preferLastAgent: true } }] },
  },
  shopper_shutdown: {
    ...inStates<ConversationRule<'shopper_shutdown'>>(['queued', 'agent'], {
      next: 'closed',
      effects: () => [
        { kind: 'call_inbox', call: { method: 'release', outcome: 'closed' } },
        { kind: 'cancel_idle_timer' },
        { kind: 'announce_state', state: 'closed', phrase: 'closed' },
      ],
    }),
    ...inStates<ConversationRule<'shopper_shutdown'>>(['bot', 'offline', 'closed'], { ignored: 'no person holds or awaits the chat: nothing to close' }),
  },
  // Only while the offline form is open; elsewhere the shopper gets not_now.
  offline_ticket: {
    offline: {
      next: stay,
      effects: (e) => [
        { kind: 'call_inbox', call: { method: 'createTicket', email: e.email } },
        { kind: 'store_message', author: 'system', phrase: 'ticketCreated' },
      ],
    },
  },
  // Only a finished chat can be rated (once: the stored rating, not the state, says so).
  rate: {
    closed: {
      next: stay,
      effects: (e) => [
        { kind: 'call_inbox', call: { method: 'recordRating', score: e.score, comment: e.comment } },
        { kind: 'store_rating', score: e.score, comment: e.comment },
        { kind: 'store_message', author: 'system', phrase: 'rated' },
        { kind: 'broadcast_rating', score: e.score, comment: e.comment },
      ],
    },
  },
};

function stepResult<S extends string, N extends string, E, Effect>(step: Step<S, N, E, Effect>, state: S, event: E): Transition<N, Effect> {
  return { next: typeof step.next === 'function' ? step.next(event, state) : step.next, effects: step.effects(event) };
}

/** The Conversation's next state and effects, or LifecycleError when the event is illegal in `state`. */
export function conversationTransition(state: ConversationState, event: ConversationEvent): Transition<ConversationState, ConversationEffect> {
  const rule = (CONVERSATION_TRANSITIONS[event.type] as Partial<Record<ConversationState, ConversationRule<typeof event.type>>>)[state];
  if (!rule) throw new LifecycleError('conversation', state, event.type);
  if ('ignored' in rule) return { next: state, effects: [], ignored: rule.ignored };
  return stepResult(rule as Step<ConversationState, ConversationState, ConversationEvent, ConversationEffect>, state, event);
}

// ---- the SiteInbox's chat row -----------------------------------------------------------------

/** The inbox's copy of a chat's state: the same union; a chat the inbox has never seen has no row. */
export type ChatRowState = ConversationState;
type RowState = ChatRowState | 'none';

export type ChatRowEvent =
  /** requestHandoff, inside business hours with an agent online */
  | { type: 'handoff_queued' }
  /** requestHandoff, outside business hours or with nobody online */
  | { type: 'handoff_offline' }
  /**
   * An agent has the chat: claimed, auto-assigned from the queue, or auto-assigned while the
   * Conversation waits for requestHandoff's answer (`handoff`: the answer tells it, no call).
   */
  | { type: 'assign'; agentId: string; by: 'claim' | 'auto' | 'handoff' }
  /** the Conversation could not be told of its assignment: back to the front of the queue */
  | { type: 'assign_failed' }
  | { type: 'transfer'; fromAgentId: string; toAgentId: string }
  /** the chat left human hands (from the queue too: a shopper who shut the chat while waiting) */
  | { type: 'release'; outcome: 'back_to_bot' | 'closed' }
  /** the holder stayed disconnected past the grace period: back to the front of the queue */
  | { type: 'grace_expired' };

export type ChatRowEventType = ChatRowEvent['type'];

export const CHAT_ROW_EVENT_TYPES = [
  'handoff_queued',
  'handoff_offline',
  'assign',
  'assign_failed',
  'transfer',
  'release',
  'grace_expired',
] as const satisfies readonly ChatRowEventType[];

export type ChatRowEffect =
  /** INSERT … ON CONFLICT: a fresh row (claim, reply, close and rating fields cleared) */
  | { kind: 'write_handoff'; state: 'queued' | 'offline' }
  | { kind: 'write_assignment'; agentId: string }
  | { kind: 'write_transfer'; toAgentId: string }
  | { kind: 'write_release'; outcome: 'back_to_bot' | 'closed' }
  /** to the front of the queue */
  | { kind: 'write_requeue' }
  | { kind: 'tell_agent_assigned'; agentId: string; by: 'auto' | 'transfer' }
  /** RPC to the Conversation; a failure stops the step (and is reported) */
  | { kind: 'tell_conversation'; call: 'assignAgent' | 'returnToQueue' }
  /** hand waiting chats to agents with room (auto-assignment), snapshots, queue positions */
  | { kind: 'after_queue_change' }
  | { kind: 'broadcast_snapshots' };

type RowStep<T extends ChatRowEventType> = Step<RowState, ChatRowState, Extract<ChatRowEvent, { type: T }>, ChatRowEffect>;
type ChatRowTable = { readonly [T in ChatRowEventType]: Partial<Record<RowState, RowStep<T>>> };

function inRowStates<R>(states: readonly RowState[], rule: R): Partial<Record<RowState, R>> {
  return Object.fromEntries(states.map((s) => [s, rule]));
}

/**
 * Row states a handoff may start from: none yet, or a chat that left human hands. Also queued:
 * the Conversation asks only from bot, offline or closed, so a queued row means it never got the
 * first answer (a retried call), and the request starts afresh.
 */
const ROW_HANDOFF_FROM = ['none', 'bot', 'offline', 'closed', 'queued'] as const;

export const CHAT_ROW_TRANSITIONS: ChatRowTable = {
  handoff_queued: inRowStates<RowStep<'handoff_queued'>>(ROW_HANDOFF_FROM, {
    next: 'queued',
    effects: () => [{ kind: 'write_handoff', state: 'queued' }, { kind: 'broadcast_snapshots' }],
  }),
  handoff_offline: inRowStates<RowStep<'handoff_offline'>>(ROW_HANDOFF_FROM, {
    next: 'offline',
    effects: () => [{ kind: 'write_handoff', state: 'offline' }, { kind: 'broadcast_snapshots' }],
  }),
  // A claim of a row that is no longer queued is refused with already_claimed: the check and
  // the write run with no await between them, so two agents can never both win. The write comes
  // before the call for that reason; if the call fails, assign_failed puts the chat back.
  // The claimer learns of it from its `claimed` answer; an auto-assigned agent from `assigned`.
  assign: {
    queued: {
      next: 'agent',
      effects: (e) => {
        const write = { kind: 'write_assignment', agentId: e.agentId } as const;
        // From the queue the Conversation is told first, and only then the agent.
        if (e.by === 'claim') return [write, { kind: 'tell_conversation', call: 'assignAgent' }, { kind: 'after_queue_change' }];
        // Auto-assignment runs inside the inbox's own queue pass, which broadcasts once at its end.
        if (e.by === 'auto')
          return [write, { kind: 'tell_conversation', call: 'assignAgent' }, { kind: 'tell_agent_assigned', agentId: e.agentId, by: 'auto' }];
        // During a handoff the Conversation learns it from requestHandoff's answer.
        return [write, { kind: 'tell_agent_assigned', agentId: e.agentId, by: 'auto' }, { kind: 'broadcast_snapshots' }];
      },
    },
  },
  // Not after_queue_change: that would offer the chat straight back to a Conversation that just
  // failed. It waits, at the front, for the next change of the queue or a claim.
  assign_failed: {
    agent: { next: 'queued', effects: () => [{ kind: 'write_requeue' }, { kind: 'broadcast_snapshots' }] },
  },
  // Refused with not_assigned unless the row is the sender's and in agent.
  transfer: {
    agent: {
      next: 'agent',
      effects: (e) => [
        { kind: 'write_transfer', toAgentId: e.toAgentId },
        { kind: 'tell_agent_assigned', agentId: e.toAgentId, by: 'transfer' },
        { kind: 'broadcast_snapshots' },
      ],
    },
  },
  release: inRowStates<RowStep<'release'>>(['agent', 'queued'], {
    next: (e) => (e.outcome === 'closed' ? 'closed' : 'bot'),
    effects: (e) => [{ kind: 'write_release', outcome: e.outcome }, { kind: 'after_queue_change' }],
  }),
  // The Conversation first: if it cannot be told, the row stays and the alarm tries again. The
  // alarm's pass may requeue many chats at once; it runs the queue change once, at its end.
  grace_expired: {
    agent: { next: 'queued', effects: () => [{ kind: 'tell_conversation', call: 'returnToQueue' }, { kind: 'write_requeue' }] },
  },
};

/**
 * The chat row's next state and effects (`null`: the inbox has no row for the chat yet), or
 * LifecycleError when the event is illegal.
 */
export function chatRowTransition(state: ChatRowState | null, event: ChatRowEvent): Transition<ChatRowState, ChatRowEffect> {
  const from: RowState = state ?? 'none';
  const step = (CHAT_ROW_TRANSITIONS[event.type] as Partial<Record<RowState, RowStep<typeof event.type>>>)[from];
  if (!step) throw new LifecycleError('chat_row', state, event.type);
  return stepResult(step as Step<RowState, ChatRowState, ChatRowEvent, ChatRowEffect>, from, event);
}
