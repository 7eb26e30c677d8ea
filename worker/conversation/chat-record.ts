/**
 * The Conversation's own state beside the transcript, typed: which site and chat it is, the
 * lifecycle state, the assigned agent, the shopper, the bot's history, the idle timer, the
 * rating. Kept in the meta table (worker/meta-store.ts), so a woken object finds it all.
 */
import type { ConversationState, HandoffReason, ShopperContext } from '../../protocol/index.ts';
import type { HistoryEntry } from '../bot/index.ts';
import { INITIAL_STATE } from '../lifecycle.ts';
import { MetaStore } from '../meta-store.ts';
import type { PhraseLocale } from '../phrases.ts';

/** Bot decisions and feedback kept for decide(); older turns stop mattering. */
const HISTORY_LIMIT = 12;

export interface ChosenSuggestion {
  locale: PhraseLocale;
  articleId: string;
  question: string;
}

export class ChatRecord {
  private readonly meta: MetaStore;

  constructor(sql: SqlStorage) {
    this.meta = new MetaStore(sql);
  }

  /**
   * Erasure: everything about the chat goes. What stays says only that it belonged to its site
   * and that no token minted before may open it again.
   */
  erase(): void {
    const siteId = this.siteId();
    const conversationId = this.conversationId();
    const tokenVersion = this.tokenVersion();
    this.meta.clear();
    this.bind(siteId, conversationId);
    this.meta.set('tokenVersion', String(tokenVersion + 1));
  }

  /** The site this chat belongs to, once a shopper opened it (null: nobody ever did). */
  knownSite(): string | null {
    return this.meta.get('siteId');
  }

  bind(siteId: string, conversationId: string): void {
    this.meta.set('siteId', siteId);
    this.meta.set('conversationId', conversationId);
  }

  siteId(): string {
    return this.meta.get('siteId') ?? '';
  }

  conversationId(): string {
    return this.meta.get('conversationId') ?? '';
  }

  /** Only the lifecycle's announce_state effect writes it. */
  state(): ConversationState {
    return (this.meta.get('state') as ConversationState | null) ?? INITIAL_STATE;
  }

  setState(state: ConversationState): void {
    this.meta.set('state', state);
  }

  /** No state yet: the first hello starts the chat. */
  isNew(): boolean {
    return this.meta.get('state') === null;
  }

  shopper(): ShopperContext {
    return this.meta.getJson<ShopperContext>('shopper') ?? { vip: false, locale: 'en', visits: 0 };
  }

  /** Stores the shopper's context; false when nothing changed (reconnects are frequent). */
  setShopper(shopper: ShopperContext): boolean {
    const text = JSON.stringify(shopper);
    if (text === this.meta.get('shopper')) return false;
    this.meta.set('shopper', text);
    return true;
  }

  locale(): PhraseLocale {
    return this.shopper().locale;
  }

  assignedAgent(): { id: string; name: string } | null {
    const id = this.meta.get('assignedAgentId');
    return id ? { id, name: this.meta.get('assignedAgentName') ?? 'Agent' } : null;
  }

  setAssignment(agentId: string, agentName: string): void {
    this.meta.set('assignedAgentId', agentId);
    this.meta.set('assignedAgentName', agentName);
    this.meta.setJson('lastAgent', { id: agentId, name: agentName });
  }

  clearAssignment(): void {
    this.meta.set('assignedAgentId', null);
    this.meta.set('assignedAgentName', null);
  }

  history(): HistoryEntry[] {
    return this.meta.getJson<HistoryEntry[]>('history') ?? [];
  }

  pushHistory(entry: HistoryEntry): void {
    this.meta.setJson('history', [...this.history(), entry].slice(-HISTORY_LIMIT));
  }

  /** Resume tokens older than this version no longer open the chat (after a shutdown). */
  tokenVersion(): number {
    return Number(this.meta.get('tokenVersion') ?? 0);
  }

  bumpTokenVersion(): void {
    this.meta.set('tokenVersion', String(this.tokenVersion() + 1));
  }

  rating(): { score: number; comment: string } | null {
    return this.meta.getJson<{ score: number; comment: string }>('rating');
  }

