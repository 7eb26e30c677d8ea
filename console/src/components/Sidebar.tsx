/** The left column: who I am and my presence, then the queue, my chats and offline tickets. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { AgentProfile, AgentStatus, ChatSummary, QueueEntry } from '../../../protocol/agent.ts';
import type { TicketSummary } from '../../../protocol/tickets.ts';
import { type AlertPermission, isMuted, notificationPermission, requestNotificationPermission, setMuted } from '../alerts.ts';
import { dateTime, elapsed, elapsedWords, isoTime, oneLine, priorityBadge, reasonLabel, shopperName, stateLabel } from '../format.ts';
import { useNow } from '../hooks.ts';
import { CONSOLE_LOCALES, setLocale, t, useLocale } from '../i18n.ts';
import type { InboxData } from '../inbox.ts';
import type { LinkStatus } from '../socket.ts';

/** The pages that can take the place of the conversation. */
export type WorkspacePage = 'setup' | 'articles' | 'gaps' | 'reports' | 'follow-ups' | 'handover' | 'history' | 'tickets' | 'data-rights' | 'webhooks';

interface SidebarProps {
  me: AgentProfile;
  data: InboxData | null;
  linkStatus: LinkStatus;
  presence: Exclude<AgentStatus, 'offline'>;
  onPresence: (status: Exclude<AgentStatus, 'offline'>) => void;
  selectedId: string | null;
  claiming: ReadonlySet<string>;
  resolving: ReadonlySet<number>;
  onClaim: (conversationId: string) => void;
  onSelect: (conversationId: string) => void;
  onResolve: (ticketId: number) => void;
  onOpenTicket: (ref: string | null) => void;
  onOpenTeam: () => void;
  page: WorkspacePage | null;
  onOpenPage: (page: WorkspacePage) => void;
  onLogout: () => void;
  /** Shown under the page buttons (the handover notes since the last shift). */
  notice?: ComponentChildren;
}

const PAGE_LABELS = {
  tickets: 'nav.ticketsPage',
  reports: 'nav.reports',
  'follow-ups': 'nav.followUps',
  handover: 'nav.handover',
  'data-rights': 'nav.dataRights',
} as const;

/** Past this, the waiting time turns amber so the oldest chats stand out. */
const LONG_WAIT_MS = 2 * 60_000;

