/**
 * Files in this chat: who may add one now, storing it as a transcript message, and the list the
 * data-rights export carries. The bytes are in R2 (worker/attachments); here is only the message.
 * Uploads are rate-limited per side of the chat, so a flood from the shopper never blocks the agent.
 */
import { type AttachmentRef, type AttachmentUploadResponse, type ExportedAttachment, UPLOADS_PER_MINUTE } from '../../protocol/index.ts';
import type { FileLinks } from '../attachments/file-links.ts';
import { refuse, type UploadAuthor, type UploadRefusal } from '../attachments/upload.ts';
import type { Env } from '../env.ts';
import { siteInbox } from '../stubs.ts';
import type { ChatLifecycle } from './chat-lifecycle.ts';
import type { ChatRecord } from './chat-record.ts';
import type { ChatSockets } from './chat-sockets.ts';
import { ActionBucket } from './shopper-limits.ts';
import type { TranscriptStore } from './transcript-store.ts';

export type UploadAdmission = { ok: true; existing?: AttachmentUploadResponse } | UploadRefusal;

export interface ChatAttachmentsHost {
  env: Env;
  record: ChatRecord;
  store: TranscriptStore;
  sockets: ChatSockets;
  links: FileLinks;
  lifecycle: ChatLifecycle;
  isRevoked(agentId: string, sessionVersion: number): boolean;
}

export class ChatAttachments {
  private readonly buckets = {
    shopper: new ActionBucket(UPLOADS_PER_MINUTE, UPLOADS_PER_MINUTE / 60),
    agent: new ActionBucket(UPLOADS_PER_MINUTE, UPLOADS_PER_MINUTE / 60),
  };

  constructor(private readonly host: ChatAttachmentsHost) {}

  /** May this sender add a file now? Counts against the rate; a retried clientMsgId answers with what was stored. */
  async admit(siteId: string, author: UploadAuthor, clientMsgId?: string): Promise<UploadAdmission> {
    const refusal = this.refusal(siteId, author);
    if (refusal) return refusal;
    const existing = clientMsgId ? this.host.store.byClientMsgId(clientMsgId) : null;
    if (existing?.attachment) {
      await this.host.links.ready();
      return { ok: true, existing: { seq: existing.seq, attachment: this.host.links.withLink(existing).attachment! } };
    }
    if (!this.buckets[author.role].take()) return refuse(429, 'rate_limited', `At most ${UPLOADS_PER_MINUTE} files a minute. Please wait a moment.`);
    return { ok: true };
  }

  /** Stores the message for a file already in R2 and shows it to every socket. */
  async add(
    siteId: string,
    author: UploadAuthor,
    attachment: AttachmentRef,
    clientMsgId?: string,
  ): Promise<{ ok: true; body: AttachmentUploadResponse } | UploadRefusal> {
    const refusal = this.refusal(siteId, author);
    if (refusal) return refusal;
    await this.host.links.ready();
    const message = this.host.store.insert({
      author: author.role,
      text: attachment.name,
      attachment,
      ...(clientMsgId ? { clientMsgId } : {}),
      ...(author.role === 'agent' ? { agentName: author.agentName } : {}),
    });
    // Every socket, the uploader's too: the upload came over HTTP, not over a socket.
    this.host.sockets.broadcastMessage(message);
    await this.after(author, message.text, message.at);
    return { ok: true, body: { seq: message.seq, attachment: this.host.links.withLink(message).attachment! } };
  }

  /**
   * What a text message from the same side would set off: a shopper's file is news for the agents
   * (inbox preview, idle timer), never a question for the bot; an agent's file counts as a reply.
   */
  private async after(author: UploadAuthor, text: string, at: number): Promise<void> {
    const { record, lifecycle } = this.host;
    if (author.role === 'agent') {
      await lifecycle.startIdleTimer(at);
      await siteInbox(this.host.env, record.siteId()).recordAgentReply(record.conversationId(), at);
      return;
    }
    const state = record.state();
    if (state === 'queued' || state === 'agent') await lifecycle.apply({ type: 'shopper_message' }, { text });
  }

  /** Every file of the chat, for the data-rights export. */
  list(): ExportedAttachment[] {
    return this.host.store
      .after(0)
      .filter((message) => message.attachment)
      .map((message) => ({ ...message.attachment!, at: message.at, author: message.author === 'agent' ? 'agent' : 'shopper' }));
  }

  private refusal(siteId: string, author: UploadAuthor): UploadRefusal | null {
    const { record } = this.host;
    const knownSite = record.knownSite();
    if (knownSite === null) return refuse(404, 'not_found', 'No such conversation.');
    if (knownSite !== siteId) return refuse(403, 'forbidden', 'This conversation belongs to another site.');
    if (author.role === 'shopper') {
      if (author.tokenVersion < record.tokenVersion()) return refuse(410, 'chat_ended', 'This chat has ended.');
      return null;
    }
    if (this.host.isRevoked(author.agentId, author.sessionVersion)) return refuse(401, 'unauthorized', 'Please log in.');
    if (record.state() !== 'agent' || record.assignedAgent()?.id !== author.agentId) {
      return refuse(403, 'not_assigned', 'Claim this chat from the queue before sending files.');
    }
    return null;
  }
}