  setRating(rating: { score: number; comment: string }): void {
    this.meta.setJson('rating', rating);
  }

  promisedReplyTime(): string {
    return this.meta.get('promisedReplyTime') ?? '';
  }

  setPromisedReplyTime(promise: string): void {
    this.meta.set('promisedReplyTime', promise);
  }

  /** When the agent's last message left the shopper silent, and how many prompts went out since. */
  idle(): { since: number; step: number } | null {
    const since = Number(this.meta.get('idleSince') ?? 0);
    return since ? { since, step: Number(this.meta.get('idleStep') ?? 0) } : null;
  }

  setIdle(since: number, step: number): void {
    this.meta.set('idleSince', String(since));
    this.meta.set('idleStep', String(step));
  }

  setIdleStep(step: number): void {
    this.meta.set('idleStep', String(step));
  }

  clearIdle(): void {
    this.meta.set('idleSince', null);
  }

  chosenSuggestion(): ChosenSuggestion | null {
    return this.meta.getJson<ChosenSuggestion>('chosenSuggestion');
  }

  setChosenSuggestion(chosen: ChosenSuggestion | null): void {
    if (chosen) this.meta.setJson('chosenSuggestion', chosen);
    else this.meta.set('chosenSuggestion', null);
  }

  lastVisitAt(): number {
    return Number(this.meta.get('lastVisitAt') ?? 0);
  }

  setLastVisitAt(at: number): void {
    this.meta.set('lastVisitAt', String(at));
  }

  // ---- what the site's history shows (worker/history) ----------------------------------

  /** The conversation as the history lists it: this chat, or `<id>#<n>` once it started again after the reopen window. */
  historyId(): string {
    return this.meta.getJson<{ id: string }>('historySegment')?.id ?? this.conversationId();
  }

  /** The first transcript seq of the current history conversation (1 for the first). */
  historyFromSeq(): number {
    return this.meta.getJson<{ fromSeq: number }>('historySegment')?.fromSeq ?? 1;
  }

  previousHistoryId(): string | null {
    return this.meta.getJson<{ previousId: string }>('historySegment')?.previousId ?? null;
  }

  /** A new conversation in the history, from `fromSeq` on; its rating, reason and agent start afresh. */
  startHistorySegment(fromSeq: number, now: number): { previousId: string; id: string } {
    const previousId = this.historyId();
    const number = (this.meta.getJson<{ number: number }>('historySegment')?.number ?? 1) + 1;
    const id = `${this.conversationId()}#${number}`;
    this.meta.setJson('historySegment', { id, number, fromSeq, previousId });
    this.meta.set('startedAt', String(now));
    for (const key of ['rating', 'handoffReason', 'lastAgent', 'closedAt']) this.meta.set(key, null);
    return { previousId, id };
  }

  startedAt(): number | null {
    const at = this.meta.get('startedAt');
    return at ? Number(at) : null;
  }

  setStartedAt(at: number): void {
    this.meta.set('startedAt', String(at));
  }

  closedAt(): number | null {
    const at = this.meta.get('closedAt');
    return at ? Number(at) : null;
  }

  setClosedAt(at: number): void {
    this.meta.set('closedAt', String(at));
  }

  /** Why the chat last went to a person. */
  handoffReason(): HandoffReason | null {
    return (this.meta.get('handoffReason') as HandoffReason | null) ?? null;
  }

  setHandoffReason(reason: HandoffReason): void {
    this.meta.set('handoffReason', reason);
  }

  /** The last agent who held the chat; kept after the chat leaves them (a reopened chat goes back to them). */
  lastAgent(): { id: string; name: string } | null {
    return this.meta.getJson<{ id: string; name: string }>('lastAgent');
  }

  /** The agent's sessions below this version were revoked. */
  agentSessionsFrom(agentId: string): number {
    return Number(this.meta.get(`agentSessionsFrom:${agentId}`) ?? 0);
  }

  raiseAgentSessionsFrom(agentId: string, validFrom: number): void {
    this.meta.set(`agentSessionsFrom:${agentId}`, String(Math.max(validFrom, this.agentSessionsFrom(agentId))));
  }
}