export function Sidebar(props: SidebarProps) {
  useLocale();
  const { me, data, linkStatus, presence } = props;
  const queue = data ? [...data.queue].sort((a, b) => a.priority - b.priority || a.queuedAt - b.queuedAt) : [];
  // The server sends unsolved tickets, overdue first, then by due time.
  const tickets = data?.tickets ?? [];

  return (
    <nav class="sidebar" aria-label={t('sidebar.inbox')}>
      <header class="sidebar-head">
        <p class="brand">
          kefu <span class="brand-site">{me.site}</span>
        </p>
        <div class="me">
          <span class={`avatar presence-${presence}`} aria-hidden="true">
            {initials(me.name)}
          </span>
          <div class="me-text">
            <span class="me-name" data-testid="agent-name">
              {me.name}
            </span>
            <span class="me-role">{me.role === 'admin' ? t('sidebar.admin') : t('sidebar.agent')}</span>
          </div>
          <button type="button" class="button small ghost" data-testid="logout" onClick={props.onLogout}>
            {t('nav.logout')}
          </button>
        </div>
        <fieldset class="segmented" data-testid="presence">
          <legend class="visually-hidden">Your status</legend>
          {(['online', 'away'] as const).map((status) => (
            <label key={status} class={`segment ${presence === status ? 'is-on' : ''}`}>
              <input type="radio" name="presence" value={status} checked={presence === status} onChange={() => props.onPresence(status)} />
              <span class={`dot presence-${status}`} aria-hidden="true" />
              {status === 'online' ? t('nav.online') : t('nav.away')}
            </label>
          ))}
        </fieldset>
        <AlertControls />
        <div class="sidebar-links">
          {me.role === 'admin' && (
            <button type="button" class="button small" data-testid="team-button" onClick={props.onOpenTeam}>
              {t('nav.team')}
            </button>
          )}
          {me.role === 'admin' && (
            <button
              type="button"
              class={`button small ${props.page === 'setup' ? 'is-current' : ''}`}
              aria-current={props.page === 'setup' ? 'page' : undefined}
              data-testid="setup-button"
              onClick={() => props.onOpenPage('setup')}
            >
              {t('nav.setup')}
            </button>
          )}
          <button
            type="button"
            class={`button small ${props.page === 'history' ? 'is-current' : ''}`}
            aria-current={props.page === 'history' ? 'page' : undefined}
            data-testid="history-button"
            onClick={() => props.onOpenPage('history')}
          >
            {t('nav.history')}
          </button>
          <button
            type="button"
            class={`button small ${props.page === 'articles' ? 'is-current' : ''}`}
            aria-current={props.page === 'articles' ? 'page' : undefined}
            data-testid="articles-button"
            onClick={() => props.onOpenPage('articles')}
          >
            {t('nav.articles')}
          </button>
          <button
            type="button"
            class={`button small ${props.page === 'gaps' ? 'is-current' : ''}`}
            aria-current={props.page === 'gaps' ? 'page' : undefined}
            data-testid="knowledge-gaps-button"
            onClick={() => props.onOpenPage('gaps')}
          >
            {t('nav.gaps')}
          </button>
          {(['tickets', 'reports', 'follow-ups', 'handover', ...(me.role === 'admin' ? (['data-rights'] as const) : [])] as const).map((page) => (
            <button
              key={page}
              type="button"
              class={`button small ${props.page === page ? 'is-current' : ''}`}
              aria-current={props.page === page ? 'page' : undefined}
              data-testid={`${page}-button`}
              onClick={() => props.onOpenPage(page)}
            >
              {t(PAGE_LABELS[page])}
            </button>
          ))}
          {me.role === 'admin' && (
            <button
              type="button"
              class={`button small ${props.page === 'webhooks' ? 'is-current' : ''}`}
              aria-current={props.page === 'webhooks' ? 'page' : undefined}
              data-testid="webhooks-button"
              onClick={() => props.onOpenPage('webhooks')}
            >
              {t('nav.webhooks')}
            </button>
          )}
        </div>
        <LanguagePicker agentId={me.id} />
        {props.notice}
        {linkStatus !== 'online' && (
          <p class="link-status" role="status" data-testid="inbox-status">
            {linkStatus === 'connecting' ? t('sidebar.connecting') : linkStatus === 'stopped' ? t('sidebar.disconnected') : t('sidebar.reconnecting')}
          </p>
        )}
      </header>

      <div class="sidebar-scroll">
        <section class="panel-section" aria-labelledby="queue-heading">
          <h2 id="queue-heading" class="section-title">
            {t('nav.queue')}{' '}
            <span class="count" data-testid="queue-count">
              {queue.length}
            </span>
          </h2>
          {!data ? (
            <p class="muted small">{t('nav.loading')}</p>
          ) : queue.length === 0 ? (
            <p class="muted small">{t('nav.nobodyWaiting')}</p>
          ) : (
            <QueueList entries={queue} claiming={props.claiming} onClaim={props.onClaim} />
          )}
        </section>

        <section class="panel-section" aria-labelledby="mine-heading">
          <h2 id="mine-heading" class="section-title">
            {t('nav.mine')} <span class="count">{data?.mine.length ?? 0}</span>
          </h2>
          {data && data.mine.length === 0 ? (
            <p class="muted small">{t('nav.noChats')}</p>
          ) : (
            <MyChats chats={data?.mine ?? []} selectedId={props.selectedId} onSelect={props.onSelect} />
          )}
        </section>

        <section class="panel-section" aria-labelledby="tickets-heading">
          <h2 id="tickets-heading" class="section-title">
            {t('nav.tickets')} <span class="count">{tickets.length}</span>
          </h2>
          {data && (
            <p class="muted small" data-testid="sidebar-due-today">
              {t('tickets.dueToday', { n: data.ticketsDueToday ?? 0 })}
            </p>
          )}
          {data && tickets.length === 0 ? (
            <p class="muted small">{t('nav.noTickets')}</p>
          ) : (
            <Tickets tickets={tickets} resolving={props.resolving} onResolve={props.onResolve} onOpen={props.onOpenTicket} />
          )}
        </section>
      </div>
    </nav>
  );
}

