/**
 * The reply box. Enter sends, Shift+Enter is a new line (and Enter while an IME is composing
 * is left to the IME). A `/word` at the caret opens the site's canned replies, the chat's
 * locale first; arrows pick, Enter or Tab insert, Escape closes. "Internal note" sends a
 * `note`, never shown to the shopper, and never sends typing indicators.
 */
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { CannedReply } from '../../../protocol/agent.ts';
import { MAX_TEXT_LENGTH } from '../../../protocol/limits.ts';
import { t } from '../i18n.ts';

interface ComposerProps {
  /** Why the agent cannot message the shopper right now, or null when they can. */
  messageBlocked: string | null;
  /** Why notes cannot be written right now, or null when they can. */
  noteBlocked: string | null;
  locale: 'en' | 'zh';
  cannedReplies: CannedReply[];
  onSend: (text: string, asNote: boolean) => void;
  onTyping: (on: boolean) => void;
  autoFocus: boolean;
  /** Text to add to the draft (agent assist); a new `id` adds it again. */
  insertion?: { id: number; text: string } | null;
}

const TYPING_IDLE_MS = 3_000;

interface CannedQuery {
  start: number;
  end: number;
  query: string;
}

/** The `/shortcut` token that ends at the caret, if any. */
export function cannedQueryAt(text: string, caret: number): CannedQuery | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)\/([^\s/]*)$/.exec(before);
  if (!match) return null;
  const query = match[2] ?? '';
  return { start: caret - query.length - 1, end: caret, query: query.toLowerCase() };
}

/**
 * Replies whose shortcut starts with (then contains) the query, in the site's own order; in the
 * chat's locale, or in any locale when the chat's has none.
 */
