/** One open chat: header with actions, the transcript, the composer, and the shopper's context. */
import { useEffect, useState } from 'preact/hooks';
import type { AgentPresence, AgentProfile, CannedReply, ChatSummary } from '../../../protocol/agent.ts';
import type { ConversationConnection } from '../conversation.ts';
import { shopperName, stateLabel } from '../format.ts';
import type { ChatFocus } from '../history.ts';
import { useSnapshot } from '../hooks.ts';
import { t } from '../i18n.ts';
import { AssistPanel } from './AssistPanel.tsx';
import { AttachButton } from './Attachments.tsx';
import { ChatTickets } from './ChatTickets.tsx';
import { Composer } from './Composer.tsx';
import { ConversationHistory } from './ConversationHistory.tsx';
import { Modal } from './Modal.tsx';
import { ShopperPanel } from './ShopperPanel.tsx';
import { Transcript } from './Transcript.tsx';

interface ConversationViewProps {
  connection: ConversationConnection;
  me: AgentProfile;
  agents: AgentPresence[];
  summary: ChatSummary | undefined;
  cannedReplies: CannedReply[];
  onLeave: () => void;
  toast: (text: string, tone?: 'info' | 'error') => void;
  /** opened from history: which conversation of the chat window, and the message to show */
  focus?: ChatFocus | null;
  /** the site's labels, for the label picker */
  siteLabels?: string[];
  /** opens a ticket on the Tickets page */
  onOpenTicket?: (ref: string) => void;
}

type Dialog = 'transfer' | 'close' | null;

