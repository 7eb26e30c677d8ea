/**
 * The whole conversation as the agent sees it: shopper, bot (with the article it gave and its
 * confidence), agents, system events, and internal notes placed where they were written.
 * Every piece of text is a text node; nothing a shopper or agent typed is parsed as HTML.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { InternalNote } from '../../../protocol/agent.ts';
import type { BotPayload, SystemPayload, TranscriptMessage } from '../../../protocol/visitor.ts';
import type { PendingItem } from '../conversation.ts';
import { clockTime, confidence, isoTime, reasonLabel, stateLabel } from '../format.ts';
import { t } from '../i18n.ts';
import { AttachmentView } from './Attachments.tsx';

interface TranscriptProps {
  messages: TranscriptMessage[];
  notes: InternalNote[];
  pending: PendingItem[];
  shopperReadSeq: number;
  shopperName: string;
  online: boolean;
  onDiscard: (clientMsgId: string) => void;
  /** a message to scroll to and highlight (a search hit) */
  focusSeq?: number | null;
  /** whether the focused message is marked as the match (not when it is only where a conversation starts) */
  highlight?: boolean;
}

type Item = { kind: 'message'; message: TranscriptMessage } | { kind: 'note'; note: InternalNote } | { kind: 'pending'; item: PendingItem };

/** Messages by seq, each note right after the message it followed, unsent items last. */
export function timeline(messages: TranscriptMessage[], notes: InternalNote[], pending: PendingItem[]): Item[] {
  const items: Item[] = [];
  let next = 0;
  for (const message of messages) {
    while (next < notes.length && notes[next]!.afterSeq < message.seq) items.push({ kind: 'note', note: notes[next++]! });
    items.push({ kind: 'message', message });
  }
  while (next < notes.length) items.push({ kind: 'note', note: notes[next++]! });
  for (const item of pending) items.push({ kind: 'pending', item });
  return items;
}

export function Transcript({ messages, notes, pending, shopperReadSeq, shopperName, online, onDiscard, focusSeq = null, highlight = true }: TranscriptProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const items = timeline(messages, notes, pending);

  // Follow new messages unless the agent scrolled up to read history.
  useEffect(() => {
    const element = scroller.current;
    if (element && stick.current) element.scrollTop = element.scrollHeight;
  }, [items.length]);

  // Open at the message a search found, once it has arrived; then stop following new ones.
  const found = useRef<number | null>(null);
  useEffect(() => {
    if (focusSeq === null || found.current === focusSeq) return;
    const element = scroller.current?.querySelector<HTMLElement>(`[data-seq="${focusSeq}"]`);
    if (!element) return;
    found.current = focusSeq;
    stick.current = false;
    element.scrollIntoView({ block: highlight ? 'center' : 'start' });
  }, [focusSeq, items.length]);

  return (
    <div
      class="transcript"
      ref={scroller}
      role="log"
      aria-live="polite"
      aria-label={t('transcript.label')}
      tabIndex={0}
      data-testid="transcript"
      onScroll={(event) => {
        const element = event.currentTarget;
        stick.current = element.scrollHeight - element.scrollTop - element.clientHeight < 48;
      }}
    >
      <ol class="transcript-list">
        {items.map((item) => {
          switch (item.kind) {
            case 'message':
              return (
                <MessageItem
                  key={`m${item.message.seq}`}
                  message={item.message}
                  shopperName={shopperName}
                  readSeq={shopperReadSeq}
                  found={highlight && item.message.seq === focusSeq}
                />
              );
            case 'note':
              return <NoteItem key={`n${item.note.id}`} note={item.note} />;
            case 'pending':
              return <PendingRow key={`p${item.item.clientMsgId}`} item={item.item} online={online} onDiscard={onDiscard} />;
          }
        })}
      </ol>
    </div>
  );
}