function QueueList({ entries, claiming, onClaim }: { entries: QueueEntry[]; claiming: ReadonlySet<string>; onClaim: (id: string) => void }) {
  const now = useNow(1000);
  return (
    <ul class="entry-list" data-testid="queue">
      {entries.map((entry) => {
        const badge = priorityBadge(entry.priority);
        const name = shopperName(entry.shopper);
        const busy = claiming.has(entry.conversationId);
        return (
          <li key={entry.conversationId} class="entry queue-entry" data-testid="queue-entry" data-conversation-id={entry.conversationId}>
            <div class="entry-top">
              <span class="entry-name">{name}</span>
              <span class={`badge badge-${badge.tone}`} data-testid="queue-priority">
                {badge.label}
              </span>
              {entry.shopper.vip && entry.priority !== 1 && <span class="badge badge-vip">VIP</span>}
              <time
                class={`wait ${now - entry.queuedAt > LONG_WAIT_MS ? 'wait-long' : ''}`}
                dateTime={isoTime(entry.queuedAt)}
                title={t('sidebar.waitingFor', { time: elapsedWords(entry.queuedAt, now) })}
                data-testid="queue-wait"
              >
                <span class="visually-hidden">{t('sidebar.waiting')} </span>
                {elapsed(entry.queuedAt, now)}
              </time>
            </div>
            <p class="entry-reason" data-testid="queue-reason">
              {reasonLabel(entry.reason)}
            </p>
            {entry.lastMessage && (
              <p class="entry-last" data-testid="queue-last-message">
                {oneLine(entry.lastMessage)}
              </p>
            )}
            <button
              type="button"
              class="button small primary"
              data-testid="claim-button"
              disabled={busy}
              // the name starts with the visible text in both states (WCAG 2.5.3, label in name)
              aria-label={t(busy ? 'sidebar.claimingWith' : 'sidebar.claimWith', { name })}
              onClick={() => onClaim(entry.conversationId)}
            >
              {busy ? t('sidebar.claiming') : t('sidebar.claim')}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function MyChats({ chats, selectedId, onSelect }: { chats: ChatSummary[]; selectedId: string | null; onSelect: (id: string) => void }) {
  // A chat has news when it changed after the agent last had it open.
  const [seen, setSeen] = useState<Record<string, number>>({});
  useEffect(() => {
    setSeen((previous) => {
      let changed = false;
      const next = { ...previous };
      for (const chat of chats) {
        if (next[chat.conversationId] === undefined || (chat.conversationId === selectedId && next[chat.conversationId] !== chat.updatedAt)) {
          next[chat.conversationId] = chat.updatedAt;
          changed = true;
        }
      }
      return changed ? next : previous;
    });
  }, [chats, selectedId]);

  const sorted = [...chats].sort((a, b) => b.updatedAt - a.updatedAt);
  return (
    <ul class="entry-list" data-testid="my-chats">
      {sorted.map((chat) => {
        const current = chat.conversationId === selectedId;
        const unread = !current && seen[chat.conversationId] !== undefined && chat.updatedAt > seen[chat.conversationId]!;
        return (
          <li key={chat.conversationId}>
            <button
              type="button"
              class={`entry chat-link ${current ? 'is-current' : ''}`}
              aria-current={current ? 'true' : undefined}
              data-testid="my-chat"
              data-conversation-id={chat.conversationId}
              onClick={() => onSelect(chat.conversationId)}
            >
              <span class="entry-top">
                <span class="entry-name">{shopperName(chat.shopper)}</span>
                {unread && (
                  <span class="unread-dot" title={t('sidebar.newActivity')}>
                    <span class="visually-hidden">{t('sidebar.newActivity')}</span>
                  </span>
                )}
                <span class="entry-state">{stateLabel(chat.state)}</span>
              </span>
              {chat.lastMessage && <span class="entry-last">{oneLine(chat.lastMessage)}</span>}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function Tickets(props: { tickets: TicketSummary[]; resolving: ReadonlySet<number>; onResolve: (id: number) => void; onOpen: (ref: string) => void }) {
  const { tickets, resolving, onResolve, onOpen } = props;
  return (
    <ul class="entry-list" data-testid="tickets">
      {tickets.map((ticket) => (
        <li key={ticket.id} class={`entry ticket ${ticket.overdue ? 'is-overdue' : ''}`} data-testid="ticket" data-ticket-id={ticket.id}>
          <div class="entry-top">
            <a
              class="entry-name"
              href={`#tickets/${ticket.ref}`}
              onClick={(event) => {
                event.preventDefault();
                onOpen(ticket.ref);
              }}
            >
              {ticket.title || ticket.email}
            </a>
            {ticket.overdue && <span class="badge badge-danger">{t('tickets.overdue')}</span>}
          </div>
          <p class="entry-reason">
            {ticket.email && <span class="ticket-email">{ticket.email} · </span>}
            <time dateTime={isoTime(ticket.dueAt)}>{t('tickets.due', { at: dateTime(ticket.dueAt) })}</time> ·{' '}
            <span lang={ticket.locale}>{ticket.locale === 'zh' ? '中文' : 'English'}</span>
          </p>
          {ticket.message && <p class="ticket-message">{ticket.message}</p>}
          <button
            type="button"
            class="button small"
            data-testid="resolve-ticket"
            disabled={resolving.has(ticket.id)}
            aria-label={t('sidebar.resolveFrom', { email: ticket.email || ticket.title })}
            onClick={() => onResolve(ticket.id)}
          >
            {resolving.has(ticket.id) ? t('sidebar.resolving') : t('sidebar.resolve')}
          </button>
        </li>
      ))}
    </ul>
  );
}

function AlertControls() {
  const [permission, setPermission] = useState<AlertPermission>(notificationPermission);
  const [muted, setMutedState] = useState(isMuted);
  return (
    <div class="alert-controls">
      {permission === 'default' && (
        <button type="button" class="button small" data-testid="enable-notifications" onClick={() => void requestNotificationPermission().then(setPermission)}>
          {t('sidebar.enableAlerts')}
        </button>
      )}
      {permission === 'denied' && <span class="muted small">{t('sidebar.alertsBlocked')}</span>}
      <button
        type="button"
        class="button small ghost"
        aria-pressed={!muted}
        data-testid="sound-toggle"
        onClick={() => {
          setMuted(!muted);
          setMutedState(!muted);
        }}
      >
        {t('sidebar.alertSound')}
        <span class="toggle-state" aria-hidden="true">
          {muted ? t('sidebar.off') : t('sidebar.on')}
        </span>
      </button>
    </div>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]!, parts[parts.length - 1]!] : parts.slice(0, 1);
  return letters.map((part) => [...part][0]?.toUpperCase() ?? '').join('') || '?';
}

/** The console's language, remembered for this agent in this browser. */
function LanguagePicker({ agentId }: { agentId: string }) {
  const locale = useLocale();
  return (
    <div class="field inline language-picker">
      <label for="console-language">{t('language.label')}</label>
      <select
        id="console-language"
        data-testid="language-picker"
        value={locale}
        onChange={(event) => void setLocale(event.currentTarget.value === 'zh-CN' ? 'zh-CN' : 'en', agentId)}
      >
        {CONSOLE_LOCALES.map((option) => (
          <option key={option} value={option} lang={option}>
            {t(`language.${option}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
