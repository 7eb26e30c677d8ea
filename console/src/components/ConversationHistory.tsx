/**
 * In the shopper panel of an open conversation: its labels (chips, removable, and a picker of the
 * site's labels) and the shopper's timeline, the same shopper's other conversations with date,
 * outcome, rating, handoff reason and labels, each one click away. Both come from
 * GET /v1/agent/conversations/:id/timeline, which lists this conversation too.
 */
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { ConversationListItem } from '../../../protocol/history.ts';
import { featureError } from '../api.ts';
import { dateTime, isoTime, reasonLabel, stateLabel } from '../format.ts';
import { chatHref, chatIdOf, fetchTimeline, mergeLabels, saveLabels } from '../history.ts';
import { t } from '../i18n.ts';
import '../history.css';

interface ConversationHistoryProps {
  /** the chat window open over the socket */
  chatId: string;
  /** the conversation history named, when the agent came from the list, a search or the timeline */
  conversationId: string | null;
  /** the chat's state: the timeline is fetched again when it changes (a close, a reopen) */
  state: string | null;
  siteLabels: string[];
  toast: (text: string, tone?: 'info' | 'error') => void;
}

type Load = { phase: 'loading' } | { phase: 'ready'; items: ConversationListItem[] } | { phase: 'error'; message: string };

const MAX_LABELS = 10;

/** The timeline's entry for the open conversation: the one named, else the chat window's newest. */
export function currentEntry(items: ConversationListItem[], chatId: string, conversationId: string | null): ConversationListItem | null {
  if (conversationId) {
    const named = items.find((item) => item.conversationId === conversationId);
    if (named) return named;
  }
  const own = items.filter((item) => chatIdOf(item.conversationId) === chatId);
  return own.sort((a, b) => b.startedAt - a.startedAt)[0] ?? null;
}

