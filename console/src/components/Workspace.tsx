/**
 * The signed-in console: the inbox socket drives the left column, the selected chat gets its
 * own conversation socket, and new waiting chats raise a notification and a chime.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { AgentProfile, AgentStatus, QueueEntry } from '../../../protocol/agent.ts';
import { chime, notify } from '../alerts.ts';
import { fetchMe } from '../api.ts';
import { ConversationConnection } from '../conversation.ts';
import { oneLine, reasonLabel, shopperName } from '../format.ts';
import { type ChatFocus, focusFromParams, historyHash, useSiteLabels } from '../history.ts';
import { useSnapshot } from '../hooks.ts';
import { loadAgentLocale, type MessageKey, t, useLocale } from '../i18n.ts';
import { InboxConnection, type InboxEvent } from '../inbox.ts';
import { confirmLeavingUnsavedWork } from '../unsaved.ts';
import type { ArticleTarget } from './ArticleEditor.tsx';
import { ArticlesPage } from './ArticlesPage.tsx';
import { ConversationView } from './ConversationView.tsx';
import { DataRightsPage } from './DataRightsPage.tsx';
import { FollowUpsPage } from './FollowUpsPage.tsx';
import { HandoverAtLogin, HandoverPage } from './HandoverPage.tsx';
import { HistoryPage } from './HistoryPage.tsx';
import { KnowledgeGapsPage } from './KnowledgeGapsPage.tsx';
import { ReportsPage } from './ReportsPage.tsx';
import { SetupPage } from './SetupPage.tsx';
import { Sidebar, type WorkspacePage } from './Sidebar.tsx';
import { TeamDialog } from './TeamDialog.tsx';
import { TicketsPage } from './TicketsPage.tsx';
import { type Toast, Toasts } from './Toasts.tsx';
import { WebhooksPage } from './WebhooksPage.tsx';

interface WorkspaceProps {
  agent: AgentProfile;
  /** With a notice: the session ended on its own. Without: the agent chose to log out. */
  onSignOut: (notice?: string) => void;
}

const INBOX_ERRORS: Record<string, MessageKey> = {
  already_claimed: 'inboxError.already_claimed',
  not_found: 'inboxError.not_found',
  forbidden: 'inboxError.forbidden',
  at_capacity: 'inboxError.at_capacity',
  not_assigned: 'inboxError.not_assigned',
  unknown_agent: 'inboxError.unknown_agent',
};

const CONVERSATION_ID = /^[0-9a-f-]{36}$/;

interface Route {
  chat: string | null;
  page: WorkspacePage | null;
  /** opened from history: the conversation and message to show (`#chat=<id>&c=<id>#<n>&seq=<n>`) */
  focus?: ChatFocus | null;
  /** the All conversations page's filter (`#conversations?…`) */
  historyQuery?: string;
  /** the ticket open on the Tickets page (`#tickets/<ref>`) */
  ticketRef?: string | null;
}

const PAGE_HASHES: Record<WorkspacePage, string> = {
  setup: '#setup',
  articles: '#articles',
  gaps: '#knowledge-gaps',
  reports: '#reports',
  'follow-ups': '#follow-ups',
  handover: '#handover',
  history: '#conversations',
  webhooks: '#webhooks',
  tickets: '#tickets',
  'data-rights': '#data-rights',
};

/** `#chat=<id>[&c=…&seq=…]`, `#conversations[?…]`, `#setup`, `#articles`, `#knowledge-gaps` or nothing; null for any other hash (e.g. an in-page anchor). */
function routeFromHash(hash: string): Route | null {
  if (hash === '' || hash === '#') return { chat: null, page: null };
  const match = /^#chat=([0-9a-f-]{36})(&.*)?$/.exec(hash);
  if (match) return { chat: match[1]!, page: null, focus: focusFromParams(new URLSearchParams(hash.slice(1)), match[1]!) };
  const ticket = /^#tickets\/([a-z0-9-]{3,80})$/.exec(hash);
  if (ticket) return { chat: null, page: 'tickets', ticketRef: ticket[1]! };
  const history = /^#\/?conversations(?:\?(.*))?$/.exec(hash);
  if (history) return { chat: null, page: 'history', historyQuery: history[1] ?? '' };
  for (const [page, pageHash] of Object.entries(PAGE_HASHES) as [WorkspacePage, string][]) if (hash === pageHash) return { chat: null, page };
  return null;
}

