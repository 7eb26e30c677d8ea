/**
 * Tickets (work orders, 工单): the list with filters by status and assignee, overdue first, and
 * one ticket's detail: status, assignee and priority to change, internal comments, the shopper's
 * messages and the activity log, with a link to the chat's transcript. Everything typed is text.
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { AgentPresence, AgentProfile } from '../../../protocol/agent.ts';
import {
  TICKET_KINDS,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  type TicketActivity,
  type TicketDetail,
  type TicketListResponse,
  type TicketSummary,
  type TicketUpdate,
} from '../../../protocol/tickets.ts';
import { formatDateTime, isMessageKey, t, useLocale } from '../i18n.ts';
import { commentOnTicket, fetchTicket, fetchTickets, updateTicket } from '../tickets-api.ts';
import { LoadStatus } from './LoadStatus.tsx';
import { PageHead } from './PageHead.tsx';

type Toast = (text: string, tone?: 'info' | 'error') => void;
type StatusFilter = 'unsolved' | 'open' | 'pending' | 'solved' | 'all';
type Load<T> = { phase: 'loading' } | { phase: 'error'; message: string } | { phase: 'ready'; value: T };

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

interface TicketsPageProps {
  me: AgentProfile;
  agents: AgentPresence[];
  /** The ticket open in detail (`#tickets/<ref>`), or null for the list. */
  openRef: string | null;
  onOpen: (ref: string | null) => void;
  onOpenChat: (conversationId: string) => void;
  toast: Toast;
}

export function TicketsPage(props: TicketsPageProps) {
  useLocale();
  const mainRef = useRef<HTMLElement>(null);
  useEffect(() => mainRef.current?.focus(), [props.openRef]);
  return (
    <main id="main-content" ref={mainRef} class="page" tabIndex={-1} aria-labelledby="tickets-title" data-testid="tickets-page">
      {props.openRef ? <TicketView key={props.openRef} {...props} ticketRef={props.openRef} /> : <TicketList {...props} />}
    </main>
  );
}

