/**
 * Shift handover notes (交班日记): write a note for the next shift, search the notes. At login the
 * console shows the notes written since the agent's last session, unread first (HandoverAtLogin).
 * Notes are shown as written (plain text), never translated.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { HandoverNote } from '../../../protocol/reports.ts';
import { formatDateTime, t, useLocale } from '../i18n.ts';
import { fetchHandoverNotes, markHandoverRead, writeHandoverNote } from '../reports-api.ts';
import { PageHead } from './PageHead.tsx';

export function HandoverPage({ toast }: { toast: (text: string, tone?: 'info' | 'error') => void }) {
  useLocale();
  const [notes, setNotes] = useState<HandoverNote[] | null>(null);
  const [retentionDays, setRetentionDays] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const mainRef = useRef<HTMLElement>(null);

  const refresh = useCallback((q: string) => {
    fetchHandoverNotes({ q: q.trim() || undefined }).then(
      (result) => {
        setNotes(result.notes);
        setRetentionDays(result.retentionDays);
        setError(null);
      },
      (failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)),
    );
  }, []);
  useEffect(() => refresh(''), [refresh]);
  useEffect(() => mainRef.current?.focus(), []);

  return (
    <main id="main-content" ref={mainRef} class="page" tabIndex={-1} aria-labelledby="handover-title" data-testid="handover-page">
      <PageHead id="handover-title" title={t('handover.title')}>
        {retentionDays !== null && <p class="muted">{t('handover.intro', { days: retentionDays })}</p>}
      </PageHead>
      <form
        class="stack"
        onSubmit={(event) => {
          event.preventDefault();
          if (!text.trim()) return;
          setBusy(true);
          writeHandoverNote(text).then(
            () => {
              setBusy(false);
              setText('');
              toast(t('handover.posted'));
              refresh(query);
            },
            (failure: unknown) => {
              setBusy(false);
              setError(failure instanceof Error ? failure.message : String(failure));
            },
          );
        }}
      >
        <div class="field">
          <label for="handover-text">{t('handover.write')}</label>
          <textarea id="handover-text" rows={3} maxLength={4000} value={text} onInput={(event) => setText(event.currentTarget.value)} />
        </div>
        <div class="row end">
          <button type="submit" class="button primary" disabled={busy || !text.trim()}>
            {t('handover.post')}
          </button>
        </div>
      </form>
      <form
        class="row"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          refresh(query);
        }}
      >
        <label for="handover-search" class="visually-hidden">
          {t('handover.search')}
        </label>
        <input
          id="handover-search"
          type="search"
          maxLength={200}
          placeholder={t('handover.search')}
          value={query}
          onInput={(event) => setQuery(event.currentTarget.value)}
        />
        <button type="submit" class="button small">
          {t('common.search')}
        </button>
      </form>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {notes === null ? (
        <p class="muted" role="status">
          {t('common.loading')}
        </p>
      ) : notes.length === 0 ? (
        <p class="muted">{t('handover.empty')}</p>
      ) : (
        <NoteList notes={notes} />
      )}
    </main>
  );
}

function NoteList({ notes }: { notes: HandoverNote[] }) {
  return (
    <ul class="card-list" data-testid="handover-notes">
      {notes.map((note) => (
        <li key={note.id} class="card" data-testid="handover-note">
          <p class="muted small">
            {!note.read && <span class="badge">{t('handover.unread')}</span>}{' '}
            {t('handover.by', { name: note.authorName, when: formatDateTime(note.createdAt) })}
          </p>
          <p class="note-text">{note.text}</p>
        </li>
      ))}
    </ul>
  );
}

/**
 * At login: the notes others wrote since this agent's last session, unread first, in the sidebar
 * (not a dialog: nothing blocks the queue). "Mark as read" files them; the Handover page keeps them.
 */
export function HandoverAtLogin({ onOpenAll }: { onOpenAll: () => void }) {
  useLocale();
  const [notes, setNotes] = useState<HandoverNote[]>([]);
  useEffect(() => {
    let active = true;
    fetchHandoverNotes({ view: 'since-last-session' }).then(
      (result) => active && setNotes(result.notes.filter((note) => !note.read)),
      () => undefined,
    );
    return () => {
      active = false;
    };
  }, []);
  if (notes.length === 0) return null;
  const markRead = () => {
    void markHandoverRead(notes.map((note) => note.id)).catch(() => undefined);
    setNotes([]);
  };
  return (
    <section class="handover-login" aria-labelledby="handover-login-title" data-testid="handover-at-login">
      <h2 id="handover-login-title" class="section-title">
        {t('handover.since')} <span class="count">{notes.length}</span>
      </h2>
      <ul class="handover-login-list">
        {notes.slice(0, 5).map((note) => (
          <li key={note.id} data-testid="handover-login-note">
            <p class="muted small">{t('handover.by', { name: note.authorName, when: formatDateTime(note.createdAt) })}</p>
            <p class="note-text">{note.text}</p>
          </li>
        ))}
      </ul>
      <div class="row">
        <button type="button" class="button small primary" data-testid="handover-mark-read" onClick={markRead}>
          {t('handover.markRead')}
        </button>
        <button type="button" class="button small" onClick={onOpenAll}>
          {t('handover.all')}
        </button>
      </div>
    </section>
  );
}
