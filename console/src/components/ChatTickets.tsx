/**
 * A chat's tickets, in the chat's side panel: the ones opened for it (each links to the ticket)
 * and a form to open one ("needs the warehouse to check stock"), with a kind and a team.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { TICKET_KINDS, type TicketKind, type TicketSummary } from '../../../protocol/tickets.ts';
import { t } from '../i18n.ts';
import { createTicket, fetchTickets } from '../tickets-api.ts';

interface ChatTicketsProps {
  conversationId: string;
  onOpenTicket: (ref: string) => void;
  toast: (text: string, tone?: 'info' | 'error') => void;
}

export function ChatTickets({ conversationId, onOpenTicket, toast }: ChatTicketsProps) {
  const [tickets, setTickets] = useState<TicketSummary[] | null>(null);
  const [creating, setCreating] = useState(false);
  const [busy, setBusy] = useState(false);
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<TicketKind>('question');
  const [team, setTeam] = useState('');

  const refresh = useCallback(() => {
    fetchTickets({ status: 'all', conversationId }).then(
      (list) => setTickets(list.tickets),
      () => setTickets([]),
    );
  }, [conversationId]);
  useEffect(refresh, [refresh]);

  const submit = (event: Event) => {
    event.preventDefault();
    if (!title.trim()) return;
    setBusy(true);
    createTicket({ conversationId, title, kind, ...(team.trim() ? { team } : {}) }).then(
      (ticket) => {
        setBusy(false);
        setCreating(false);
        setTitle('');
        setTeam('');
        toast(t('chatTickets.created', { ref: ticket.ref }));
        refresh();
      },
      (error: unknown) => {
        setBusy(false);
        toast(error instanceof Error ? error.message : String(error), 'error');
      },
    );
  };

  return (
    <section class="context-section" aria-labelledby="chat-tickets-title" data-testid="chat-tickets">
      <h3 id="chat-tickets-title" class="section-title">
        {t('chatTickets.title')}
      </h3>
      {tickets && tickets.length === 0 && <p class="muted small">{t('chatTickets.none')}</p>}
      <ul class="plain-list small">
        {(tickets ?? []).map((ticket) => (
          <li key={ticket.ref} data-testid="chat-ticket">
            <a
              href={`#tickets/${ticket.ref}`}
              onClick={(event) => {
                event.preventDefault();
                onOpenTicket(ticket.ref);
              }}
            >
              {ticket.title}
            </a>{' '}
            <span class="badge" data-testid="chat-ticket-status">
              {t(`tickets.filter.${ticket.status}`)}
            </span>
          </li>
        ))}
      </ul>
      {creating ? (
        <form onSubmit={submit} data-testid="new-ticket-form">
          <div class="field">
            <label for="new-ticket-title">{t('chatTickets.what')}</label>
            <input id="new-ticket-title" data-testid="new-ticket-title" maxLength={200} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="new-ticket-kind">{t('chatTickets.kind')}</label>
            <select id="new-ticket-kind" data-testid="new-ticket-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as TicketKind)}>
              {TICKET_KINDS.map((value) => (
                <option key={value} value={value}>
                  {t(`tickets.kind.${value}`)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="new-ticket-team">{t('chatTickets.team')}</label>
            <input id="new-ticket-team" data-testid="new-ticket-team" maxLength={40} value={team} onInput={(e) => setTeam(e.currentTarget.value)} />
          </div>
          <button type="submit" class="button small primary" data-testid="new-ticket-submit" disabled={busy || !title.trim()}>
            {t('chatTickets.create')}
          </button>{' '}
          <button type="button" class="button small ghost" onClick={() => setCreating(false)}>
            {t('common.cancel')}
          </button>
        </form>
      ) : (
        <button type="button" class="button small" data-testid="new-ticket" onClick={() => setCreating(true)}>
          {t('chatTickets.new')}
        </button>
      )}
    </section>
  );
}
