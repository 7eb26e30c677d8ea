/**
 * The shopper's data rights across the objects that hold it: the Conversation (transcript, notes,
 * identity, rating), the SiteInbox (tickets; its per-chat figures are kept, anonymous) and the
 * SiteHistory (list, search index). The history finds a shopper's conversations by user id or
 * e-mail. Erasure is idempotent: if one object fails, running it again finishes the job.
 */
import type { AuditEntry, DataExport, DataSubject, ErasureResult } from '../protocol/index.ts';
import type { Env } from './env.ts';
import { conversationStub, siteHistory, siteInbox, siteWebhooks } from './stubs.ts';

/** The subject's conversations on this site. A conversation id is checked against the site by the chat itself. */
async function subjectConversations(env: Env, siteId: string, subject: DataSubject): Promise<string[]> {
  const found = await siteHistory(env, siteId).findConversations(subject);
  if (!subject.conversationId) return found;
  const exported = await conversationStub(env, subject.conversationId).siteOf();
  return exported === siteId ? [...new Set([subject.conversationId, ...found])] : [];
}

export async function exportSubject(env: Env, siteId: string, subject: DataSubject, actor: string): Promise<DataExport> {
  const ids = await subjectConversations(env, siteId, subject);
  const tickets = await siteInbox(env, siteId).subjectTickets(ids);
  const conversations = await Promise.all(
    ids.map(async (id) => ({
      ...(await conversationStub(env, id).exportData()),
      tickets: tickets.filter((ticket) => ticket.conversationId === id),
    })),
  );
  await siteHistory(env, siteId).audit({
    actor,
    action: 'export',
    subjectKind: subjectKind(subject),
    conversations: ids.length,
    messages: conversations.reduce((sum, c) => sum + c.transcript.length, 0),
    tickets: tickets.length,
  });
  return { subject, site: siteId, generatedAt: new Date().toISOString(), conversations };
}

/** Erases the chats, the inbox's copies and webhook deliveries about them; the caller erases the history's and writes the audit line. */
export async function eraseChats(env: Env, siteId: string, ids: readonly string[]): Promise<ErasureResult> {
  let messages = 0;
  for (const id of ids) messages += (await conversationStub(env, id).erase()).messages;
  const { tickets } = await siteInbox(env, siteId).eraseConversations([...ids]);
  await siteWebhooks(env, siteId).eraseConversations([...ids]);
  return { conversations: ids.length, messages, tickets };
}

export async function eraseSubject(env: Env, siteId: string, subject: DataSubject, actor: string): Promise<ErasureResult> {
  const ids = await subjectConversations(env, siteId, subject);
  const result = await eraseChats(env, siteId, ids);
  const history = siteHistory(env, siteId);
  await history.eraseConversations(ids);
  await history.audit({ actor, action: 'erase', subjectKind: subjectKind(subject), ...result });
  return result;
}

function subjectKind(subject: DataSubject): AuditEntry['subjectKind'] {
  return subject.userId ? 'userId' : subject.email ? 'email' : 'conversationId';
}
