/**
 * The `chats` table: the SiteInbox's row per chat that reached a person (or the offline form).
 * Its state is the lifecycle's ChatRowState (worker/lifecycle.ts decides which writes are legal);
 * the timestamps are the service figures reports are made of.
 */
import type { ChatSummary, HandoffReason, QueueEntry, QueuePriority, ShopperContext } from '../../protocol/index.ts';
import type { ChatRowState } from '../lifecycle.ts';
import { priorityOf, queueOrder } from './assignment-policy.ts';
import { queueLastMessage, queueShopper } from './chat-deltas.ts';
import type { HandoffRequest, ReleaseOutcome } from './rpc-types.ts';

export interface ChatRow extends Record<string, SqlStorageValue> {
  conversation_id: string;
  state: ChatRowState;
  reason: HandoffReason;
  priority: number;
  requeued: number;
  queued_at: number;
  agent_id: string | null;
  claimed_at: number | null;
  shopper: string;
  last_message: string;
  updated_at: number;
  notified_position: number | null;
}

/** How many waits the queue's estimate averages. */
const RECENT_CLAIMS = 20;

export class ChatRows {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS chats (
        conversation_id TEXT PRIMARY KEY, state TEXT NOT NULL, reason TEXT NOT NULL,
        priority INTEGER NOT NULL, requeued INTEGER NOT NULL DEFAULT 0, queued_at INTEGER NOT NULL,
        agent_id TEXT, claimed_at INTEGER, first_reply_at INTEGER, closed_at INTEGER,
        outcome TEXT, rating INTEGER, comment TEXT, shopper TEXT NOT NULL, last_message TEXT NOT NULL,
        updated_at INTEGER NOT NULL, notified_position INTEGER
      );
      CREATE INDEX IF NOT EXISTS chats_by_state ON chats (state, requeued, priority, queued_at);
    `);
  }

  get(conversationId: string): ChatRow | undefined {
    return this.sql.exec<ChatRow>('SELECT * FROM chats WHERE conversation_id = ?', conversationId).toArray()[0];
  }

  /** A handoff: a fresh row (claim, reply, close and rating fields cleared). */
  startHandoff(request: HandoffRequest, state: 'queued' | 'offline', now: number): void {
    this.sql.exec(
      `INSERT INTO chats (conversation_id, state, reason, priority, queued_at, shopper, last_message, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(conversation_id) DO UPDATE SET state = excluded.state, reason = excluded.reason, priority = excluded.priority,
         queued_at = excluded.queued_at, shopper = excluded.shopper, last_message = excluded.last_message, updated_at = excluded.updated_at,
         agent_id = NULL, claimed_at = NULL, first_reply_at = NULL, closed_at = NULL, outcome = NULL, requeued = 0, notified_position = NULL`,
      request.conversationId,
      state,
      request.reason,
      priorityOf(request.reason, request.shopper.vip),
      now,
      JSON.stringify(request.shopper),
      request.lastMessage.slice(0, 500),
      now,
    );
  }

  /** A claim or an auto-assignment. The first claim's time is the one reports count. */
  assign(conversationId: string, agentId: string, now: number): void {
    this.sql.exec(
      "UPDATE chats SET state = 'agent', agent_id = ?, claimed_at = COALESCE(claimed_at, ?), requeued = 0, updated_at = ? WHERE conversation_id = ?",
      agentId,
      now,
      now,
      conversationId,
    );
  }

  transfer(conversationId: string, toAgentId: string, now: number): void {
    this.sql.exec('UPDATE chats SET agent_id = ?, updated_at = ? WHERE conversation_id = ?', toAgentId, now, conversationId);
  }

  /** The chat left human hands. agent_id stays: reports credit the agent who handled it. */
  release(conversationId: string, outcome: ReleaseOutcome, now: number): void {
    this.sql.exec(
      `UPDATE chats SET state = ?, outcome = ?, closed_at = CASE WHEN ? = 'closed' THEN ? ELSE closed_at END, updated_at = ?
       WHERE conversation_id = ?`,
      outcome === 'closed' ? 'closed' : 'bot',
      outcome,
      outcome,
      now,
      now,
      conversationId,
    );
  }

  /** Back to the front of the queue: its agent vanished, or the chat could not be told of its claim. */
  requeue(conversationId: string, now: number): void {
    this.sql.exec(
      "UPDATE chats SET state = 'queued', agent_id = NULL, requeued = 1, notified_position = NULL, updated_at = ? WHERE conversation_id = ?",
      now,
      conversationId,
    );
  }

  updateView(conversationId: string, update: { lastMessage?: string; shopper?: ShopperContext }, now: number): boolean {
    const row = this.get(conversationId);
    if (!row) return false;
    this.sql.exec(
      'UPDATE chats SET last_message = ?, shopper = ?, updated_at = ? WHERE conversation_id = ?',
      update.lastMessage ?? row.last_message,
      update.shopper ? JSON.stringify(update.shopper) : row.shopper,
      now,
      conversationId,
    );
    return true;
  }

  recordFirstReply(conversationId: string, at: number): void {
    this.sql.exec('UPDATE chats SET first_reply_at = COALESCE(first_reply_at, ?), updated_at = ? WHERE conversation_id = ?', at, at, conversationId);
  }

  recordRating(conversationId: string, score: number, comment: string, now: number): void {
    this.sql.exec('UPDATE chats SET rating = ?, comment = ?, updated_at = ? WHERE conversation_id = ?', score, comment, now, conversationId);
  }

  /** The position last told to the shopper: a change is told, a repeat is not. */
  setNotifiedPosition(conversationId: string, position: number): void {
    this.sql.exec('UPDATE chats SET notified_position = ? WHERE conversation_id = ?', position, conversationId);
  }

  /** Waiting chats in the order agents should take them (assignment-policy.ts). */
  waiting(): ChatRow[] {
    const rows = this.sql.exec<ChatRow>("SELECT * FROM chats WHERE state = 'queued'").toArray();
    return queueOrder(
      rows.map((row) => ({
        row,
        conversationId: row.conversation_id,
        priority: row.priority as QueuePriority,
        queuedAt: row.queued_at,
        requeued: row.requeued === 1,
      })),
    ).map((entry) => entry.row);
  }

  queue(): QueueEntry[] {
    return this.waiting().map((row) => ({
      conversationId: row.conversation_id,
      priority: row.priority as QueuePriority,
      reason: row.reason,
      queuedAt: row.queued_at,
      lastMessage: queueLastMessage(row.last_message),
      shopper: queueShopper(JSON.parse(row.shopper) as ShopperContext),
    }));
  }

  /** Every chat an agent holds, grouped by agent: one query for all the consoles' "mine" lists. */
  heldByAgent(): Map<string, ChatSummary[]> {
    const held = new Map<string, ChatSummary[]>();
    const rows = this.sql.exec<ChatRow>("SELECT * FROM chats WHERE state = 'agent' ORDER BY updated_at DESC").toArray();
    for (const row of rows) {
      if (!row.agent_id) continue;
      const list = held.get(row.agent_id) ?? [];
      if (list.length < 100) list.push(summary(row));
      held.set(row.agent_id, list);
    }
    return held;
  }

  heldBy(agentId: string): string[] {
    return this.sql
      .exec<{ conversation_id: string }>("SELECT conversation_id FROM chats WHERE state = 'agent' AND agent_id = ?", agentId)
      .toArray()
      .map((row) => row.conversation_id);
  }

  /** How many chats each agent holds now. */
  activeCounts(): Map<string, number> {
    return new Map(
      this.sql
        .exec<{ agent_id: string; n: number }>("SELECT agent_id, COUNT(*) AS n FROM chats WHERE state = 'agent' GROUP BY agent_id")
        .toArray()
        .map((row) => [row.agent_id, row.n]),
    );
  }

  recentClaimWaitsMs(): number[] {
    return this.sql
      .exec<{ wait: number }>('SELECT claimed_at - queued_at AS wait FROM chats WHERE claimed_at IS NOT NULL ORDER BY claimed_at DESC LIMIT ?', RECENT_CLAIMS)
      .toArray()
      .map((row) => row.wait);
  }

  /** Erasure: the rows keep their anonymous figures (times, reason, outcome, score); the shopper and their words go. */
  anonymize(conversationIds: readonly string[]): void {
    for (const id of conversationIds) {
      this.sql.exec(`UPDATE chats SET shopper = '{"vip":false,"locale":"en","visits":0}', last_message = '', comment = NULL WHERE conversation_id = ?`, id);
    }
  }

  /** Per-chat service figures for reports: waits, first human reply, reason, outcome, rating. */
  statistics(): Record<string, SqlStorageValue>[] {
    return this.sql
      .exec(
        `SELECT conversation_id, reason, priority, queued_at, claimed_at, first_reply_at, closed_at, outcome, rating, comment
         FROM chats ORDER BY queued_at DESC LIMIT 1000`,
      )
      .toArray();
  }
}

export function summary(row: ChatRow): ChatSummary {
  return {
    conversationId: row.conversation_id,
    state: row.state,
    agentId: row.agent_id,
    reason: row.reason,
    lastMessage: queueLastMessage(row.last_message),
    updatedAt: row.updated_at,
    shopper: queueShopper(JSON.parse(row.shopper) as ShopperContext),
  };
}
