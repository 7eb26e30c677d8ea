/**
 * Carries out the inbox's side of the lifecycle: every change of a chat's row goes through
 * apply(), which asks the row table of ../lifecycle.ts and performs its effects in order (the
 * Conversation's side is ../conversation/chat-lifecycle.ts). The one step that must write before
 * it calls, a claim, is undone by `assign_failed` when the Conversation cannot be told.
 */
import type { Conversation } from '../conversation/conversation.ts';
import { callOtherObject } from '../fault-injection.ts';
import { type ChatRowEffect, type ChatRowEvent, chatRowTransition, LifecycleError } from '../lifecycle.ts';
import { errorFrame } from '../sockets.ts';
import type { AgentConsoles } from './agent-consoles.ts';
import type { AgentDirectory } from './agent-directory.ts';
import type { ChatRows } from './chat-rows.ts';
import type { InboxViews } from './inbox-views.ts';
import type { HandoffRequest } from './rpc-types.ts';

/** What a row effect needs beyond the event. */
export interface RowContext {
  now: number;
  request?: HandoffRequest;
  fromAgentName?: string;
}

export interface ChatRowLifecycleHost {
  agents: AgentDirectory;
  chats: ChatRows;
  consoles: AgentConsoles;
  views: InboxViews;
  conversation(conversationId: string): DurableObjectStub<Conversation>;
  /** Auto-assignment, snapshots and queue positions after the queue changed. */
  afterQueueChange(): Promise<void>;
}

/** The Conversation did not answer an assignment: the chat goes back to the queue. */
class ConversationUnreachable extends Error {
  override readonly name = 'ConversationUnreachable';
}

export class ChatRowLifecycle {
  constructor(private readonly host: ChatRowLifecycleHost) {}

  /** Runs a row event through the lifecycle (LifecycleError when illegal) and carries its effects out in order. */
  async apply(conversationId: string, event: ChatRowEvent, context: RowContext): Promise<void> {
    const step = chatRowTransition(this.host.chats.get(conversationId)?.state ?? null, event);
    for (const effect of step.effects) await this.perform(conversationId, effect, context);
  }

  private async perform(conversationId: string, effect: ChatRowEffect, context: RowContext): Promise<void> {
    switch (effect.kind) {
      case 'write_handoff':
        return this.host.chats.startHandoff(context.request!, effect.state, context.now);
      case 'write_assignment':
        return this.host.chats.assign(conversationId, effect.agentId, context.now);
      case 'write_transfer':
        return this.host.chats.transfer(conversationId, effect.toAgentId, context.now);
      case 'write_release':
        return this.host.chats.release(conversationId, effect.outcome, context.now);
      case 'write_requeue':
        return this.host.chats.requeue(conversationId, context.now);
      case 'tell_agent_assigned':
        return this.host.consoles.sendTo(effect.agentId, { v: 1, type: 'assigned', conversationId, by: effect.by, fromAgent: context.fromAgentName });
      case 'tell_conversation': {
        const conversation = this.host.conversation(conversationId);
        if (effect.call === 'returnToQueue') return callOtherObject(() => conversation.returnToQueue());
        const agent = this.host.agents.profile(this.host.chats.get(conversationId)?.agent_id ?? '');
        try {
          await callOtherObject(() => conversation.assignAgent({ agentId: agent?.id ?? '', agentName: agent?.name ?? 'Agent' }));
        } catch (error) {
          console.error('inbox: the chat could not be told of its agent', conversationId, error);
          throw new ConversationUnreachable(conversationId);
        }
        return;
      }
      case 'after_queue_change':
        return this.host.afterQueueChange();
      case 'broadcast_snapshots':
        return this.host.views.broadcastSnapshots();
    }
  }

  /**
   * Gives a queued chat to an agent. If the Conversation cannot be told, the chat goes back to
   * the front of the queue and the agent is told why. False when the chat did not go to the agent.
   */
  async assignTo(conversationId: string, agentId: string, by: 'claim' | 'auto'): Promise<boolean> {
    try {
      await this.apply(conversationId, { type: 'assign', agentId, by }, { now: Date.now() });
      return true;
    } catch (error) {
      // Taken meanwhile (an auto pass whose list went stale during an await): nothing to undo.
      if (error instanceof LifecycleError) return false;
      if (!(error instanceof ConversationUnreachable)) throw error;
      await this.apply(conversationId, { type: 'assign_failed' }, { now: Date.now() });
      this.host.consoles.sendTo(
        agentId,
        errorFrame('try_again', 'That chat could not be opened just now; it is back at the front of the queue.', { conversationId }),
      );
      return false;
    }
  }
}
