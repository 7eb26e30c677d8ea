/**
 * Carries out the Conversation's lifecycle (worker/lifecycle.ts): every state change of a chat
 * goes through apply(), which asks the transition table and performs its effects in order. An
 * illegal event throws LifecycleError before anything changed. A failed call to the SiteInbox
 * (after one retry when the runtime says it may be retried) stops the step where it is, and the
 * table puts those calls first, so nothing on this side changed either.
 */
import type { ConversationState, SystemPayload } from '../../protocol/index.ts';
import type { Env } from '../env.ts';
import { callOtherObject } from '../fault-injection.ts';
import type { HandoffResult } from '../inbox/rpc-types.ts';
import { type ConversationEffect, type ConversationEvent, conversationTransition, type InboxCall } from '../lifecycle.ts';
import { type PhraseKey, phrase } from '../phrases.ts';
import type { SiteConfig } from '../sites.ts';
import { siteInbox } from '../stubs.ts';
import type { ChatRecord } from './chat-record.ts';
import type { ChatSockets } from './chat-sockets.ts';
import type { TranscriptStore } from './transcript-store.ts';

/** What some effects need beyond the event: the shopper's words. */
export interface EffectInput {
  /** the shopper's message (bot_reply, updateChat) */
  text?: string;
  /** the message a handoff shows the agents */
  lastMessage?: string;
  /** the offline form's question */
  ticketMessage?: string;
}

export interface ChatLifecycleHost {
  env: Env;
  storage: DurableObjectStorage;
  record: ChatRecord;
  store: TranscriptStore;
  sockets: ChatSockets;
  site(): Promise<SiteConfig | null>;
  botReply(text: string): Promise<void>;
}

export class ChatLifecycle {
  constructor(private readonly host: ChatLifecycleHost) {}

  /** Runs one event: its effects in order, then the event a call to the inbox answered with. */
  async apply(event: ConversationEvent, input: EffectInput = {}): Promise<void> {
    const step = conversationTransition(this.host.record.state(), event);
    let answer: ConversationEvent | undefined;
    for (const effect of step.effects) answer = (await this.perform(effect, event, input)) ?? answer;
    if (answer) await this.apply(answer, input);
  }

  /** The agent wrote: two polite prompts to a silent shopper, then a polite close (the alarm). */
  async startIdleTimer(since: number): Promise<void> {
    const site = await this.host.site();
    if (!site) return;
    this.host.record.setIdle(since, 0);
    await this.host.storage.setAlarm(since + site.idle.firstPromptSeconds * 1000);
  }

  private async perform(effect: ConversationEffect, event: ConversationEvent, input: EffectInput): Promise<ConversationEvent | undefined> {
    const { record, sockets } = this.host;
    switch (effect.kind) {
      case 'announce_state':
        this.announce(effect.state, effect.phrase, event);
        return;
      case 'store_message':
        await this.storeMessage(effect, event);
        return;
      case 'set_assignment':
        record.setAssignment(effect.agentId, effect.agentName);
        return;
      case 'clear_assignment':
        record.clearAssignment();
        return;
      case 'cancel_idle_timer':
        // Every shopper message cancels, and the timer only runs after an agent wrote: without one
        // there is no alarm to delete (alarm() ignores a stale one), and no storage call to wait for.
        if (!record.idle()) return;
        record.clearIdle();
        await this.host.storage.deleteAlarm();
        return;
      case 'schedule_idle_alarm': {
        const site = await this.host.site();
        const idle = record.idle();
        if (!site || !idle) return;
        record.setIdleStep(effect.after === 'second_prompt' ? 1 : 2);
        const after = effect.after === 'second_prompt' ? site.idle.secondPromptSeconds : site.idle.closeSeconds;
        await this.host.storage.setAlarm(idle.since + after * 1000);
        return;
      }
      case 'call_inbox':
        return this.callInbox(effect.call, input);
      case 'broadcast_queue':
        sockets.toVisitors({ v: 1, type: 'queue', position: effect.position, estimatedWaitSeconds: effect.estimatedWaitSeconds });
        return;
      case 'broadcast_agents_state':
        sockets.toAgents({ v: 1, type: 'state', state: record.state(), assignedAgentId: record.assignedAgent()?.id ?? null });
        return;
      case 'remember_promised_reply_time':
        record.setPromisedReplyTime(effect.promisedReplyTime);
        return;
      case 'store_rating':
        record.setRating({ score: effect.score, comment: effect.comment });
        return;
      case 'broadcast_rating':
        sockets.toAgents({ v: 1, type: 'rating', score: effect.score, comment: effect.comment });
        return;
      case 'bot_reply':
        await this.host.botReply(input.text ?? '');
        return;
    }
  }

