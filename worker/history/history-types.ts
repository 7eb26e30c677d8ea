/** What a Conversation sends its site's SiteHistory (worker-internal RPC; the console's types are in protocol/history.ts). */
import type { ConversationState, HandoffReason } from '../../protocol/index.ts';

export interface HistoryConversation {
  /** the conversation id, or `<id>#<n>` for a later conversation of the same chat window */
  id: string;
  state: ConversationState;
  startedAt: number;
  updatedAt: number;
  locale: 'en' | 'zh';
  shopper: { name?: string; email?: string; userId?: string; verified?: boolean };
  /** the first conversation of this chat window: the same browser */
  browserKey: string;
  assignee: { id: string; name: string } | null;
  handoffReason: HandoffReason | null;
  rating: number | null;
  previousId: string | null;
}

export interface HistoryMessage {
  seq: number;
  at: number;
  author: 'shopper' | 'agent' | 'bot';
  text: string;
}

export interface HistoryNote {
  id: number;
  at: number;
  text: string;
  /** the transcript message it follows: a hit opens there */
  afterSeq: number;
}

export interface HistoryRecord {
  siteId: string;
  conversation: HistoryConversation;
  /** messages not sent before, in seq order */
  messages: HistoryMessage[];
  notes: HistoryNote[];
}
