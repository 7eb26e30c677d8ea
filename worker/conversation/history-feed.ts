/**
 * Feeds the site's history (worker/history/site-history.ts) as the chat changes: messages and
 * notes as they are stored, and the chat's summary (state, shopper, agent, rating). Batched per
 * chat every FLUSH_MS and sent after the chat's own work, so indexing never holds a message up.
 * A batch that fails is kept and sent again with the next one (the history skips what it has).
 * In memory: a pending batch keeps the object awake; only a crash before the flush loses it,
 * and the next change of the chat sends the summary again.
 */
import type { InternalNote, TranscriptMessage } from '../../protocol/index.ts';
import type { Env } from '../env.ts';
import type { HistoryConversation, HistoryMessage, HistoryNote } from '../history/history-types.ts';
import { siteHistory } from '../stubs.ts';
import type { ChatRecord } from './chat-record.ts';

const FLUSH_MS = 200;
/** After a failed send, wait this much longer each time, up to RETRY_MAX_MS. */
const RETRY_MS = 1_000;
const RETRY_MAX_MS = 60_000;

export class HistoryFeed {
  private messages: HistoryMessage[] = [];
  private notes: HistoryNote[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  /** The previous history conversation as it ended, while messages of it may still be pending. */
  private previous: HistoryConversation | null = null;

  constructor(
    private readonly env: Env,
    private readonly ctx: DurableObjectState,
    private readonly record: ChatRecord,
    /** when the chat started, for a chat older than the history */
    private readonly firstMessageAt: () => number,
  ) {}

  message(message: TranscriptMessage): void {
    if (message.author !== 'system' && message.text) this.messages.push({ seq: message.seq, at: message.at, author: message.author, text: message.text });
    this.changed();
  }

  note(note: InternalNote): void {
    this.notes.push({ id: note.id, at: note.at, text: note.text, afterSeq: note.afterSeq });
    this.changed();
  }

  /** Something the list shows changed (state, shopper, rating). */
  changed(delay = FLUSH_MS): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.ctx.waitUntil(this.flush());
    }, delay);
  }

  /** Erasure: nothing pending is sent. */
  clear(): void {
    this.messages = [];
    this.notes = [];
    this.previous = null;
  }

  /** The chat starts a new history conversation from `fromSeq` (record.startHistorySegment). */
  startNext(start: () => void): void {
    this.previous = this.summary();
    start();
    this.changed();
  }

  async flush(): Promise<void> {
    if (!this.record.knownSite()) return;
    const messages = this.messages.splice(0);
    const notes = this.notes.splice(0);
    const fromSeq = this.record.historyFromSeq();
    const current = this.summary();
    const history = siteHistory(this.env, this.record.siteId());
    try {
      // Messages from before the current history conversation began belong to the one before it.
      // The conversation that just ended is recorded as it ended, with its last messages if any
      // were still waiting (a close and the next message can fall into the same batch).
      const earlier = messages.filter((message) => message.seq < fromSeq);
      if (this.previous) {
        await history.record({ siteId: this.record.siteId(), conversation: this.previous, messages: earlier, notes: [] });
        this.previous = null;
      }
      await history.record({ siteId: this.record.siteId(), conversation: current, messages: messages.filter((message) => message.seq >= fromSeq), notes });
      this.failures = 0;
    } catch (error) {
      console.warn('conversation: history not updated; will retry', error);
      this.messages.unshift(...messages);
      this.notes.unshift(...notes);
      this.failures += 1;
      this.changed(Math.min(RETRY_MAX_MS, RETRY_MS * 2 ** this.failures));
    }
  }

  private summary(): HistoryConversation {
    const { record } = this;
    const shopper = record.shopper();
    return {
      id: record.historyId(),
      state: record.state(),
      startedAt: record.startedAt() ?? this.firstMessageAt(),
      updatedAt: Date.now(),
      locale: shopper.locale,
      shopper: { name: shopper.name, email: shopper.email, userId: shopper.userId, verified: shopper.verified },
      browserKey: record.conversationId(),
      assignee: record.lastAgent(),
      handoffReason: record.handoffReason(),
      rating: record.rating()?.score ?? null,
      previousId: record.previousHistoryId(),
    };
  }
}
