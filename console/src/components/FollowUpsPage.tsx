/**
 * Follow-ups (回訪): chats rated 1–2 and complaints, with who, why and the transcript. An agent
 * or admin marks an item done with a note (kept as written, never translated).
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { FollowUp } from '../../../protocol/reports.ts';
import { formatDateTime, t, useLocale } from '../i18n.ts';
import { fetchFollowUps, markFollowUpDone } from '../reports-api.ts';
import { LoadStatus } from './LoadStatus.tsx';
import { Modal } from './Modal.tsx';
import { PageHead } from './PageHead.tsx';

type Status = 'open' | 'done' | 'all';
type Load = { phase: 'loading' } | { phase: 'error'; message: string } | { phase: 'ready'; items: FollowUp[] };

export function FollowUpsPage({ toast, onOpenChat }: { toast: (text: string, tone?: 'info' | 'error') => void; onOpenChat: (conversationId: string) => void }) {
  useLocale();
  const [status, setStatus] = useState<Status>('open');
  const [load, setLoad] = useState<Load>({ phase: 'loading' });
  const [marking, setMarking] = useState<FollowUp | null>(null);
  const mainRef = useRef<HTMLElement>(null);

  const refresh = useCallback(() => {
    setLoad({ phase: 'loading' });
    fetchFollowUps(status).then(
      (items) => setLoad({ phase: 'ready', items }),
      (error: unknown) => setLoad({ phase: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  }, [status]);
  useEffect(refresh, [refresh]);
  useEffect(() => mainRef.current?.focus(), []);

  return (
    <main id="main-content" ref={mainRef} class="page" tabIndex={-1} aria-labelledby="follow-ups-title" data-testid="follow-ups-page">
      <PageHead id="follow-ups-title" title={t('followUps.title')} onRefresh={refresh}>
        <p class="muted">{t('followUps.intro')}</p>
      </PageHead>
      <fieldset class="segmented">
        <legend>{t('followUps.show')}</legend>
        {(['open', 'done', 'all'] as const).map((value) => (
          <label key={value} class={`segment ${status === value ? 'is-on' : ''}`}>
            <input type="radio" name="follow-up-status" value={value} checked={status === value} onChange={() => setStatus(value)} />
            {t(`followUps.${value}`)}
          </label>
        ))}
      </fieldset>
      <LoadStatus load={load} />
      {load.phase === 'ready' &&
        (load.items.length === 0 ? (
          <p class="muted">{t('followUps.empty')}</p>
        ) : (
          <ul class="card-list" data-testid="follow-up-list">
            {load.items.map((item) => (
              <li key={item.id} class="card" data-testid="follow-up">
                <p>
                  <strong>{item.kind === 'complaint' ? t('followUps.why.complaint') : t('followUps.why.low_rating', { rating: item.rating ?? '?' })}</strong>
                  {' · '}
                  {formatDateTime(item.createdAt)}
                  {' · '}
                  {item.agentName ? t('followUps.who', { name: item.agentName }) : t('followUps.noAgent')}
                </p>
                <p data-testid="follow-up-shopper">
                  {t('followUps.shopper', { name: item.shopperName ?? t('format.visitor') })}
                  {item.shopperEmail ? ` · ${item.shopperEmail}` : ''}
                </p>
                {item.comment && <p class="quote">“{item.comment}”</p>}
                {item.done ? (
                  <p class="muted small">
                    {t('followUps.doneBy', { name: item.doneBy ?? '?', when: item.doneAt ? formatDateTime(item.doneAt) : '' })}
                    {item.doneNote ? ` — ${item.doneNote}` : ''}
                  </p>
                ) : null}
                <div class="row">
                  <a
                    class="button small"
                    href={`#chat=${item.conversationId}`}
                    onClick={(event) => {
                      event.preventDefault();
                      onOpenChat(item.conversationId);
                    }}
                  >
                    {t('followUps.openChat')}
                  </a>
                  {!item.done && (
                    <button type="button" class="button small" onClick={() => setMarking(item)}>
                      {t('followUps.markDone')}
                    </button>
                  )}
                </div>
              </li>
            ))}
          </ul>
        ))}
      {marking && (
        <DoneDialog
          item={marking}
          onClose={() => setMarking(null)}
          onDone={() => {
            setMarking(null);
            toast(t('followUps.saved'));
            refresh();
          }}
        />
      )}
    </main>
  );
}

function DoneDialog({ item, onClose, onDone }: { item: FollowUp; onClose: () => void; onDone: () => void }) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal title={t('followUps.doneTitle')} onClose={onClose} testId="follow-up-done-dialog">
      <form
        class="stack"
        onSubmit={(event) => {
          event.preventDefault();
          setBusy(true);
          markFollowUpDone(item.id, note).then(onDone, (failure: unknown) => {
            setBusy(false);
            setError(failure instanceof Error ? failure.message : String(failure));
          });
        }}
      >
        <div class="field">
          <label for="follow-up-note">{t('followUps.note')}</label>
          <textarea id="follow-up-note" rows={4} maxLength={2000} value={note} onInput={(event) => setNote(event.currentTarget.value)} />
        </div>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="row end">
          <button type="button" class="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" class="button primary" disabled={busy}>
            {t('common.save')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