export function ConversationHistory({ chatId, conversationId, state, siteLabels, toast }: ConversationHistoryProps) {
  const ids = useId();
  const [load, setLoad] = useState<Load>({ phase: 'loading' });
  const seq = useRef(0);
  const target = conversationId ?? chatId;
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    const mine = ++seq.current;
    fetchTimeline(target).then(
      (items) => mine === seq.current && setLoad({ phase: 'ready', items }),
      (error: unknown) => mine === seq.current && setLoad({ phase: 'error', message: featureError(error, t('history.timelineFeature')) }),
    );
  }, [target, state, nonce]);

  const items = load.phase === 'ready' ? load.items : [];
  const current = currentEntry(items, chatId, conversationId);
  const others = items.filter((item) => item !== current);

  return (
    <>
      <section class="context-section" aria-labelledby={`${ids}-labels`} data-testid="conversation-labels">
        <h3 id={`${ids}-labels`} class="section-title">
          {t('history.labelsTitle')}
        </h3>
        {load.phase === 'loading' ? (
          <p class="muted small">Loading…</p>
        ) : load.phase === 'error' ? (
          <p class="muted small">{load.message}</p>
        ) : (
          <>
            {current && others.some((item) => chatIdOf(item.conversationId) === chatId) && (
              <p class="muted small" data-testid="current-conversation">
                {t('history.severalInWindow', { date: dateTime(current.startedAt) })}
              </p>
            )}
            <LabelEditor
              key={current?.conversationId ?? target}
              conversationId={current?.conversationId ?? target}
              labels={current?.labels ?? []}
              // Agents other than admins cannot read the site's settings: the labels in use on this shopper's conversations help.
              siteLabels={mergeLabels(siteLabels, ...items.map((item) => item.labels))}
              toast={toast}
            />
          </>
        )}
      </section>

      <section class="context-section" aria-labelledby={`${ids}-timeline`} data-testid="shopper-timeline">
        <h3 id={`${ids}-timeline`} class="section-title">
          {t('history.others')} {load.phase === 'ready' && <span class="count">{others.length}</span>}
        </h3>
        <p>
          <button type="button" class="button small ghost" data-testid="timeline-refresh" onClick={() => setNonce((n) => n + 1)}>
            {t('common.refresh')}
          </button>
        </p>
        {load.phase === 'loading' ? (
          <p class="muted small">Loading…</p>
        ) : load.phase === 'error' ? (
          <p class="muted small" data-testid="timeline-error">
            {load.message}
          </p>
        ) : others.length === 0 ? (
          <p class="muted small">{t('history.noOthers')}</p>
        ) : (
          <ol class="timeline">
            {others.map((item) => (
              <li key={item.conversationId}>
                <a
                  class="history-row"
                  href={chatHref(item.conversationId, null, chatIdOf(item.conversationId) === chatId ? item.startedAt : null)}
                  data-testid="timeline-entry"
                  data-conversation-id={item.conversationId}
                  data-state={item.state}
                >
                  <span class="entry-top">
                    <time dateTime={isoTime(item.startedAt)}>{dateTime(item.startedAt)}</time>
                    <span class={`state-pill state-${item.state}`} data-testid="timeline-state">
                      {stateLabel(item.state)}
                    </span>
                  </span>
                  <span class="history-facts">
                    {item.rating !== null && <span data-testid="timeline-rating">{t('history.rated', { n: item.rating })}</span>}
                    {item.handoffReason && <span data-testid="timeline-reason">{reasonLabel(item.handoffReason)}</span>}
                    {item.assignee && <span>{item.assignee.name}</span>}
                    {chatIdOf(item.conversationId) === chatId && <span>{t('history.sameWindow')}</span>}
                  </span>
                  {item.labels.length > 0 && (
                    <span class="label-chips">
                      <span class="visually-hidden">{t('history.labelsPrefix')}</span>
                      {item.labels.map((label) => (
                        <span key={label} class="label-chip">
                          {label}
                        </span>
                      ))}
                    </span>
                  )}
                  {item.lastMessage && <span class="entry-last">{item.lastMessage}</span>}
                </a>
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

/** The conversation's labels as chips with a remove button, and a picker to add one of the site's. */
function LabelEditor({
  conversationId,
  labels: initial,
  siteLabels,
  toast,
}: {
  conversationId: string;
  labels: string[];
  siteLabels: string[];
  toast: (text: string, tone?: 'info' | 'error') => void;
}) {
  const ids = useId();
  const [labels, setLabels] = useState(initial);
  const [busy, setBusy] = useState(false);
  const pickerRef = useRef<HTMLSelectElement>(null);
  const choices = mergeLabels(siteLabels).filter((label) => !labels.some((own) => own.toLowerCase() === label.toLowerCase()));

  const save = async (next: string[], done: string) => {
    setBusy(true);
    try {
      setLabels(await saveLabels(conversationId, next));
      toast(done);
    } catch (error) {
      toast(t('history.labelsNotSaved', { reason: featureError(error, t('history.labelsFeature')) }), 'error');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="label-picker" aria-busy={busy}>
      {labels.length === 0 ? (
        <p class="muted small">{t('history.noLabels')}</p>
      ) : (
        <ul class="label-chips" aria-label={t('history.labelsOnConversation')} data-testid="label-chips">
          {labels.map((label) => (
            <li key={label} class="label-chip" data-testid="label-chip">
              {label}
              <button
                type="button"
                aria-label={t('history.removeLabel', { label })}
                disabled={busy}
                onClick={() => {
                  void save(
                    labels.filter((own) => own !== label),
                    t('history.labelRemoved', { label }),
                  );
                  pickerRef.current?.focus();
                }}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {siteLabels.length === 0 && labels.length === 0 ? (
        <p class="muted small">{t('history.noLabelChoices')}</p>
      ) : (
        <div class="field">
          <label for={`${ids}-add`}>{t('history.addLabel')}</label>
          <select
            id={`${ids}-add`}
            ref={pickerRef}
            value=""
            disabled={busy || choices.length === 0 || labels.length >= MAX_LABELS}
            data-testid="label-picker"
            onChange={(event) => {
              const label = event.currentTarget.value;
              event.currentTarget.value = '';
              if (label) void save([...labels, label], t('history.labelAdded', { label }));
            }}
          >
            <option value="">
              {choices.length === 0
                ? t('history.noMoreLabels')
                : labels.length >= MAX_LABELS
                  ? t('history.atMostLabels', { n: MAX_LABELS })
                  : t('history.choose')}
            </option>
            {choices.map((label) => (
              <option key={label} value={label}>
                {label}
              </option>
            ))}
          </select>
        </div>
      )}
    </div>
  );
}
