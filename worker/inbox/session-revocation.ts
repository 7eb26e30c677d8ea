/**
 * Revocation that reaches open sockets. Session cookies are stateless; what makes them end is the
 * agent's session version in SiteInbox. A cookie already checked can still be holding sockets, so
 * the inbox remembers which conversations each agent opened a socket to, and on revocation tells
 * each of them the version below which that agent's sockets are dead. The Conversation closes
 * them with a typed code and refuses any later upgrade or frame carrying an older version.
 */
import type { CloseCode } from '../../protocol/limits.ts';

/** Conversations remembered per agent; older ones are forgotten (their sockets are long gone). */
const MAX_TRACKED_CONVERSATIONS = 200;

export type RevocationCloseCode = (typeof CloseCode)['signedOut' | 'sessionRevoked'];

export class AgentSocketRegistry {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS agent_conversation_sockets (
      agent_id TEXT NOT NULL, conversation_id TEXT NOT NULL, opened_at INTEGER NOT NULL,
      PRIMARY KEY (agent_id, conversation_id))`);
  }

  /** Remembers that `agentId` holds (or is about to hold) a socket to the conversation. */
  track(agentId: string, conversationId: string, now = Date.now()): void {
    this.sql.exec(
      `INSERT INTO agent_conversation_sockets (agent_id, conversation_id, opened_at) VALUES (?, ?, ?)
       ON CONFLICT(agent_id, conversation_id) DO UPDATE SET opened_at = excluded.opened_at`,
      agentId,
      conversationId,
      now,
    );
    this.sql.exec(
      `DELETE FROM agent_conversation_sockets WHERE agent_id = ? AND conversation_id NOT IN
       (SELECT conversation_id FROM agent_conversation_sockets WHERE agent_id = ? ORDER BY opened_at DESC LIMIT ?)`,
      agentId,
      agentId,
      MAX_TRACKED_CONVERSATIONS,
    );
  }

  /** The conversations to tell, forgotten at once: after revocation the agent starts afresh. */
  takeAll(agentId: string): string[] {
    const rows = this.sql
      .exec<{ conversation_id: string }>('DELETE FROM agent_conversation_sockets WHERE agent_id = ? RETURNING conversation_id', agentId)
      .toArray();
    return rows.map((row) => row.conversation_id);
  }
}