  /** A state change: stored as a system message, so replaying the transcript rebuilds any view. */
  private announce(state: ConversationState, key: PhraseKey, event: ConversationEvent): void {
    const { record, store, sockets } = this.host;
    const extra: { agentName?: string; promisedReplyTime?: string } = {};
    if (event.type === 'agent_assigned') extra.agentName = event.agentName;
    if (event.type === 'inbox_offline') extra.promisedReplyTime = event.promisedReplyTime;
    record.setState(state);
    if (state === 'closed') record.setClosedAt(Date.now());
    const text = phrase(record.locale(), key, { agent: extra.agentName ?? '', promise: extra.promisedReplyTime ?? '' });
    sockets.broadcastMessage(store.insert({ author: 'system', text, system: { event: 'state', state, ...extra } }));
    sockets.toVisitors({ v: 1, type: 'state', state, ...extra });
    sockets.toAgents({ v: 1, type: 'state', state, assignedAgentId: record.assignedAgent()?.id ?? null });
  }

  private async storeMessage(effect: Extract<ConversationEffect, { kind: 'store_message' }>, event: ConversationEvent): Promise<void> {
    const { record, store, sockets } = this.host;
    const locale = record.locale();
    const agentName = record.assignedAgent()?.name;
    if (effect.phrase === 'idle_prompt' || effect.phrase === 'idle_goodbye') {
      const prompts = (await this.host.site())?.idle.prompts;
      if (effect.phrase === 'idle_goodbye' || event.type !== 'idle_prompt') {
        sockets.broadcastMessage(store.insert({ author: 'agent', agentName, text: prompts?.close[locale] ?? '' }));
        return;
      }
      const text = (event.step === 1 ? prompts?.first : prompts?.second)?.[locale] ?? '';
      sockets.broadcastMessage(store.insert({ author: 'agent', agentName, text, bot: { kind: 'idle_prompt', step: event.step } }));
      return;
    }
    if (event.type === 'handoff') {
      sockets.broadcastMessage(store.insert({ author: 'bot', text: phrase(locale, effect.phrase), bot: { kind: 'handoff', reason: event.reason } }));
      return;
    }
    let system: SystemPayload | undefined;
    let values: Record<string, string> = {};
    if (event.type === 'transfer') {
      system = { event: 'transferred', agentName: event.agentName };
      values = { agent: event.agentName };
    } else if (event.type === 'offline_ticket') {
      system = { event: 'ticket', email: event.email };
      values = { email: event.email, promise: record.promisedReplyTime() };
    } else if (event.type === 'rate') {
      system = { event: 'rated', score: event.score };
    }
    sockets.broadcastMessage(store.insert({ author: 'system', text: phrase(locale, effect.phrase, values), system }));
  }

  /** Calls the site's inbox. A handoff's answer becomes the next event. */
  private async callInbox(call: InboxCall, input: EffectInput): Promise<ConversationEvent | undefined> {
    const { record, env } = this.host;
    const inbox = siteInbox(env, record.siteId());
    const conversationId = record.conversationId();
    switch (call.method) {
      case 'requestHandoff': {
        const result = await callOtherObject<HandoffResult>(async () =>
          inbox.requestHandoff({
            siteId: record.siteId(),
            conversationId,
            reason: call.reason,
            shopper: record.shopper(),
            lastMessage: input.lastMessage || (this.host.store.lastBy('shopper')?.text ?? ''),
            preferredAgentId: call.preferLastAgent ? record.lastAgent()?.id : undefined,
          }),
        );
        record.setHandoffReason(call.reason);
        if (result.outcome === 'assigned') return { type: 'agent_assigned', agentId: result.agentId, agentName: result.agentName };
        if (result.outcome === 'queued') return { type: 'inbox_queued', position: result.position, estimatedWaitSeconds: result.estimatedWaitSeconds };
        return { type: 'inbox_offline', promisedReplyTime: result.promisedReplyTime };
      }
      case 'updateChat':
        // Only the console's preview: a miss is logged, and the next message refreshes it.
        try {
          await inbox.updateChat(conversationId, { lastMessage: input.text });
        } catch (error) {
          console.warn('conversation: the inbox preview was not updated', error);
        }
        return;
      case 'release':
        await callOtherObject(() => inbox.release(conversationId, call.outcome));
        return;
      case 'createTicket':
        await callOtherObject(() =>
          inbox.createTicket({ siteId: record.siteId(), conversationId, email: call.email, message: input.ticketMessage ?? '', locale: record.locale() }),
        );
        return;
      case 'recordRating':
        await callOtherObject(() => inbox.recordRating(conversationId, call.score, call.comment));
        return;
    }
  }
}
