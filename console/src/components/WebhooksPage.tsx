/**
 * Webhooks, for site admins: HTTPS endpoints that receive signed events (handoffs, closed chats,
 * ratings, tickets, knowledge gaps). Each endpoint has its own secret, shown once when it is
 * made and revealable or rotatable later; a test ping and a delivery log per endpoint (status,
 * attempts, last error, next attempt) with a re-send button.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { WebhookDelivery, WebhookEndpoint, WebhookEventType, WebhookListResponse } from '../../../protocol/webhooks.ts';
import { formatDateTime, t, useLocale } from '../i18n.ts';
import {
  createWebhook,
  deleteWebhook,
  fetchWebhookDeliveries,
  fetchWebhooks,
  pingWebhook,
  resendWebhookDelivery,
  revealWebhookSecret,
  rotateWebhookSecret,
  updateWebhook,
} from '../webhooks-api.ts';
import { LoadStatus } from './LoadStatus.tsx';
import { PageHead } from './PageHead.tsx';

type Toast = (text: string, tone?: 'info' | 'error') => void;
type Load = { phase: 'loading' } | { phase: 'error'; message: string } | { phase: 'ready'; list: WebhookListResponse };

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function WebhooksPage({ toast }: { toast: Toast }) {
  useLocale();
  const [load, setLoad] = useState<Load>({ phase: 'loading' });
  /** A secret just made or revealed, shown until dismissed: { endpoint id, secret }. */
  const [shownSecret, setShownSecret] = useState<{ id: string; secret: string } | null>(null);
  const mainRef = useRef<HTMLElement>(null);

  const refresh = useCallback(() => {
    fetchWebhooks().then(
      (list) => setLoad({ phase: 'ready', list }),
      (error: unknown) => setLoad({ phase: 'error', message: messageOf(error) }),
    );
  }, []);
  useEffect(refresh, [refresh]);
  useEffect(() => mainRef.current?.focus(), []);

  const list = load.phase === 'ready' ? load.list : null;

  return (
    <main id="main-content" ref={mainRef} class="page" tabIndex={-1} aria-labelledby="webhooks-title" data-testid="webhooks-page">
      <PageHead id="webhooks-title" title={t('webhooks.title')} onRefresh={refresh}>
        <p class="muted">{t('webhooks.intro')}</p>
      </PageHead>
      <LoadStatus load={load} />
      {list && (
        <>
          {list.endpoints.length < list.limit ? (
            <NewEndpointForm
              events={list.events}
              onCreated={(id, secret) => {
                setShownSecret({ id, secret });
                toast(t('webhooks.created'));
                refresh();
              }}
            />
          ) : (
            <p class="muted">{t('webhooks.limitReached', { n: list.limit })}</p>
          )}
          {list.endpoints.length === 0 ? (
            <p class="muted">{t('webhooks.empty')}</p>
          ) : (
            <ul class="card-list" data-testid="webhook-list">
              {list.endpoints.map((endpoint) => (
                <EndpointCard
                  key={endpoint.id}
                  endpoint={endpoint}
                  secret={shownSecret?.id === endpoint.id ? shownSecret.secret : null}
                  onSecret={(secret) => setShownSecret(secret === null ? null : { id: endpoint.id, secret })}
                  onChanged={refresh}
                  toast={toast}
                />
              ))}
            </ul>
          )}
        </>
      )}
    </main>
  );
}

function NewEndpointForm({ events, onCreated }: { events: readonly WebhookEventType[]; onCreated: (id: string, secret: string) => void }) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [chosen, setChosen] = useState<WebhookEventType[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  return (
    <form
      class="card webhook-form"
      data-testid="webhook-new"
      onSubmit={(event) => {
        event.preventDefault();
        setBusy(true);
        setError(null);
        createWebhook({ url, description, events: chosen }).then(
          (created) => {
            setBusy(false);
            setUrl('');
            setDescription('');
            setChosen([]);
            onCreated(created.endpoint.id, created.secret);
          },
          (failure: unknown) => {
            setBusy(false);
            setError(messageOf(failure));
          },
        );
      }}
    >
      <h2 class="section-title">{t('webhooks.add')}</h2>
      <label class="field">
        <span>{t('webhooks.url')}</span>
        <input
          type="url"
          required
          value={url}
          placeholder="https://example.com/kefu-hook"
          onInput={(e) => setUrl(e.currentTarget.value)}
          data-testid="webhook-url"
        />
      </label>
      <label class="field">
        <span>{t('webhooks.description')}</span>
        <input type="text" maxLength={200} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      </label>
      <fieldset class="webhook-events">
        <legend>{t('webhooks.events')}</legend>
        {events.map((name) => (
          <label key={name}>
            <input
              type="checkbox"
              checked={chosen.includes(name)}
              onChange={(e) => setChosen((list) => (e.currentTarget.checked ? [...list, name] : list.filter((item) => item !== name)))}
            />
            <code>{name}</code> <span class="muted small">{t(`webhooks.event.${name}`)}</span>
          </label>
        ))}
      </fieldset>
      {error && (
        <p class="form-error" role="alert" data-testid="webhook-error">
          {error}
        </p>
      )}
      <button type="submit" class="button primary small" disabled={busy || chosen.length === 0 || !url}>
        {t('webhooks.addButton')}
      </button>
    </form>
  );
}

interface EndpointCardProps {
  endpoint: WebhookEndpoint;
  secret: string | null;
  onSecret: (secret: string | null) => void;
  onChanged: () => void;
  toast: Toast;
}

