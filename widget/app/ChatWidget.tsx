import { useEffect, useRef, useState } from 'preact/hooks';
import type { TranscriptMessage, WidgetConfig } from '../../protocol/visitor.ts';
import { ArticleContent } from './ArticleContent.tsx';
import type { ChatConnection, ChatSnapshot, PendingMessage } from './connection.ts';
import { fill, type Phrases, type WidgetLocale } from './i18n.ts';
import { LauncherIcon } from './LauncherIcon.tsx';
import { inkOnWhite, textOn } from './theme.ts';

interface ChatWidgetProps {
  connection: ChatConnection;
  phrases: Phrases;
  locale: WidgetLocale;
  config: WidgetConfig | null;
  open: boolean;
  onToggle: (open: boolean) => void;
}

const DEFAULT_COLOR = '#1f6f5c';

export function ChatWidget({ connection, phrases, locale, config, open, onToggle }: ChatWidgetProps) {
  const [snapshot, setSnapshot] = useState<ChatSnapshot>(() => connection.snapshot());
  const [draft, setDraft] = useState('');
  const [feedbackGiven, setFeedbackGiven] = useState<Record<number, boolean>>({});
  const listRef = useRef<HTMLOListElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const launcherRef = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(open);

  // Focus moves into the panel when it opens and back to the launcher when it closes.
  useEffect(() => {
    if (open) inputRef.current?.focus();
    else if (wasOpen.current) launcherRef.current?.focus();
    wasOpen.current = open;
  }, [open]);

  const color = config?.theme.color ?? DEFAULT_COLOR;
  const themeStyle = { '--accent': color, '--accent-text': textOn(color), '--accent-ink': inkOnWhite(color) } as Record<string, string>;
  const launcherLabel = config?.theme.launcherLabel[locale] ?? phrases.launcherOpen;
  const latest = [...snapshot.messages].reverse().find((message) => message.author !== 'shopper');

  useEffect(() => {
    const unsubscribe = connection.subscribe(setSnapshot);
    // The connection may have moved on (e.g. a returning shopper's welcome) between render and now.
    setSnapshot(connection.snapshot());
    return unsubscribe;
  }, [connection]);
  useEffect(() => {
    if (open) connection.start();
  }, [open, connection]);
  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
    // Whatever is on screen in an open panel has been read.
    if (open && snapshot.status === 'online') connection.markRead();
  }, [snapshot.messages.length, snapshot.pending.length, open, snapshot.status]);

  const submit = (event: Event) => {
    event.preventDefault();
    const text = draft.trim();
    if (!text) return;
    connection.send(text);
    connection.sendTyping(false);
    setDraft('');
  };

  const giveFeedback = (seq: number, helpful: boolean) => {
    connection.sendFeedback(seq, helpful);
    setFeedbackGiven((given) => ({ ...given, [seq]: helpful }));
  };

  const lastOffline = snapshot.messages.findLastIndex((m) => m.system?.event === 'state' && m.system.state === 'offline');
  const ticketSent = lastOffline >= 0 && snapshot.messages.slice(lastOffline).some((m) => m.system?.event === 'ticket');
  const canAskForPerson = snapshot.state === 'bot' || snapshot.state === 'closed';

  const statusLine = snapshot.status === 'online' ? phrases.online : snapshot.status === 'reconnecting' ? phrases.reconnecting : phrases.connecting;

  return (
    <div class={`kefu ${config?.theme.position === 'left' ? 'left' : 'right'}`} style={themeStyle} lang={locale}>
      {/* New messages from the shop are announced to screen readers here, once each. */}
      <div class="sr-only" aria-live="polite" aria-atomic="true">
        {latest ? `${latest.agentName ?? (latest.author === 'system' ? '' : phrases.title)}: ${latest.text}` : ''}
      </div>
      {open && (
        <section
          class="panel"
          role="dialog"
          aria-label={config?.name ?? phrases.title}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.stopPropagation();
              onToggle(false);
            }
          }}
        >
          <header class="header">
            <div>
              <h2 class="title">{config?.name ?? phrases.title}</h2>
              <p class={`status status-${snapshot.status}`} data-status={snapshot.status} role="status">
                {statusLine}
              </p>
            </div>
            <div class="header-actions">
              {canAskForPerson && (
                <button type="button" class="person-button" onClick={() => connection.requestHuman()}>
                  {phrases.talkToPerson}
                </button>
              )}
              <button type="button" class="icon-button" aria-label={phrases.launcherClose} onClick={() => onToggle(false)}>
                ×
              </button>
            </div>
          </header>
          {snapshot.queue && (
            <p class="banner queue-banner" role="status">
              {fill(phrases.queuePosition, {
                position: snapshot.queue.position,
                ahead: snapshot.queue.position - 1,
                minutes: Math.max(1, Math.round(snapshot.queue.estimatedWaitSeconds / 60)),
              })}
            </p>
          )}
          {connection.hasConversation && <div ref={connection.showTickets} />}
          <ol class="messages" ref={listRef} aria-label={phrases.messages} tabIndex={0}>
            {snapshot.messages.map((message) => (
              <MessageItem
                key={message.seq}
                message={message}
                phrases={phrases}
                feedback={feedbackGiven[message.seq]}
                seen={message.author === 'shopper' && message.seq <= snapshot.readByAgent}
                onFeedback={giveFeedback}
                onChoose={(id, title) => connection.chooseArticle(id, title)}
              />
            ))}
            {snapshot.pending.map((message) => (
              <PendingItem key={message.clientMsgId} message={message} phrases={phrases} />
            ))}
          </ol>
          {snapshot.agentTyping && snapshot.agentName && (
            <p class="typing" aria-live="polite">
              {fill(phrases.agentTyping, { agent: snapshot.agentName })}
            </p>
          )}
          {snapshot.notice && (
            <p class="banner notice" role="alert">
              {snapshot.notice}
            </p>
          )}
          {snapshot.state === 'offline' && !ticketSent && (
            <OfflineForm phrases={phrases} onSubmit={(email, message) => connection.leaveTicket(email, message)} />
          )}
          {snapshot.state === 'closed' && !snapshot.rated && <RatingForm phrases={phrases} onSubmit={(score, comment) => connection.rate(score, comment)} />}
          <form class="composer" onSubmit={submit}>
            <textarea
              ref={inputRef}
              class="input"
              rows={1}
              maxLength={4000}
              value={draft}
              placeholder={phrases.placeholder}
              aria-label={phrases.placeholder}
              onInput={(event) => {
                setDraft((event.target as HTMLTextAreaElement).value);
                connection.sendTyping(true);
              }}
              onBlur={() => connection.sendTyping(false)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && !event.shiftKey) submit(event);
              }}
            />
            <label class="icon-button">
              +
              <input
                type="file"
                class="sr-only"
                accept="image/*,.pdf"
                aria-label={phrases.attach}
                onChange={(event) => connection.attach(event.currentTarget)}
              />
            </label>
            <button type="submit" class="send" disabled={!draft.trim()}>
              {phrases.send}
            </button>
          </form>
          {/* An https address: the settings schema allows nothing else. */}
          {config?.privacy && (
            <a class="pv" href={config.privacy} target="_blank" rel="noreferrer">
              {phrases.privacy}
            </a>
          )}
        </section>
      )}
      <button
        type="button"
        class="launcher"
        ref={launcherRef}
        aria-expanded={open}
        aria-label={open ? phrases.launcherClose : launcherLabel}
        title={open ? phrases.launcherClose : launcherLabel}
        onClick={() => onToggle(!open)}
      >
        {open ? <span aria-hidden="true">×</span> : <LauncherIcon />}
      </button>
    </div>
  );
}