function MessageItem({ message, shopperName, readSeq, found }: { message: TranscriptMessage; shopperName: string; readSeq: number; found: boolean }) {
  const foundProps = found ? { 'data-found': 'true', 'aria-current': 'true' as const } : {};
  if (message.author === 'system') {
    return (
      <li class={`msg msg-system ${found ? 'is-found' : ''}`} data-testid="transcript-message" data-author="system" data-seq={message.seq} {...foundProps}>
        <span class="system-text">{message.text || systemText(message.system)}</span>
        <time dateTime={isoTime(message.at)}>{clockTime(message.at)}</time>
      </li>
    );
  }
  const author = message.author === 'shopper' ? shopperName : message.author === 'bot' ? t('transcript.bot') : (message.agentName ?? t('sidebar.agent'));
  const bot = message.bot;
  const text = message.text || (bot?.kind === 'answer' ? bot.article.excerpt : '');
  return (
    <li
      class={`msg msg-${message.author} ${found ? 'is-found' : ''}`}
      data-testid="transcript-message"
      data-author={message.author}
      data-seq={message.seq}
      {...foundProps}
    >
      <div class="msg-meta">
        <span class="msg-author">{author}</span>
        <time dateTime={isoTime(message.at)}>{clockTime(message.at)}</time>
      </div>
      {message.attachment ? <AttachmentView attachment={message.attachment} /> : text && <p class="msg-text">{text}</p>}
      {bot && <BotDetail bot={bot} />}
      {message.author === 'agent' && (
        <span class="receipt" data-testid="receipt" data-receipt={message.seq <= readSeq ? 'read' : 'sent'}>
          {message.seq <= readSeq ? t('transcript.read') : t('transcript.sent')}
        </span>
      )}
    </li>
  );
}

function BotDetail({ bot }: { bot: BotPayload }) {
  switch (bot.kind) {
    case 'answer':
      return (
        <p class="bot-detail" data-testid="bot-detail" title={bot.reason}>
          Answered with <cite>{bot.article.title}</cite> · confidence {confidence(bot.confidence)}
        </p>
      );
    case 'suggest':
      return (
        <p class="bot-detail" data-testid="bot-detail" title={bot.reason}>
          Suggested {bot.suggestions.length === 0 ? 'nothing' : bot.suggestions.map((suggestion) => `“${suggestion.title}”`).join(', ')}
        </p>
      );
    case 'handoff':
      return (
        <p class="bot-detail bot-handoff" data-testid="bot-detail">
          Handed off: {reasonLabel(bot.reason)}
        </p>
      );
    case 'idle_prompt':
      return (
        <p class="bot-detail" data-testid="bot-detail">
          Idle prompt {bot.step} of 2
        </p>
      );
    case 'smalltalk':
    case 'greeting':
      return null;
  }
}

function NoteItem({ note }: { note: InternalNote }) {
  return (
    <li class="msg note" data-testid="internal-note">
      <p class="note-label">{t('transcript.noteLabel')}</p>
      <div class="msg-meta">
        <span class="msg-author">{note.agentName}</span>
        <time dateTime={isoTime(note.at)}>{clockTime(note.at)}</time>
      </div>
      <p class="msg-text">{note.text}</p>
    </li>
  );
}

function PendingRow({ item, online, onDiscard }: { item: PendingItem; online: boolean; onDiscard: (id: string) => void }) {
  const status = item.failed
    ? t('transcript.notSent', { reason: item.failed })
    : item.acked
      ? t('transcript.saved')
      : online
        ? t('transcript.sending')
        : t('transcript.waiting');
  return (
    <li
      class={`msg ${item.kind === 'note' ? 'note' : 'msg-agent'} pending ${item.failed ? 'failed' : ''}`}
      data-testid={item.kind === 'note' ? 'internal-note' : 'transcript-message'}
      data-author={item.kind === 'note' ? undefined : 'agent'}
      data-client-msg-id={item.clientMsgId}
    >
      {item.kind === 'note' && <p class="note-label">{t('transcript.noteLabel')}</p>}
      <p class="msg-text">{item.text}</p>
      <span class="receipt" data-testid="receipt" data-receipt={item.failed ? 'failed' : 'sending'}>
        {status}
      </span>
      {item.failed && (
        <button type="button" class="button small ghost" onClick={() => onDiscard(item.clientMsgId)}>
          {t('transcript.discard')}
        </button>
      )}
    </li>
  );
}

function systemText(system: SystemPayload | undefined): string {
  if (!system) return '';
  switch (system.event) {
    case 'state':
      return system.agentName && system.state === 'agent'
        ? t('transcript.joined', { name: system.agentName })
        : t('transcript.state', { state: stateLabel(system.state) });
    case 'transferred':
      return t('transcript.transferred', { name: system.agentName });
    case 'ticket':
      return t('transcript.ticket', { email: system.email });
    case 'rated':
      return t('transcript.rated', { score: system.score });
  }
}