export function filterCanned(replies: CannedReply[], query: string, locale: string): CannedReply[] {
  const key = (reply: CannedReply) => reply.shortcut.replace(/^\//, '').toLowerCase();
  const matching = replies.filter((reply) => key(reply).includes(query));
  const rank = (reply: CannedReply) => (key(reply).startsWith(query) ? 0 : 1);
  const inLocale = matching.filter((reply) => reply.locale === locale);
  const pool = inLocale.length > 0 ? inLocale : matching;
  return [...pool].sort((a, b) => rank(a) - rank(b)).slice(0, 8);
}

export function Composer({ messageBlocked, noteBlocked, locale, cannedReplies, onSend, onTyping, autoFocus, insertion }: ComposerProps) {
  const [draft, setDraft] = useState('');
  const [asNote, setAsNote] = useState(false);
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissedFor, setDismissedFor] = useState<string | null>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const typingTimer = useRef<ReturnType<typeof setTimeout>>();
  const pendingCaret = useRef<number | null>(null);
  const ids = useId();
  const listboxId = `${ids}-canned`;
  const hintId = `${ids}-hint`;

  const blocked = asNote ? noteBlocked : messageBlocked;
  const query = cannedQueryAt(draft, caret);
  const options = query && dismissedFor !== draft ? filterCanned(cannedReplies, query.query, locale) : [];
  const menuOpen = options.length > 0;
  const activeIndex = Math.min(active, Math.max(0, options.length - 1));

  // Focus once, when the chat first becomes writable; a later reconnect must not steal focus.
  const focusedOnce = useRef(false);
  useEffect(() => {
    if (!autoFocus || focusedOnce.current) return;
    focusedOnce.current = true;
    textarea.current?.focus();
  }, [autoFocus]);
  useEffect(() => () => clearTimeout(typingTimer.current), []);
  // An inserted text goes after what the agent has typed, and the caret to its end, ready to edit.
  useEffect(() => {
    if (!insertion) return;
    setDraft((current) => {
      const next = current.trim() ? `${current.replace(/\s+$/, '')}\n\n${insertion.text}` : insertion.text;
      pendingCaret.current = next.length;
      setCaret(next.length);
      return next;
    });
    textarea.current?.focus();
  }, [insertion?.id]);
  useEffect(() => {
    const element = textarea.current;
    if (element && pendingCaret.current !== null) {
      element.setSelectionRange(pendingCaret.current, pendingCaret.current);
      pendingCaret.current = null;
    }
  });

  const stopTyping = () => {
    clearTimeout(typingTimer.current);
    onTyping(false);
  };

  const submit = () => {
    const text = draft.trim();
    if (!text || blocked) return;
    onSend(text, asNote);
    setDraft('');
    setCaret(0);
    if (!asNote) stopTyping();
  };

  const insert = (reply: CannedReply) => {
    if (!query) return;
    const next = draft.slice(0, query.start) + reply.text + draft.slice(query.end);
    const position = query.start + reply.text.length;
    setDraft(next);
    setCaret(position);
    setActive(0);
    pendingCaret.current = position;
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (menuOpen) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActive((activeIndex + step + options.length) % options.length);
        return;
      }
      if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
        event.preventDefault();
        insert(options[activeIndex]!);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        setDismissedFor(draft);
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      submit();
    }
  };

  const onInput = (event: Event) => {
    const element = event.currentTarget as HTMLTextAreaElement;
    setDraft(element.value);
    setCaret(element.selectionStart ?? element.value.length);
    setActive(0);
    if (asNote) return;
    clearTimeout(typingTimer.current);
    if (element.value.trim()) {
      onTyping(true);
      typingTimer.current = setTimeout(() => onTyping(false), TYPING_IDLE_MS);
    } else {
      onTyping(false);
    }
  };

  const trackCaret = (event: Event) => {
    const element = event.currentTarget as HTMLTextAreaElement;
    setCaret(element.selectionStart ?? element.value.length);
  };

  const label = asNote ? t('composer.noteLabel') : t('composer.replyLabel');
  return (
    <form
      class={`composer ${asNote ? 'is-note' : ''}`}
      data-testid="composer-form"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      {menuOpen && (
        <ul class="canned-menu" id={listboxId} role="listbox" aria-label={t('composer.canned')} data-testid="canned-menu">
          {options.map((reply, index) => (
            <li
              key={`${reply.locale}:${reply.shortcut}`}
              id={`${listboxId}-${index}`}
              role="option"
              aria-selected={index === activeIndex}
              class={`canned-option ${index === activeIndex ? 'is-active' : ''}`}
              data-testid="canned-option"
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => insert(reply)}
            >
              <span class="canned-shortcut">/{reply.shortcut.replace(/^\//, '')}</span>
              <span class="badge badge-neutral">{reply.locale.toUpperCase()}</span>
              <span class="canned-text">{reply.text}</span>
            </li>
          ))}
        </ul>
      )}
      <label class="visually-hidden" for={`${ids}-input`}>
        {label}
      </label>
      <textarea
        id={`${ids}-input`}
        ref={textarea}
        class="composer-input"
        data-testid="composer"
        rows={3}
        maxLength={MAX_TEXT_LENGTH}
        value={draft}
        placeholder={asNote ? t('composer.notePlaceholder') : t('composer.replyPlaceholder')}
        aria-describedby={hintId}
        aria-autocomplete="list"
        aria-controls={menuOpen ? listboxId : undefined}
        aria-activedescendant={menuOpen ? `${listboxId}-${activeIndex}` : undefined}
        onInput={onInput}
        onKeyDown={onKeyDown}
        onKeyUp={(event) => {
          if (!['ArrowUp', 'ArrowDown', 'Enter', 'Tab', 'Escape'].includes(event.key)) trackCaret(event);
        }}
        onClick={trackCaret}
        onBlur={() => {
          if (!asNote) stopTyping();
        }}
      />
      <div class="composer-bar">
        <label class="switch">
          <input
            type="checkbox"
            data-testid="note-toggle"
            checked={asNote}
            onChange={(event) => {
              const on = event.currentTarget.checked;
              setAsNote(on);
              if (on) stopTyping();
            }}
          />
          {t('composer.note')}
        </label>
        <p id={hintId} class={`hint ${blocked ? 'hint-warn' : ''}`} aria-live="polite">
          {blocked ?? (menuOpen ? t(options.length === 1 ? 'composer.menuOne' : 'composer.menuMany', { n: options.length }) : t('composer.hint'))}
        </p>
        <button type="submit" class={`button ${asNote ? 'note-button' : 'primary'}`} data-testid="composer-send" disabled={!draft.trim() || blocked !== null}>
          {asNote ? t('composer.addNote') : t('composer.send')}
        </button>
      </div>
    </form>
  );
}