function EndpointCard({ endpoint, secret, onSecret, onChanged, toast }: EndpointCardProps) {
  const [confirm, setConfirm] = useState<'delete' | 'rotate' | null>(null);
  const [logOpen, setLogOpen] = useState(false);
  const [logRound, setLogRound] = useState(0);
  /** Runs an action; success refreshes the list and the log, failure shows the server's words. */
  const act = (work: Promise<unknown>, done: string): void => {
    work.then(
      () => {
        toast(done);
        onChanged();
        setLogRound((round) => round + 1);
      },
      (error: unknown) => toast(messageOf(error), 'error'),
    );
  };

  return (
    <li class="card" data-testid="webhook-endpoint">
      <p>
        <strong class="break-anywhere">{endpoint.url}</strong>
        {' · '}
        {endpoint.enabled ? t('webhooks.enabled') : t('webhooks.disabled')}
      </p>
      {endpoint.description && <p class="muted">{endpoint.description}</p>}
      <p class="small">
        {endpoint.events.map((name) => (
          <code key={name}>{name} </code>
        ))}
      </p>
      <p class="muted small">{t('webhooks.secretPrefix', { prefix: `${endpoint.secretPrefix}…` })}</p>
      {secret && (
        <div class="notice" role="status" data-testid="webhook-secret">
          <p>{t('webhooks.secretShown')}</p>
          <code class="break-anywhere">{secret}</code>{' '}
          <button type="button" class="button small" onClick={() => onSecret(null)}>
            {t('webhooks.hideSecret')}
          </button>
        </div>
      )}
      <div class="row">
        <button type="button" class="button small" data-testid="webhook-ping" onClick={() => act(pingWebhook(endpoint.id), t('webhooks.pinged'))}>
          {t('webhooks.ping')}
        </button>
        <button
          type="button"
          class="button small"
          onClick={() => revealWebhookSecret(endpoint.id).then(onSecret, (e: unknown) => toast(messageOf(e), 'error'))}
        >
          {t('webhooks.reveal')}
        </button>
        <button type="button" class="button small" onClick={() => setConfirm('rotate')}>
          {t('webhooks.rotate')}
        </button>
        <button type="button" class="button small" onClick={() => act(updateWebhook(endpoint.id, { enabled: !endpoint.enabled }), t('webhooks.saved'))}>
          {endpoint.enabled ? t('webhooks.disable') : t('webhooks.enable')}
        </button>
        <button type="button" class="button small" aria-expanded={logOpen} data-testid="webhook-log-toggle" onClick={() => setLogOpen((open) => !open)}>
          {t('webhooks.log')}
        </button>
        <button type="button" class="button small danger" onClick={() => setConfirm('delete')}>
          {t('webhooks.delete')}
        </button>
      </div>
      {confirm && (
        <div class="row" role="alert">
          <span>{confirm === 'delete' ? t('webhooks.confirmDelete') : t('webhooks.confirmRotate')}</span>
          <button
            type="button"
            class="button small danger"
            onClick={() => {
              setConfirm(null);
              if (confirm === 'delete') act(deleteWebhook(endpoint.id), t('webhooks.deleted'));
              else
                rotateWebhookSecret(endpoint.id).then(
                  (fresh) => {
                    onSecret(fresh);
                    onChanged();
                  },
                  (e: unknown) => toast(messageOf(e), 'error'),
                );
            }}
          >
            {t('webhooks.yes')}
          </button>
          <button type="button" class="button small" onClick={() => setConfirm(null)}>
            {t('common.cancel')}
          </button>
        </div>
      )}
      {logOpen && <DeliveryLog endpointId={endpoint.id} round={logRound} toast={toast} />}
    </li>
  );
}

function DeliveryLog({ endpointId, round, toast }: { endpointId: string; round: number; toast: Toast }) {
  const [deliveries, setDeliveries] = useState<WebhookDelivery[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    fetchWebhookDeliveries(endpointId).then(setDeliveries, (failure: unknown) => setError(messageOf(failure)));
  }, [endpointId]);
  useEffect(load, [load, round]);

  if (error)
    return (
      <p class="form-error" role="alert">
        {error}
      </p>
    );
  if (!deliveries) return <p class="muted">{t('common.loading')}</p>;
  if (deliveries.length === 0) return <p class="muted">{t('webhooks.noDeliveries')}</p>;
  return (
    <div class="table-scroll">
      <table class="settings-table" data-testid="webhook-deliveries">
        <caption class="visually-hidden">{t('webhooks.log')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('webhooks.col.event')}</th>
            <th scope="col">{t('webhooks.col.status')}</th>
            <th scope="col">{t('webhooks.col.attempts')}</th>
            <th scope="col">{t('webhooks.col.lastError')}</th>
            <th scope="col">{t('webhooks.col.next')}</th>
            <th scope="col">{t('webhooks.col.created')}</th>
            <th scope="col">
              <button type="button" class="button small" onClick={load}>
                {t('common.refresh')}
              </button>
            </th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((delivery) => (
            <tr key={delivery.id} data-testid="webhook-delivery">
              <td>
                <code>{delivery.event}</code>
              </td>
              <td>{t(`webhooks.status.${delivery.status}`)}</td>
              <td>{delivery.attempts}</td>
              <td>{delivery.lastError ?? t('common.none')}</td>
              <td>{delivery.nextAttemptAt ? formatDateTime(delivery.nextAttemptAt) : t('common.none')}</td>
              <td>{formatDateTime(delivery.createdAt)}</td>
              <td>
                <button
                  type="button"
                  class="button small"
                  onClick={() =>
                    resendWebhookDelivery(endpointId, delivery.id).then(
                      () => {
                        toast(t('webhooks.resent'));
                        load();
                      },
                      (failure: unknown) => toast(messageOf(failure), 'error'),
                    )
                  }
                >
                  {t('webhooks.resend')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
