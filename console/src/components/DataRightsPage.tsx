/**
 * The shopper's data rights (site admins): find a shopper by their shop user id, e-mail or a
 * conversation id, see what is held, download it as one JSON file, and erase it after an
 * explicit confirmation. The audit log below says who exported or erased what, and when.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { AuditEntry, DataExport, DataSubject, ErasureResult } from '../../../protocol/data-rights.ts';
import { formatDateTime, t, useLocale } from '../i18n.ts';
import { eraseSubject, exportSubject, fetchAudit } from '../tickets-api.ts';
import { Modal } from './Modal.tsx';
import { PageHead } from './PageHead.tsx';

type Field = 'userId' | 'email' | 'conversationId';
type Toast = (text: string, tone?: 'info' | 'error') => void;

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The typed word that confirms an erasure. */
const CONFIRM_WORD = 'ERASE';

export function DataRightsPage({ toast }: { toast: Toast }) {
  useLocale();
  const [field, setField] = useState<Field>('email');
  const [value, setValue] = useState('');
  const [found, setFound] = useState<{ subject: DataSubject; data: DataExport } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const [erased, setErased] = useState<ErasureResult | null>(null);
  const [audit, setAudit] = useState<AuditEntry[] | null>(null);
  const mainRef = useRef<HTMLElement>(null);
  useEffect(() => mainRef.current?.focus(), []);

  const loadAudit = useCallback(() => {
    fetchAudit().then(setAudit, () => setAudit([]));
  }, []);
  useEffect(loadAudit, [loadAudit]);

  const find = (event: Event) => {
    event.preventDefault();
    const subject = { [field]: value.trim() } as DataSubject;
    setBusy(true);
    setError('');
    setErased(null);
    exportSubject(subject).then(
      (data) => {
        setBusy(false);
        setFound({ subject, data });
        loadAudit();
      },
      (failure: unknown) => {
        setBusy(false);
        setFound(null);
        setError(errorText(failure));
      },
    );
  };

  const download = () => {
    if (!found) return;
    const blob = new Blob([JSON.stringify(found.data, null, 2)], { type: 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `kefu-${found.data.site}-data-export.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  };

  const erase = () => {
    if (!found || typed !== CONFIRM_WORD) return;
    setBusy(true);
    eraseSubject(found.subject).then(
      (result) => {
        setBusy(false);
        setConfirming(false);
        setTyped('');
        setFound(null);
        setErased(result);
        toast(t('dataRights.erasedToast'));
        loadAudit();
      },
      (failure: unknown) => {
        setBusy(false);
        toast(errorText(failure), 'error');
      },
    );
  };

  const conversations = found?.data.conversations ?? [];
  const messages = conversations.reduce((sum, c) => sum + c.transcript.length, 0);
  const tickets = conversations.reduce((sum, c) => sum + c.tickets.length, 0);

  return (
    <main id="main-content" ref={mainRef} class="page" tabIndex={-1} aria-labelledby="data-rights-title" data-testid="data-rights-page">
      <PageHead id="data-rights-title" title={t('dataRights.title')}>
        <p class="muted">{t('dataRights.intro')}</p>
      </PageHead>
      <form class="filters" onSubmit={find}>
        <div class="field inline">
          <label for="data-rights-field">{t('dataRights.findBy')}</label>
          <select id="data-rights-field" data-testid="data-rights-field" value={field} onChange={(e) => setField(e.currentTarget.value as Field)}>
            <option value="email">{t('dataRights.email')}</option>
            <option value="userId">{t('dataRights.userId')}</option>
            <option value="conversationId">{t('dataRights.conversationId')}</option>
          </select>
        </div>
        <div class="field inline">
          <label for="data-rights-value" class="visually-hidden">
            {t('dataRights.value')}
          </label>
          <input id="data-rights-value" data-testid="data-rights-value" maxLength={254} value={value} onInput={(e) => setValue(e.currentTarget.value)} />
        </div>
        <button type="submit" class="button small primary" data-testid="data-rights-find" disabled={busy || !value.trim()}>
          {t('dataRights.find')}
        </button>
      </form>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {erased && (
        <p role="status" data-testid="data-rights-erased">
          {t('dataRights.erased', { conversations: erased.conversations, messages: erased.messages, tickets: erased.tickets })}
        </p>
      )}
      {found && (
        <section class="card" data-testid="data-rights-found">
          <p data-testid="data-rights-summary">{t('dataRights.held', { conversations: conversations.length, messages, tickets })}</p>
          <ul class="plain-list small">
            {conversations.map((c) => (
              <li key={c.conversationId}>
                <code>{c.conversationId}</code> · {c.shopper.name ?? '—'} · {c.shopper.email ?? '—'} · {t('dataRights.messages', { n: c.transcript.length })}
              </li>
            ))}
          </ul>
          {conversations.length > 0 && (
            <p>
              <button type="button" class="button small" data-testid="data-rights-download" onClick={download}>
                {t('dataRights.download')}
              </button>{' '}
              <button type="button" class="button small danger" data-testid="data-rights-erase" onClick={() => setConfirming(true)}>
                {t('dataRights.erase')}
              </button>
            </p>
          )}
        </section>
      )}
      {confirming && found && (
        <Modal title={t('dataRights.confirmTitle')} onClose={() => setConfirming(false)} testId="data-rights-confirm">
          <p>{t('dataRights.confirmText', { conversations: conversations.length, word: CONFIRM_WORD })}</p>
          <div class="field">
            <label for="data-rights-typed">{t('dataRights.typeWord', { word: CONFIRM_WORD })}</label>
            <input id="data-rights-typed" data-testid="data-rights-typed" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
          </div>
          <div class="row end">
            <button type="button" class="button small ghost" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
            <button type="button" class="button small danger" data-testid="data-rights-erase-confirm" disabled={busy || typed !== CONFIRM_WORD} onClick={erase}>
              {t('dataRights.eraseForGood')}
            </button>
          </div>
        </Modal>
      )}
      <h2 class="section-title">{t('dataRights.audit')}</h2>
      {audit && audit.length === 0 && <p class="muted small">{t('dataRights.noAudit')}</p>}
      <ol class="activity-list small" data-testid="data-rights-audit">
        {(audit ?? []).map((entry) => (
          <li key={entry.id}>
            {formatDateTime(entry.at)} · {entry.actor} · {t(`dataRights.action.${entry.action}`)} · {t('dataRights.by', { kind: entry.subjectKind })} ·{' '}
            {t('dataRights.counts', { conversations: entry.conversations, messages: entry.messages, tickets: entry.tickets })}
          </li>
        ))}
      </ol>
    </main>
  );
}