/** Article chips: the suggestions, or the "Not quite? …" alternatives under an answer (titles as text). */
function Chips({ items, label, onChoose }: { items: { id: string; title: string }[]; label?: string; onChoose: MessageItemProps['onChoose'] }) {
  return (
    <div class="chips">
      {label && <span>{label}</span>}
      {items.map((item) => (
        <button type="button" class="chip" key={item.id} onClick={() => onChoose(item.id, item.title)}>
          {item.title}
        </button>
      ))}
    </div>
  );
}

interface MessageItemProps {
  message: TranscriptMessage;
  phrases: Phrases;
  feedback: boolean | undefined;
  seen: boolean;
  onFeedback: (seq: number, helpful: boolean) => void;
  onChoose: (articleId: string, title: string) => void;
}

function MessageItem({ message, phrases, feedback, seen, onFeedback, onChoose }: MessageItemProps) {
  if (message.author === 'system') {
    return (
      <li class="message system" data-seq={message.seq}>
        {message.text}
      </li>
    );
  }
  const bot = message.bot;
  const file = message.attachment;
  // File links are kefu's, not the shop's: relative to the widget's own folder.
  const href = file && (window as unknown as { __kefuBoot: { base: string } }).__kefuBoot.base + file.url;
  return (
    <li class={`message ${message.author}`} data-seq={message.seq} data-author={message.author}>
      {message.author === 'agent' && message.agentName && <span class="author">{message.agentName}</span>}
      {bot?.kind === 'answer' ? (
        <ArticleContent title={bot.article.title} html={bot.article.html}>
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
        </ArticleContent>
      ) : (
        <p class="text">
          {file ? (
            // A photo (thumbnail named by its alt text; opens larger in a new tab) or a PDF by name (the server makes it a download).
            <a href={href} target="_blank">
              {file.type > 'b' ? <img src={href} alt={file.name} /> : file.name}
            </a>
          ) : (
            message.text
          )}
        </p>
      )}
      {bot?.kind === 'suggest' && <Chips items={bot.suggestions} onChoose={onChoose} />}
      {bot?.kind === 'answer' && bot.alternatives?.length ? <Chips label={phrases.notQuite} items={bot.alternatives} onChoose={onChoose} /> : null}
      {message.author === 'shopper' && (
        <span class="receipt" data-receipt={seen ? 'seen' : 'sent'}>
          {seen ? phrases.seen : phrases.sent}
        </span>
      )}
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

function OfflineForm({ phrases, onSubmit }: { phrases: Phrases; onSubmit: (email: string, message: string) => void }) {
  const [email, setEmail] = useState('');
  const [message, setMessage] = useState('');
  return (
    <form
      class="offline-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (email.trim() && message.trim()) onSubmit(email.trim(), message.trim());
      }}
    >
      <h3 class="form-title">{phrases.offlineTitle}</h3>
      <label>
        {phrases.email}
        <input type="email" required autoComplete="email" value={email} onInput={(event) => setEmail((event.target as HTMLInputElement).value)} />
      </label>
      <label>
        {phrases.yourMessage}
        <textarea required rows={3} maxLength={4000} value={message} onInput={(event) => setMessage((event.target as HTMLTextAreaElement).value)} />
      </label>
      <button type="submit" class="send">
        {phrases.sendTicket}
      </button>
    </form>
  );
}

function RatingForm({ phrases, onSubmit }: { phrases: Phrases; onSubmit: (score: number, comment: string) => void }) {
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  return (
    <form
      class="rating"
      onSubmit={(event) => {
        event.preventDefault();
        if (score > 0) onSubmit(score, comment.trim());
      }}
    >
      <p class="form-title" id="kefu-rating-question">
        {phrases.ratingQuestion}
      </p>
      <div class="scores" role="group" aria-labelledby="kefu-rating-question">
        {[1, 2, 3, 4, 5].map((value) => (
          <button
            type="button"
            key={value}
            class="score"
            aria-pressed={score === value}
            aria-label={fill(phrases.ratingLabel, { score: value })}
            onClick={() => setScore(value)}
          >
            {value}
          </button>
        ))}
      </div>
      <label>
        {phrases.ratingComment}
        <textarea rows={2} maxLength={1000} value={comment} onInput={(event) => setComment((event.target as HTMLTextAreaElement).value)} />
      </label>
      <button type="submit" class="send" disabled={score === 0}>
        {phrases.sendRating}
      </button>
    </form>
  );
}