function TicketList({ me, agents, onOpen }: TicketsPageProps) {
  const [status, setStatus] = useState<StatusFilter>('unsolved');
  const [assignee, setAssignee] = useState('');
  const [load, setLoad] = useState<Load<TicketListResponse>>({ phase: 'loading' });
  const refresh = useCallback(() => {
    setLoad({ phase: 'loading' });
    fetchTickets({ status, assignee: assignee || undefined }).then(
      (value) => setLoad({ phase: 'ready', value }),
      (error: unknown) => setLoad({ phase: 'error', message: errorText(error) }),
    );
  }, [status, assignee]);
  useEffect(refresh, [refresh]);

  return (
    <>
      <PageHead id="tickets-title" title={t('tickets.title')} onRefresh={refresh}>
        <p class="muted">{t('tickets.intro')}</p>
      </PageHead>
      <div class="filters">
        <div class="field inline">
          <label for="ticket-status-filter">{t('tickets.status')}</label>
          <select
            id="ticket-status-filter"
            data-testid="ticket-status-filter"
            value={status}
            onChange={(e) => setStatus(e.currentTarget.value as StatusFilter)}
          >
            {(['unsolved', ...TICKET_STATUSES, 'all'] as const).map((value) => (
              <option key={value} value={value}>
                {t(`tickets.filter.${value}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field inline">
          <label for="ticket-assignee-filter">{t('tickets.assignee')}</label>
          <select id="ticket-assignee-filter" data-testid="ticket-assignee-filter" value={assignee} onChange={(e) => setAssignee(e.currentTarget.value)}>
            <option value="">{t('tickets.anyone')}</option>
            <option value="me">{t('tickets.me')}</option>
            <option value="none">{t('tickets.nobody')}</option>
            {agents
              .filter((agent) => agent.id !== me.id)
              .map((agent) => (
                <option key={agent.id} value={agent.id}>
                  {agent.name}
                </option>
              ))}
          </select>
        </div>
      </div>
      <LoadStatus load={load} />
      {load.phase === 'ready' && (
        <>
          <p class="muted" data-testid="tickets-due-today">
            {t('tickets.dueToday', { n: load.value.dueToday })}
          </p>
          {load.value.tickets.length === 0 ? (
            <p class="muted">{t('tickets.empty')}</p>
          ) : (
            <ul class="card-list" data-testid="ticket-list">
              {load.value.tickets.map((ticket) => (
                <li key={ticket.ref} class={`card ticket-card ${ticket.overdue ? 'is-overdue' : ''}`} data-testid="ticket-row" data-ticket-ref={ticket.ref}>
                  <p>
                    <a
                      href={`#tickets/${ticket.ref}`}
                      data-testid="ticket-link"
                      onClick={(event) => {
                        event.preventDefault();
                        onOpen(ticket.ref);
                      }}
                    >
                      <strong>{ticket.title}</strong>
                    </a>{' '}
                    <span class="muted small">#{ticket.ref}</span>
                  </p>
                  <TicketBadges ticket={ticket} />
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </>
  );
}

/** Status, priority, kind, team, assignee and due time, as plain text badges. */
export function TicketBadges({ ticket }: { ticket: TicketSummary }) {
  return (
    <p class="ticket-badges small">
      <span class={`badge ticket-status-${ticket.status}`} data-testid="ticket-status">
        {t(`tickets.filter.${ticket.status}`)}
      </span>{' '}
      {ticket.overdue && (
        <span class="badge badge-danger" data-testid="ticket-overdue">
          {t('tickets.overdue')}
        </span>
      )}{' '}
      <span class="badge">{t(`tickets.priority.${ticket.priority}`)}</span> <span>{t(`tickets.kind.${ticket.kind}`)}</span>
      {ticket.team && <span> · {ticket.team}</span>}
      {' · '}
      {ticket.assigneeName ?? t('tickets.nobody')}
      {' · '}
      <time dateTime={new Date(ticket.dueAt).toISOString()}>{t('tickets.due', { at: formatDateTime(ticket.dueAt) })}</time>
    </p>
  );
}

function TicketView({ ticketRef, agents, onOpen, onOpenChat, toast }: TicketsPageProps & { ticketRef: string }) {
  const [load, setLoad] = useState<Load<TicketDetail>>({ phase: 'loading' });
  const [saving, setSaving] = useState(false);
  const [comment, setComment] = useState('');
  useEffect(() => {
    fetchTicket(ticketRef).then(
      (value) => setLoad({ phase: 'ready', value }),
      (error: unknown) => setLoad({ phase: 'error', message: errorText(error) }),
    );
  }, [ticketRef]);

  const apply = (work: Promise<TicketDetail>, done?: () => void) => {
    setSaving(true);
    work.then(
      (value) => {
        setLoad({ phase: 'ready', value });
        setSaving(false);
        done?.();
      },
      (error: unknown) => {
        setSaving(false);
        toast(errorText(error), 'error');
      },
    );
  };
  const change = (update: TicketUpdate) => apply(updateTicket(ticketRef, update));

  const back = (
    <button type="button" class="button small ghost" onClick={() => onOpen(null)}>
      {t('tickets.back')}
    </button>
  );
  if (load.phase !== 'ready') {
    return (
      <>
        {back}
        <h1 id="tickets-title" class="page-title">
          #{ticketRef}
        </h1>
        <p class={load.phase === 'error' ? 'form-error' : 'muted'} role={load.phase === 'error' ? 'alert' : 'status'}>
          {load.phase === 'error' ? load.message : t('common.loading')}
        </p>
      </>
    );
  }
  const ticket = load.value;
  const nameOf = (id: string | null) => (id ? (agents.find((agent) => agent.id === id)?.name ?? id) : t('tickets.nobody'));
  return (
    <>
      {back}
      <h1 id="tickets-title" class="page-title" data-testid="ticket-title">
        {ticket.title}
      </h1>
      <p class="muted small">
        #{ticket.ref} · {formatDateTime(ticket.createdAt)} · {ticket.email || t('tickets.noEmail')} ·{' '}
        <a
          href={`#chat=${ticket.conversationId}`}
          data-testid="ticket-transcript-link"
          onClick={(event) => {
            event.preventDefault();
            onOpenChat(ticket.conversationId);
          }}
        >
          {t('tickets.transcript')}
        </a>
      </p>
      <TicketBadges ticket={ticket} />
      {ticket.message && (
        <blockquote class="ticket-message" data-testid="ticket-message">
          {ticket.message}
        </blockquote>
      )}
      <div class="filters">
        <Picker
          id="ticket-edit-status"
          label={t('tickets.status')}
          value={ticket.status}
          disabled={saving}
          onChange={(status) => change({ status: status as TicketUpdate['status'] })}
        >
          {TICKET_STATUSES.map((value) => (
            <option key={value} value={value}>
              {t(`tickets.filter.${value}`)}
            </option>
          ))}
        </Picker>
        <Picker
          id="ticket-edit-priority"
          label={t('tickets.priorityLabel')}
          value={ticket.priority}
          disabled={saving}
          onChange={(priority) => change({ priority: priority as TicketUpdate['priority'] })}
        >
          {TICKET_PRIORITIES.map((value) => (
            <option key={value} value={value}>
              {t(`tickets.priority.${value}`)}
            </option>
          ))}
        </Picker>
        <Picker
          id="ticket-edit-kind"
          label={t('chatTickets.kind')}
          value={ticket.kind}
          disabled={saving}
          onChange={(kind) => change({ kind: kind as TicketUpdate['kind'] })}
        >
          {TICKET_KINDS.map((value) => (
            <option key={value} value={value}>
              {t(`tickets.kind.${value}`)}
            </option>
          ))}
        </Picker>
        <Picker
          id="ticket-edit-assignee"
          label={t('tickets.assignee')}
          value={ticket.assigneeId ?? ''}
          disabled={saving}
          onChange={(id) => change({ assigneeId: id || null })}
        >
          <option value="">{t('tickets.nobody')}</option>
          {agents.map((agent) => (
            <option key={agent.id} value={agent.id}>
              {agent.name}
            </option>
          ))}
        </Picker>
      </div>
      <h2 class="section-title">{t('tickets.comments')}</h2>
      <ol class="card-list" data-testid="ticket-comments">
        {ticket.comments.map((entry) => (
          <li key={entry.id} class={`card ticket-comment is-${entry.author}`} data-testid={`ticket-comment-${entry.author}`}>
            <p class="muted small">
              {entry.author === 'shopper' ? t('tickets.fromShopper') : (entry.agentName ?? nameOf(entry.agentId))} · {formatDateTime(entry.at)}
            </p>
            <p class="preserve-lines">{entry.text}</p>
          </li>
        ))}
      </ol>
      <form
        class="field"
        onSubmit={(event) => {
          event.preventDefault();
          if (comment.trim()) apply(commentOnTicket(ticketRef, comment), () => setComment(''));
        }}
      >
        <label for="ticket-comment">{t('tickets.addComment')}</label>
        <textarea
          id="ticket-comment"
          data-testid="ticket-comment-input"
          rows={3}
          maxLength={4000}
          value={comment}
          onInput={(e) => setComment(e.currentTarget.value)}
        />
        <button type="submit" class="button small primary" data-testid="ticket-comment-submit" disabled={saving || !comment.trim()}>
          {t('tickets.comment')}
        </button>
      </form>
      <h2 class="section-title">{t('tickets.activity')}</h2>
      <ol class="activity-list small" data-testid="ticket-activity">
        {ticket.activity.map((entry) => (
          <li key={entry.id}>
            {formatDateTime(entry.at)} · {entry.actor === 'shopper' ? t('tickets.fromShopper') : (entry.actorName ?? nameOf(entry.actor))}:{' '}
            {activityText(entry, nameOf)}
          </li>
        ))}
      </ol>
    </>
  );
}

function Picker(props: { id: string; label: string; value: string; disabled: boolean; onChange: (value: string) => void; children: ComponentChildren }) {
  return (
    <div class="field inline">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} data-testid={props.id} value={props.value} disabled={props.disabled} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {props.children}
      </select>
    </div>
  );
}

function activityText(entry: TicketActivity, nameOf: (id: string | null) => string): string {
  const word = (value: string | null): string => {
    if (entry.action === 'assignee') return nameOf(value);
    if (value === null) return '—';
    // Every status, priority and kind has its words; a value from a newer server shows as it is.
    const key = `tickets.${entry.action === 'status' ? 'filter' : entry.action}.${value}`;
    return isMessageKey(key) ? t(key) : value;
  };
  switch (entry.action) {
    case 'created':
      return t('tickets.act.created');
    case 'comment':
      return t('tickets.act.comment');
    case 'shopper_message':
      return t('tickets.act.shopper_message');
    default:
      return t('tickets.act.changed', { field: t(`tickets.field.${entry.action}`), from: word(entry.from), to: word(entry.to) });
  }
}
