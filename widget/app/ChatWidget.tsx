import { useEffect, useRef, useState } from 'preact/hooks';
import type { TranscriptMessage } from '../../protocol/visitor.ts';
import type { ChatConnection, ChatSnapshot, PendingMessage } from './connection.ts';
import type { Phrases } from './i18n.ts';

interface ChatWidgetProps {
  connection: ChatConnection;
  phrases: Phrases;
  open: boolean;
  onToggle: (open: boolean) => void;
}

export function ChatWidget({ connection, phrases, open, onToggle }: ChatWidgetProps) {
  const [snapshot, setSnapshot] = useState<ChatSnapshot>(() => connection.snapshot());
  const [draft, setDraft] = useState('');
  const [feedbackGiven, setFeedbackGiven] = useState<Record<number, boolean>>({});
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => connection.subscribe(setSnapshot), [connection]);
  useEffect(() => {
    if (open) connection.start();
  }, [open, connection]);
  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [snapshot.messages.length, snapshot.pending.length, open]);

  const submit = (event: Event) => {
    event.preventDefault();
    const text = draft.trim();
    if (!text) return;
    connection.send(text);
    setDraft('');
  };

  const giveFeedback = (seq: number, helpful: boolean) => {
    connection.sendFeedback(seq, helpful);
    setFeedbackGiven((given) => ({ ...given, [seq]: helpful }));
  };

  const statusLine =
    snapshot.status === 'online' ? phrases.online : snapshot.status === 'reconnecting' ? phrases.reconnecting : phrases.connecting;

  return (
    <div class="kefu">
      {open && (
        <section class="panel" role="dialog" aria-label={phrases.title}>
          <header class="header">
            <div>
              <h2 class="title">{phrases.title}</h2>
              <p class={`status status-${snapshot.status}`} data-status={snapshot.status} role="status">
                {statusLine}
              </p>
            </div>
            <button type="button" class="icon-button" aria-label={phrases.launcherClose} onClick={() => onToggle(false)}>
              ×
            </button>
          </header>
          <ol class="messages" ref={listRef} aria-label={phrases.messages} aria-live="polite">
            {snapshot.messages.map((message) => (
              <MessageItem
                key={message.seq}
                message={message}
                phrases={phrases}
                feedback={feedbackGiven[message.seq]}
                onFeedback={giveFeedback}
                onChoose={(id, title) => connection.chooseArticle(id, title)}
              />
            ))}
            {snapshot.pending.map((message) => (
              <PendingItem key={message.clientMsgId} message={message} phrases={phrases} />
            ))}
          </ol>
          <form class="composer" onSubmit={submit}>
            <textarea
              class="input"
              rows={1}
              maxLength={4000}
              value={draft}
              placeholder={phrases.placeholder}
              aria-label={phrases.placeholder}
              onInput={(event) => setDraft((event.target as HTMLTextAreaElement).value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && !event.shiftKey) submit(event);
              }}
            />
            <button type="submit" class="send" disabled={!draft.trim()}>
              {phrases.send}
            </button>
          </form>
        </section>
      )}
      <button type="button" class="launcher" aria-expanded={open} aria-label={open ? phrases.launcherClose : phrases.launcherOpen} onClick={() => onToggle(!open)}>
        {open ? '×' : '💬'}
      </button>
    </div>
  );
}

interface MessageItemProps {
  message: TranscriptMessage;
  phrases: Phrases;
  feedback: boolean | undefined;
  onFeedback: (seq: number, helpful: boolean) => void;
  onChoose: (articleId: string, title: string) => void;
}

function MessageItem({ message, phrases, feedback, onFeedback, onChoose }: MessageItemProps) {
  if (message.author === 'system') {
    return (
      <li class="message system" data-seq={message.seq}>
        {message.text}
      </li>
    );
  }
  const bot = message.bot;
  return (
    <li class={`message ${message.author}`} data-seq={message.seq} data-author={message.author}>
      {bot?.kind === 'answer' ? (
        <article class="article">
          <h3 class="article-title">{bot.article.title}</h3>
          {/* The only HTML the widget renders: built from the shop's own markdown with raw HTML disabled. */}
          <div class="article-body" dangerouslySetInnerHTML={{ __html: bot.article.html }} />
          {bot.askFeedback && (
            <div class="feedback">
              {feedback === undefined ? (
                <>
                  <span>{phrases.helpfulQuestion}</span>
                  <button type="button" class="chip" onClick={() => onFeedback(message.seq, true)}>
                    {phrases.yes}
                  </button>
                  <button type="button" class="chip" onClick={() => onFeedback(message.seq, false)}>
                    {phrases.no}
                  </button>
                </>
              ) : (
                <span>{phrases.thanksFeedback}</span>
              )}
            </div>
          )}
        </article>
      ) : (
        <p class="text">{message.text}</p>
      )}
      {bot?.kind === 'suggest' && (
        <div class="chips">
          {bot.suggestions.map((suggestion) => (
            <button type="button" class="chip" key={suggestion.id} onClick={() => onChoose(suggestion.id, suggestion.title)}>
              {suggestion.title}
            </button>
          ))}
        </div>
      )}
      {message.author === 'shopper' && <span class="receipt" data-receipt="sent">{phrases.sent}</span>}
    </li>
  );
}

function PendingItem({ message, phrases }: { message: PendingMessage; phrases: Phrases }) {
  return (
    <li class="message shopper pending" data-client-msg-id={message.clientMsgId}>
      <p class="text">{message.text}</p>
      <span class="receipt" data-receipt={message.failed ? 'failed' : 'sending'} title={message.failed}>
        {message.failed ? `${phrases.failed}: ${message.failed}` : phrases.sending}
      </span>
    </li>
  );
}