export function ConversationView({
  connection,
  me,
  agents,
  summary,
  cannedReplies,
  onLeave,
  toast,
  focus = null,
  siteLabels = [],
  onOpenTicket = () => {},
}: ConversationViewProps) {
  const chat = useSnapshot(connection);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [insertion, setInsertion] = useState<{ id: number; text: string } | null>(null);
  const online = chat.status === 'online' && chat.welcomed;
  const mine = chat.state === 'agent' && chat.assignedAgentId === me.id;
  const shopper = chat.shopper ?? summary?.shopper ?? null;
  const name = shopperName(shopper);
  const assignee = chat.assignedAgentId && chat.assignedAgentId !== me.id ? agents.find((agent) => agent.id === chat.assignedAgentId)?.name : undefined;

  // Opened at one of the window's conversations: its first message (the transcript holds them all).
  const startAt = focus?.at ?? null;
  const startSeq = startAt === null ? null : (chat.messages.find((message) => message.at >= startAt)?.seq ?? null);

  const latestShopper = chat.messages.findLast((message) => message.author === 'shopper') ?? null;

  // Tell the shopper we have read what is on screen, whenever the tab is visible.
  const lastSeq = chat.messages.length > 0 ? chat.messages[chat.messages.length - 1]!.seq : 0;
  useEffect(() => {
    const mark = () => {
      if (document.visibilityState === 'visible' && mine) connection.markRead(lastSeq);
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [connection, lastSeq, mine, chat.welcomed]);

  const messageBlocked = !online
    ? t('chat.notConnectedText')
    : chat.state === 'closed'
      ? t('chat.isClosed')
      : chat.state !== 'agent'
        ? t('chat.notesOnlyState', { state: stateLabel(chat.state ?? 'bot').toLowerCase() })
        : !mine
          ? t('chat.notesOnlyWith', { name: assignee ?? t('chat.anotherAgent') })
          : null;
  const noteBlocked = online ? null : t('chat.notConnectedNote');

  const act = (sent: boolean, done: string) => {
    if (sent) toast(done);
    else toast(t('chat.notConnectedAct'), 'error');
  };

  return (
    <>
      <main
        id="conversation"
        class="conversation"
        tabIndex={-1}
        aria-labelledby="conversation-title"
        data-testid="conversation"
        data-conversation-id={chat.conversationId}
        data-state={chat.state ?? ''}
      >
        <header class="conversation-head">
          <div class="conversation-title-block">
            <h1 id="conversation-title" class="conversation-title">
              {name}
            </h1>
            <p class="conversation-sub">
              {chat.state && (
                <span class={`state-pill state-${chat.state}`} data-testid="conversation-state">
                  {stateLabel(chat.state)}
                  {assignee ? ` · ${assignee}` : ''}
                </span>
              )}
              {chat.status !== 'online' && (
                <span class="link-status" role="status">
                  {chat.status === 'connecting' ? t('chat.connecting') : t('chat.reconnecting')}
                </span>
              )}
            </p>
          </div>
          <div class="actions" role="group" aria-label={t('chat.actions')}>
            <button type="button" class="button" data-testid="transfer-button" disabled={!mine || !online} onClick={() => setDialog('transfer')}>
              {t('chat.transferMenu')}
            </button>
            <button
              type="button"
              class="button"
              data-testid="back-to-bot-button"
              disabled={!mine || !online}
              onClick={() => act(connection.backToBot(), t('chat.backToBotDone'))}
            >
              {t('chat.backToBot')}
            </button>
            <button type="button" class="button danger" data-testid="close-button" disabled={!mine || !online} onClick={() => setDialog('close')}>
              {t('chat.close')}
            </button>
            <button type="button" class="button ghost" data-testid="leave-button" aria-label={t('chat.hide')} onClick={onLeave}>
              ×
            </button>
          </div>
        </header>

        {!chat.welcomed && chat.messages.length === 0 ? (
          <p class="muted transcript-loading" role="status">
            {t('chat.loading')}
          </p>
        ) : (
          <Transcript
            messages={chat.messages}
            notes={chat.notes}
            pending={chat.pending}
            shopperReadSeq={chat.shopperReadSeq}
            shopperName={name}
            online={online}
            onDiscard={(id) => connection.discard(id)}
            focusSeq={focus?.seq ?? startSeq}
            highlight={focus?.seq != null}
          />
        )}

        <p class="typing" aria-live="polite" data-testid="typing-indicator">
          {chat.shopperTyping ? t('chat.typing', { name }) : ''}
        </p>

        {chat.state === 'closed' && (
          <p class="closed-banner" role="status" data-testid="closed-banner">
            {t('chat.isClosed')} {chat.rating ? t('chat.ratedIt', { score: chat.rating.score }) : t('chat.waitingRating')}
          </p>
        )}

        <AssistPanel
          message={latestShopper}
          locale={shopper?.locale ?? 'en'}
          onInsert={(text) => setInsertion((current) => ({ id: (current?.id ?? 0) + 1, text }))}
        />

        <AttachButton conversationId={connection.conversationId} blocked={messageBlocked} />
        <Composer
          insertion={insertion}
          messageBlocked={messageBlocked}
          noteBlocked={noteBlocked}
          locale={shopper?.locale ?? 'en'}
          cannedReplies={cannedReplies}
          onSend={(text, asNote) => (asNote ? connection.sendNote(text) : connection.sendMessage(text))}
          onTyping={(on) => connection.setTyping(on)}
          autoFocus={mine && online}
        />
      </main>

      <ShopperPanel shopper={shopper} summary={summary} rating={chat.rating}>
        <ConversationHistory
          chatId={connection.conversationId}
          conversationId={focus?.conversationId ?? null}
          state={chat.state}
          siteLabels={siteLabels}
          toast={toast}
        />
        <ChatTickets conversationId={connection.conversationId} onOpenTicket={onOpenTicket} toast={toast} />
      </ShopperPanel>

      {dialog === 'transfer' && (
        <TransferDialog
          me={me}
          agents={agents}
          onCancel={() => setDialog(null)}
          onTransfer={(toAgentId, note) => {
            setDialog(null);
            const target = agents.find((agent) => agent.id === toAgentId)?.name ?? t('chat.theAgent');
            act(connection.transfer(toAgentId, note), t('chat.transferring', { name: target }));
          }}
        />
      )}
      {dialog === 'close' && (
        <Modal title={t('chat.closeTitle')} onClose={() => setDialog(null)} testId="close-dialog" describedBy="close-dialog-text">
          <p id="close-dialog-text">{t('chat.closeText')}</p>
          <div class="row end">
            <button type="button" class="button" data-testid="close-cancel" onClick={() => setDialog(null)}>
              {t('chat.keepOpen')}
            </button>
            <button
              type="button"
              class="button danger"
              data-testid="close-confirm"
              onClick={() => {
                setDialog(null);
                act(connection.close(), t('chat.closedDone'));
              }}
            >
              {t('chat.close')}
            </button>
          </div>
        </Modal>
      )}
    </>
  );
}

interface TransferDialogProps {
  me: AgentProfile;
  agents: AgentPresence[];
  onCancel: () => void;
  onTransfer: (toAgentId: string, note: string) => void;
}

function TransferDialog({ me, agents, onCancel, onTransfer }: TransferDialogProps) {
  const candidates = agents.filter((agent) => agent.id !== me.id && agent.status === 'online');
  const [target, setTarget] = useState(candidates[0]?.id ?? '');
  const [note, setNote] = useState('');
  return (
    <Modal title={t('chat.transferTitle')} onClose={onCancel} testId="transfer-dialog">
      {candidates.length === 0 ? (
        <>
          <p>{t('chat.nobodyOnline')}</p>
          <div class="row end">
            <button type="button" class="button" onClick={onCancel}>
              OK
            </button>
          </div>
        </>
      ) : (
        <form
          class="stack"
          onSubmit={(event) => {
            event.preventDefault();
            if (target) onTransfer(target, note.trim());
          }}
        >
          <div class="field">
            <label for="transfer-agent">{t('chat.transferTo')}</label>
            <select id="transfer-agent" data-testid="transfer-agent" value={target} onChange={(event) => setTarget(event.currentTarget.value)}>
              {candidates.map((agent) => (
                <option key={agent.id} value={agent.id}>
                  {agent.name} — {agent.activeChats === 1 ? t('chat.oneChat') : t('chat.nChats', { n: agent.activeChats })}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="transfer-note">{t('chat.transferNote')}</label>
            <textarea
              id="transfer-note"
              data-testid="transfer-note"
              rows={3}
              maxLength={2000}
              value={note}
              onInput={(event) => setNote(event.currentTarget.value)}
              aria-describedby="transfer-note-hint"
            />
            <p id="transfer-note-hint" class="hint">
              {t('chat.transferNoteHint')}
            </p>
          </div>
          <div class="row end">
            <button type="button" class="button" onClick={onCancel}>
              {t('common.cancel')}
            </button>
            <button type="submit" class="button primary" data-testid="transfer-confirm">
              {t('chat.transfer')}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}