export function Workspace({ agent, onSignOut }: WorkspaceProps) {
  useMemo(() => loadAgentLocale(agent.id), [agent.id]);
  useLocale();
  const onSignOutRef = useRef(onSignOut);
  onSignOutRef.current = onSignOut;

  // Asked when a socket keeps being refused: an expired session goes back to the login form.
  const verify = useCallback(async () => {
    try {
      const me = await fetchMe();
      if (me) return true;
      onSignOutRef.current(t('workspace.sessionEnded'));
      return false;
    } catch {
      return true; // network trouble: keep retrying
    }
  }, []);

  const inbox = useMemo(() => new InboxConnection(verify), [verify]);
  const inboxSnapshot = useSnapshot(inbox);
  const data = inboxSnapshot.data;
  const me = data?.agent ?? agent;

  const [toasts, setToasts] = useState<Toast[]>([]);
  const toastSeq = useRef(0);
  const dismissToast = useCallback((id: number) => setToasts((list) => list.filter((toast) => toast.id !== id)), []);
  const addToast = useCallback(
    (text: string, tone: Toast['tone'] = 'info', action?: Toast['action']) => {
      const id = ++toastSeq.current;
      setToasts((list) => [...list.slice(-3), { id, text, tone, action }]);
      setTimeout(() => dismissToast(id), action ? 12_000 : 7_000);
    },
    [dismissToast],
  );

  const initialRoute = useMemo(() => routeFromHash(window.location.hash) ?? { chat: null, page: null }, []);
  const [selectedId, setSelectedId] = useState<string | null>(initialRoute.chat);
  const selectedRef = useRef(selectedId);
  selectedRef.current = selectedId;
  // A page (Setup, Knowledge gaps) takes the place of the conversation.
  const [page, setPage] = useState<WorkspacePage | null>(initialRoute.page);
  const pageRef = useRef(page);
  pageRef.current = page;
  const [focus, setFocus] = useState<ChatFocus | null>(initialRoute.focus ?? null);
  const [historyQuery, setHistoryQuery] = useState(initialRoute.historyQuery ?? '');
  const [ticketRef, setTicketRef] = useState<string | null>(initialRoute.ticketRef ?? null);
  const openTicket = useCallback((ref: string | null) => {
    setTicketRef(ref);
    setPage('tickets');
    setSelectedId(null);
    const url = new URL(window.location.href);
    url.hash = ref ? `tickets/${ref}` : 'tickets';
    window.history.pushState(null, '', url.href);
  }, []);
  const select = useCallback((conversationId: string | null) => {
    if (conversationId !== null && !CONVERSATION_ID.test(conversationId)) return;
    if (!confirmLeavingUnsavedWork()) return;
    setSelectedId(conversationId);
    setFocus(null);
    setPage(null);
    const url = new URL(window.location.href);
    url.hash = conversationId ? `chat=${conversationId}` : '';
    window.history.replaceState(null, '', url.href);
  }, []);
  // An article to open on the Articles page (a knowledge gap's "new article from this question").
  const [articleTarget, setArticleTarget] = useState<ArticleTarget | null>(null);
  const openPage = useCallback((next: WorkspacePage) => {
    if (!confirmLeavingUnsavedWork()) return;
    setArticleTarget(null);
    setSelectedId(null);
    setFocus(null);
    setPage(next);
    setTicketRef(null);
    const url = new URL(window.location.href);
    url.hash = next === 'history' ? historyHash(historyQueryRef.current) : PAGE_HASHES[next];
    window.history.replaceState(null, '', url.href);
  }, []);
  const historyQueryRef = useRef(historyQuery);
  historyQueryRef.current = historyQuery;
  // The list's filter and search live in the URL; a change replaces the entry, opening a row adds one (Back returns to the list).
  const changeHistoryQuery = useCallback((query: string) => {
    setHistoryQuery(query);
    const url = new URL(window.location.href);
    url.hash = historyHash(query);
    window.history.replaceState(null, '', url.href);
  }, []);
  useEffect(() => {
    const onHash = () => {
      const route = routeFromHash(window.location.hash);
      if (!route) return;
      setSelectedId(route.chat);
      setPage(route.page);
      setFocus(route.focus ?? null);
      setTicketRef(route.ticketRef ?? null);
      if (route.historyQuery !== undefined) setHistoryQuery(route.historyQuery);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const [claiming, setClaiming] = useState<ReadonlySet<string>>(new Set());
  const [resolving, setResolving] = useState<ReadonlySet<number>>(new Set());
  const [teamOpen, setTeamOpen] = useState(false);

  useEffect(() => {
    inbox.start();
    return () => inbox.stop();
  }, [inbox]);

  // claimed / assigned / error from the inbox.
  useEffect(
    () =>
      inbox.onEvent((event: InboxEvent) => {
        switch (event.type) {
          case 'claimed':
            setClaiming((set) => without(set, event.conversationId));
            select(event.conversationId);
            return;
          case 'assigned': {
            chime();
            const how =
              event.by === 'transfer' ? t('workspace.transferredToYou', { name: event.fromAgent ?? t('workspace.colleague') }) : t('workspace.assignedToYou');
            const text = event.note ? `${how}: “${oneLine(event.note, 160)}”` : `${how}.`;
            notify(t('workspace.assignedTitle'), text, `assigned-${event.conversationId}`, () => select(event.conversationId));
            // Never pull an agent out of a chat or a page they are reading; the toast offers to open it.
            if (!selectedRef.current && !pageRef.current) select(event.conversationId);
            addToast(
              text,
              'info',
              selectedRef.current === event.conversationId ? undefined : { label: t('workspace.open'), run: () => select(event.conversationId) },
            );
            return;
          }
          case 'error':
            if (event.conversationId) setClaiming((set) => without(set, event.conversationId!));
            addToast(INBOX_ERRORS[event.code] ? t(INBOX_ERRORS[event.code]!) : event.message, 'error');
            return;
        }
      }),
    [inbox, select, addToast],
  );

  // A claimed chat that shows up in "mine" is done claiming even if the `claimed` frame was missed.
  useEffect(() => {
    if (!data || claiming.size === 0) return;
    const queued = new Set(data.queue.map((entry) => entry.conversationId));
    for (const id of claiming) {
      if (data.mine.some((chat) => chat.conversationId === id)) {
        setClaiming((set) => without(set, id));
        if (!selectedRef.current) select(id);
      } else if (!queued.has(id)) {
        setClaiming((set) => without(set, id));
      }
    }
  }, [data, claiming, select]);

  // New waiting chats: chime and a desktop notification (when the agent allowed them).
  const seenQueue = useRef<Set<string> | null>(null);
  useEffect(() => {
    if (!data) return;
    const current = new Set(data.queue.map((entry) => entry.conversationId));
    const previous = seenQueue.current;
    seenQueue.current = current;
    if (previous === null) return; // the first snapshot is the state of things, not news
    const fresh = data.queue.filter((entry) => !previous.has(entry.conversationId));
    if (fresh.length === 0) return;
    chime();
    for (const entry of fresh) announce(entry);
  }, [data]);

  useEffect(() => {
    if (resolving.size === 0 || !data) return;
    const open = new Set(data.tickets.filter((ticket) => ticket.status !== 'solved').map((ticket) => ticket.id));
    setResolving((set) => new Set([...set].filter((id) => open.has(id))));
  }, [data]);

  // The tab title counts waiting chats, so a background tab still tells.
  const waiting = data?.queue.length ?? 0;
  useEffect(() => {
    document.title = waiting > 0 ? t('workspace.titleWaiting', { n: waiting }) : t('workspace.title');
  }, [waiting]);

  const claim = (conversationId: string) => {
    if (!inbox.claim(conversationId)) {
      addToast(t('workspace.notConnected'), 'error');
      return;
    }
    setClaiming((set) => new Set(set).add(conversationId));
  };

  const resolveTicket = (ticketId: number) => {
    if (!inbox.resolveTicket(ticketId)) {
      addToast(t('workspace.notConnected'), 'error');
      return;
    }
    setResolving((set) => new Set(set).add(ticketId));
  };

  const conversation = useMemo(
    () =>
      selectedId ? new ConversationConnection({ conversationId: selectedId, agentName: agent.name, onError: (text) => addToast(text, 'error'), verify }) : null,
    [selectedId, agent.name, addToast, verify],
  );
  useEffect(() => {
    if (!conversation) return;
    conversation.start();
    return () => conversation.stop();
  }, [conversation]);

  const presence: Exclude<AgentStatus, 'offline'> =
    inboxSnapshot.chosenStatus ?? (data?.agents.find((candidate) => candidate.id === me.id)?.status === 'away' ? 'away' : 'online');

  const siteLabels = useSiteLabels(me.role === 'admin', (data as { labels?: unknown } | null)?.labels);

  // Setup, data rights and webhooks are for site admins only (the server refuses them to others as well).
  const shownPage = (page === 'setup' || page === 'data-rights' || page === 'webhooks') && me.role !== 'admin' ? null : page;

  return (
    <div class="workspace">
      <a
        class="skip-link"
        href={shownPage ? '#main-content' : '#conversation'}
        onClick={(event) => {
          // Move focus without touching the hash, which holds the open chat or page.
          const target = document.getElementById(shownPage ? 'main-content' : 'conversation');
          if (!target) return;
          event.preventDefault();
          target.focus();
        }}
      >
        {shownPage ? t('workspace.skipMain') : t('workspace.skipConversation')}
      </a>
      <Sidebar
        me={me}
        data={data}
        linkStatus={inboxSnapshot.status}
        presence={presence}
        onPresence={(status) => inbox.setPresence(status)}
        selectedId={selectedId}
        claiming={claiming}
        resolving={resolving}
        onClaim={claim}
        onSelect={select}
        onResolve={resolveTicket}
        onOpenTicket={openTicket}
        onOpenTeam={() => setTeamOpen(true)}
        page={shownPage}
        onOpenPage={openPage}
        onLogout={() => onSignOut()}
        notice={<HandoverAtLogin onOpenAll={() => openPage('handover')} />}
      />
      {shownPage === 'setup' ? (
        <SetupPage toast={addToast} />
      ) : shownPage === 'articles' ? (
        <ArticlesPage key={articleTarget ? JSON.stringify(articleTarget) : 'list'} me={me} initialTarget={articleTarget} toast={addToast} />
      ) : shownPage === 'history' ? (
        <HistoryPage query={historyQuery} onQuery={changeHistoryQuery} agents={data?.agents ?? []} siteLabels={siteLabels} />
      ) : shownPage === 'reports' ? (
        <ReportsPage me={me} />
      ) : shownPage === 'follow-ups' ? (
        <FollowUpsPage toast={addToast} onOpenChat={select} />
      ) : shownPage === 'tickets' ? (
        <TicketsPage me={me} agents={data?.agents ?? []} openRef={ticketRef} onOpen={openTicket} onOpenChat={select} toast={addToast} />
      ) : shownPage === 'data-rights' ? (
        <DataRightsPage toast={addToast} />
      ) : shownPage === 'handover' ? (
        <HandoverPage toast={addToast} />
      ) : shownPage === 'webhooks' ? (
        <WebhooksPage toast={addToast} />
      ) : shownPage === 'gaps' ? (
        <KnowledgeGapsPage
          me={me}
          toast={addToast}
          onNewArticle={(target) => {
            openPage('articles');
            setArticleTarget(target);
          }}
        />
      ) : conversation ? (
        <ConversationView
          key={conversation.conversationId}
          connection={conversation}
          me={me}
          agents={data?.agents ?? []}
          summary={data?.mine.find((chat) => chat.conversationId === conversation.conversationId)}
          cannedReplies={data?.cannedReplies ?? []}
          onLeave={() => select(null)}
          toast={addToast}
          focus={focus}
          siteLabels={siteLabels}
          onOpenTicket={openTicket}
        />
      ) : (
        <main id="conversation" class="empty-state" tabIndex={-1} data-testid="no-conversation">
          <h2>{t('workspace.noChat')}</h2>
          <p class="muted">{waiting > 0 ? (waiting === 1 ? t('workspace.waitingOne') : t('workspace.waitingMany', { n: waiting })) : t('workspace.nobody')}</p>
        </main>
      )}
      {teamOpen && <TeamDialog agents={data?.agents ?? []} onClose={() => setTeamOpen(false)} />}
      <Toasts toasts={toasts} onDismiss={dismissToast} />
    </div>
  );

  function announce(entry: QueueEntry) {
    const body = `${reasonLabel(entry.reason)}${entry.lastMessage ? ` — “${oneLine(entry.lastMessage, 120)}”` : ''}`;
    notify(t('workspace.isWaiting', { name: shopperName(entry.shopper) }), body, `queue-${entry.conversationId}`);
  }
}

function without<T>(set: ReadonlySet<T>, item: T): ReadonlySet<T> {
  if (!set.has(item)) return set;
  const next = new Set(set);
  next.delete(item);
  return next;
}
